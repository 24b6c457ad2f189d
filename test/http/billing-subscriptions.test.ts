import { ListResourceSubscription$inboundSchema } from "@polar-sh/sdk/models/components/listresourcesubscription.js";
import { Subscription$inboundSchema } from "@polar-sh/sdk/models/components/subscription.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient, Json } from "../support/api-client.js";
import {
  createApiCallsMeter,
  createProProduct,
  ingestCalls,
  lines,
  moveClock,
  ordersOf,
  subscribe,
  totals,
} from "../support/billing-fixtures.js";
import { outboxMark, outboxSince, parseAnnouncement } from "../support/outbox-records.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

let t: TestEngine;
let meter: Json;
let pro: Json;
let basic: Json;
let readOnly: ApiClient;

beforeAll(async () => {
  t = await startTestEngine({ sandbox: true, now: "2025-06-01T00:00:00Z" });
  meter = await createApiCallsMeter(t.api);
  pro = await createProProduct(t.api, meter.id, { fixed: 5000 });
  basic = await t.api.expectStatus(201, "POST", "/v1/products/", {
    name: "Basic",
    recurring_interval: "month",
    prices: [
      { amount_type: "fixed", price_amount: 2000 },
      { amount_type: "metered_unit", meter_id: meter.id, unit_amount: "5" },
    ],
  });
  readOnly = (await t.createOrganization("subscription-read", ["subscriptions:read"])).api;
});
afterAll(() => t.stop());

let customers = 0;
async function newCustomer(extra: Record<string, unknown> = {}): Promise<Json> {
  customers += 1;
  return t.api.createCustomer({ email: `subscriber${customers}@example.com`, ...extra });
}

async function subscriber(productId: string, extra: Record<string, unknown> = {}): Promise<Json> {
  const customer = await newCustomer();
  return subscribe(t.api, { customer_id: customer.id, product_id: productId, ...extra });
}

describe("201 create", () => {
  it("subscribes by external customer id with metadata; the SDK reads it", async () => {
    const customer = await newCustomer({ external_id: "ext-1" });
    const response = await t.api.post("/v1/subscriptions/", {
      external_customer_id: "ext-1",
      product_id: basic.id,
      metadata: { seat: 3 },
    });
    expect(response.status).toBe(201);
    const subscription = parseWithSdk(Subscription$inboundSchema, response.body);
    expect(subscription).toMatchObject({ customerId: customer.id, productId: basic.id, amount: 2000 });
    expect(response.body).toMatchObject({
      metadata: { seat: 3 },
      started_at: "2025-06-01T00:00:00Z",
      cancel_at_period_end: false,
      price_id: basic.prices[0].id,
      user_id: customer.id,
    });
    expect(response.body.prices.map((price: Json) => price.id)).toEqual(basic.prices.map((price: Json) => price.id));
  });
});

describe("200 list and get", () => {
  it("filters by customer, external customer, product, active and metadata; the SDK reads the list", async () => {
    const subscription = await subscriber(pro.id, { metadata: { team: "red" } });
    const byCustomer = await t.api.get(`/v1/subscriptions/?customer_id=${subscription.customer_id}`);
    expect(parseWithSdk(ListResourceSubscription$inboundSchema, byCustomer.body).pagination.totalCount).toBe(1);
    expect((await t.api.get("/v1/subscriptions/?external_customer_id=ext-1")).body.items).toHaveLength(1);
    const byProduct = await t.api.get(`/v1/subscriptions/?product_id=${pro.id}&active=true`);
    expect(byProduct.body.items.map((item: Json) => item.id)).toContain(subscription.id);
    expect((await t.api.get("/v1/subscriptions/?metadata[team]=red")).body.items.map((item: Json) => item.id)).toEqual([
      subscription.id,
    ]);
    expect((await t.api.get("/v1/subscriptions/?active=false")).body.items).toEqual([]);
    expect((await t.api.get("/v1/subscriptions/?sorting=-amount")).body.items[0].amount).toBe(5000);
  });

  it("gets by id with the read scope; another organization sees a 404", async () => {
    const subscription = await subscriber(basic.id);
    const response = await t.api.get(`/v1/subscriptions/${subscription.id}`);
    expect(response.status).toBe(200);
    parseWithSdk(Subscription$inboundSchema, response.body);
    const other = await readOnly.get(`/v1/subscriptions/${subscription.id}`);
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
  });
});

describe("200 cancel, uncancel and discount (TV14, §4.8)", () => {
  it("cancels at period end, refuses a second cancel, uncancels and refuses a second uncancel", async () => {
    const subscription = await subscriber(basic.id);
    const url = `/v1/subscriptions/${subscription.id}`;
    const canceled = await t.api.patch(url, { cancel_at_period_end: true, customer_cancellation_comment: "meh" });
    expect(canceled.status).toBe(200);
    parseWithSdk(Subscription$inboundSchema, canceled.body);
    expect(canceled.body).toMatchObject({ cancel_at_period_end: true, customer_cancellation_comment: "meh" });
    const twice = await t.api.patch(url, { cancel_at_period_end: true });
    expect(twice.status).toBe(403);
    expect(twice.body.error).toBe("AlreadyCanceledSubscription");
    const productChange = await t.api.patch(url, { product_id: pro.id });
    expect(productChange.status).toBe(403);
    const uncanceled = await t.api.patch(url, { cancel_at_period_end: false });
    expect(uncanceled.status).toBe(200);
    parseWithSdk(Subscription$inboundSchema, uncanceled.body);
    expect(uncanceled.body).toMatchObject({
      cancel_at_period_end: false,
      canceled_at: null,
      ends_at: null,
      customer_cancellation_comment: null,
    });
    const again = await t.api.patch(url, { cancel_at_period_end: false });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe("BadRequest");
  });

  it("revokes with PATCH; then uncancel is 410 and every change is refused", async () => {
    const subscription = await subscriber(basic.id);
    const url = `/v1/subscriptions/${subscription.id}`;
    const revoked = await t.api.patch(url, { revoke: true, customer_cancellation_reason: "unused" });
    expect(revoked.status).toBe(200);
    parseWithSdk(Subscription$inboundSchema, revoked.body);
    expect(revoked.body).toMatchObject({ status: "canceled", customer_cancellation_reason: "unused" });
    expect((await t.api.patch(url, { cancel_at_period_end: false })).status).toBe(410);
    expect((await t.api.patch(url, { cancel_at_period_end: true })).status).toBe(403);
    expect((await t.api.patch(url, { product_id: pro.id })).status).toBe(403);
    expect((await t.api.get(`/v1/subscriptions/?active=false`)).body.items.map((item: Json) => item.id)).toContain(
      subscription.id,
    );
  });

  it("applies and removes a discount; the same discount twice is a 422", async () => {
    const discount = await t.api.expectStatus(201, "POST", "/v1/discounts/", {
      name: "Half",
      type: "percentage",
      basis_points: 5000,
      duration: "forever",
    });
    const subscription = await subscriber(basic.id);
    const url = `/v1/subscriptions/${subscription.id}`;
    const mark = await outboxMark(t);
    const applied = await t.api.patch(url, { discount_id: discount.id });
    expect(applied.status).toBe(200);
    parseWithSdk(Subscription$inboundSchema, applied.body);
    expect(applied.body).toMatchObject({ discount_id: discount.id, amount: 1000 });
    const same = await t.api.patch(url, { discount_id: discount.id });
    expect(same.status).toBe(422);
    expect(same.body.detail[0]).toMatchObject({
      loc: ["body", "discount_id"],
      msg: "This discount is already applied to the subscription.",
    });
    const removed = await t.api.patch(url, { discount_id: null });
    expect(removed.body).toMatchObject({ discount_id: null, amount: 2000 });
    const unknown = await t.api.patch(url, { discount_id: "6c1f0ae4-2f6b-4a0a-9c4f-3f8a1e0e8b11" });
    expect(unknown.status).toBe(422);
    // Each applied change is a subscription update, followed by the customer's state (spec billing
    // §10); the refused ones announce nothing.
    const records = (await outboxSince(t, mark, subscription.customer_id)).map(parseAnnouncement);
    expect(records.map((record) => record.type)).toEqual([
      "subscription.updated",
      "customer.state_changed",
      "subscription.updated",
      "customer.state_changed",
    ]);
    expect(
      records
        .filter((record) => record.type === "customer.state_changed")
        .map((record) => record.data.activeSubscriptions[0]?.discountId),
    ).toEqual([discount.id, null]);
  });
});

describe("product change (TV19)", () => {
  it("invoice: an immediate subscription_update order with the proration and the old price's usage", async () => {
    const subscription = await subscriber(basic.id);
    await ingestCalls(t.api, subscription.customer_id, 100, "2025-06-01T00:00:00Z");
    await moveClock(t.api, "2025-06-16T00:00:00Z");
    const response = await t.api.patch(`/v1/subscriptions/${subscription.id}`, {
      product_id: pro.id,
      proration_behavior: "invoice",
    });
    expect(response.status).toBe(200);
    parseWithSdk(Subscription$inboundSchema, response.body);
    expect(response.body).toMatchObject({ product_id: pro.id, amount: 5000, recurring_interval: "month" });
    expect(response.body.prices.map((price: Json) => price.id)).toEqual(pro.prices.map((price: Json) => price.id));
    expect(response.body.meters.map((entry: Json) => entry.meter_id)).toEqual([meter.id]);

    const orders = await ordersOf(t.api, subscription.id);
    expect(orders.map((order) => order.billing_reason)).toEqual(["subscription_create", "subscription_update"]);
    const update = orders[1];
    expect(update.items.map((item: Json) => [item.label, item.amount, item.proration])).toEqual([
      ["Remaining time on Basic — From Jun 16, 2025 to Jul 1, 2025", -1000, true],
      ["Pro — From Jun 16, 2025 to Jul 1, 2025", 2500, true],
      ["API Calls — (100 consumed units) × $0.05", 500, false],
    ]);
    expect(totals(update)).toEqual([2000, 0, 2000, 0, 2000]);
    expect(update.product_id).toBe(pro.id);

    // The usage went with the old price: the July order bills the new period and nothing twice.
    await moveClock(t.api, "2025-07-01T00:00:00Z");
    const cycle = (await ordersOf(t.api, subscription.id))[2];
    expect(lines(cycle)).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 5000],
      ["API Calls — (0 consumed units) × $0.10", 0],
    ]);
  });

  it("prorate: the lines ride on the next cycle order (6500 with no usage)", async () => {
    const customer = await newCustomer();
    const subscription = await subscribe(t.api, { customer_id: customer.id, product_id: basic.id });
    const half = new Date(
      (Date.parse(subscription.current_period_start) + Date.parse(subscription.current_period_end)) / 2,
    ).toISOString();
    await moveClock(t.api, half);
    const response = await t.api.patch(`/v1/subscriptions/${subscription.id}`, { product_id: pro.id });
    expect(response.status).toBe(200);
    expect(await ordersOf(t.api, subscription.id)).toHaveLength(1);
    await moveClock(t.api, subscription.current_period_end);
    const cycle = (await ordersOf(t.api, subscription.id))[1];
    expect(cycle.items.map((item: Json) => [item.amount, item.proration])).toEqual([
      [5000, false],
      [-1000, true],
      [2500, true],
      [0, false],
    ]);
    expect(totals(cycle)).toEqual([6500, 0, 6500, 0, 6500]);
  });

  it("to another interval: the period restarts now and is billed at once, with the credit", async () => {
    const annual = await t.api.expectStatus(201, "POST", "/v1/products/", {
      name: "Annual",
      recurring_interval: "year",
      prices: [{ amount_type: "fixed", price_amount: 20000 }],
    });
    const customer = await newCustomer();
    const subscription = await subscribe(t.api, { customer_id: customer.id, product_id: basic.id });
    const half = new Date(
      (Date.parse(subscription.current_period_start) + Date.parse(subscription.current_period_end)) / 2,
    );
    await moveClock(t.api, half.toISOString());
    const response = await t.api.patch(`/v1/subscriptions/${subscription.id}`, {
      product_id: annual.id,
      proration_behavior: "invoice",
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ recurring_interval: "year", amount: 20000 });
    expect(response.body.current_period_start).toBe(half.toISOString().replace(".000Z", "Z"));
    const orders = await ordersOf(t.api, subscription.id);
    expect(orders.map((order) => order.billing_reason)).toEqual(["subscription_create", "subscription_cycle"]);
    expect(orders[1].items.map((item: Json) => [item.amount, item.proration])).toEqual([
      [20000, false],
      [-1000, true],
    ]);
    expect(orders[1].total_amount).toBe(19000);
  });

  it("refuses a missing, archived, one-time or custom-priced product at product_id (422)", async () => {
    const subscription = await subscriber(basic.id);
    const archived = await createProProduct(t.api, meter.id, { name: "Archived" });
    await t.api.expectStatus(200, "PATCH", `/v1/products/${archived.id}`, { is_archived: true });
    const oneTime = await t.api.expectStatus(201, "POST", "/v1/products/", {
      name: "One time",
      recurring_interval: null,
      prices: [{ amount_type: "fixed", price_amount: 1000 }],
    });
    const custom = await t.api.expectStatus(201, "POST", "/v1/products/", {
      name: "Pay what you want",
      recurring_interval: "month",
      prices: [{ amount_type: "custom", minimum_amount: 500 }],
    });
    for (const productId of ["6c1f0ae4-2f6b-4a0a-9c4f-3f8a1e0e8b11", archived.id, oneTime.id, custom.id]) {
      const response = await t.api.patch(`/v1/subscriptions/${subscription.id}`, { product_id: productId });
      expect(response.status, productId).toBe(422);
      expect(response.body.detail[0]).toMatchObject({ loc: ["body", "product_id"], input: productId });
    }
  });
});

describe("422 create and update", () => {
  it("names the missing customer or product, and refuses a second subscription", async () => {
    const unknown = "6c1f0ae4-2f6b-4a0a-9c4f-3f8a1e0e8b11";
    const noCustomer = await t.api.post("/v1/subscriptions/", { customer_id: unknown, product_id: basic.id });
    expect(noCustomer.status).toBe(422);
    expect(noCustomer.body.detail[0]).toMatchObject({ loc: ["body", "customer_id"], msg: "Customer does not exist." });
    const noExternal = await t.api.post("/v1/subscriptions/", { external_customer_id: "nobody", product_id: basic.id });
    expect(noExternal.body.detail[0].loc).toEqual(["body", "external_customer_id"]);
    const customer = await newCustomer();
    const noProduct = await t.api.post("/v1/subscriptions/", { customer_id: customer.id, product_id: unknown });
    expect(noProduct.body.detail[0]).toMatchObject({ loc: ["body", "product_id"], msg: "Product does not exist." });
    await subscribe(t.api, { customer_id: customer.id, product_id: basic.id });
    const second = await t.api.post("/v1/subscriptions/", { customer_id: customer.id, product_id: pro.id });
    expect(second.status).toBe(422);
    expect(second.body.detail[0].loc).toEqual(["body", "customer_id"]);
  });

  it("reports a body that fits no member of the unions", async () => {
    const create = await t.api.post("/v1/subscriptions/", { product_id: basic.id });
    expect(create.status).toBe(422);
    expect(create.body.detail.map((item: Json) => item.loc)).toContainEqual([
      "body",
      "SubscriptionCreateCustomer",
      "customer_id",
    ]);
    const subscription = await subscriber(basic.id);
    const update = await t.api.patch(`/v1/subscriptions/${subscription.id}`, { revoke: false });
    expect(update.status).toBe(422);
    expect(update.body.detail.map((item: Json) => item.loc)).toContainEqual(["body", "SubscriptionRevoke", "revoke"]);
  });
});

describe("401, 403, 404", () => {
  it("needs a token and the write scope to change; unknown ids are 404", async () => {
    expect((await t.api.withToken(null).get("/v1/subscriptions/")).status).toBe(401);
    expect((await readOnly.get("/v1/subscriptions/")).status).toBe(200);
    const subscription = await subscriber(basic.id);
    for (const response of [
      await readOnly.patch(`/v1/subscriptions/${subscription.id}`, { cancel_at_period_end: true }),
      await readOnly.delete(`/v1/subscriptions/${subscription.id}`),
      await readOnly.post("/v1/subscriptions/", { customer_id: subscription.customer_id, product_id: basic.id }),
    ]) {
      expect(response.status).toBe(403);
      expect(response.body.error).toBe("insufficient_scope");
    }
    const unknown = "6c1f0ae4-2f6b-4a0a-9c4f-3f8a1e0e8b11";
    expect((await t.api.get(`/v1/subscriptions/${unknown}`)).status).toBe(404);
    expect((await t.api.delete(`/v1/subscriptions/${unknown}`)).status).toBe(404);
    expect((await t.api.patch(`/v1/subscriptions/${unknown}`, { revoke: true })).status).toBe(404);
  });
});
