import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseInput } from "./parse-input.js";
import { pyBool } from "./py-bool.js";
import { pyEnum, pyLiteral } from "./py-enum.js";
import { pyError } from "./py-error.js";
import { pyInt } from "./py-int.js";
import { pyString } from "./py-string.js";
import { toValidationDetail } from "./to-validation-detail.js";
import { uuid4 } from "./uuid4.js";

function detailOf(schema: z.ZodType, input: unknown) {
  const result = parseInput(schema, input, ["body"]);
  if (result.ok) throw new Error("expected a validation failure");
  return result.detail;
}

describe("toValidationDetail with plain zod schemas", () => {
  it("maps an absent key to missing with the parent object as input", () => {
    expect(detailOf(z.object({ name: z.string(), filter: z.object({}) }), { other: 1 })).toEqual([
      { type: "missing", loc: ["body", "name"], msg: "Field required", input: { other: 1 } },
      { type: "missing", loc: ["body", "filter"], msg: "Field required", input: { other: 1 } },
    ]);
  });

  it("maps wrong types to pydantic's type errors", () => {
    const schema = z.object({
      s: z.string(),
      i: z.int(),
      f: z.number(),
      b: z.boolean(),
      d: z.record(z.string(), z.string()),
      m: z.object({}),
      l: z.array(z.string()),
    });
    const detail = detailOf(schema, { s: 1, i: 1.5, f: "y", b: null, d: [], m: "z", l: {} });
    expect(detail.map((item) => [item.loc.at(-1), item.type, item.msg])).toEqual([
      ["s", "string_type", "Input should be a valid string"],
      ["i", "int_from_float", "Input should be a valid integer, got a number with a fractional part"],
      ["f", "float_parsing", "Input should be a valid number, unable to parse string as a number"],
      ["b", "bool_type", "Input should be a valid boolean"],
      ["d", "dict_type", "Input should be a valid dictionary"],
      ["m", "model_attributes_type", "Input should be a valid dictionary or object to extract fields from"],
      ["l", "list_type", "Input should be a valid list"],
    ]);
    expect(detail[0]?.input).toBe(1);
  });

  it("maps lengths and bounds", () => {
    const schema = z.object({ a: z.string().min(3), b: z.string().max(1), c: z.number().gt(0), d: z.number().lte(5) });
    expect(detailOf(schema, { a: "ab", b: "xy", c: 0, d: 6 })).toEqual([
      {
        type: "string_too_short",
        loc: ["body", "a"],
        msg: "String should have at least 3 characters",
        input: "ab",
        ctx: { min_length: 3 },
      },
      {
        type: "string_too_long",
        loc: ["body", "b"],
        msg: "String should have at most 1 character",
        input: "xy",
        ctx: { max_length: 1 },
      },
      { type: "greater_than", loc: ["body", "c"], msg: "Input should be greater than 0", input: 0, ctx: { gt: 0 } },
      {
        type: "less_than_equal",
        loc: ["body", "d"],
        msg: "Input should be less than or equal to 5",
        input: 6,
        ctx: { le: 5 },
      },
    ]);
  });

  it("maps enums and literals", () => {
    expect(detailOf(z.object({ e: z.enum(["a", "b", "c"]), l: z.literal("count") }), { e: "x", l: "y" })).toEqual([
      {
        type: "enum",
        loc: ["body", "e"],
        msg: "Input should be 'a', 'b' or 'c'",
        input: "x",
        ctx: { expected: "'a', 'b' or 'c'" },
      },
      {
        type: "literal_error",
        loc: ["body", "l"],
        msg: "Input should be 'count'",
        input: "y",
        ctx: { expected: "'count'" },
      },
    ]);
  });

  it("maps a custom refinement to value_error", () => {
    const schema = z.object({ n: z.string().refine((value) => value !== "no", "No is not allowed.") });
    expect(detailOf(schema, { n: "no" })).toEqual([
      {
        type: "value_error",
        loc: ["body", "n"],
        msg: "Value error, No is not allowed.",
        input: "no",
        ctx: { error: {} },
      },
    ]);
  });

  it("still recognizes missing keys when parsed without reportInput", () => {
    const result = z.object({ name: z.string() }).safeParse({});
    expect(result.success).toBe(false);
    expect(toValidationDetail(result.error?.issues ?? [], ["body"], {})).toEqual([
      { type: "missing", loc: ["body", "name"], msg: "Field required", input: {} },
    ]);
  });
});

describe("pydantic leaves", () => {
  it("pyString counts code points and reports string_type for numbers", () => {
    expect(parseInput(pyString({ maxLength: 2 }), "🙂🙂", []).ok).toBe(true);
    expect(detailOf(pyString(), 5)).toMatchObject([{ type: "string_type", loc: ["body"], input: 5 }]);
    expect(detailOf(pyString({ pattern: /^[a-z]+$/ }), "A")).toEqual([
      {
        type: "string_pattern_mismatch",
        loc: ["body"],
        msg: "String should match pattern '^[a-z]+$'",
        input: "A",
        ctx: { pattern: "^[a-z]+$" },
      },
    ]);
  });

  it("pyInt is lax like pydantic: integral floats and numeric text pass", () => {
    expect(parseInput(pyInt(), 10.0, [])).toEqual({ ok: true, value: 10 });
    expect(parseInput(pyInt(), " 7 ", [])).toEqual({ ok: true, value: 7 });
    expect(detailOf(pyInt(), 1.5)).toMatchObject([{ type: "int_from_float" }]);
    expect(detailOf(pyInt(), "abc")).toMatchObject([{ type: "int_parsing", input: "abc" }]);
    expect(detailOf(pyInt(), true)).toMatchObject([{ type: "int_type", msg: "Input should be a valid integer" }]);
    expect(detailOf(pyInt({ gt: 0 }), 0)).toMatchObject([{ type: "greater_than", ctx: { gt: 0 } }]);
    expect(detailOf(pyInt({ ge: 0 }), -1)).toMatchObject([
      { type: "greater_than_equal", msg: "Input should be greater than or equal to 0" },
    ]);
  });

  it("pyBool accepts pydantic's words and rejects the rest", () => {
    expect(parseInput(pyBool(), "yes", [])).toEqual({ ok: true, value: true });
    expect(parseInput(pyBool(), 0, [])).toEqual({ ok: true, value: false });
    expect(detailOf(pyBool(), "maybe")).toMatchObject([
      { type: "bool_parsing", msg: "Input should be a valid boolean, unable to interpret input" },
    ]);
    expect(detailOf(pyBool(), null)).toMatchObject([{ type: "bool_type" }]);
  });

  it("pyEnum and pyLiteral differ only in type", () => {
    expect(detailOf(pyEnum(["and", "or"]), "xor")).toMatchObject([
      { type: "enum", msg: "Input should be 'and' or 'or'" },
    ]);
    expect(detailOf(pyLiteral(["count"]), "sum")).toMatchObject([
      { type: "literal_error", msg: "Input should be 'count'" },
    ]);
  });

  it("uuid4 reports uuid_parsing and uuid_version", () => {
    expect(detailOf(uuid4, "abc")).toMatchObject([{ type: "uuid_parsing", loc: ["body"] }]);
    expect(detailOf(uuid4, "a8098c1a-f86e-11da-bd1a-00112444be1e")).toMatchObject([
      { type: "uuid_version", ctx: { expected_version: 4 } },
    ]);
  });

  it("reports a required leaf's absence as missing", () => {
    expect(detailOf(z.object({ id: uuid4 }), {})).toEqual([
      { type: "missing", loc: ["body", "id"], msg: "Field required", input: {} },
    ]);
  });

  it("keeps the pydantic messages' singular forms", () => {
    expect(pyError.stringTooShort(1, "").msg).toBe("String should have at least 1 character");
    expect(pyError.tooLong("Dictionary", 50, 51, {}).msg).toBe(
      "Dictionary should have at most 50 items after validation, not 51",
    );
  });
});
