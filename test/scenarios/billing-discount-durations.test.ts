import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../support/api-client.js";
import {
  attachBenefits,
  createApiCallsMeter,
  createCreditBenefit,
  createProProduct,
  ingestCalls,
  subscribe,
  totals,
} from "../support/billing-fixtures.js";
import {
  checkedOrders,
  clockTo,
  createDiscount,
  customerMeter,
  ingestManyCalls,
  items,
  meteredPriceOf,
  outboxMark,
  period,
  staticPriceOf,
  subscriptionNow,
  webhookPayloads,
  webhooksOf,
} from "../support/billing-scenario.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

/**
 * Spec billing §13 TV9 (repeating 3 months on a monthly plan), TV10 (repeating discounts on a
 * yearly plan) and TV7 (a yearly subscription with 12,345 calls and a yearly credit), told on one
 * timeline from 2025-01-15 to 2027-03-10. Repetition counts from `started_at` and is evaluated for
 * the new period before the cycle order is built (spec §7.4, Engine).
 */
let t: TestEngine;
let meter: Json;
let pro: Json;
let annual: Json;
let annualCredits: Json;
let half3: Json;
let half24: Json;

const TV9_START = "2025-01-15T10:00:00Z";
const YEAR_START = "2025-03-10T09:00:00Z";

async function start(email: string, product: Json, discount?: Json): Promise<{ customer: Json; subscription: Json }> {
  const customer = await t.api.createCustomer({ email });
  const subscription = await subscribe(t.api, {
    customer_id: customer.id,
    product_id: product.id,
    ...(discount !== undefined && { discount_id: discount.id }),
  });
  return { customer, subscription };
}

function annualProduct(name: string): Promise<Json> {
  return t.api.expectStatus(201, "POST", "/v1/products/", {
    name,
    recurring_interval: "year",
    prices: [
      { amount_type: "fixed", price_amount: 20000 },
      { amount_type: "metered_unit", meter_id: meter.id, unit_amount: "10" },
    ],
  });
}

beforeAll(async () => {
  t = await startTestEngine({ sandbox: true, now: TV9_START });
  meter = await createApiCallsMeter(t.api);
  pro = await createProProduct(t.api, meter.id);
  annual = await annualProduct("Pro Annual");
  const yearlyCredit = await createCreditBenefit(t.api, meter.id, 1000, false);
  annualCredits = await attachBenefits(t.api, (await annualProduct("Pro Annual")).id, [yearlyCredit.id]);
  half3 = await createDiscount(t.api, {
    name: "HALF3",
    type: "percentage",
    basis_points: 5000,
    duration: "repeating",
    duration_in_months: 3,
  });
  half24 = await createDiscount(t.api, {
    name: "HALF24",
    type: "percentage",
    basis_points: 5000,
    duration: "repeating",
    duration_in_months: 24,
  });
});
afterAll(() => t.stop());

type Story = { customer: Json; subscription: Json };
let idle: Story;
let busy: Story;
let tv7: Story;
let short: Story;
let long: Story;

describe("TV9: 50% repeating 3 months on PRO, started 2025-01-15T10:00:00Z (cut-off 03-15T10:00)", () => {
  it("create 01-15: 2000 / 1000 / 1000, amount 1000", async () => {
    idle = await start("tv9@example.com", pro, half3);
    busy = await start("tv9-usage@example.com", pro, half3);
    for (const { subscription } of [idle, busy]) {
      expect(subscription).toMatchObject({ amount: 1000, discount_id: half3.id, started_at: TV9_START });
      expect(period(subscription)).toEqual([TV9_START, "2025-02-15T10:00:00Z"]);
      const [created] = await checkedOrders(t.api, subscription.id);
      expect(created.discount_id).toBe(half3.id);
      expect(totals(created)).toEqual([2000, 1000, 1000, 0, 1000]);
    }
  });

  it("cycle 02-15 (≤ cut-off): kept, 2000 / 1000 / 1000; the metered line is 0", async () => {
    await clockTo(t, "2025-02-15T10:00:00Z");
    const orders = await checkedOrders(t.api, idle.subscription.id);
    expect(orders).toHaveLength(2);
    expect(orders[1].discount_id).toBe(half3.id);
    expect(items(orders[1])).toEqual([
      ["Pro — From Feb 15, 2025 to Mar 15, 2025", 2000, false, staticPriceOf(pro).id],
      ["API Calls — (0 consumed units) × $0.10", 0, false, meteredPriceOf(pro).id],
    ]);
    expect(totals(orders[1])).toEqual([2000, 1000, 1000, 0, 1000]);
    // February–March usage of the second TV9 subscription, billed on 03-15.
    await clockTo(t, "2025-02-20T00:00:00Z");
    await ingestCalls(t.api, busy.customer.id, 300, "2025-02-20T00:00:00Z");
  });
});

describe("TV7 and TV10: the yearly subscriptions start on 2025-03-10T09:00:00Z, between TV9's cycles", () => {
  it("create: TV7 bills 20000; TV10 with 50% repeating 3 or 24 months bills 10000", async () => {
    await clockTo(t, YEAR_START);
    tv7 = await start("tv7@example.com", annualCredits);
    short = await start("tv10-3@example.com", annual, half3);
    long = await start("tv10-24@example.com", annual, half24);

    expect(tv7.subscription).toMatchObject({ amount: 20000, recurring_interval: "year" });
    expect(period(tv7.subscription)).toEqual([YEAR_START, "2026-03-10T09:00:00Z"]);
    const [created] = await checkedOrders(t.api, tv7.subscription.id);
    expect(items(created)).toEqual([["Pro Annual", 20000, false, staticPriceOf(annualCredits).id]]);
    expect(totals(created)).toEqual([20000, 0, 20000, 0, 20000]);
    expect(await customerMeter(t, tv7.customer.id, meter.id)).toEqual([1000, 0, 1000]);

    for (const { subscription } of [short, long]) {
      expect(subscription.amount).toBe(10000);
      expect(totals((await checkedOrders(t.api, subscription.id))[0])).toEqual([20000, 10000, 10000, 0, 10000]);
    }
  });
});

describe("TV9, continued", () => {
  it("cycle 03-15 (= cut-off, not after it): kept; with 300 calls in Feb–Mar, 5000 / 2500 / 2500", async () => {
    await clockTo(t, "2025-03-15T10:00:00Z");
    const [idleOrders, busyOrders] = [
      await checkedOrders(t.api, idle.subscription.id),
      await checkedOrders(t.api, busy.subscription.id),
    ];
    expect(idleOrders).toHaveLength(3);
    expect(totals(idleOrders[2])).toEqual([2000, 1000, 1000, 0, 1000]);
    expect(busyOrders).toHaveLength(3);
    expect(busyOrders[2].discount_id).toBe(half3.id);
    expect(items(busyOrders[2]).map(([label, amount]) => [label, amount])).toEqual([
      ["Pro — From Mar 15, 2025 to Apr 15, 2025", 2000],
      ["API Calls — (300 consumed units) × $0.10", 3000],
    ]);
    expect(totals(busyOrders[2])).toEqual([5000, 2500, 2500, 0, 2500]);
  });

  it("cycle 04-15 (> cut-off): removed first, 2000 / 0 / 2000; subscription.updated shows discount_id null", async () => {
    const mark = await outboxMark(t);
    await clockTo(t, "2025-04-15T10:00:00Z");
    const orders = await checkedOrders(t.api, idle.subscription.id);
    expect(orders).toHaveLength(4);
    expect(orders[3].discount_id).toBeNull();
    expect(totals(orders[3])).toEqual([2000, 0, 2000, 0, 2000]);
    expect(await subscriptionNow(t.api, idle.subscription.id)).toMatchObject({
      discount_id: null,
      discount: null,
      amount: 2000,
    });
    expect(await webhooksOf(t, idle.customer.id, mark)).toEqual([
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "order.paid",
    ]);
    const [updated] = await webhookPayloads(t, idle.customer.id, "subscription.updated", mark);
    expect(updated).toMatchObject({ discount_id: null, amount: 2000, current_period_start: "2025-04-15T10:00:00Z" });
    // Orders keep their own discount.
    expect(orders.map((order) => order.discount_id)).toEqual([half3.id, half3.id, half3.id, null]);

    // The monthly stories end here (revoked: the pending window is billed, nothing in it here).
    for (const { subscription } of [idle, busy]) {
      expect((await t.api.delete(`/v1/subscriptions/${subscription.id}`)).status).toBe(200);
    }
  });
});

describe("TV7 and TV10: a year of usage and the yearly renewals", () => {
  it("accumulates a whole year of usage: 12,345 calls (TV7) and 100 (TV10, 24 months)", async () => {
    const september = "2025-09-01T00:00:00Z";
    await clockTo(t, september);
    await ingestManyCalls(t.api, tv7.customer.id, 12_345, september);
    await ingestCalls(t.api, long.customer.id, 100, september);
    expect(await customerMeter(t, tv7.customer.id, meter.id)).toEqual([1000, 12_345, -11_345]);
    // No monthly cycle happened for the yearly subscriptions.
    expect(await checkedOrders(t.api, tv7.subscription.id)).toHaveLength(1);
  });

  it("renewal 2026-03-10T09:00Z: TV7 bills 20000 + 11,345 × $0.10 = 133450 and cycles the credit once", async () => {
    const mark = await outboxMark(t);
    await clockTo(t, "2026-03-10T09:00:00Z");
    const orders = await checkedOrders(t.api, tv7.subscription.id);
    expect(orders).toHaveLength(2);
    expect(orders[1].billing_reason).toBe("subscription_cycle");
    expect(items(orders[1])).toEqual([
      ["Pro Annual — From Mar 10, 2026 to Mar 10, 2027", 20000, false, staticPriceOf(annualCredits).id],
      ["API Calls — (11,345 consumed units) × $0.10", 113_450, false, meteredPriceOf(annualCredits).id],
    ]);
    expect(totals(orders[1])).toEqual([133_450, 0, 133_450, 0, 133_450]);
    expect(period(await subscriptionNow(t.api, tv7.subscription.id))).toEqual([
      "2026-03-10T09:00:00Z",
      "2027-03-10T09:00:00Z",
    ]);
    expect(await webhooksOf(t, tv7.customer.id, mark)).toEqual([
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "benefit_grant.cycled",
      "customer.state_changed",
    ]);
    expect(await customerMeter(t, tv7.customer.id, meter.id)).toEqual([1000, 0, 1000]);
  });

  it("renewal 2026: TV10 N=3 (cut-off 2025-05-10) is full price; N=24 (cut-off 2027-02-10) still halves the year's usage too", async () => {
    const [shortOrders, longOrders] = [
      await checkedOrders(t.api, short.subscription.id),
      await checkedOrders(t.api, long.subscription.id),
    ];
    expect(shortOrders[1].discount_id).toBeNull();
    expect(totals(shortOrders[1])).toEqual([20000, 0, 20000, 0, 20000]);
    expect(await subscriptionNow(t.api, short.subscription.id)).toMatchObject({ discount_id: null, amount: 20000 });

    expect(longOrders[1].discount_id).toBe(half24.id);
    expect(items(longOrders[1]).map(([label, amount]) => [label, amount])).toEqual([
      ["Pro Annual — From Mar 10, 2026 to Mar 10, 2027", 20000],
      ["API Calls — (100 consumed units) × $0.10", 1000],
    ]);
    expect(totals(longOrders[1])).toEqual([21000, 10500, 10500, 0, 10500]);
    expect(await subscriptionNow(t.api, long.subscription.id)).toMatchObject({ discount_id: half24.id, amount: 10000 });
  });

  it("renewal 2027-03-10: N=24 is removed (2027-03-10 > cut-off): both at full price", async () => {
    await clockTo(t, "2027-03-10T09:00:00Z");
    for (const { subscription } of [short, long]) {
      const orders = await checkedOrders(t.api, subscription.id);
      expect(orders.map((order) => order.billing_reason)).toEqual([
        "subscription_create",
        "subscription_cycle",
        "subscription_cycle",
      ]);
      expect(orders[2].discount_id).toBeNull();
      expect(totals(orders[2])).toEqual([20000, 0, 20000, 0, 20000]);
      expect(await subscriptionNow(t.api, subscription.id)).toMatchObject({ discount_id: null, amount: 20000 });
    }
    const tv7Orders = await checkedOrders(t.api, tv7.subscription.id);
    expect(tv7Orders).toHaveLength(3);
    expect(items(tv7Orders[2])[0]).toEqual([
      "Pro Annual — From Mar 10, 2027 to Mar 10, 2028",
      20000,
      false,
      staticPriceOf(annualCredits).id,
    ]);
    // The yearly credit of 1000 was unused: the line is −1000 units, billed 0.
    expect(items(tv7Orders[2])[1]?.slice(0, 2)).toEqual(["API Calls — (-1,000 consumed units) × $0.10", 0]);
  });
});
