import { type Aggregation, type PropertyAggregationFunction, stripMetadataPrefix } from "@meterline/core";
import { z } from "zod";
import { isPlainObject } from "./is-plain-object.js";
import { parseInput } from "./parse-input.js";
import { pyLiteral } from "./py-enum.js";
import { pyError } from "./py-error.js";
import { INVALID, pySchema } from "./py-schema.js";
import { pyString } from "./py-string.js";

/** The discriminator's tags in Polar's order (its `AggregationFunction` enum), as errors list them. */
export const AGGREGATION_FUNCTIONS = ["count", "sum", "max", "min", "avg"] as const;
const PROPERTY_FUNCTIONS: readonly PropertyAggregationFunction[] = ["sum", "max", "min", "avg"];

const PropertyAggregationFields = z.object({ func: pyLiteral(PROPERTY_FUNCTIONS), property: pyString() });

/** How Python prints a tag that is not a string, for `union_tag_invalid`. */
function tagText(tag: unknown): string {
  if (tag === null) return "None";
  if (tag === true) return "True";
  if (tag === false) return "False";
  return typeof tag === "string" ? tag : JSON.stringify(tag);
}

/**
 * A union discriminated by `func`: `{"func":"count"}` or `{"func":"sum"|"max"|"min"|"avg","property":P}`.
 * Errors inside a member carry the tag in their location (`["aggregation","sum","property"]`).
 */
export const AggregationInput = pySchema(
  (input, report): Aggregation | typeof INVALID => {
    if (input === undefined) {
      report(pyError.missing());
      return INVALID;
    }
    if (!isPlainObject(input)) {
      report(pyError.modelAttributesType(input));
      return INVALID;
    }
    if (!("func" in input)) {
      report(pyError.unionTagNotFound("func", input));
      return INVALID;
    }
    const tag = input.func;
    if (typeof tag !== "string" || !(AGGREGATION_FUNCTIONS as readonly string[]).includes(tag)) {
      report(pyError.unionTagInvalid("func", tagText(tag), AGGREGATION_FUNCTIONS, input));
      return INVALID;
    }
    if (tag === "count") return { func: "count" };
    const parsed = parseInput(PropertyAggregationFields, input, [tag]);
    if (!parsed.ok) {
      for (const { loc, ...error } of parsed.detail) report(error, loc);
      return INVALID;
    }
    return { func: parsed.value.func, property: stripMetadataPrefix(parsed.value.property) };
  },
  {
    oneOf: [
      { type: "object", properties: { func: { const: "count" } }, required: ["func"] },
      {
        type: "object",
        properties: { func: { type: "string", enum: [...PROPERTY_FUNCTIONS] }, property: { type: "string" } },
        required: ["func", "property"],
      },
    ],
  },
);
export type AggregationInput = Aggregation;
