import { describe, expect, it } from "vitest";
import { BenefitCreateInput } from "./benefit-create-input.js";
import { BenefitUpdateInput } from "./benefit-update-input.js";
import { parseInput } from "./parse-input.js";

const METER_ID = "0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const ORGANIZATION_ID = "1dbfc517-0bbf-4301-9ba8-555ca42b9737";
const credit = {
  type: "meter_credit",
  description: "200 API calls",
  properties: { meter_id: METER_ID, units: 200, rollover: false },
};

describe("BenefitCreateInput", () => {
  it("parses a meter_credit benefit (spec fixture CR200)", () => {
    expect(parseInput(BenefitCreateInput, { ...credit, organization_id: ORGANIZATION_ID }, ["body"])).toEqual({
      ok: true,
      value: {
        type: "meter_credit",
        description: "200 API calls",
        metadata: {},
        organizationId: ORGANIZATION_ID,
        properties: { meterId: METER_ID, units: 200, rollover: false },
      },
    });
  });

  it("parses a custom benefit, the note defaulting to null", () => {
    expect(
      parseInput(BenefitCreateInput, { type: "custom", description: "Support", properties: {}, metadata: { a: "b" } }, [
        "body",
      ]),
    ).toEqual({
      ok: true,
      value: {
        type: "custom",
        description: "Support",
        metadata: { a: "b" },
        organizationId: null,
        properties: { note: null },
      },
    });
    expect(
      parseInput(BenefitCreateInput, { type: "custom", description: "Support", properties: { note: "Mail us" } }, []),
    ).toMatchObject({ ok: true, value: { properties: { note: "Mail us" } } });
  });

  it.each([
    ["a short description", { ...credit, description: "ab" }, "string_too_short", ["meter_credit", "description"]],
    [
      "a long description",
      { ...credit, description: "x".repeat(43) },
      "string_too_long",
      ["meter_credit", "description"],
    ],
    [
      "zero units",
      { ...credit, properties: { ...credit.properties, units: 0 } },
      "greater_than",
      ["meter_credit", "properties", "units"],
    ],
    [
      "units beyond int4",
      { ...credit, properties: { ...credit.properties, units: 2 ** 31 } },
      "less_than_equal",
      ["meter_credit", "properties", "units"],
    ],
    [
      "fractional units",
      { ...credit, properties: { ...credit.properties, units: 1.5 } },
      "int_from_float",
      ["meter_credit", "properties", "units"],
    ],
    [
      "no rollover",
      { ...credit, properties: { meter_id: METER_ID, units: 1 } },
      "missing",
      ["meter_credit", "properties", "rollover"],
    ],
    [
      "a bad meter id",
      { ...credit, properties: { ...credit.properties, meter_id: "m" } },
      "uuid_parsing",
      ["meter_credit", "properties", "meter_id"],
    ],
    ["no properties", { type: "meter_credit", description: "abc" }, "missing", ["meter_credit", "properties"]],
    [
      "a custom benefit without properties",
      { type: "custom", description: "abc" },
      "missing",
      ["custom", "properties"],
    ],
    [
      "a numeric note",
      { type: "custom", description: "abc", properties: { note: 1 } },
      "string_type",
      ["custom", "properties", "note"],
    ],
    ["no type", { description: "abc", properties: {} }, "union_tag_not_found", []],
    ["a type Meterline cannot create", { type: "discord", description: "abc" }, "union_tag_invalid", []],
    ["a body that is not an object", [credit], "model_attributes_type", []],
  ])("refuses %s", (_, body, type, loc) => {
    const result = parseInput(BenefitCreateInput, body, ["body"]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail).toMatchObject([{ type, loc: ["body", ...loc] }]);
  });

  it("names only the types Meterline creates", () => {
    expect(parseInput(BenefitCreateInput, { type: "license_keys" }, ["body"])).toMatchObject({
      ok: false,
      detail: [
        {
          msg: "Input tag 'license_keys' found using 'type' does not match any of the expected tags: 'custom', 'meter_credit'",
          ctx: { expected_tags: "'custom', 'meter_credit'" },
        },
      ],
    });
  });
});

describe("BenefitUpdateInput", () => {
  it("requires the type and records the keys sent", () => {
    expect(parseInput(BenefitUpdateInput, { type: "meter_credit" }, ["body"])).toEqual({
      ok: true,
      value: { type: "meter_credit", presentKeys: [] },
    });
    expect(
      parseInput(BenefitUpdateInput, { type: "meter_credit", description: null, properties: credit.properties }, [
        "body",
      ]),
    ).toEqual({
      ok: true,
      value: {
        type: "meter_credit",
        description: null,
        properties: { meterId: METER_ID, units: 200, rollover: false },
        presentKeys: ["description", "properties"],
      },
    });
    expect(parseInput(BenefitUpdateInput, { description: "abc" }, ["body"])).toMatchObject({
      ok: false,
      detail: [{ type: "union_tag_not_found", loc: ["body"] }],
    });
  });

  it("replaces all three meter_credit properties at once", () => {
    expect(parseInput(BenefitUpdateInput, { type: "meter_credit", properties: { units: 5 } }, ["body"])).toMatchObject({
      ok: false,
      detail: [
        { type: "missing", loc: ["body", "meter_credit", "properties", "rollover"] },
        { type: "missing", loc: ["body", "meter_credit", "properties", "meter_id"] },
      ],
    });
  });

  it("needs the note key in custom properties (null allowed), as Polar's BenefitCustomProperties", () => {
    expect(parseInput(BenefitUpdateInput, { type: "custom", properties: {} }, ["body"])).toMatchObject({
      ok: false,
      detail: [{ type: "missing", loc: ["body", "custom", "properties", "note"] }],
    });
    expect(
      parseInput(BenefitUpdateInput, { type: "custom", properties: { note: null }, metadata: {} }, ["body"]),
    ).toEqual({
      ok: true,
      value: { type: "custom", metadata: {}, properties: { note: null }, presentKeys: ["metadata", "properties"] },
    });
  });
});
