import { describe, expect, it } from "vitest";
import { maxPage } from "./max-page.js";
import { pageOffset, parsePagination } from "./parse-pagination.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

function parse(query: Record<string, unknown>) {
  const errors: ValidationErrorItem[] = [];
  return { value: parsePagination(query, errors), errors };
}

describe("parsePagination", () => {
  it("defaults to page 1 of 10 (checklist item 25)", () => {
    expect(parse({})).toEqual({ value: { page: 1, limit: 10 }, errors: [] });
  });

  it("clamps a limit above 100 without an error (item 26)", () => {
    expect(parse({ limit: "101" })).toEqual({ value: { page: 1, limit: 100 }, errors: [] });
    expect(parse({ page: "3", limit: "100" })).toEqual({ value: { page: 3, limit: 100 }, errors: [] });
  });

  it("rejects zero and non-integers (item 27)", () => {
    expect(parse({ limit: "0" }).errors).toEqual([
      {
        type: "greater_than",
        loc: ["query", "limit"],
        msg: "Input should be greater than 0",
        input: "0",
        ctx: { gt: 0 },
      },
    ]);
    expect(parse({ page: "0" }).errors).toMatchObject([{ type: "greater_than", loc: ["query", "page"] }]);
    expect(parse({ limit: "abc" }).errors).toEqual([
      {
        type: "int_parsing",
        loc: ["query", "limit"],
        msg: "Input should be a valid integer, unable to parse string as an integer",
        input: "abc",
      },
    ]);
    expect(parse({ page: "-1", limit: "1.5" }).errors.map((item) => item.type)).toEqual([
      "greater_than",
      "int_parsing",
    ]);
  });

  it("uses the last value of a repeated parameter", () => {
    expect(parse({ page: ["1", "2"] }).value.page).toBe(2);
  });

  it("computes offsets", () => {
    expect(pageOffset({ page: 3, limit: 10 })).toBe(20);
  });
});

describe("maxPage", () => {
  it("is ceil(total / limit), 0 when empty (item 28)", () => {
    expect(maxPage(0, 10)).toBe(0);
    expect(maxPage(1, 10)).toBe(1);
    expect(maxPage(10, 10)).toBe(1);
    expect(maxPage(11, 10)).toBe(2);
    expect(maxPage(250, 100)).toBe(3);
  });
});
