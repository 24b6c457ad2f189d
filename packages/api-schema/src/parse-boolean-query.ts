import { checkPyBool } from "./py-bool.js";
import { lastQueryValue, pushQueryError, type QueryInput } from "./query-values.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

/** A boolean parameter: `true`/`false` (the SDK's), also `1/0/yes/no/on/off`. */
export function parseBooleanQuery(query: QueryInput, key: string, errors: ValidationErrorItem[]): boolean | undefined {
  const text = lastQueryValue(query, key);
  if (text === undefined) return undefined;
  const parsed = checkPyBool(text);
  if (parsed.ok) return parsed.value;
  pushQueryError(errors, [key], parsed.error);
  return undefined;
}
