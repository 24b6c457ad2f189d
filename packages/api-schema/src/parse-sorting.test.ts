import { describe, expect, it } from "vitest";
import { parseSorting } from "./parse-sorting.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

const METER_SORTING = ["created_at", "name"] as const;

function parse(query: Record<string, unknown>) {
  const errors: ValidationErrorItem[] = [];
  return { value: parseSorting(query, METER_SORTING, ["name"], errors), errors };
}

describe("parseSorting (checklist items 31, 34)", () => {
  it("applies the defaults when absent", () => {
    expect(parse({})).toEqual({ value: [{ property: "name", descending: false }], errors: [] });
  });

  it("keeps repeated criteria in order, with - for descending", () => {
    expect(parse({ sorting: ["-created_at", "name"] })).toEqual({
      value: [
        { property: "created_at", descending: true },
        { property: "name", descending: false },
      ],
      errors: [],
    });
  });

  it("rejects unknown criteria at their index", () => {
    expect(parse({ sorting: "bogus" }).errors).toEqual([
      { type: "enum", loc: ["query", "sorting", 0], msg: "Invalid sorting criterion.", input: "bogus" },
    ]);
    expect(parse({ sorting: ["name", "--name", ""] }).errors.map((item) => item.loc)).toEqual([
      ["query", "sorting", 1],
      ["query", "sorting", 2],
    ]);
  });
});
