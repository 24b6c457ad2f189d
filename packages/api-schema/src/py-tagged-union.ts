import { z } from "zod";
import { isPlainObject } from "./is-plain-object.js";
import { parseInput } from "./parse-input.js";
import { pyError } from "./py-error.js";
import { INVALID, type Invalid, type JsonSchema, pySchema, type Report } from "./py-schema.js";

/** How Python's `str()` prints a JSON value, as pydantic shows a tag that is not a string. */
export function pythonText(value: unknown): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  if (isPlainObject(value))
    return `{${Object.entries(value)
      .map(([key, item]) => `'${key}': ${pythonRepr(item)}`)
      .join(", ")}}`;
  return String(value);
}

function pythonRepr(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : pythonText(value);
}

export type TaggedMembers = Readonly<Record<string, z.ZodType>>;
export type TaggedOutput<Members extends TaggedMembers> = z.output<Members[keyof Members]>;

/**
 * How the tag is found: a key (`Discriminator("type")`) or a function returning the tag or null
 * (`Discriminator(get_discriminator_value)`), which pydantic names `name()` in its messages.
 */
export type TagSource =
  | { key: string }
  | { function: string; tagOf: (input: Record<string, unknown>) => string | null };

/**
 * Validates `input` as a pydantic discriminated union: the tag picks the member, and the member's
 * errors are located under the tag (`["fixed", "price_amount"]`), as pydantic reports them.
 */
export function checkTaggedUnion<Members extends TaggedMembers>(
  input: unknown,
  report: Report,
  source: TagSource,
  members: Members,
): TaggedOutput<Members> | Invalid {
  if (input === undefined) {
    report(pyError.missing());
    return INVALID;
  }
  const tags = Object.keys(members);
  let tag: string;
  if ("key" in source) {
    if (!isPlainObject(input)) {
      report(pyError.modelAttributesType(input));
      return INVALID;
    }
    if (!(source.key in input)) {
      report(pyError.unionTagNotFound(source.key, input));
      return INVALID;
    }
    tag = pythonText(input[source.key]);
    if (!tags.includes(tag)) {
      report(pyError.unionTagInvalid(source.key, tag, tags, input));
      return INVALID;
    }
  } else {
    const discriminator = `${source.function}()`;
    const found = isPlainObject(input) ? source.tagOf(input) : null;
    if (found === null) {
      report(
        pyError.custom("union_tag_not_found", `Unable to extract tag using discriminator ${discriminator}`, input, {
          discriminator,
        }),
      );
      return INVALID;
    }
    if (!tags.includes(found)) {
      const expectedTags = tags.map((value) => `'${value}'`).join(", ");
      report(
        pyError.custom(
          "union_tag_invalid",
          `Input tag '${found}' found using ${discriminator} does not match any of the expected tags: ${expectedTags}`,
          input,
          { discriminator, tag: found, expected_tags: expectedTags },
        ),
      );
      return INVALID;
    }
    tag = found;
  }
  const member = members[tag] as z.ZodType;
  const parsed = parseInput(member, input, [tag]);
  if (parsed.ok) return parsed.value as TaggedOutput<Members>;
  for (const { loc, ...error } of parsed.detail) report(error, loc);
  return INVALID;
}

/** A member's request-body JSON Schema, for the OpenAPI document of a hand-checked union. */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
}

export function pyTaggedUnion<Members extends TaggedMembers>(
  source: TagSource,
  members: Members,
  jsonSchema?: JsonSchema,
) {
  const described = jsonSchema ?? {
    oneOf: Object.values(members).map(inputJsonSchema),
    ...("key" in source && { discriminator: { propertyName: source.key } }),
  };
  return pySchema((input, report) => checkTaggedUnion(input, report, source, members), described);
}
