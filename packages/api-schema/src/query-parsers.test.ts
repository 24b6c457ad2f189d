import { describe, expect, it } from "vitest";
import { parseAwareDateTimeQuery } from "./parse-aware-date-time-query.js";
import { parseBooleanQuery } from "./parse-boolean-query.js";
import { parseEnumQuery, parseMultiEnumQuery } from "./parse-enum-query.js";
import { parseFilterQuery } from "./parse-filter-query.js";
import { parseMultiString } from "./parse-multi-string.js";
import { parseMultiUuid } from "./parse-multi-uuid.js";
import { parsePagination } from "./parse-pagination.js";
import { parseUuidQuery } from "./parse-uuid-query.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

const A = "8e5ac3b4-6ec4-4c3a-9ed7-3ea2a8c2f0e1";
const B = "1dbfc517-0bbf-4301-9ba8-555ca42b9737";

describe("list filters (checklist item 32)", () => {
  it("accepts one value or a repeated key", () => {
    const errors: ValidationErrorItem[] = [];
    expect(parseMultiUuid({ organization_id: A }, "organization_id", errors)).toEqual([A]);
    expect(parseMultiUuid({ organization_id: [A, B.toUpperCase()] }, "organization_id", errors)).toEqual([A, B]);
    expect(parseMultiUuid({}, "organization_id", errors)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("does not split comma-joined ids", () => {
    const errors: ValidationErrorItem[] = [];
    expect(parseMultiUuid({ organization_id: `${A},${B}` }, "organization_id", errors)).toEqual([]);
    expect(errors).toMatchObject([{ type: "uuid_parsing", loc: ["query", "organization_id", 0], input: `${A},${B}` }]);
  });

  it("passes strings through", () => {
    expect(parseMultiString({ external_customer_id: ["u1", "u,2"] }, "external_customer_id")).toEqual(["u1", "u,2"]);
  });

  it("checks enums, single and repeated", () => {
    const errors: ValidationErrorItem[] = [];
    expect(parseMultiEnumQuery({ source: ["user", "robot"] }, "source", ["user", "system"], errors)).toEqual(["user"]);
    expect(parseEnumQuery({}, "interval", ["day", "hour"], { required: true }, errors)).toBeUndefined();
    expect(parseEnumQuery({ interval: "day" }, "interval", ["day", "hour"], { required: true }, errors)).toBe("day");
    expect(errors).toEqual([
      {
        type: "enum",
        loc: ["query", "source", 1],
        msg: "Input should be 'user' or 'system'",
        input: "robot",
        ctx: { expected: "'user' or 'system'" },
      },
      { type: "missing", loc: ["query", "interval"], msg: "Field required", input: null },
    ]);
  });

  it("checks single UUIDs and booleans", () => {
    const errors: ValidationErrorItem[] = [];
    expect(parseUuidQuery({ meter_id: A }, "meter_id", {}, errors)).toBe(A);
    expect(
      parseUuidQuery({ meter_id: "a8098c1a-f86e-11da-bd1a-00112444be1e" }, "meter_id", {}, errors),
    ).toBeUndefined();
    expect(parseBooleanQuery({ active: "false" }, "active", errors)).toBe(false);
    expect(parseBooleanQuery({ active: "sure" }, "active", errors)).toBeUndefined();
    expect(errors.map((item) => [item.type, item.loc.join(".")])).toEqual([
      ["uuid_version", "query.meter_id"],
      ["bool_parsing", "query.active"],
    ]);
  });
});

describe("parseAwareDateTimeQuery", () => {
  it("parses aware datetimes and rejects naive ones", () => {
    const errors: ValidationErrorItem[] = [];
    expect(
      parseAwareDateTimeQuery({ start_timestamp: "2025-06-01T00:00:00.000Z" }, "start_timestamp", {}, errors),
    ).toEqual(new Date("2025-06-01T00:00:00Z"));
    expect(
      parseAwareDateTimeQuery({ start_timestamp: "2025-06-01T00:00:00" }, "start_timestamp", {}, errors),
    ).toBeUndefined();
    expect(parseAwareDateTimeQuery({}, "end_timestamp", { required: true }, errors)).toBeUndefined();
    expect(parseAwareDateTimeQuery({}, "end_timestamp", {}, errors)).toBeUndefined();
    expect(errors.map((item) => [item.type, item.loc.join(".")])).toEqual([
      ["timezone_aware", "query.start_timestamp"],
      ["missing", "query.end_timestamp"],
    ]);
  });

  it("enforces an inclusive lower bound", () => {
    const errors: ValidationErrorItem[] = [];
    const min = new Date("2023-01-01T00:00:00Z");
    expect(parseAwareDateTimeQuery({ s: "2023-01-01T00:00:00Z" }, "s", { min }, errors)).toEqual(min);
    expect(parseAwareDateTimeQuery({ s: "2022-12-31T23:59:59Z" }, "s", { min }, errors)).toBeUndefined();
    expect(errors).toEqual([
      {
        type: "greater_than_equal",
        loc: ["query", "s"],
        msg: "Input should be greater than or equal to 2023-01-01T00:00:00Z",
        input: "2022-12-31T23:59:59Z",
        ctx: { ge: "2023-01-01T00:00:00Z" },
      },
    ]);
  });
});

describe("parseFilterQuery", () => {
  it("parses a JSON filter and locates its errors under the parameter", () => {
    const errors: ValidationErrorItem[] = [];
    const json = JSON.stringify({
      conjunction: "and",
      clauses: [{ property: "metadata.a", operator: "eq", value: 1 }],
    });
    expect(parseFilterQuery({ filter: json }, "filter", errors)).toEqual({
      conjunction: "and",
      clauses: [{ property: "a", operator: "eq", value: 1 }],
    });
    expect(parseFilterQuery({ filter: "{" }, "filter", errors)).toBeUndefined();
    expect(parseFilterQuery({ filter: '{"conjunction":"nand","clauses":[]}' }, "filter", errors)).toBeUndefined();
    expect(errors.map((item) => [item.type, item.loc.join(".")])).toEqual([
      ["json_invalid", "query.filter"],
      ["enum", "query.filter.conjunction"],
    ]);
  });
});

describe("a route's query", () => {
  it("collects every error in one list", () => {
    const errors: ValidationErrorItem[] = [];
    const query = { page: "0", limit: "x", customer_id: ["nope", A] };
    parsePagination(query, errors);
    parseMultiUuid(query, "customer_id", errors);
    expect(errors.map((item) => item.loc.join("."))).toEqual(["query.page", "query.limit", "query.customer_id.0"]);
  });
});
