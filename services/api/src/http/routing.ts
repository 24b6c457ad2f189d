import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { HttpMethod } from "./route.js";

interface KnownRoute {
  method: string;
  pattern: RegExp;
}

function toPattern(url: string): RegExp {
  const escaped = url
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${escaped}$`);
}

/**
 * Polar's routing answers for paths no route takes (spec api-conventions §1.2–1.3): toggle the
 * trailing slash and redirect with 307 when that matches a route (method and body are replayed),
 * 405 with `Allow` when only the method is wrong, otherwise the framework's 404 body.
 */
export class RoutingFallback {
  private readonly known: KnownRoute[] = [];

  register(method: HttpMethod | "HEAD", url: string): void {
    this.known.push({ method, pattern: toPattern(url) });
  }

  install(app: FastifyInstance): void {
    app.addHook("onRoute", (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) this.register(method as HttpMethod, route.url);
    });
    app.setNotFoundHandler((request, reply) => this.notFound(request, reply));
  }

  private methodsFor(path: string): string[] {
    return this.known.filter((route) => route.pattern.test(path)).map((route) => route.method);
  }

  private notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const [path = "/", search] = splitUrl(request.url);
    const methods = this.methodsFor(path);
    if (methods.length > 0) {
      const allow = [...new Set(methods)].join(", ");
      return reply.code(405).header("allow", allow).send({ detail: "Method Not Allowed" });
    }
    const toggled = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
    // Starlette redirects when the toggled path matches a route with any method (a full or a
    // partial match), so `PUT /v1/meters` is sent on to `/v1/meters/`, which then answers 405.
    if (toggled !== "" && this.methodsFor(toggled).length > 0) {
      const prefix = request.originalUrl.startsWith("/api/v1") ? "/api" : "";
      const host = request.headers["x-forwarded-host"] ?? request.headers.host ?? "127.0.0.1";
      const protocol = request.headers["x-forwarded-proto"] ?? request.protocol;
      const location = `${protocol}://${host}${prefix}${toggled}${search === undefined ? "" : `?${search}`}`;
      return reply.code(307).header("location", location).send();
    }
    return reply.code(404).send({ detail: "Not Found" });
  }
}

function splitUrl(url: string): [string, string | undefined] {
  const index = url.indexOf("?");
  return index === -1 ? [url, undefined] : [url.slice(0, index), url.slice(index + 1)];
}

/** `/api/v1/...` is Polar's legacy prefix: served as `/v1/...` with a deprecation notice. */
export function rewriteLegacyPrefix(url: string | undefined): string {
  if (url === undefined) return "/";
  return url.startsWith("/api/v1/") || url === "/api/v1" ? url.slice(4) : url;
}

export function addDeprecationNotice(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    if (request.originalUrl.startsWith("/api/v1")) {
      reply.header(
        "x-polar-deprecation-notice",
        "The API root has moved from /api/v1 to /v1. Please update your integration.",
      );
    }
  });
}
