import { checkAwareDateTime } from "./aware-date-time.js";
import { formatDateTime } from "./format-date-time.js";
import { pyError } from "./py-error.js";
import { lastQueryValue, pushQueryError, type QueryInput } from "./query-values.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

export interface AwareDateTimeQueryOptions {
  required?: boolean;
  /** Inclusive lower bound (quantities' `start_timestamp` ≥ 2023-01-01). */
  min?: Date;
}

/** A timezone-aware datetime parameter (`start_timestamp`, ...); naive values are rejected. */
export function parseAwareDateTimeQuery(
  query: QueryInput,
  key: string,
  options: AwareDateTimeQueryOptions,
  errors: ValidationErrorItem[],
): Date | undefined {
  const text = lastQueryValue(query, key);
  if (text === undefined) {
    if (options.required) pushQueryError(errors, [key], pyError.missing(null));
    return undefined;
  }
  const parsed = checkAwareDateTime(text);
  if (!parsed.ok) {
    pushQueryError(errors, [key], parsed.error);
    return undefined;
  }
  if (options.min !== undefined && parsed.value.getTime() < options.min.getTime()) {
    pushQueryError(errors, [key], pyError.greaterThanEqual(formatDateTime(options.min), text));
    return undefined;
  }
  return parsed.value;
}
