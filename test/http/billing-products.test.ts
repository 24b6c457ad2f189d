import { ListResourceProduct$inboundSchema } from "@polar-sh/sdk/models/components/listresourceproduct.js";
import { Product$inboundSchema } from "@polar-sh/sdk/models/components/product.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient, Json } from "../support/api-client.js";
import { createApiCallsMeter, createCreditBenefit, createProProduct } from "../support/billing-fixtures.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

let t: TestEngine;
let meter: Json;
/** An organization holding only the products of the list tests. */
let listing: ApiClient;
let readOnly: ApiClient;

function names(response: { body: Json }): string[] {
  return response.body.items.map((product: Json) => product.name);
}

beforeAll(async () => {
  t = await startTestEngine();
  meter = await createApiCallsMeter(t.api);
  listing = (await t.createOrganization("product-list", ["products:write", "meters:write", "benefits:write"])).api;
  readOnly = (await t.createOrganization("product-read", ["products:read"])).api;
  const listingMeter = await createApiCallsMeter(listing);
  const benefit = await createCreditBenefit(listing, listingMeter.id);
  for (const [name, recurring, amount] of [
    ["Bravo", true, 3000],
    ["Alpha", false, 1000],
    ["Charlie", true, 2000],
  ] as const) {
    t.clock.advance(1000);
    const created = await listing.expectStatus(201, "POST", "/v1/products/", {
      name,
      recurring_interval: recurring ? "month" : null,
      prices: [{ amount_type: "fixed", price_amount: amount }],
      metadata: { tier: name === "Alpha" ? "basic" : "pro" },
    });
    if (name === "Charlie") {
      await listing.expectStatus(200, "POST", `/v1/products/${created.id}/benefits`, { benefits: [benefit.id] });
      await listing.expectStatus(200, "PATCH", `/v1/products/${created.id}`, { is_archived: true });
    }
  }
});
afterAll(() => t.stop());

describe("201", () => {
  it("creates a recurring product with a fixed and a metered price the SDK can read", async () => {
    const response = await t.api.post("/v1/products/", {
      name: "Pro",
      description: "  ",
      recurring_interval: "month",
      prices: [
        { amount_type: "metered_unit", meter_id: meter.id, unit_amount: 0.5, cap_amount: 5000 },
        { amount_type: "fixed", price_amount: 2000 },
      ],
      metadata: { plan: "pro" },
    });
    expect(response.status).toBe(201);
    const product = parseWithSdk(Product$inboundSchema, response.body);
    expect(product).toMatchObject({ name: "Pro", description: null, isRecurring: true, isArchived: false });
    expect(response.body.organization_id).toBe(t.organizationId);
    // Static prices first, then metered ones; unit_amount is a decimal string.
    expect(response.body.prices.map((price: Json) => price.amount_type)).toEqual(["fixed", "metered_unit"]);
    // Polar's numeric(17,12) form: compare numerically (spec billing §2.2).
    expect(response.body.prices[1].unit_amount).toMatch(/^0\.50*$/);
    expect(response.body.prices[1]).toMatchObject({
      cap_amount: 5000,
      meter_id: meter.id,
      meter: { id: meter.id, name: "API Calls" },
      type: "recurring",
      recurring_interval: "month",
    });
    expect((await t.api.get(`/v1/products/${product.id}`)).body).toEqual(response.body);
  });

  it("creates a one-time product, and with a personal token in the named organization", async () => {
    const response = await t.admin.post("/v1/products/", {
      name: "Once",
      recurring_interval: null,
      prices: [{ amount_type: "free" }],
      organization_id: t.organizationId,
    });
    expect(response.status).toBe(201);
    expect(parseWithSdk(Product$inboundSchema, response.body)).toMatchObject({ isRecurring: false });
    expect(response.body.prices[0]).toMatchObject({ amount_type: "free", type: "one_time" });
  });
});

describe("200 list", () => {
  it("lists newest first by default and parses with the SDK", async () => {
    const response = await listing.get("/v1/products/");
    expect(response.status).toBe(200);
    const list = parseWithSdk(ListResourceProduct$inboundSchema, response.body);
    expect(list.pagination).toEqual({ totalCount: 3, maxPage: 1 });
    expect(names(response)).toEqual(["Charlie", "Alpha", "Bravo"]);
  });

  it("filters by recurrence, archive state, text, benefit and metadata, and sorts", async () => {
    expect(names(await listing.get("/v1/products/?is_recurring=false"))).toEqual(["Alpha"]);
    expect(names(await listing.get("/v1/products/?is_archived=true"))).toEqual(["Charlie"]);
    expect(names(await listing.get("/v1/products/?is_archived=false&sorting=name"))).toEqual(["Alpha", "Bravo"]);
    expect(names(await listing.get("/v1/products/?query=RAV"))).toEqual(["Bravo"]);
    expect(names(await listing.get("/v1/products/?metadata[tier]=pro&sorting=name"))).toEqual(["Bravo", "Charlie"]);
    expect(names(await listing.get("/v1/products/?sorting=-price_amount"))).toEqual(["Bravo", "Charlie", "Alpha"]);
    const charlie = (await listing.get("/v1/products/?query=charlie")).body.items[0];
    const benefitId = charlie.benefits[0].id;
    expect(names(await listing.get(`/v1/products/?benefit_id=${benefitId}`))).toEqual(["Charlie"]);
  });

  it("narrows by organization_id and never shows another organization's products", async () => {
    expect((await listing.get(`/v1/products/?organization_id=${t.organizationId}`)).body.items).toEqual([]);
    const mine = await t.api.get("/v1/products/?limit=100");
    expect(mine.body.items.every((product: Json) => product.organization_id === t.organizationId)).toBe(true);
  });
});

describe("200 update", () => {
  it("keeps {id} prices, creates the others, archives the dropped ones", async () => {
    const product = await createProProduct(t.api, meter.id, { name: "Replace" });
    const [fixed, metered] = product.prices;
    const response = await t.api.patch(`/v1/products/${product.id}`, {
      name: "Replaced",
      description: "Now with a new price",
      prices: [{ id: metered.id }, { amount_type: "fixed", price_amount: 4000 }],
    });
    expect(response.status).toBe(200);
    parseWithSdk(Product$inboundSchema, response.body);
    expect(response.body).toMatchObject({ name: "Replaced", description: "Now with a new price" });
    const prices = response.body.prices;
    expect(prices.map((price: Json) => [price.amount_type, price.price_amount ?? null])).toEqual([
      ["fixed", 4000],
      ["metered_unit", null],
    ]);
    expect(prices[1].id).toBe(metered.id);
    expect(prices.some((price: Json) => price.id === fixed.id)).toBe(false);
    const stored = await t.deps.products.pricesByIds([fixed.id]);
    expect(stored[0]?.isArchived).toBe(true);
  });

  it("archives and unarchives; metadata is replaced", async () => {
    const product = await createProProduct(t.api, meter.id, { name: "Archive me" });
    const archived = await t.api.patch(`/v1/products/${product.id}`, { is_archived: true, metadata: { a: 1 } });
    expect(archived.body).toMatchObject({ is_archived: true, metadata: { a: 1 } });
    const back = await t.api.patch(`/v1/products/${product.id}`, { is_archived: false });
    expect(back.body).toMatchObject({ is_archived: false, metadata: { a: 1 } });
  });

  it("replaces the benefits, in the given order and once each", async () => {
    const product = await createProProduct(t.api, meter.id, { name: "With benefits" });
    const first = await createCreditBenefit(t.api, meter.id, 10);
    const second = await createCreditBenefit(t.api, meter.id, 20);
    const response = await t.api.post(`/v1/products/${product.id}/benefits`, {
      benefits: [second.id, first.id, second.id],
    });
    expect(response.status).toBe(200);
    parseWithSdk(Product$inboundSchema, response.body);
    expect(response.body.benefits.map((benefit: Json) => benefit.id)).toEqual([second.id, first.id]);
    const cleared = await t.api.post(`/v1/products/${product.id}/benefits`, { benefits: [] });
    expect(cleared.body.benefits).toEqual([]);
  });
});

describe("422", () => {
  it("reports the price rules together at their indexes", async () => {
    const oneTime = await t.api.post("/v1/products/", {
      name: "Bad",
      recurring_interval: null,
      prices: [
        { amount_type: "metered_unit", meter_id: meter.id, unit_amount: "1" },
        { amount_type: "fixed", price_amount: 1000 },
        { amount_type: "free" },
      ],
    });
    expect(oneTime.status).toBe(422);
    expect(oneTime.body.error).toBe("PolarRequestValidationError");
    expect(oneTime.body.detail.map((item: Json) => [item.loc, item.msg])).toEqual([
      [["body", "prices", 0], "Metered pricing is not supported on one-time products."],
      [["body", "prices"], "Only one static price is allowed."],
    ]);
  });

  it("refuses a meter that does not exist or belongs to another organization", async () => {
    const foreign = await createApiCallsMeter(listing);
    const response = await t.api.post("/v1/products/", {
      name: "Foreign meter",
      recurring_interval: "month",
      prices: [{ amount_type: "metered_unit", meter_id: foreign.id, unit_amount: "1" }],
    });
    expect(response.status).toBe(422);
    expect(response.body.detail[0]).toMatchObject({
      loc: ["body", "prices", 0, "meter_id"],
      msg: "Meter does not exist.",
    });
  });

  it("validates the body schema: missing fields, no prices, a short name", async () => {
    const response = await t.api.post("/v1/products/", { name: "ab", prices: [] });
    expect(response.status).toBe(422);
    const locs = response.body.detail.map((item: Json) => item.loc);
    expect(locs).toContainEqual(["body", "name"]);
    expect(locs).toContainEqual(["body", "recurring_interval"]);
    expect(locs).toContainEqual(["body", "prices"]);
  });

  it("refuses to change the recurring interval or to keep a price of another product", async () => {
    const product = await createProProduct(t.api, meter.id, { name: "Monthly" });
    const other = await createProProduct(t.api, meter.id, { name: "Other" });
    const interval = await t.api.patch(`/v1/products/${product.id}`, { recurring_interval: "year" });
    expect(interval.status).toBe(422);
    expect(interval.body.detail[0]).toMatchObject({
      loc: ["body", "recurring_interval"],
      msg: "Recurring interval cannot be changed.",
    });
    const sameInterval = await t.api.patch(`/v1/products/${product.id}`, { recurring_interval: "month" });
    expect(sameInterval.status).toBe(200);
    const foreignPrice = await t.api.patch(`/v1/products/${product.id}`, { prices: [{ id: other.prices[0].id }] });
    expect(foreignPrice.status).toBe(422);
    expect(foreignPrice.body.detail[0]).toMatchObject({ loc: ["body", "prices", 0], msg: "Price does not exist." });
  });

  it("refuses unknown benefits at their index", async () => {
    const product = await createProProduct(t.api, meter.id, { name: "Unknown benefit" });
    const foreign = await createCreditBenefit(listing, (await createApiCallsMeter(listing)).id);
    const response = await t.api.post(`/v1/products/${product.id}/benefits`, { benefits: [foreign.id] });
    expect(response.status).toBe(422);
    expect(response.body.detail[0]).toMatchObject({ loc: ["body", "benefits", 0], msg: "Benefit does not exist." });
  });

  it("rejects an invalid path id and sorting criterion", async () => {
    expect((await t.api.get("/v1/products/not-a-uuid")).body.detail[0].loc).toEqual(["path", "id"]);
    const sorting = await t.api.get("/v1/products/?sorting=bogus");
    expect(sorting.status).toBe(422);
    expect(sorting.body.detail[0]).toMatchObject({ type: "enum", loc: ["query", "sorting", 0] });
  });
});

describe("401, 403, 404", () => {
  it("needs a token and the write scope to change products", async () => {
    expect((await t.api.withToken(null).get("/v1/products/")).status).toBe(401);
    expect((await readOnly.get("/v1/products/")).status).toBe(200);
    const created = await readOnly.post("/v1/products/", {
      name: "Nope",
      recurring_interval: null,
      prices: [{ amount_type: "free" }],
    });
    expect(created.status).toBe(403);
    expect(created.body.error).toBe("insufficient_scope");
  });

  it("answers 404 for an unknown product or another organization's", async () => {
    const foreign = (await listing.get("/v1/products/")).body.items[0];
    for (const id of [foreign.id, "6c1f0ae4-2f6b-4a0a-9c4f-3f8a1e0e8b11"]) {
      const response = await t.api.get(`/v1/products/${id}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
      expect((await t.api.patch(`/v1/products/${id}`, { name: "Other" })).status).toBe(404);
    }
  });
});

describe("outside sandbox mode", () => {
  it("has no sandbox clock, and /openapi.json documents the billing routes", async () => {
    const clock = await t.api.post("/v1/sandbox/clock", { advance_seconds: 60 });
    expect(clock.status).toBe(404);
    const document = await t.api.get("/openapi.json");
    expect(document.status).toBe(200);
    const paths = Object.keys(document.body.paths);
    for (const path of [
      "/v1/products/",
      "/v1/products/{id}/benefits",
      "/v1/benefits/{id}/grants",
      "/v1/discounts/{id}",
      "/v1/subscriptions/{id}",
      "/v1/orders/{id}/invoice",
      "/v1/orders/{id}/mark_paid",
    ]) {
      expect(paths).toContain(path);
    }
    expect(paths).not.toContain("/v1/sandbox/clock");
    expect(document.body.paths["/v1/subscriptions/{id}"].delete.responses["200"]).toBeDefined();
  });
});
