import { describe, expect, it } from "vitest";
import { DiscountCreateInput } from "./discount-create-input.js";
import { DiscountUpdateInput } from "./discount-update-input.js";
import { parseInput } from "./parse-input.js";

const PRODUCT_ID = "d8dd2de1-21b7-4a41-8bc3-ce909c0cfe23";
const common = {
  code: null,
  startsAt: null,
  endsAt: null,
  maxRedemptions: null,
  products: [],
  metadata: {},
  organizationId: null,
};

describe("DiscountCreateInput: four variants", () => {
  it.each([
    [
      "fixed once",
      { name: "Welcome", type: "fixed", amount: 5000, duration: "once" },
      { type: "fixed", amount: 5000, currency: "usd", duration: "once" },
    ],
    [
      "fixed forever in usd",
      { name: "Welcome", type: "fixed", amount: 0, currency: "usd", duration: "forever" },
      { type: "fixed", amount: 0, currency: "usd", duration: "forever" },
    ],
    [
      "fixed repeating",
      { name: "Welcome", type: "fixed", amount: 1000, duration: "repeating", duration_in_months: 24 },
      { type: "fixed", amount: 1000, currency: "usd", duration: "repeating", durationInMonths: 24 },
    ],
    [
      "percentage forever (D30)",
      { name: "D30", type: "percentage", basis_points: 3000, duration: "forever" },
      { type: "percentage", basisPoints: 3000, duration: "forever" },
    ],
    [
      "percentage repeating",
      { name: "Half", type: "percentage", basis_points: 5000, duration: "repeating", duration_in_months: 3 },
      { type: "percentage", basisPoints: 5000, duration: "repeating", durationInMonths: 3 },
    ],
    [
      "percentage once at 100%",
      { name: "Free", type: "percentage", basis_points: 10_000, duration: "once", products: null },
      { type: "percentage", basisPoints: 10_000, duration: "once" },
    ],
  ])("parses %s", (_, body, expected) => {
    expect(parseInput(DiscountCreateInput, body, ["body"])).toEqual({
      ok: true,
      value: { ...common, name: body.name, ...expected },
    });
  });

  it("parses every optional field", () => {
    const body = {
      name: "Summer",
      type: "percentage",
      basis_points: 2550,
      duration: "once",
      code: "  Summer25 ",
      starts_at: "2025-06-01T00:00:00Z",
      ends_at: "2025-09-01T00:00:00+02:00",
      max_redemptions: 100,
      products: [PRODUCT_ID.toUpperCase()],
      metadata: { campaign: "summer" },
      organization_id: "1dbfc517-0bbf-4301-9ba8-555ca42b9737",
    };
    expect(parseInput(DiscountCreateInput, body, ["body"])).toEqual({
      ok: true,
      value: {
        type: "percentage",
        basisPoints: 2550,
        duration: "once",
        name: "Summer",
        code: "Summer25",
        startsAt: new Date("2025-06-01T00:00:00Z"),
        endsAt: new Date("2025-08-31T22:00:00Z"),
        maxRedemptions: 100,
        products: [PRODUCT_ID],
        metadata: { campaign: "summer" },
        organizationId: "1dbfc517-0bbf-4301-9ba8-555ca42b9737",
      },
    });
  });

  it.each([
    ["", null],
    ["   ", null],
    [null, null],
    ["ABC", "ABC"],
    ["été2025", "été2025"],
    ["x".repeat(256), "x".repeat(256)],
  ])("keeps the code %j as %j", (code, expected) => {
    const body = { name: "D", type: "fixed", amount: 100, duration: "once", code };
    expect(parseInput(DiscountCreateInput, body, [])).toMatchObject({ ok: true, value: { code: expected } });
  });

  const once = { name: "D", type: "fixed", amount: 100, duration: "once" };
  const repeat = { name: "D", type: "percentage", basis_points: 100, duration: "repeating", duration_in_months: 2 };

  it.each([
    [
      "a two-character code",
      { ...once, code: "AB" },
      "value_error",
      ["fixed.once_forever", "code"],
      "Value error, Code must be between 3 and 256 characters long.",
    ],
    [
      "a code of 257 characters",
      { ...once, code: "x".repeat(257) },
      "value_error",
      ["fixed.once_forever", "code"],
      "Value error, Code must be between 3 and 256 characters long.",
    ],
    [
      "a code with a dash",
      { ...once, code: "SUMMER-25" },
      "value_error",
      ["fixed.once_forever", "code"],
      "Value error, Code must contain only alphanumeric characters.",
    ],
    [
      "an empty name",
      { ...once, name: "" },
      "string_too_short",
      ["fixed.once_forever", "name"],
      "String should have at least 1 character",
    ],
    [
      "a negative amount",
      { ...once, amount: -1 },
      "greater_than_equal",
      ["fixed.once_forever", "amount"],
      "Input should be greater than or equal to 0",
    ],
    [
      "a currency other than usd",
      { ...once, currency: "eur" },
      "string_pattern_mismatch",
      ["fixed.once_forever", "currency"],
      "String should match pattern 'usd'",
    ],
    [
      "zero basis points",
      { ...repeat, basis_points: 0 },
      "greater_than_equal",
      ["percentage.repeat", "basis_points"],
      "Input should be greater than or equal to 1",
    ],
    [
      "more than 100%",
      { ...repeat, basis_points: 10_001 },
      "less_than_equal",
      ["percentage.repeat", "basis_points"],
      "Input should be less than or equal to 10000",
    ],
    [
      "zero months",
      { ...repeat, duration_in_months: 0 },
      "greater_than_equal",
      ["percentage.repeat", "duration_in_months"],
      "Input should be greater than or equal to 1",
    ],
    [
      "a repeating discount without months",
      { ...repeat, duration_in_months: undefined },
      "missing",
      ["percentage.repeat", "duration_in_months"],
      "Field required",
    ],
    [
      "zero redemptions",
      { ...once, max_redemptions: 0 },
      "greater_than_equal",
      ["fixed.once_forever", "max_redemptions"],
      "Input should be greater than or equal to 1",
    ],
    [
      "a naive start",
      { ...once, starts_at: "2025-06-01T00:00:00" },
      "timezone_aware",
      ["fixed.once_forever", "starts_at"],
      "Input should have timezone info",
    ],
    [
      "a product that is no UUID",
      { ...once, products: ["p"] },
      "uuid_parsing",
      ["fixed.once_forever", "products", 0],
      undefined,
    ],
    [
      "a start after the end",
      { ...once, starts_at: "2025-07-01T00:00:00Z", ends_at: "2025-06-01T00:00:00Z" },
      "value_error",
      ["fixed.once_forever"],
      "Value error, starts_at must be before ends_at",
    ],
    [
      "a start equal to the end",
      { ...repeat, starts_at: "2025-06-01T00:00:00Z", ends_at: "2025-06-01T02:00:00+02:00" },
      "value_error",
      ["percentage.repeat"],
      "Value error, starts_at must be before ends_at",
    ],
    [
      "no type",
      { name: "D", amount: 1, duration: "once" },
      "union_tag_not_found",
      [],
      "Unable to extract tag using discriminator get_discriminator_value()",
    ],
    [
      "no duration",
      { name: "D", type: "fixed", amount: 1 },
      "union_tag_not_found",
      [],
      "Unable to extract tag using discriminator get_discriminator_value()",
    ],
    [
      "an unknown type",
      { ...once, type: "bogus" },
      "union_tag_invalid",
      [],
      "Input tag 'bogus.once_forever' found using get_discriminator_value() does not match any of the expected tags: 'fixed.once_forever', 'fixed.repeat', 'percentage.once_forever', 'percentage.repeat'",
    ],
  ])("refuses %s", (_, body, type, loc, msg) => {
    const result = parseInput(DiscountCreateInput, body, ["body"]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.detail).toHaveLength(1);
      expect(result.detail[0]).toMatchObject({ type, loc: ["body", ...loc] });
      if (msg !== undefined) expect(result.detail[0]?.msg).toBe(msg);
    }
  });

  it("reports a model-level date error with the whole body as input", () => {
    const body = { ...once, starts_at: "2025-07-01T00:00:00Z", ends_at: "2025-06-01T00:00:00Z" };
    expect(parseInput(DiscountCreateInput, body, ["body"])).toEqual({
      ok: false,
      detail: [
        {
          type: "value_error",
          loc: ["body", "fixed.once_forever"],
          msg: "Value error, starts_at must be before ends_at",
          input: body,
          ctx: { error: {} },
        },
      ],
    });
  });

  it("sends an unknown duration to the repeating member, as Polar's discriminator does", () => {
    const result = parseInput(DiscountCreateInput, { name: "D", type: "fixed", amount: 1, duration: "weekly" }, [
      "body",
    ]);
    expect(result).toMatchObject({
      ok: false,
      detail: [
        {
          type: "literal_error",
          loc: ["body", "fixed.repeat", "duration"],
          msg: "Input should be <DiscountDuration.repeating: 'repeating'>",
        },
        { type: "missing", loc: ["body", "fixed.repeat", "duration_in_months"] },
      ],
    });
  });

  it("reports the errors of a variant in Polar's field order", () => {
    const result = parseInput(DiscountCreateInput, { type: "percentage", duration: "repeating", name: "" }, ["body"]);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.detail.map((item) => item.loc.at(-1))).toEqual(["duration_in_months", "basis_points", "name"]);
  });
});

describe("DiscountUpdateInput", () => {
  it("records the keys sent, renamed", () => {
    expect(parseInput(DiscountUpdateInput, {}, ["body"])).toEqual({ ok: true, value: { presentKeys: [] } });
    expect(
      parseInput(
        DiscountUpdateInput,
        { name: "New", currency: "usd", code: "", ends_at: null, max_redemptions: 5, basis_points: 10 },
        ["body"],
      ),
    ).toEqual({
      ok: true,
      value: {
        name: "New",
        code: null,
        currency: "usd",
        endsAt: null,
        maxRedemptions: 5,
        basisPoints: 10,
        presentKeys: ["name", "code", "endsAt", "maxRedemptions", "currency", "basisPoints"],
      },
    });
  });

  it("validates what is present", () => {
    const result = parseInput(
      DiscountUpdateInput,
      { type: "flat", duration_in_months: 0, amount: -5, products: "all", code: "no way" },
      ["body"],
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.detail.map((item) => [item.type, item.loc])).toEqual([
        ["value_error", ["body", "code"]],
        ["greater_than_equal", ["body", "duration_in_months"]],
        ["enum", ["body", "type"]],
        ["greater_than_equal", ["body", "amount"]],
        ["list_type", ["body", "products"]],
      ]);
  });

  it("checks starts_at < ends_at when both are sent", () => {
    const body = { starts_at: "2025-07-01T00:00:00Z", ends_at: "2025-06-01T00:00:00Z" };
    expect(parseInput(DiscountUpdateInput, body, ["body"])).toEqual({
      ok: false,
      detail: [
        {
          type: "value_error",
          loc: ["body"],
          msg: "Value error, starts_at must be before ends_at",
          input: body,
          ctx: { error: {} },
        },
      ],
    });
    expect(parseInput(DiscountUpdateInput, { starts_at: "2025-07-01T00:00:00Z" }, ["body"])).toMatchObject({
      ok: true,
    });
  });
});
