import { pushQueryError, type QueryInput, queryValues } from "./query-values.js";
import { checkUuid4 } from "./uuid4.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

/**
 * A list filter of UUID4s (`?customer_id=A&customer_id=B`, OR-ed). Comma-joined values are not
 * split: `A,B` is one invalid UUID, as in Polar.
 */
export function parseMultiUuid(query: QueryInput, key: string, errors: ValidationErrorItem[]): string[] {
  const ids: string[] = [];
  queryValues(query, key).forEach((text, index) => {
    const parsed = checkUuid4(text);
    if (parsed.ok) ids.push(parsed.value);
    else pushQueryError(errors, [key, index], parsed.error);
  });
  return ids;
}
