import { z } from "zod";
import type { RouteDefinition } from "./route.js";

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  delete json.$schema;
  return json;
}

function errorResponse(description: string) {
  return { description, content: { "application/json": { schema: { type: "object" } } } };
}

/**
 * The OpenAPI 3.1 document, generated from the same route definitions and zod schemas that
 * validate and shape the traffic, so the document cannot drift from the server.
 */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], options: { serverUrl?: string } = {}) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, "{$1}");
    const parameters: unknown[] = [];
    for (const [name, schema] of Object.entries(route.docs?.params ?? {})) {
      parameters.push({ name, in: "path", required: true, schema: toSchema(schema, "input") });
    }
    for (const parameter of route.docs?.query ?? []) {
      parameters.push({
        name: parameter.name,
        in: "query",
        required: parameter.required ?? false,
        description: parameter.description,
        style: parameter.style ?? "form",
        explode: true,
        schema: toSchema(parameter.schema, "input"),
      });
    }
    const responses: Record<string, unknown> = {
      [String(route.status)]:
        route.status === 204
          ? { description: "No content" }
          : {
              description: "Successful response",
              content: {
                "application/json": { schema: route.docs?.response ? toSchema(route.docs.response, "output") : {} },
              },
            },
      "401": errorResponse("Missing, invalid or expired token"),
      "403": errorResponse("The token lacks the required scope"),
      "422": errorResponse("Validation error"),
    };
    if (route.url.includes(":")) responses["404"] = errorResponse("Not found");
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      description: route.docs?.description,
      tags: [route.tag],
      parameters,
      responses,
      security: [{ access_token: [] }],
      "x-required-scopes": route.auth.scopes,
    };
    if (route.docs?.body !== undefined) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: toSchema(route.docs.body, "input") } },
      };
    }
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Polar API",
      version: "0.1.0",
      description:
        "Meterline: a self-hostable usage-billing engine speaking Polar's API. Authenticate with `Authorization: Bearer <token>`.",
    },
    servers: [{ url: options.serverUrl ?? "/" }],
    components: {
      securitySchemes: {
        access_token: {
          type: "http",
          scheme: "bearer",
          description: "Organization access token (polar_oat_…) or personal access token (polar_pat_…)",
        },
      },
    },
    paths,
  };
}
