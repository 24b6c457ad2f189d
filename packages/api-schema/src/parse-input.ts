import type { z } from "zod";
import { toValidationDetail } from "./to-validation-detail.js";
import type { Loc, ValidationErrorItem } from "./validation-error-item.js";

export type InputResult<T> = { ok: true; value: T } | { ok: false; detail: ValidationErrorItem[] };

/** Parses raw JSON (a body, a decoded query value) and locates every error under `locPrefix`. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, locPrefix: Loc): InputResult<z.output<S>> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, detail: toValidationDetail(result.error.issues, locPrefix, input) };
}
