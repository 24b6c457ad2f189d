import type { FastifyInstance } from "fastify";

/**
 * Body parsing that leaves validation to the route pipeline, so authentication still comes first
 * (spec api-conventions §3.3: only an unparsable JSON body is rejected before authentication).
 * FastAPI reads an empty body as "no body" and a non-JSON one as raw text, and validates both after
 * its auth dependency; here they reach the route as `undefined` and a string, and its body parser
 * reports `missing` / `model_attributes_type` at `["body"]` once the token has been checked.
 */
export function installBodyParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body.toString();
    if (text === "") {
      done(null, undefined);
      return;
    }
    json(request, text, done);
  });
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
}
