import type { AuthSubject } from "@meterline/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { Authenticator } from "../auth/authenticator.js";
import { sendInsufficientScope, sendInvalidToken, sendNotPermitted, sendUnauthorized } from "./error-responses.js";
import { ValidationFailure, type ValidationIssue } from "./validation-failure.js";

export type RawQuery = Record<string, string | string[] | undefined>;
export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
export type SubjectType = AuthSubject["type"];

/** A parser of one request part: returns the typed value, pushes every problem into `issues`. */
export type Parser<T> = (raw: unknown, issues: ValidationIssue[]) => T;

export interface RouteContext<Params, Query, Body> {
  subject: AuthSubject;
  params: Params;
  query: Query;
  body: Body;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface QueryParameterDoc {
  name: string;
  schema: z.ZodType;
  required?: boolean;
  description?: string;
  /** deepObject for `metadata[key]=value`. */
  style?: "form" | "deepObject";
}

export interface RouteDefinition<Params = unknown, Query = unknown, Body = unknown> {
  method: HttpMethod;
  /** Fastify path with `:param` placeholders; trailing slashes are significant, as in Polar. */
  url: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Scopes of which the token needs at least one, and the subject types allowed (both by default). */
  auth: { scopes: readonly string[]; subjects?: readonly SubjectType[] };
  params?: Parser<Params>;
  query?: Parser<Query>;
  body?: Parser<Body>;
  status: 200 | 201 | 202 | 204;
  docs?: {
    params?: Record<string, z.ZodType>;
    query?: QueryParameterDoc[];
    body?: z.ZodType;
    response?: z.ZodType;
    description?: string;
  };
  handler: (context: RouteContext<Params, Query, Body>) => Promise<unknown>;
}

/** Types one route (its parsers feed the handler's context), then erases it for the registry. */
export function defineRoute<Params, Query, Body>(route: RouteDefinition<Params, Query, Body>): RouteDefinition {
  return route as unknown as RouteDefinition;
}

/**
 * Registers routes with Polar's request pipeline: authenticate, check subject type and scopes
 * (401/403 win over validation), then validate path, query and body together (one 422 listing
 * everything), then run the handler.
 */
export class RouteRegistry {
  readonly routes: RouteDefinition[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly authenticator: Authenticator,
  ) {}

  add<Params, Query, Body>(route: RouteDefinition<Params, Query, Body>): void {
    this.routes.push(route as RouteDefinition);
    this.app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        // `/v1/webhooks/endpoints/` matches `/v1/webhooks/endpoints/:id` with an empty id. Starlette
        // has no such match: it is a path no route takes (redirected or 404, before auth).
        if (Object.values((request.params ?? {}) as Record<string, string>).some((value) => value === "")) {
          return reply.callNotFound();
        }
        const authentication = await this.authenticator.authenticate(request.headers.authorization);
        if (authentication.outcome === "anonymous") return sendUnauthorized(reply);
        if (authentication.outcome === "invalid_token") return sendInvalidToken(reply);
        if (authentication.outcome === "blocked") return sendNotPermitted(reply);
        const subject = authentication.subject;
        const subjects = route.auth.subjects ?? ["organization", "user"];
        if (!subjects.includes(subject.type)) return sendInvalidToken(reply);
        if (!route.auth.scopes.some((scope) => subject.scopes.has(scope))) {
          return sendInsufficientScope(reply, route.auth.scopes);
        }
        const issues: ValidationIssue[] = [];
        const params = route.params ? route.params(request.params, issues) : (undefined as Params);
        const query = route.query ? route.query(request.query, issues) : (undefined as Query);
        const body = route.body ? route.body(request.body, issues) : (undefined as Body);
        if (issues.length > 0) throw new ValidationFailure(issues);
        const result = await route.handler({ subject, params, query, body, request, reply });
        if (reply.sent) return reply;
        if (route.status === 204) return reply.code(204).send();
        return reply.code(route.status).send(result === undefined ? null : result);
      },
    });
  }
}
