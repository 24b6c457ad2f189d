import { pyError } from "./py-error.js";
import { type CheckResult, pyScalar } from "./py-schema.js";

export interface PyStringOptions {
  minLength?: number;
  maxLength?: number;
  /** Checked after the length, as pydantic does; `source` is what the error message shows. */
  pattern?: RegExp;
  stripWhitespace?: boolean;
}

/**
 * pydantic's constrained `str`: no coercion from numbers, lengths counted in code points (an emoji
 * is one character, as in Python).
 */
export function checkPyString(input: unknown, options: PyStringOptions = {}): CheckResult<string> {
  if (typeof input !== "string") return { ok: false, error: pyError.stringType(input) };
  // PostgreSQL text cannot hold NUL, and an unpaired surrogate is not Unicode: refuse both here
  // with a 422 instead of failing at the database with a 500.
  if (input.includes("\u0000") || !isWellFormed(input)) {
    return {
      ok: false,
      error: {
        type: "string_unicode",
        msg: "Input should be a valid string without NUL characters or unpaired surrogates",
        input,
      },
    };
  }
  const value = options.stripWhitespace ? input.trim() : input;
  const length = [...value].length;
  if (options.minLength !== undefined && length < options.minLength) {
    return { ok: false, error: pyError.stringTooShort(options.minLength, value) };
  }
  if (options.maxLength !== undefined && length > options.maxLength) {
    return { ok: false, error: pyError.stringTooLong(options.maxLength, value) };
  }
  if (options.pattern !== undefined && !options.pattern.test(value)) {
    return { ok: false, error: pyError.stringPatternMismatch(options.pattern.source, value) };
  }
  return { ok: true, value };
}

export function pyString(options: PyStringOptions = {}) {
  return pyScalar((input) => checkPyString(input, options), {
    type: "string",
    ...(options.minLength !== undefined && { minLength: options.minLength }),
    ...(options.maxLength !== undefined && { maxLength: options.maxLength }),
    ...(options.pattern !== undefined && { pattern: options.pattern.source }),
  });
}

/** `String.prototype.isWellFormed` (Node 20+), spelled out for the ES2023 typings. */
function isWellFormed(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed();
}
