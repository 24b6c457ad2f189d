import { pyError } from "./py-error.js";
import { type CheckResult, pyScalar } from "./py-schema.js";

/** A Python `StrEnum` field: anything outside `values` is an `enum` error listing them. */
export function checkPyEnum<const T extends string>(values: readonly T[], input: unknown): CheckResult<T> {
  if (typeof input === "string" && (values as readonly string[]).includes(input))
    return { ok: true, value: input as T };
  return { ok: false, error: pyError.enum(values, input) };
}

export function pyEnum<const T extends string>(values: readonly T[]) {
  return pyScalar((input) => checkPyEnum(values, input), { type: "string", enum: [...values] });
}

/** A `Literal[...]` field: same check, reported as `literal_error`. */
export function pyLiteral<const T extends string>(values: readonly T[]) {
  return pyScalar(
    (input): CheckResult<T> => {
      if (typeof input === "string" && (values as readonly string[]).includes(input))
        return { ok: true, value: input as T };
      return { ok: false, error: pyError.literal(values, input) };
    },
    { type: "string", enum: [...values] },
  );
}
