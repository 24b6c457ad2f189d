import { z } from "zod";
import { type PyError, pyError } from "./py-error.js";
import type { Loc } from "./validation-error-item.js";

/** Returned by a check that reported its errors and has no value to give. */
export const INVALID: unique symbol = Symbol("invalid");
export type Invalid = typeof INVALID;

/** Reports one error, at `loc` relative to the value being checked. */
export type Report = (error: PyError, loc?: Loc) => void;

export type PyCheck<T> = (input: unknown, report: Report) => T | Invalid;

/**
 * What a custom zod issue carries so `toValidationDetail` can restore the pydantic error exactly:
 * zod's own issue codes cannot express union branch tags, dictionary `[key]` locations and the
 * lax-mode coercions Polar's answers show.
 */
export interface PyIssueParams {
  pydantic: PyError;
}

/**
 * A zod transform step whose validation is a hand-written check; use it after a zod object to
 * apply rules that span fields.
 */
export function pyTransform<I, O>(check: (value: I, report: Report) => O | Invalid): z.ZodTransform<O, I> {
  return z.transform((value: I, ctx): O => {
    let failed = false;
    const output = check(value, (error, loc = []) => {
      failed = true;
      const params: PyIssueParams = { pydantic: error };
      ctx.addIssue({ code: "custom", message: error.msg, input: error.input, path: [...loc], params });
    });
    return failed || output === INVALID ? z.NEVER : output;
  });
}

/** What a hand-checked schema looks like in the OpenAPI document (zod cannot infer it). */
export type JsonSchema = Record<string, unknown>;

/**
 * A zod schema whose validation is a hand-written check. The check sees `undefined` for an absent
 * key, so a bare `pySchema` field is required and `.optional()` makes it optional.
 */
export function pySchema<T>(
  check: PyCheck<T>,
  jsonSchema?: JsonSchema,
): z.ZodPipe<z.ZodUnknown, z.ZodTransform<T, unknown>> {
  const schema = z.unknown().pipe(pyTransform(check));
  return jsonSchema === undefined ? schema : schema.meta(jsonSchema);
}

export type CheckResult<T> = { ok: true; value: T } | { ok: false; error: PyError };

/** Adapts a single-error check (most scalar leaves) to a schema; an absent value is `missing`. */
export function pyScalar<T>(
  check: (input: unknown) => CheckResult<T>,
  jsonSchema?: JsonSchema,
): z.ZodPipe<z.ZodUnknown, z.ZodTransform<T, unknown>> {
  return pySchema((input, report) => {
    if (input === undefined) {
      report(pyError.missing());
      return INVALID;
    }
    const result = check(input);
    if (result.ok) return result.value;
    report(result.error);
    return INVALID;
  }, jsonSchema);
}
