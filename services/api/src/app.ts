import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { MATERIALIZER_GROUP } from "@meterline/core";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { ApiDeps } from "./deps.js";
import { installBodyParsers } from "./http/body-parsers.js";
import { handleError } from "./http/error-responses.js";
import { buildOpenApiDocument } from "./http/openapi.js";
import { type RouteDefinition, RouteRegistry } from "./http/route.js";
import { addDeprecationNotice, RoutingFallback, rewriteLegacyPrefix } from "./http/routing.js";

export interface AppOptions {
  /** Logger options (the engine), or a ready pino instance shared with the rest of a service. */
  logger?: FastifyServerOptions["logger"] | FastifyBaseLogger;
  /** Route groups to serve: the standalone engine serves them all, each service its own. */
  routes: ReadonlyArray<(deps: ApiDeps) => RouteDefinition[]>;
  /** Serve `/openapi.json` and the interactive docs at `/docs`. */
  docs?: boolean;
  /** Largest request body (ingest batches are the big ones). */
  bodyLimit?: number;
  /** Extra readiness check (`/readyz`): resolves when every dependency answers. */
  ready?: () => Promise<void>;
}

/** How far the materializer is behind the log, per partition (operators and benchmarks watch this). */
async function materializerLag(deps: ApiDeps) {
  const partitions = await Promise.all(
    deps.log.partitions().map(async (partition) => {
      const [head, watermark] = await Promise.all([
        deps.log.head(partition),
        deps.log.watermark(MATERIALIZER_GROUP, partition),
      ]);
      // A partition's first offset is 0 (Kafka) or 1 (the embedded log): "nothing yet" is -1.
      const headOffset = head?.offset ?? -1;
      const watermarkOffset = watermark?.offset ?? -1;
      return {
        partition,
        head: headOffset,
        watermark: watermarkOffset,
        lag: Math.max(0, headOffset - watermarkOffset),
      };
    }),
  );
  return { lag: partitions.reduce((sum, entry) => sum + entry.lag, 0), partitions };
}

function isLoggerInstance(logger: AppOptions["logger"]): logger is FastifyBaseLogger {
  return typeof logger === "object" && logger !== null && typeof (logger as FastifyBaseLogger).child === "function";
}

export async function buildApp(deps: ApiDeps, options: AppOptions): Promise<FastifyInstance> {
  const logger = options.logger;
  const app = Fastify({
    ...(isLoggerInstance(logger) ? { loggerInstance: logger } : { logger: logger ?? false }),
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    rewriteUrl: (request) => rewriteLegacyPrefix(request.url),
    routerOptions: { ignoreTrailingSlash: false, ignoreDuplicateSlashes: false },
    return503OnClosing: true,
  });
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  installBodyParsers(app);
  const fallback = new RoutingFallback();
  fallback.install(app);
  addDeprecationNotice(app);

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    try {
      await deps.db.query("SELECT 1");
      await options.ready?.();
      return { status: "ok", materializer: await materializerLag(deps) };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });

  const registry = new RouteRegistry(app, deps.authenticator);
  for (const group of options.routes) for (const route of group(deps)) registry.add(route);

  if (options.docs !== false) {
    const document = buildOpenApiDocument(registry.routes);
    app.get("/openapi.json", async () => document);
    await app.register(swagger, { mode: "static", specification: { document: document as never } });
    await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });
  }
  return app;
}
