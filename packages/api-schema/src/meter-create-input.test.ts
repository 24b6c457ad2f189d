import { describe, expect, it } from "vitest";
import { MeterCreateInput } from "./meter-create-input.js";
import { MeterUpdateInput } from "./meter-update-input.js";
import { parseInput } from "./parse-input.js";

const ORGANIZATION_ID = "1dbfc517-0bbf-4301-9ba8-555ca42b9737";
const filter = { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] };

describe("MeterCreateInput", () => {
  it("parses TV-20's body, ignoring unknown keys, with metadata defaulting to {}", () => {
    expect(
      parseInput(MeterCreateInput, { name: "API calls", filter, aggregation: { func: "count" }, color: "red" }, [
        "body",
      ]),
    ).toEqual({
      ok: true,
      value: { name: "API calls", filter, aggregation: { func: "count" }, metadata: {}, organizationId: null },
    });
  });

  it("lists every missing field in one answer (checklist item 38)", () => {
    const result = parseInput(MeterCreateInput, {}, ["body"]);
    expect(result).toEqual({
      ok: false,
      detail: [
        { type: "missing", loc: ["body", "name"], msg: "Field required", input: {} },
        { type: "missing", loc: ["body", "filter"], msg: "Field required", input: {} },
        { type: "missing", loc: ["body", "aggregation"], msg: "Field required", input: {} },
      ],
    });
  });

  it("requires a name of at least 3 characters", () => {
    expect(
      parseInput(MeterCreateInput, { name: "ab", filter, aggregation: { func: "count" } }, ["body"]),
    ).toMatchObject({
      ok: false,
      detail: [{ type: "string_too_short", loc: ["body", "name"], ctx: { min_length: 3 } }],
    });
  });

  it("validates organization_id as a UUID4 and keeps it", () => {
    const body = {
      name: "abc",
      filter,
      aggregation: { func: "count" },
      organization_id: ORGANIZATION_ID.toUpperCase(),
    };
    expect(parseInput(MeterCreateInput, body, ["body"])).toMatchObject({
      ok: true,
      value: { organizationId: ORGANIZATION_ID },
    });
    expect(parseInput(MeterCreateInput, { ...body, organization_id: "x" }, ["body"])).toMatchObject({
      ok: false,
      detail: [{ type: "uuid_parsing", loc: ["body", "organization_id"] }],
    });
  });
});

describe("MeterUpdateInput", () => {
  it("records which keys were present, explicit nulls included", () => {
    expect(parseInput(MeterUpdateInput, { filter: null }, ["body"])).toEqual({
      ok: true,
      value: { filter: null, presentKeys: ["filter"] },
    });
    expect(parseInput(MeterUpdateInput, { name: "API calls v2" }, ["body"])).toEqual({
      ok: true,
      value: { name: "API calls v2", presentKeys: ["name"] },
    });
    expect(parseInput(MeterUpdateInput, {}, ["body"])).toEqual({ ok: true, value: { presentKeys: [] } });
    expect(parseInput(MeterUpdateInput, { aggregation: { func: "count" }, metadata: { a: 1 } }, ["body"])).toEqual({
      ok: true,
      value: { aggregation: { func: "count" }, metadata: { a: 1 }, presentKeys: ["metadata", "aggregation"] },
    });
  });

  it("validates what is present", () => {
    expect(parseInput(MeterUpdateInput, { name: "ab", metadata: null }, ["body"])).toMatchObject({
      ok: false,
      detail: [
        { type: "dict_type", loc: ["body", "metadata"] },
        { type: "string_too_short", loc: ["body", "name"] },
      ],
    });
  });
});
