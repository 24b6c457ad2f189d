import { pyError } from "./py-error.js";
import { type CheckResult, pyScalar } from "./py-schema.js";

export interface PyIntOptions {
  gt?: number;
  ge?: number;
  lt?: number;
  le?: number;
}

const INTEGER_TEXT = /^\s*[+-]?\d+(\.0*)?\s*$/;

/**
 * pydantic's lax `int`: integral floats (`10.0`) and numeric strings (query values) are accepted,
 * booleans are not.
 */
export function checkPyInt(input: unknown, options: PyIntOptions = {}): CheckResult<number> {
  let value: number;
  if (typeof input === "number") {
    if (!Number.isFinite(input))
      return { ok: false, error: pyError.custom("finite_number", "Input should be a finite number", input) };
    if (!Number.isInteger(input)) return { ok: false, error: pyError.intFromFloat(input) };
    value = input;
  } else if (typeof input === "string") {
    if (!INTEGER_TEXT.test(input)) return { ok: false, error: pyError.intParsing(input) };
    value = Number.parseInt(input.trim(), 10);
  } else {
    return { ok: false, error: pyError.intType(input) };
  }
  if (options.gt !== undefined && !(value > options.gt))
    return { ok: false, error: pyError.greaterThan(options.gt, input) };
  if (options.ge !== undefined && !(value >= options.ge))
    return { ok: false, error: pyError.greaterThanEqual(options.ge, input) };
  if (options.lt !== undefined && !(value < options.lt))
    return { ok: false, error: pyError.lessThan(options.lt, input) };
  if (options.le !== undefined && !(value <= options.le))
    return { ok: false, error: pyError.lessThanEqual(options.le, input) };
  return { ok: true, value };
}

export function pyInt(options: PyIntOptions = {}) {
  return pyScalar((input) => checkPyInt(input, options), {
    type: "integer",
    ...(options.gt !== undefined && { exclusiveMinimum: options.gt }),
    ...(options.ge !== undefined && { minimum: options.ge }),
    ...(options.lt !== undefined && { exclusiveMaximum: options.lt }),
    ...(options.le !== undefined && { maximum: options.le }),
  });
}
