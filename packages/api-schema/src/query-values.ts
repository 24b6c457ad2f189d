import type { PyError } from "./py-error.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

/**
 * A parsed query string as Fastify's default parser gives it: a string, or an array of strings for
 * a repeated key; `metadata[key]` stays a literal key.
 */
export type QueryInput = Readonly<Record<string, unknown>>;

/** Every value given for `key`, in order (a repeated key is how lists are sent). */
export function queryValues(query: QueryInput, key: string): string[] {
  if (!Object.hasOwn(query, key)) return [];
  const value = query[key];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return [];
}

/** A single-valued parameter; when repeated the last value counts, as in Starlette. */
export function lastQueryValue(query: QueryInput, key: string): string | undefined {
  return queryValues(query, key).at(-1);
}

/** Records a query error; absent values are reported with `input: null`, as FastAPI does. */
export function pushQueryError(errors: ValidationErrorItem[], loc: (string | number)[], error: PyError): void {
  const item: ValidationErrorItem = {
    type: error.type,
    loc: ["query", ...loc],
    msg: error.msg,
    input: error.input ?? null,
  };
  if (error.ctx !== undefined) item.ctx = error.ctx;
  errors.push(item);
}
