import { Discount$inboundSchema } from "@polar-sh/sdk/models/components/discount.js";
import { ListResourceDiscount$inboundSchema } from "@polar-sh/sdk/models/components/listresourcediscount.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient, Json } from "../support/api-client.js";
import { createApiCallsMeter, createProProduct, subscribe } from "../support/billing-fixtures.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

let t: TestEngine;
let product: Json;
let listing: ApiClient;

beforeAll(async () => {
  t = await startTestEngine();
  product = await createProProduct(t.api, (await createApiCallsMeter(t.api)).id);
  listing = (await t.createOrganization("discount-list", ["discounts:write"])).api;
  for (const [name, code] of [
    ["Summer", "SUMMER25"],
    ["Autumn", null],
    ["Winter", "WINTER"],
  ] as const) {
    t.clock.advance(1000);
    await listing.expectStatus(201, "POST", "/v1/discounts/", {
      name,
      code,
      type: "percentage",
      basis_points: 2500,
      duration: "once",
    });
  }
});
afterAll(() => t.stop());

function discountNames(response: { body: Json }): string[] {
  return response.body.items.map((discount: Json) => discount.name);
}

describe("201", () => {
  it("creates each variant the SDK can read", async () => {
    const variants = [
      { type: "fixed", amount: 500, duration: "forever" },
      { type: "fixed", amount: 500, currency: "usd", duration: "repeating", duration_in_months: 3 },
      { type: "percentage", basis_points: 3000, duration: "once" },
      { type: "percentage", basis_points: 1000, duration: "repeating", duration_in_months: 12 },
    ];
    for (const [index, variant] of variants.entries()) {
      const response = await t.api.post("/v1/discounts/", { name: `Variant ${index}`, ...variant });
      expect(response.status).toBe(201);
      parseWithSdk(Discount$inboundSchema, response.body);
      expect(response.body).toMatchObject({ ...variant, redemptions_count: 0, products: [], code: null });
    }
  });

  it("restricts to products of the organization and embeds them", async () => {
    const response = await t.api.post("/v1/discounts/", {
      name: "Pro only",
      code: "ProOnly",
      type: "fixed",
      amount: 1000,
      duration: "forever",
      products: [product.id],
      starts_at: "2025-06-01T00:00:00Z",
      ends_at: "2025-12-31T00:00:00Z",
      max_redemptions: 10,
    });
    expect(response.status).toBe(201);
    parseWithSdk(Discount$inboundSchema, response.body);
    expect(response.body.products.map((entry: Json) => entry.id)).toEqual([product.id]);
    expect(response.body).toMatchObject({ code: "ProOnly", max_redemptions: 10, starts_at: "2025-06-01T00:00:00Z" });
  });
});

describe("200 list", () => {
  it("lists newest first, searches name and code, sorts", async () => {
    const all = await listing.get("/v1/discounts/");
    expect(parseWithSdk(ListResourceDiscount$inboundSchema, all.body).pagination.totalCount).toBe(3);
    expect(discountNames(all)).toEqual(["Winter", "Autumn", "Summer"]);
    expect(discountNames(await listing.get("/v1/discounts/?query=summer25"))).toEqual(["Summer"]);
    expect(discountNames(await listing.get("/v1/discounts/?sorting=name"))).toEqual(["Autumn", "Summer", "Winter"]);
    expect(discountNames(await listing.get("/v1/discounts/?sorting=code&sorting=name"))).toEqual([
      "Summer",
      "Winter",
      "Autumn",
    ]);
    expect((await listing.get("/v1/discounts/?sorting=amount")).status).toBe(422);
  });
});

describe("200 update", () => {
  it("changes name, code, bounds and terms while unredeemed; equal values are no change", async () => {
    const created = await t.api.expectStatus(201, "POST", "/v1/discounts/", {
      name: "Editable",
      type: "fixed",
      amount: 100,
      duration: "forever",
    });
    const response = await t.api.patch(`/v1/discounts/${created.id}`, {
      name: "Edited",
      code: "EDITED",
      amount: 250,
      currency: "usd",
      type: "fixed",
      duration: "forever",
      max_redemptions: 5,
      metadata: { campaign: "x" },
    });
    expect(response.status).toBe(200);
    parseWithSdk(Discount$inboundSchema, response.body);
    expect(response.body).toMatchObject({ name: "Edited", code: "EDITED", amount: 250, max_redemptions: 5 });
    const cleared = await t.api.patch(`/v1/discounts/${created.id}`, { code: "" });
    expect(cleared.body.code).toBeNull();
  });

  it("freezes the amount terms once redeemed (422 at each field)", async () => {
    const discount = await t.api.expectStatus(201, "POST", "/v1/discounts/", {
      name: "Redeemed",
      type: "percentage",
      basis_points: 1000,
      duration: "forever",
    });
    const customer = await t.api.createCustomer({ email: "redeemer@example.com" });
    await subscribe(t.api, { customer_id: customer.id, product_id: product.id, discount_id: discount.id });
    const redeemed = (await t.api.get(`/v1/discounts/${discount.id}`)).body;
    expect(redeemed.redemptions_count).toBe(1);
    const response = await t.api.patch(`/v1/discounts/${discount.id}`, { basis_points: 2000 });
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      {
        type: "forbidden",
        loc: ["body", "basis_points"],
        msg: "This field can't be updated because the discount has already been redeemed.",
        input: 2000,
      },
    ]);
    const same = await t.api.patch(`/v1/discounts/${discount.id}`, { basis_points: 1000, name: "Still redeemed" });
    expect(same.status).toBe(200);
  });
});

describe("204 delete", () => {
  it("soft-deletes; the code can be used again", async () => {
    const discount = await t.api.expectStatus(201, "POST", "/v1/discounts/", {
      name: "Gone",
      code: "GONE123",
      type: "fixed",
      amount: 100,
      duration: "once",
    });
    const response = await t.api.delete(`/v1/discounts/${discount.id}`);
    expect(response.status).toBe(204);
    expect((await t.api.get(`/v1/discounts/${discount.id}`)).status).toBe(404);
    const again = await t.api.post("/v1/discounts/", {
      name: "Back",
      code: "gone123",
      type: "fixed",
      amount: 100,
      duration: "once",
    });
    expect(again.status).toBe(201);
  });
});

describe("422", () => {
  it("refuses a code already used in the organization, case-insensitively", async () => {
    await t.api.expectStatus(201, "POST", "/v1/discounts/", {
      name: "First",
      code: "LAUNCH",
      type: "fixed",
      amount: 100,
      duration: "once",
    });
    const body = { name: "Second", code: "launch", type: "fixed", amount: 100, duration: "once" };
    const response = await t.api.post("/v1/discounts/", body);
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        { type: "value_error", loc: ["body", "code"], msg: "Discount with this code already exists.", input: "launch" },
      ],
    });
    // Another organization may use it.
    expect((await listing.post("/v1/discounts/", body)).status).toBe(201);
    const other = await t.api.expectStatus(201, "POST", "/v1/discounts/", { ...body, code: "OTHER" });
    expect((await t.api.patch(`/v1/discounts/${other.id}`, { code: "Launch" })).status).toBe(422);
  });

  it("never changes type or duration", async () => {
    const discount = await t.api.expectStatus(201, "POST", "/v1/discounts/", {
      name: "Fixed terms",
      type: "fixed",
      amount: 100,
      duration: "once",
    });
    const response = await t.api.patch(`/v1/discounts/${discount.id}`, { type: "percentage", duration: "forever" });
    expect(response.status).toBe(422);
    expect(response.body.detail.map((item: Json) => [item.type, item.loc])).toEqual([
      ["forbidden", ["body", "type"]],
      ["forbidden", ["body", "duration"]],
    ]);
  });

  it("refuses products of another organization and invalid bodies", async () => {
    const foreign = await t.createOrganization("discount-products", ["products:write"]);
    const foreignProduct = await foreign.api.expectStatus(201, "POST", "/v1/products/", {
      name: "Foreign",
      recurring_interval: null,
      prices: [{ amount_type: "fixed", price_amount: 1000 }],
    });
    const response = await t.api.post("/v1/discounts/", {
      name: "Foreign products",
      type: "fixed",
      amount: 100,
      duration: "once",
      products: [product.id, foreignProduct.id],
    });
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      { type: "value_error", loc: ["body", "products", 1], msg: "Product does not exist.", input: foreignProduct.id },
    ]);
    const invalid = await t.api.post("/v1/discounts/", {
      name: "Bad",
      type: "percentage",
      basis_points: 10001,
      duration: "repeating",
    });
    expect(invalid.status).toBe(422);
    const locs = invalid.body.detail.map((item: Json) => item.loc);
    expect(locs).toContainEqual(["body", "percentage.repeat", "basis_points"]);
    expect(locs).toContainEqual(["body", "percentage.repeat", "duration_in_months"]);
  });
});

describe("401, 403, 404", () => {
  it("needs a token, the write scope to change, and hides other organizations' discounts", async () => {
    expect((await t.api.withToken(null).get("/v1/discounts/")).status).toBe(401);
    const readOnly = (await t.createOrganization("discount-read", ["discounts:read"])).api;
    expect((await readOnly.get("/v1/discounts/")).status).toBe(200);
    const denied = await readOnly.post("/v1/discounts/", { name: "No", type: "fixed", amount: 1, duration: "once" });
    expect(denied.status).toBe(403);
    const foreign = (await listing.get("/v1/discounts/")).body.items[0];
    expect((await t.api.get(`/v1/discounts/${foreign.id}`)).status).toBe(404);
    expect((await t.api.patch(`/v1/discounts/${foreign.id}`, { name: "Mine" })).status).toBe(404);
    expect((await t.api.delete(`/v1/discounts/${foreign.id}`)).status).toBe(404);
  });
});
