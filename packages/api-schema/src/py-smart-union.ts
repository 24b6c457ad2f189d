import type { z } from "zod";
import { isPlainObject } from "./is-plain-object.js";
import { parseInput } from "./parse-input.js";
import { pyError } from "./py-error.js";
import { INVALID, type Invalid, type JsonSchema, pySchema, type Report } from "./py-schema.js";
import { inputJsonSchema } from "./py-tagged-union.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

/** One model of an undiscriminated union: its class name labels its errors. */
export interface SmartUnionMember<Output> {
  name: string;
  schema: z.ZodType<Output, unknown>;
  /** The model's field names, to count how many the input sets. */
  fields: readonly string[];
}

/**
 * Validates `input` as a pydantic smart-mode union of models (no discriminator): every member
 * is tried; among those that validate, the one setting the most of its fields wins, the
 * leftmost on a tie. When none validates, every member's errors are reported under its class
 * name (`["SubscriptionCancel", "cancel_at_period_end"]`), member by member.
 */
export function checkSmartUnion<Output>(
  input: unknown,
  report: Report,
  members: readonly SmartUnionMember<Output>[],
): Output | Invalid {
  if (input === undefined) {
    report(pyError.missing());
    return INVALID;
  }
  let best: { value: Output; fieldsSet: number } | undefined;
  const failures: ValidationErrorItem[] = [];
  for (const member of members) {
    const parsed = parseInput(member.schema, input, [member.name]);
    if (!parsed.ok) {
      failures.push(...parsed.detail);
      continue;
    }
    const fieldsSet = isPlainObject(input) ? member.fields.filter((field) => Object.hasOwn(input, field)).length : 0;
    if (best === undefined || fieldsSet > best.fieldsSet) best = { value: parsed.value, fieldsSet };
  }
  if (best !== undefined) return best.value;
  for (const { loc, ...error } of failures) report(error, loc);
  return INVALID;
}

export function pySmartUnion<Output>(members: readonly SmartUnionMember<Output>[], jsonSchema?: JsonSchema) {
  return pySchema((input, report) => checkSmartUnion(input, report, members), {
    anyOf: members.map((member) => inputJsonSchema(member.schema)),
    ...jsonSchema,
  });
}
