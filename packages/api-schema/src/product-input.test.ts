import { describe, expect, it } from "vitest";
import { parseInput } from "./parse-input.js";
import { ProductBenefitsUpdateInput } from "./product-benefits-update-input.js";
import { ProductCreateInput } from "./product-create-input.js";
import { PRODUCT_PRICE_CREATE_UNION_NAME, ProductPriceCreateInput } from "./product-price-create-input.js";
import { checkProductPriceRules, type ExistingPriceFacts } from "./product-price-rules.js";
import { ProductPriceUpdateInput as PriceUpdate, type ProductPriceUpdateInput } from "./product-price-update-input.js";
import { ProductUpdateInput } from "./product-update-input.js";

const METER_ID = "0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const OTHER_METER_ID = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
const PRICE_ID = "196ca717-4d84-4d28-a1b8-777255797dbc";
const UUID1 = "c232ab00-9414-11ec-b3c8-9f6bdeced846";

const fixed = { amount_type: "fixed", price_amount: 2000 };
const metered = { amount_type: "metered_unit", meter_id: METER_ID, unit_amount: "10", cap_amount: 5000 };
const pro = { name: "Pro", recurring_interval: "month", prices: [fixed, metered] };

describe("ProductCreateInput", () => {
  it("parses the spec's PRO product, defaulting the currency, description and metadata", () => {
    expect(parseInput(ProductCreateInput, pro, ["body"])).toEqual({
      ok: true,
      value: {
        name: "Pro",
        description: null,
        recurringInterval: "month",
        prices: [
          { amountType: "fixed", priceAmount: 2000, priceCurrency: "usd" },
          { amountType: "metered_unit", meterId: METER_ID, priceCurrency: "usd", unitAmount: "10", capAmount: 5000 },
        ],
        metadata: {},
        organizationId: null,
      },
    });
  });

  it("requires recurring_interval, null meaning one-time", () => {
    const { recurring_interval: _, ...withoutInterval } = pro;
    expect(parseInput(ProductCreateInput, withoutInterval, ["body"])).toEqual({
      ok: false,
      detail: [{ type: "missing", loc: ["body", "recurring_interval"], msg: "Field required", input: withoutInterval }],
    });
    expect(
      parseInput(ProductCreateInput, { ...pro, recurring_interval: null, prices: [fixed] }, ["body"]),
    ).toMatchObject({ ok: true, value: { recurringInterval: null } });
    expect(parseInput(ProductCreateInput, { ...pro, recurring_interval: "week" }, ["body"])).toMatchObject({
      ok: false,
      detail: [{ type: "enum", loc: ["body", "recurring_interval"], msg: "Input should be 'month' or 'year'" }],
    });
  });

  it("trims the description and turns a blank one into null", () => {
    expect(parseInput(ProductCreateInput, { ...pro, description: "  Best plan " }, ["body"])).toMatchObject({
      value: { description: "Best plan" },
    });
    expect(parseInput(ProductCreateInput, { ...pro, description: "   " }, ["body"])).toMatchObject({
      value: { description: null },
    });
  });

  it("accepts and ignores medias and attached custom fields", () => {
    const result = parseInput(
      ProductCreateInput,
      { ...pro, medias: [], attached_custom_fields: [{ custom_field_id: PRICE_ID, required: true }] },
      ["body"],
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.keys(result.value)).not.toContain("medias");
  });

  it("requires at least one price, with Polar's message", () => {
    expect(parseInput(ProductCreateInput, { ...pro, prices: [] }, ["body"])).toEqual({
      ok: false,
      detail: [{ type: "too_short", loc: ["body", "prices"], msg: "At least one price is required.", input: [] }],
    });
    expect(parseInput(ProductCreateInput, { ...pro, prices: fixed }, ["body"])).toMatchObject({
      ok: false,
      detail: [{ type: "list_type", loc: ["body", "prices"] }],
    });
  });

  it("reports every error in Polar's field order", () => {
    const body = { name: "ab", recurring_interval: "day", prices: [{ amount_type: "fixed", price_amount: 1 }, {}] };
    const result = parseInput(ProductCreateInput, body, ["body"]);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.detail.map((item) => [item.type, item.loc])).toEqual([
        ["string_too_short", ["body", "name"]],
        ["enum", ["body", "recurring_interval"]],
        ["greater_than_equal", ["body", "prices", 0, "fixed", "price_amount"]],
        ["union_tag_not_found", ["body", "prices", 1]],
      ]);
  });
});

describe("ProductPriceCreateInput: each price by amount_type", () => {
  it.each([
    ["fixed at the minimum", { amount_type: "fixed", price_amount: 50 }],
    ["fixed at the maximum", { amount_type: "fixed", price_amount: 99_999_999 }],
    ["fixed from a numeric string (lax int)", { amount_type: "fixed", price_amount: "2000" }],
    ["fixed in usd", { amount_type: "fixed", price_amount: 2000, price_currency: "usd" }],
    ["custom with no bounds", { amount_type: "custom" }],
    [
      "custom with null bounds",
      { amount_type: "custom", minimum_amount: null, maximum_amount: null, preset_amount: null },
    ],
    [
      "custom at its limits",
      { amount_type: "custom", minimum_amount: 50, maximum_amount: 1_000_000, preset_amount: 50 },
    ],
    ["custom minimum above $10K", { amount_type: "custom", minimum_amount: 99_999_999 }],
    ["free, extra keys ignored", { amount_type: "free", price_amount: 5 }],
    ["metered without a cap", { amount_type: "metered_unit", meter_id: METER_ID, unit_amount: 0.5 }],
    ["metered with a zero cap", { ...metered, cap_amount: 0 }],
    ["metered with a null cap", { ...metered, cap_amount: null }],
    ["metered at the int4 cap", { ...metered, cap_amount: 2_147_483_647 }],
  ])("accepts %s", (_, price) => {
    expect(parseInput(ProductPriceCreateInput, price, []).ok).toBe(true);
  });

  it.each([
    [
      "fixed below 50",
      { amount_type: "fixed", price_amount: 49 },
      "greater_than_equal",
      ["fixed", "price_amount"],
      { ge: 50 },
    ],
    [
      "fixed above 99 999 999",
      { amount_type: "fixed", price_amount: 100_000_000 },
      "less_than_equal",
      ["fixed", "price_amount"],
      { le: 99_999_999 },
    ],
    [
      "fixed fractional",
      { amount_type: "fixed", price_amount: 20.5 },
      "int_from_float",
      ["fixed", "price_amount"],
      undefined,
    ],
    ["fixed without an amount", { amount_type: "fixed" }, "missing", ["fixed", "price_amount"], undefined],
    [
      "fixed in eur",
      { amount_type: "fixed", price_amount: 2000, price_currency: "eur" },
      "string_pattern_mismatch",
      ["fixed", "price_currency"],
      { pattern: "usd" },
    ],
    [
      "fixed in USD",
      { amount_type: "fixed", price_amount: 2000, price_currency: "USD" },
      "string_pattern_mismatch",
      ["fixed", "price_currency"],
      { pattern: "usd" },
    ],
    [
      "fixed in xusdx",
      { amount_type: "fixed", price_amount: 2000, price_currency: "xusdx" },
      "string_pattern_mismatch",
      ["fixed", "price_currency"],
      { pattern: "usd" },
    ],
    [
      "custom minimum below 50",
      { amount_type: "custom", minimum_amount: 49 },
      "greater_than_equal",
      ["custom", "minimum_amount"],
      { ge: 50 },
    ],
    [
      "custom maximum above $10K",
      { amount_type: "custom", maximum_amount: 1_000_001 },
      "less_than_equal",
      ["custom", "maximum_amount"],
      { le: 1_000_000 },
    ],
    [
      "custom maximum below 50",
      { amount_type: "custom", maximum_amount: 10 },
      "greater_than_equal",
      ["custom", "maximum_amount"],
      { ge: 50 },
    ],
    [
      "custom preset above $10K",
      { amount_type: "custom", preset_amount: 2_000_000 },
      "less_than_equal",
      ["custom", "preset_amount"],
      { le: 1_000_000 },
    ],
    [
      "metered without a meter",
      { amount_type: "metered_unit", unit_amount: "1" },
      "missing",
      ["metered_unit", "meter_id"],
      undefined,
    ],
    [
      "metered on a UUID v1",
      { ...metered, meter_id: UUID1 },
      "uuid_version",
      ["metered_unit", "meter_id"],
      { expected_version: 4 },
    ],
    [
      "metered without a unit amount",
      { amount_type: "metered_unit", meter_id: METER_ID },
      "missing",
      ["metered_unit", "unit_amount"],
      undefined,
    ],
    ["metered at zero", { ...metered, unit_amount: "0" }, "greater_than", ["metered_unit", "unit_amount"], { gt: 0 }],
    ["metered negative", { ...metered, unit_amount: -1 }, "greater_than", ["metered_unit", "unit_amount"], { gt: 0 }],
    [
      "metered with 13 decimals",
      { ...metered, unit_amount: 1e-13 },
      "decimal_max_places",
      ["metered_unit", "unit_amount"],
      { decimal_places: 12 },
    ],
    [
      "metered with 18 digits",
      { ...metered, unit_amount: "12345.1234567890123" },
      "decimal_max_digits",
      ["metered_unit", "unit_amount"],
      { max_digits: 17 },
    ],
    [
      "metered with 6 whole digits",
      { ...metered, unit_amount: "100000" },
      "decimal_whole_digits",
      ["metered_unit", "unit_amount"],
      { whole_digits: 5 },
    ],
    [
      "metered with text",
      { ...metered, unit_amount: "ten" },
      "decimal_parsing",
      ["metered_unit", "unit_amount"],
      undefined,
    ],
    [
      "metered with a negative cap",
      { ...metered, cap_amount: -1 },
      "greater_than_equal",
      ["metered_unit", "cap_amount"],
      { ge: 0 },
    ],
    [
      "metered with a cap above int4",
      { ...metered, cap_amount: 2_147_483_648 },
      "less_than_equal",
      ["metered_unit", "cap_amount"],
      { le: 2_147_483_647 },
    ],
    ["an unknown amount type", { amount_type: "tiered" }, "union_tag_invalid", [], { tag: "tiered" }],
    ["no amount type", { price_amount: 2000 }, "union_tag_not_found", [], { discriminator: "'amount_type'" }],
    ["not an object", "fixed", "model_attributes_type", [], undefined],
  ])("refuses %s", (_, price, type, loc, ctx) => {
    const result = parseInput(ProductPriceCreateInput, price, ["body", "prices", 0]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.detail).toHaveLength(1);
      expect(result.detail[0]).toMatchObject({ type, loc: ["body", "prices", 0, ...loc] });
      if (ctx !== undefined) expect(result.detail[0]?.ctx).toMatchObject(ctx);
    }
  });

  it("returns unit_amount as the exact decimal string, never through a float", () => {
    for (const [sent, kept] of [
      ["0.000000000001", "0.000000000001"],
      ["0.0002", "0.0002"],
      ["99999.999999999999", "99999.999999999999"],
      [0.0006, "0.0006"],
    ] as const) {
      expect(parseInput(ProductPriceCreateInput, { ...metered, unit_amount: sent }, [])).toMatchObject({
        ok: true,
        value: { unitAmount: kept },
      });
    }
  });

  it("lists the tags in Polar's order when the tag is unknown", () => {
    expect(parseInput(ProductPriceCreateInput, { amount_type: "tiered" }, [])).toMatchObject({
      ok: false,
      detail: [
        {
          msg: "Input tag 'tiered' found using 'amount_type' does not match any of the expected tags: 'fixed', 'custom', 'free', 'metered_unit'",
        },
      ],
    });
  });
});

describe("ProductUpdateInput", () => {
  it("keeps only the keys sent, with their presence", () => {
    expect(parseInput(ProductUpdateInput, {}, ["body"])).toEqual({ ok: true, value: { presentKeys: [] } });
    expect(
      parseInput(ProductUpdateInput, { name: null, is_archived: false, description: "", metadata: { a: 1 } }, ["body"]),
    ).toEqual({
      ok: true,
      value: {
        metadata: { a: 1 },
        name: null,
        description: null,
        isArchived: false,
        presentKeys: ["metadata", "name", "description", "isArchived"],
      },
    });
  });

  it("records recurring_interval when sent, for the business rule to refuse a change", () => {
    expect(parseInput(ProductUpdateInput, { recurring_interval: "year" }, ["body"])).toEqual({
      ok: true,
      value: { recurringInterval: "year", presentKeys: ["recurringInterval"] },
    });
  });

  it("keeps an existing price by id (other keys ignored) and creates the others", () => {
    const body = { prices: [{ id: PRICE_ID.toUpperCase(), amount_type: "fixed" }, metered], medias: null };
    expect(parseInput(ProductUpdateInput, body, ["body"])).toEqual({
      ok: true,
      value: {
        prices: [
          { id: PRICE_ID },
          { amountType: "metered_unit", meterId: METER_ID, priceCurrency: "usd", unitAmount: "10", capAmount: 5000 },
        ],
        presentKeys: ["prices"],
      },
    });
    expect(parseInput(ProductUpdateInput, { prices: null }, ["body"])).toEqual({
      ok: true,
      value: { prices: null, presentKeys: ["prices"] },
    });
  });

  it("reports both union members when a price is neither kept nor valid", () => {
    expect(parseInput(ProductUpdateInput, { prices: [{ amount_type: "fixed", price_amount: 10 }] }, ["body"])).toEqual({
      ok: false,
      detail: [
        {
          type: "missing",
          loc: ["body", "prices", 0, "ExistingProductPrice", "id"],
          msg: "Field required",
          input: { amount_type: "fixed", price_amount: 10 },
        },
        {
          type: "greater_than_equal",
          loc: ["body", "prices", 0, PRODUCT_PRICE_CREATE_UNION_NAME, "fixed", "price_amount"],
          msg: "Input should be greater than or equal to 50",
          input: 10,
          ctx: { ge: 50 },
        },
      ],
    });
  });

  it("refuses an empty prices list like create", () => {
    expect(parseInput(ProductUpdateInput, { prices: [] }, ["body"])).toMatchObject({
      ok: false,
      detail: [{ type: "too_short", loc: ["body", "prices"], msg: "At least one price is required." }],
    });
  });
});

describe("ProductBenefitsUpdateInput", () => {
  it("is a list of benefit ids", () => {
    expect(parseInput(ProductBenefitsUpdateInput, { benefits: [METER_ID] }, ["body"])).toEqual({
      ok: true,
      value: { benefits: [METER_ID] },
    });
    expect(parseInput(ProductBenefitsUpdateInput, { benefits: [] }, ["body"])).toEqual({
      ok: true,
      value: { benefits: [] },
    });
    expect(parseInput(ProductBenefitsUpdateInput, {}, ["body"])).toMatchObject({
      ok: false,
      detail: [{ type: "missing", loc: ["body", "benefits"] }],
    });
    expect(parseInput(ProductBenefitsUpdateInput, { benefits: ["x"] }, ["body"])).toMatchObject({
      ok: false,
      detail: [{ type: "uuid_parsing", loc: ["body", "benefits", 0] }],
    });
  });
});

describe("checkProductPriceRules (spec §2.3)", () => {
  function parsePrices(raw: unknown[]): ProductPriceUpdateInput[] {
    return raw.map((price) => {
      const parsed = parseInput(PriceUpdate, price, []);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.detail));
      return parsed.value;
    });
  }

  function check(
    raw: unknown[],
    options: { recurring?: boolean; existing?: Record<string, ExistingPriceFacts>; meters?: string[] } = {},
  ) {
    const existing = options.existing ?? {};
    const meters = new Set(options.meters ?? [METER_ID, OTHER_METER_ID]);
    return checkProductPriceRules(parsePrices(raw), {
      recurring: options.recurring ?? true,
      rawPrices: raw,
      existingPrice: (id) => existing[id],
      meterExists: (meterId) => meters.has(meterId),
    }).map((item) => [item.type, item.loc, item.msg]);
  }

  const meteredOther = { ...metered, meter_id: OTHER_METER_ID };

  it.each([
    ["one static price and two metered prices", [fixed, metered, meteredOther]],
    ["metered prices only", [metered]],
    ["a free price", [{ amount_type: "free" }]],
  ])("accepts %s", (_, raw) => {
    expect(check(raw)).toEqual([]);
  });

  it("allows a single static price only", () => {
    expect(check([fixed, { amount_type: "free" }])).toEqual([
      ["value_error", ["body", "prices"], "Only one static price is allowed."],
    ]);
    expect(
      check([{ id: PRICE_ID }, { amount_type: "custom" }], {
        existing: { [PRICE_ID]: { amountType: "fixed", legacy: false } },
      }),
    ).toEqual([["value_error", ["body", "prices"], "Only one static price is allowed."]]);
  });

  it("exempts products whose static prices are all legacy", () => {
    const other = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f";
    const existing = {
      [PRICE_ID]: { amountType: "fixed", legacy: true },
      [other]: { amountType: "free", legacy: true },
    } as const;
    expect(check([{ id: PRICE_ID }, { id: other }], { existing })).toEqual([]);
  });

  it("refuses metered prices on one-time products", () => {
    expect(check([fixed, metered], { recurring: false })).toEqual([
      ["value_error", ["body", "prices", 1], "Metered pricing is not supported on one-time products."],
    ]);
  });

  it("refuses two new metered prices on one meter, but not a new one beside a kept one (Polar's quirk)", () => {
    expect(check([metered, { ...metered, unit_amount: "20" }])).toEqual([
      ["value_error", ["body", "prices", 1, "meter_id"], "Meter is already used for another price."],
    ]);
    const existing = { [PRICE_ID]: { amountType: "metered_unit", legacy: false } } as const;
    expect(check([{ id: PRICE_ID }, metered], { existing })).toEqual([]);
  });

  it("refuses a meter the caller cannot read", () => {
    expect(check([fixed, metered], { meters: [] })).toEqual([
      ["value_error", ["body", "prices", 1, "meter_id"], "Meter does not exist."],
    ]);
  });

  it("refuses an unknown kept price, and then no price is left", () => {
    const result = checkProductPriceRules(parsePrices([{ id: PRICE_ID }]), {
      recurring: true,
      rawPrices: [{ id: PRICE_ID }],
      meterExists: () => true,
    });
    expect(result).toEqual([
      { type: "value_error", loc: ["body", "prices", 0], msg: "Price does not exist.", input: PRICE_ID },
      { type: "too_short", loc: ["body", "prices"], msg: "At least one price is required.", input: [{ id: PRICE_ID }] },
    ]);
  });
});
