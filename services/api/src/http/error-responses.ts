import { DomainError } from "@meterline/core";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ValidationFailure } from "./validation-failure.js";

const INVALID_TOKEN_DESCRIPTION =
  "The access token provided is expired, revoked, malformed, or invalid for other reasons.";
const INSUFFICIENT_SCOPE_DESCRIPTION = "The request requires higher privileges than provided by the access token.";

export function sendUnauthorized(reply: FastifyReply): FastifyReply {
  return reply
    .code(401)
    .header("www-authenticate", 'Bearer realm="polar"')
    .send({ error: "Unauthorized", detail: "Unauthorized" });
}

export function sendInvalidToken(reply: FastifyReply, description = INVALID_TOKEN_DESCRIPTION): FastifyReply {
  return reply
    .code(401)
    .header("www-authenticate", `Bearer realm="polar", error="invalid_token", error_description="${description}"`)
    .header("cache-control", "no-store")
    .header("pragma", "no-cache")
    .send({ error: "invalid_token", error_description: description });
}

export function sendInsufficientScope(reply: FastifyReply, scopes: readonly string[]): FastifyReply {
  return reply
    .code(403)
    .header(
      "www-authenticate",
      `Bearer realm="polar", scope="${scopes.join(" ")}", error="insufficient_scope", error_description="${INSUFFICIENT_SCOPE_DESCRIPTION}"`,
    )
    .send({ error: "insufficient_scope", error_description: INSUFFICIENT_SCOPE_DESCRIPTION });
}

export function sendNotPermitted(reply: FastifyReply): FastifyReply {
  return reply.code(403).send({ error: "NotPermitted", detail: "Not permitted" });
}

/** Polar's exception class names for domain error kinds (the SDK matches these literally). */
const CONFLICT_CLASSES: Record<string, string> = {};

/**
 * The one place that turns errors into HTTP answers. Internals never leak: a 5xx body is generic
 * and the cause goes to the log.
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ValidationFailure) {
    return reply.code(422).send({ error: error.errorClass, detail: error.detail });
  }
  if (error instanceof DomainError) {
    switch (error.kind) {
      case "not_found":
        // Specific 404s keep their class name (InvoiceDoesNotExist); the SDK matches it literally.
        return reply.code(404).send({
          error: error.code === "NOT_FOUND" ? "ResourceNotFound" : toClassName(error.code),
          detail: error.message || "Not found",
        });
      case "invalid":
        return reply.code(422).send({
          error: "PolarRequestValidationError",
          detail: [
            {
              type: error.type ?? "value_error",
              loc: [...(error.loc ?? ["body"])],
              msg: error.message,
              input: error.input,
            },
          ],
        });
      case "forbidden":
        return reply.code(403).send({
          error: error.code === "NOT_PERMITTED" ? "NotPermitted" : toClassName(error.code),
          detail: error.message,
        });
      case "conflict":
        return reply
          .code(409)
          .send({ error: CONFLICT_CLASSES[error.code] ?? toClassName(error.code), detail: error.message });
      case "bad_request":
        return reply.code(400).send({ error: "BadRequest", detail: error.message });
      case "gone":
        return reply.code(410).send({ error: "ResourceUnavailable", detail: error.message });
      case "unavailable":
        request.log.warn({ err: error.cause ?? error }, "dependency unavailable");
        return reply.code(503).header("retry-after", "1").send({ error: "ServiceUnavailable", detail: error.message });
    }
  }
  const fastifyError = error as Partial<FastifyError> & { statusCode?: number };
  if (fastifyError.code === "FST_ERR_CTP_EMPTY_JSON_BODY") {
    return reply.code(422).send({
      error: "RequestValidationError",
      detail: [{ type: "missing", loc: ["body"], msg: "Field required", input: null }],
    });
  }
  if (fastifyError.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    return reply.code(422).send({
      error: "RequestValidationError",
      detail: [
        {
          type: "model_attributes_type",
          loc: ["body"],
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: null,
        },
      ],
    });
  }
  if (fastifyError.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return reply.code(413).send({ error: "PayloadTooLarge", detail: "Request body is too large." });
  }
  if (
    fastifyError.statusCode === 400 &&
    (error instanceof SyntaxError ||
      fastifyError.code === "FST_ERR_CTP_INVALID_CONTENT_LENGTH" ||
      /JSON/i.test(fastifyError.message ?? ""))
  ) {
    return reply.code(422).send({
      error: "RequestValidationError",
      detail: [
        {
          type: "json_invalid",
          loc: ["body", 0],
          msg: "JSON decode error",
          input: {},
          ctx: { error: fastifyError.message },
        },
      ],
    });
  }
  if (typeof fastifyError.statusCode === "number" && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return reply
      .code(fastifyError.statusCode)
      .send({ error: "BadRequest", detail: fastifyError.message ?? "Bad request" });
  }
  request.log.error({ err: error }, "unhandled error");
  return reply.code(500).send({ error: "InternalServerError", detail: "Internal server error" });
}

function toClassName(code: string): string {
  return code
    .toLowerCase()
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
