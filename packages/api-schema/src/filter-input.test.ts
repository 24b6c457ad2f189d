import { describe, expect, it } from "vitest";
import { FilterInput } from "./filter-input.js";
import { parseInput } from "./parse-input.js";

function clause(value: unknown, property = "tier") {
  return { conjunction: "and", clauses: [{ property, operator: "eq", value }] };
}

function accepted(input: unknown) {
  const result = parseInput(FilterInput, input, ["body", "filter"]);
  if (!result.ok) throw new Error(JSON.stringify(result.detail));
  return result.value;
}

function detailOf(input: unknown) {
  const result = parseInput(FilterInput, input, ["body", "filter"]);
  if (result.ok) throw new Error("expected a validation failure");
  return result.detail;
}

describe("FilterInput", () => {
  it("keeps the JSON type of clause values", () => {
    expect(accepted(clause("10")).clauses[0]).toMatchObject({ value: "10" });
    expect(accepted(clause(10)).clauses[0]).toMatchObject({ value: 10 });
    expect(accepted(clause(true)).clauses[0]).toMatchObject({ value: true });
    expect(accepted(clause("true")).clauses[0]).toMatchObject({ value: "true" });
  });

  it("accepts an integral float as an integer", () => {
    expect(
      accepted(JSON.parse('{"conjunction":"and","clauses":[{"property":"a","operator":"eq","value":10.0}]}'))
        .clauses[0],
    ).toEqual({
      property: "a",
      operator: "eq",
      value: 10,
    });
  });

  it("rejects a fractional float and null, naming both union members", () => {
    const detail = detailOf(clause(1.5));
    expect(detail.map((item) => item.loc.slice(4).join("."))).toEqual([
      "Filter.conjunction",
      "Filter.clauses",
      "FilterClause.value.constrained-str",
      "FilterClause.value.constrained-int",
      "FilterClause.value.bool",
    ]);
    expect(detail[3]).toMatchObject({ type: "int_from_float", input: 1.5 });
    expect(detail.every((item) => item.loc.slice(0, 4).join(".") === "body.filter.clauses.0")).toBe(true);
    expect(
      detailOf(clause(null))
        .slice(2)
        .map((item) => item.type),
    ).toEqual(["string_type", "int_type", "bool_type"]);
  });

  it("limits integers to ±(2^53−1)", () => {
    expect(accepted(clause(Number.MAX_SAFE_INTEGER)).clauses[0]).toMatchObject({ value: Number.MAX_SAFE_INTEGER });
    expect(accepted(clause(-Number.MAX_SAFE_INTEGER)).clauses[0]).toMatchObject({ value: -Number.MAX_SAFE_INTEGER });
    expect(detailOf(clause(2 ** 53))[3]).toMatchObject({
      type: "less_than_equal",
      ctx: { le: Number.MAX_SAFE_INTEGER },
    });
    expect(detailOf(clause(-(2 ** 53)))[3]).toMatchObject({
      type: "greater_than_equal",
      ctx: { ge: -Number.MAX_SAFE_INTEGER },
    });
  });

  it("limits string values to 1000 characters", () => {
    expect(accepted(clause("x".repeat(1000))).clauses).toHaveLength(1);
    expect(detailOf(clause("x".repeat(1001)))[2]).toMatchObject({ type: "string_too_long", ctx: { max_length: 1000 } });
  });

  it("strips the metadata. prefix once from every clause property, at any depth", () => {
    const filter = accepted({
      conjunction: "or",
      clauses: [
        { property: "metadata.tier", operator: "gt", value: 1 },
        { conjunction: "and", clauses: [{ property: "metadata.metadata.x", operator: "like", value: "a" }] },
      ],
    });
    expect(filter).toEqual({
      conjunction: "or",
      clauses: [
        { property: "tier", operator: "gt", value: 1 },
        { conjunction: "and", clauses: [{ property: "metadata.x", operator: "like", value: "a" }] },
      ],
    });
  });

  it("accepts empty clause lists and nesting", () => {
    expect(accepted({ conjunction: "and", clauses: [{ conjunction: "or", clauses: [] }] })).toEqual({
      conjunction: "and",
      clauses: [{ conjunction: "or", clauses: [] }],
    });
  });

  it("reports operators and conjunctions outside the enums", () => {
    const detail = detailOf({ conjunction: "xor", clauses: [] });
    expect(detail).toEqual([
      {
        type: "enum",
        loc: ["body", "filter", "conjunction"],
        msg: "Input should be 'and' or 'or'",
        input: "xor",
        ctx: { expected: "'and' or 'or'" },
      },
    ]);
    const operator = detailOf({ conjunction: "and", clauses: [{ property: "a", operator: "contains", value: "x" }] });
    expect(operator.at(-1)).toMatchObject({
      type: "enum",
      loc: ["body", "filter", "clauses", 0, "FilterClause", "operator"],
      msg: "Input should be 'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'like' or 'not_like'",
    });
  });

  it("reports a nested failure under every enclosing Filter member", () => {
    const detail = detailOf({
      conjunction: "and",
      clauses: [{ conjunction: "or", clauses: [{ property: "a", operator: "eq" }] }],
    });
    expect(detail.map((item) => item.loc.slice(2).join("."))).toEqual([
      "clauses.0.Filter.clauses.0.Filter.conjunction",
      "clauses.0.Filter.clauses.0.Filter.clauses",
      "clauses.0.Filter.clauses.0.FilterClause.value",
      "clauses.0.FilterClause.property",
      "clauses.0.FilterClause.operator",
      "clauses.0.FilterClause.value",
    ]);
  });

  it("requires both keys and an object", () => {
    expect(detailOf({}).map((item) => [item.type, item.loc.at(-1)])).toEqual([
      ["missing", "conjunction"],
      ["missing", "clauses"],
    ]);
    expect(detailOf("and")).toMatchObject([{ type: "model_attributes_type", loc: ["body", "filter"] }]);
    expect(detailOf({ conjunction: "and", clauses: {} })).toMatchObject([
      { type: "list_type", loc: ["body", "filter", "clauses"] },
    ]);
  });
});
