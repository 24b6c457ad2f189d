import type { Metadata } from "@meterline/core";
import { isPlainObject } from "./is-plain-object.js";
import { type PyError, pyError } from "./py-error.js";
import { INVALID, pySchema, type Report } from "./py-schema.js";
import { checkPyString } from "./py-string.js";

export const METADATA_MAX_KEYS = 50;
export const METADATA_KEY_MAX_LENGTH = 40;
export const METADATA_VALUE_MAX_LENGTH = 500;

type MetadataValue = Metadata[string];

/**
 * One value of the union `constr(1..500) | int | float | bool`. pydantic's smart union keeps an
 * exact type match, so `"123"` stays a string and `true` a boolean; when every member fails it
 * reports each member's error under the member's tag.
 */
function checkMetadataValue(
  input: unknown,
): { ok: true; value: MetadataValue } | { ok: false; errors: [string, PyError][] } {
  if (typeof input === "boolean") return { ok: true, value: input };
  if (typeof input === "number" && Number.isFinite(input)) return { ok: true, value: input };
  if (typeof input === "string") {
    const text = checkPyString(input, { minLength: 1, maxLength: METADATA_VALUE_MAX_LENGTH });
    if (text.ok) return text;
    return {
      ok: false,
      errors: [
        ["constrained-str", text.error],
        ["int", pyError.intParsing(input)],
        ["float", pyError.floatParsing(input)],
        ["bool", pyError.boolParsing(input)],
      ],
    };
  }
  return {
    ok: false,
    errors: [
      ["constrained-str", pyError.stringType(input)],
      ["int", pyError.intType(input)],
      ["float", pyError.floatType(input)],
      ["bool", pyError.boolType(input)],
    ],
  };
}

/** Checks a metadata object (Polar's `MetadataField`), reporting under the field's location. */
export function checkMetadata(input: unknown, report: Report): Metadata | typeof INVALID {
  if (input === undefined) {
    report(pyError.missing());
    return INVALID;
  }
  if (!isPlainObject(input)) {
    report(pyError.dictType(input));
    return INVALID;
  }
  const output: Metadata = {};
  let failed = false;
  for (const [key, value] of Object.entries(input)) {
    const keyResult = checkPyString(key, { minLength: 1, maxLength: METADATA_KEY_MAX_LENGTH });
    if (!keyResult.ok) {
      failed = true;
      report(keyResult.error, [key, "[key]"]);
    }
    const valueResult = checkMetadataValue(value);
    if (!valueResult.ok) {
      failed = true;
      for (const [tag, error] of valueResult.errors) report(error, [key, tag]);
    } else {
      output[key] = valueResult.value;
    }
  }
  if (failed) return INVALID;
  // pydantic checks a dict's size only once its items are valid, hence "after validation".
  const count = Object.keys(output).length;
  if (count > METADATA_MAX_KEYS) {
    report(pyError.tooLong("Dictionary", METADATA_MAX_KEYS, count, input));
    return INVALID;
  }
  return output;
}

/** Metadata as create/update bodies and events send it: ≤ 50 keys of 1–40 characters, flat typed values. */
export const MetadataInput = pySchema(checkMetadata, {
  type: "object",
  maxProperties: METADATA_MAX_KEYS,
  propertyNames: { type: "string", minLength: 1, maxLength: METADATA_KEY_MAX_LENGTH },
  additionalProperties: {
    anyOf: [
      { type: "string", minLength: 1, maxLength: METADATA_VALUE_MAX_LENGTH },
      { type: "integer" },
      { type: "number" },
      { type: "boolean" },
    ],
  },
});
export type MetadataInput = Metadata;
