import { describe, expect, it } from "vitest";
import { AggregationInput } from "./aggregation-input.js";
import { parseInput } from "./parse-input.js";

function parse(input: unknown) {
  return parseInput(AggregationInput, input, ["body", "aggregation"]);
}

describe("AggregationInput", () => {
  it("accepts count and ignores extra keys", () => {
    expect(parse({ func: "count", property: "x" })).toEqual({ ok: true, value: { func: "count" } });
  });

  it("requires a property for sum/avg/min/max and strips its prefix", () => {
    for (const func of ["sum", "avg", "min", "max"]) {
      expect(parse({ func, property: "metadata.tokens" })).toEqual({ ok: true, value: { func, property: "tokens" } });
    }
    expect(parse({ func: "sum" })).toEqual({
      ok: false,
      detail: [
        {
          type: "missing",
          loc: ["body", "aggregation", "sum", "property"],
          msg: "Field required",
          input: { func: "sum" },
        },
      ],
    });
    expect(parse({ func: "max", property: 3 })).toMatchObject({
      ok: false,
      detail: [{ type: "string_type", loc: ["body", "aggregation", "max", "property"] }],
    });
  });

  it("needs the func discriminator", () => {
    expect(parse({ property: "x" })).toEqual({
      ok: false,
      detail: [
        {
          type: "union_tag_not_found",
          loc: ["body", "aggregation"],
          msg: "Unable to extract tag using discriminator 'func'",
          input: { property: "x" },
          ctx: { discriminator: "'func'" },
        },
      ],
    });
  });

  it("rejects unknown functions with union_tag_invalid", () => {
    expect(parse({ func: "unique", property: "x" })).toMatchObject({
      ok: false,
      detail: [
        {
          type: "union_tag_invalid",
          msg: "Input tag 'unique' found using 'func' does not match any of the expected tags: 'count', 'sum', 'max', 'min', 'avg'",
          ctx: { tag: "unique" },
        },
      ],
    });
    expect(parse({ func: null })).toMatchObject({ ok: false, detail: [{ ctx: { tag: "None" } }] });
  });

  it("rejects non-objects", () => {
    expect(parse("count")).toMatchObject({ ok: false, detail: [{ type: "model_attributes_type" }] });
  });
});
