import type { Filter } from "@meterline/core";
import { FilterInput } from "./filter-input.js";
import { parseInput } from "./parse-input.js";
import { pyError } from "./py-error.js";
import { lastQueryValue, pushQueryError, type QueryInput } from "./query-values.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

/** `GET /v1/events/?filter=<JSON>`: a meter filter sent as a JSON string. */
export function parseFilterQuery(query: QueryInput, key: string, errors: ValidationErrorItem[]): Filter | undefined {
  const text = lastQueryValue(query, key);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    pushQueryError(errors, [key], pyError.jsonInvalid(error instanceof Error ? error.message : "invalid JSON", text));
    return undefined;
  }
  const parsed = parseInput(FilterInput, json, ["query", key]);
  if (parsed.ok) return parsed.value;
  errors.push(...parsed.detail);
  return undefined;
}
