import { checkPyEnum } from "./py-enum.js";
import { pyError } from "./py-error.js";
import { lastQueryValue, pushQueryError, type QueryInput, queryValues } from "./query-values.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

/** A single enum parameter (`interval=day`). */
export function parseEnumQuery<const Value extends string>(
  query: QueryInput,
  key: string,
  allowed: readonly Value[],
  options: { required?: boolean },
  errors: ValidationErrorItem[],
): Value | undefined {
  const text = lastQueryValue(query, key);
  if (text === undefined) {
    if (options.required) pushQueryError(errors, [key], pyError.missing(null));
    return undefined;
  }
  const parsed = checkPyEnum(allowed, text);
  if (parsed.ok) return parsed.value;
  pushQueryError(errors, [key], parsed.error);
  return undefined;
}

/** A repeatable enum filter (`source=user&source=system`, OR-ed). */
export function parseMultiEnumQuery<const Value extends string>(
  query: QueryInput,
  key: string,
  allowed: readonly Value[],
  errors: ValidationErrorItem[],
): Value[] {
  const values: Value[] = [];
  queryValues(query, key).forEach((text, index) => {
    const parsed = checkPyEnum(allowed, text);
    if (parsed.ok) values.push(parsed.value);
    else pushQueryError(errors, [key, index], parsed.error);
  });
  return values;
}
