import { pyError } from "./py-error.js";
import { lastQueryValue, pushQueryError, type QueryInput } from "./query-values.js";
import { checkUuid4 } from "./uuid4.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

/** A single UUID4 parameter (events' `meter_id`) or path segment checked the same way. */
export function parseUuidQuery(
  query: QueryInput,
  key: string,
  options: { required?: boolean },
  errors: ValidationErrorItem[],
): string | undefined {
  const text = lastQueryValue(query, key);
  if (text === undefined) {
    if (options.required) pushQueryError(errors, [key], pyError.missing(null));
    return undefined;
  }
  const parsed = checkUuid4(text);
  if (parsed.ok) return parsed.value;
  pushQueryError(errors, [key], parsed.error);
  return undefined;
}
