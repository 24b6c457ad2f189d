import { z } from "zod";
import { awareDateTime } from "./aware-date-time.js";
import { isPlainObject } from "./is-plain-object.js";
import { pyError } from "./py-error.js";
import { pyInt } from "./py-int.js";
import { INVALID, pySchema } from "./py-schema.js";
import { checkSmartUnion, type SmartUnionMember } from "./py-smart-union.js";
import { inputJsonSchema } from "./py-tagged-union.js";

/** A hundred years: far beyond any billing story, and a Date can still hold the result. */
export const SANDBOX_CLOCK_MAX_ADVANCE_SECONDS = 100 * 366 * 86_400;

/** Move the sandbox clock forward by seconds, or set it to an instant (which must not be in its past). */
export type SandboxClockInput = { advanceSeconds: number } | { to: Date };

const SandboxClockAdvance = z
  .object({ advance_seconds: pyInt({ gt: 0, le: SANDBOX_CLOCK_MAX_ADVANCE_SECONDS }) })
  .transform((body): SandboxClockInput => ({ advanceSeconds: body.advance_seconds }));

const SandboxClockSet = z.object({ to: awareDateTime }).transform((body): SandboxClockInput => ({ to: body.to }));

const members: SmartUnionMember<SandboxClockInput>[] = [
  { name: "SandboxClockAdvance", schema: SandboxClockAdvance, fields: ["advance_seconds"] },
  { name: "SandboxClockSet", schema: SandboxClockSet, fields: ["to"] },
];

/**
 * Meterline's sandbox clock body (no Polar counterpart): `{advance_seconds: int > 0}` or
 * `{to: aware datetime}`, reported like Polar's undiscriminated unions when neither fits.
 * Sending both is ambiguous and refused. Whether `to` lies in the clock's past is checked later.
 */
export const SandboxClockInput = pySchema(
  (input, report): SandboxClockInput | typeof INVALID => {
    if (isPlainObject(input) && input.advance_seconds !== undefined && input.to !== undefined) {
      report(pyError.valueError("Send either advance_seconds or to, not both.", input));
      return INVALID;
    }
    return checkSmartUnion(input, report, members);
  },
  { oneOf: [inputJsonSchema(SandboxClockAdvance), inputJsonSchema(SandboxClockSet)] },
);
