import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MetadataInput } from "./metadata-input.js";
import { parseInput } from "./parse-input.js";

const Body = z.object({ metadata: MetadataInput.optional() });

function detailOf(metadata: unknown) {
  const result = parseInput(Body, { metadata }, ["body"]);
  if (result.ok) throw new Error("expected a validation failure");
  return result.detail;
}

function keys(count: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, index]));
}

describe("MetadataInput (checklist item 40)", () => {
  it("round-trips typed values without coercion", () => {
    const metadata = { x: 1.5, y: true, z: "123", n: 7, neg: -2 };
    expect(parseInput(Body, { metadata }, ["body"])).toEqual({ ok: true, value: { metadata } });
  });

  it("accepts 50 keys and rejects 51 with too_long at the metadata loc", () => {
    expect(parseInput(Body, { metadata: keys(50) }, ["body"]).ok).toBe(true);
    const metadata = keys(51);
    expect(detailOf(metadata)).toEqual([
      {
        type: "too_long",
        loc: ["body", "metadata"],
        msg: "Dictionary should have at most 50 items after validation, not 51",
        input: metadata,
        ctx: { field_type: "Dictionary", max_length: 50, actual_length: 51 },
      },
    ]);
  });

  it("limits keys to 1–40 characters", () => {
    const long = "k".repeat(41);
    expect(parseInput(Body, { metadata: { ["k".repeat(40)]: 1 } }, ["body"]).ok).toBe(true);
    expect(detailOf({ [long]: 1 })).toEqual([
      {
        type: "string_too_long",
        loc: ["body", "metadata", long, "[key]"],
        msg: "String should have at most 40 characters",
        input: long,
        ctx: { max_length: 40 },
      },
    ]);
    expect(detailOf({ "": 1 })).toMatchObject([{ type: "string_too_short", loc: ["body", "metadata", "", "[key]"] }]);
  });

  it("limits string values to 1–500 characters, reporting every union member", () => {
    expect(parseInput(Body, { metadata: { v: "v".repeat(500) } }, ["body"]).ok).toBe(true);
    const long = "v".repeat(501);
    expect(detailOf({ v: long }).map((item) => [item.type, item.loc])).toEqual([
      ["string_too_long", ["body", "metadata", "v", "constrained-str"]],
      ["int_parsing", ["body", "metadata", "v", "int"]],
      ["float_parsing", ["body", "metadata", "v", "float"]],
      ["bool_parsing", ["body", "metadata", "v", "bool"]],
    ]);
    expect(detailOf({ v: "" }).map((item) => item.type)).toEqual([
      "string_too_short",
      "int_parsing",
      "float_parsing",
      "bool_parsing",
    ]);
  });

  it("rejects null, arrays and nested objects", () => {
    for (const value of [null, [1], { nested: 1 }]) {
      expect(detailOf({ v: value }).map((item) => item.type)).toEqual([
        "string_type",
        "int_type",
        "float_type",
        "bool_type",
      ]);
    }
  });

  it("rejects a non-object with dict_type", () => {
    for (const metadata of [null, [], "x"]) {
      expect(detailOf(metadata)).toEqual([
        { type: "dict_type", loc: ["body", "metadata"], msg: "Input should be a valid dictionary", input: metadata },
      ]);
    }
  });

  it("reports item errors before (and instead of) the size check", () => {
    const metadata = { ...keys(51), bad: null };
    expect(detailOf(metadata).every((item) => item.type !== "too_long")).toBe(true);
  });
});
