import { CustomerState$inboundSchema } from "@polar-sh/sdk/models/components/customerstate.js";
import { ListResourceOrder$inboundSchema } from "@polar-sh/sdk/models/components/listresourceorder.js";
import { Order$inboundSchema } from "@polar-sh/sdk/models/components/order.js";
import { Subscription$inboundSchema } from "@polar-sh/sdk/models/components/subscription.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../support/api-client.js";
import {
  attachBenefits,
  createApiCallsMeter,
  createCreditBenefit,
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

/**
 * The billing story of spec billing §13 told over HTTP in sandbox mode: a subscription on PRO with
 * CR200, usage, cycles moved by the sandbox clock, cancel at period end and revoke.
 */
let t: TestEngine;
let meter: Json;
let product: Json;
let benefit: Json;

beforeAll(async () => {
  t = await startTestEngine({ sandbox: true, now: "2025-06-01T00:00:00Z" });
  meter = await createApiCallsMeter(t.api);
  product = await createProProduct(t.api, meter.id);
  benefit = await createCreditBenefit(t.api, meter.id);
  product = await attachBenefits(t.api, product.id, [benefit.id]);
});
afterAll(() => t.stop());

async function state(customerId: string): Promise<Json> {
  await t.caughtUp();
  const response = await t.api.get(`/v1/customers/${customerId}/state`);
  expect(response.status).toBe(200);
  parseWithSdk(CustomerState$inboundSchema, response.body);
  return response.body;
}

function meterFigures(customerState: Json) {
  const figures = customerState.active_meters.find((entry: Json) => entry.meter_id === meter.id);
  return { consumed: figures?.consumed_units, credited: figures?.credited_units, balance: figures?.balance };
}

describe("PRO with CR200: create, cycle, cancel at period end", () => {
  let customer: Json;
  let subscription: Json;

  it("creates the subscription: a paid subscription_create order of 2000, the grant and 200 credits", async () => {
    customer = await t.api.createCustomer({ email: "story@example.com", name: "Story" });
    const response = await t.api.post("/v1/subscriptions/", { customer_id: customer.id, product_id: product.id });
    expect(response.status).toBe(201);
    subscription = response.body;
    const parsed = parseWithSdk(Subscription$inboundSchema, subscription);
    expect(parsed).toMatchObject({ status: "active", amount: 2000, recurringInterval: "month" });
    expect(subscription.current_period_start).toBe("2025-06-01T00:00:00Z");
    expect(subscription.current_period_end).toBe("2025-07-01T00:00:00Z");
    expect(subscription.meters.map((entry: Json) => entry.meter_id)).toEqual([meter.id]);

    const [order, ...others] = await ordersOf(t.api, subscription.id);
    expect(others).toEqual([]);
    parseWithSdk(Order$inboundSchema, order);
    expect(order).toMatchObject({ billing_reason: "subscription_create", status: "paid", paid: true });
    expect(lines(order)).toEqual([["Pro", 2000]]);
    expect(totals(order)).toEqual([2000, 0, 2000, 0, 2000]);

    const current = await state(customer.id);
    expect(current.active_subscriptions.map((entry: Json) => entry.id)).toEqual([subscription.id]);
    expect(current.active_subscriptions[0].meters[0]).toMatchObject({ credited_units: 200, consumed_units: 0 });
    expect(current.granted_benefits).toHaveLength(1);
    expect(current.granted_benefits[0]).toMatchObject({ benefit_id: benefit.id, benefit_type: "meter_credit" });
    expect(current.granted_benefits[0].properties).toMatchObject({ last_credited_units: 200 });
    expect(meterFigures(current)).toEqual({ consumed: 0, credited: 200, balance: 200 });
  });

  it("bills 1,000 calls at the renewal: exactly one cycle order of 7000, and the meter restarts with 200", async () => {
    await moveClock(t.api, "2025-06-15T00:00:00Z");
    await ingestCalls(t.api, customer.id, 1000, "2025-06-15T00:00:00Z");
    await t.caughtUp();
    const live = await t.api.get(`/v1/subscriptions/${subscription.id}`);
    expect(live.body.meters[0]).toMatchObject({ consumed_units: 1000, credited_units: 200, amount: 5000 });

    const moved = await moveClock(t.api, "2025-07-01T00:00:00Z");
    expect(moved.now).toBe("2025-07-01T00:00:00Z");
    expect(moved.processed).toBeGreaterThanOrEqual(1);

    const orders = await ordersOf(t.api, subscription.id);
    expect(orders).toHaveLength(2);
    const cycle = orders[1];
    parseWithSdk(Order$inboundSchema, cycle);
    expect(cycle).toMatchObject({ billing_reason: "subscription_cycle", status: "paid" });
    expect(lines(cycle)).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 2000],
      ["API Calls — (800 consumed units) × $0.10— Capped at $50.00", 5000],
    ]);
    expect(totals(cycle)).toEqual([7000, 0, 7000, 0, 7000]);

    const renewed = (await t.api.get(`/v1/subscriptions/${subscription.id}`)).body;
    expect(renewed.current_period_start).toBe("2025-07-01T00:00:00Z");
    expect(renewed.current_period_end).toBe("2025-08-01T00:00:00Z");
    expect(meterFigures(await state(customer.id))).toEqual({ consumed: 0, credited: 200, balance: 200 });

    // Moving to the same instant again bills nothing more.
    await moveClock(t.api, "2025-07-01T00:00:00Z");
    expect(await ordersOf(t.api, subscription.id)).toHaveLength(2);
  });

  it("renews without usage: the static price and a credit-only line of 0", async () => {
    await moveClock(t.api, "2025-08-01T00:00:00Z");
    const orders = await ordersOf(t.api, subscription.id);
    expect(orders).toHaveLength(3);
    expect(lines(orders[2])).toEqual([
      ["Pro — From Aug 1, 2025 to Sep 1, 2025", 2000],
      ["API Calls — (-200 consumed units) × $0.10", 0],
    ]);
    expect(totals(orders[2])).toEqual([2000, 0, 2000, 0, 2000]);
  });

  it("cancels at period end, then ends with a usage-only final order", async () => {
    const canceled = await t.api.patch(`/v1/subscriptions/${subscription.id}`, {
      cancel_at_period_end: true,
      customer_cancellation_reason: "too_expensive",
    });
    expect(canceled.status).toBe(200);
    parseWithSdk(Subscription$inboundSchema, canceled.body);
    expect(canceled.body).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      canceled_at: "2025-08-01T00:00:00Z",
      ends_at: "2025-09-01T00:00:00Z",
      ended_at: null,
      customer_cancellation_reason: "too_expensive",
    });
    await moveClock(t.api, "2025-08-10T00:00:00Z");
    await ingestCalls(t.api, customer.id, 300, "2025-08-10T00:00:00Z");
    await moveClock(t.api, "2025-09-01T00:00:00Z");

    const ended = (await t.api.get(`/v1/subscriptions/${subscription.id}`)).body;
    expect(ended).toMatchObject({ status: "canceled", ended_at: "2025-09-01T00:00:00Z" });
    const orders = await ordersOf(t.api, subscription.id);
    expect(orders).toHaveLength(4);
    expect(orders[3].billing_reason).toBe("subscription_cycle");
    expect(lines(orders[3])).toEqual([["API Calls — (100 consumed units) × $0.10", 1000]]);
    expect(totals(orders[3])).toEqual([1000, 0, 1000, 0, 1000]);

    const after = await state(customer.id);
    expect(after.active_subscriptions).toEqual([]);
    expect(after.granted_benefits).toEqual([]);
    // Nothing more happens once it ended.
    await moveClock(t.api, "2025-10-01T00:00:00Z");
    expect(await ordersOf(t.api, subscription.id)).toHaveLength(4);
  });
});

describe("revoke", () => {
  it("ends the subscription now and bills the pending usage in a final order at once", async () => {
    const customer = await t.api.createCustomer({ email: "revoke@example.com" });
    const subscription = await subscribe(t.api, { customer_id: customer.id, product_id: product.id });
    await ingestCalls(t.api, customer.id, 250, "2025-10-01T00:00:00Z");
    await moveClock(t.api, "2025-10-05T08:00:00Z");

    const response = await t.api.delete(`/v1/subscriptions/${subscription.id}`);
    expect(response.status).toBe(200);
    parseWithSdk(Subscription$inboundSchema, response.body);
    expect(response.body).toMatchObject({
      status: "canceled",
      canceled_at: "2025-10-05T08:00:00Z",
      ends_at: "2025-10-05T08:00:00Z",
      ended_at: "2025-10-05T08:00:00Z",
    });
    const orders = await ordersOf(t.api, subscription.id);
    expect(orders.map((order) => order.billing_reason)).toEqual(["subscription_create", "subscription_cycle"]);
    // 250 calls − 200 credits.
    expect(lines(orders[1])).toEqual([["API Calls — (50 consumed units) × $0.10", 500]]);

    const again = await t.api.delete(`/v1/subscriptions/${subscription.id}`);
    expect(again.status).toBe(403);
    expect(again.body.error).toBe("AlreadyCanceledSubscription");
    const current = await state(customer.id);
    expect(current.active_subscriptions).toEqual([]);
    expect(meterFigures(current).credited).toBe(0);
  });
});

describe("TV4: 30% forever discount", () => {
  it("discounts the create order, the amount and the whole renewal, usage included", async () => {
    const discount = await t.api.expectStatus(201, "POST", "/v1/discounts/", {
      name: "D30",
      type: "percentage",
      basis_points: 3000,
      duration: "forever",
    });
    const plain = await createProProduct(t.api, meter.id, { name: "Pro plain" });
    const customer = await t.api.createCustomer({ email: "tv4@example.com" });
    const subscription = await subscribe(t.api, {
      customer_id: customer.id,
      product_id: plain.id,
      discount_id: discount.id,
    });
    expect(subscription).toMatchObject({ amount: 1400, discount_id: discount.id });
    expect(subscription.discount).toMatchObject({ id: discount.id, basis_points: 3000 });
    const [created] = await ordersOf(t.api, subscription.id);
    expect(totals(created)).toEqual([2000, 600, 1400, 0, 1400]);

    await ingestCalls(t.api, customer.id, 1000, subscription.current_period_start);
    const periodEnd = subscription.current_period_end as string;
    await moveClock(t.api, periodEnd);
    const orders = await ordersOf(t.api, subscription.id);
    expect(orders).toHaveLength(2);
    expect(orders[1].discount_id).toBe(discount.id);
    expect(lines(orders[1])[1]).toEqual(["API Calls — (1,000 consumed units) × $0.10— Capped at $50.00", 5000]);
    expect(totals(orders[1])).toEqual([7000, 2100, 4900, 0, 4900]);
    const list = await t.api.get(`/v1/orders/?discount_id=${discount.id}`);
    expect(parseWithSdk(ListResourceOrder$inboundSchema, list.body).pagination.totalCount).toBe(2);
    expect((await t.api.get(`/v1/discounts/${discount.id}`)).body.redemptions_count).toBe(1);
  });
});

describe("deleting a customer", () => {
  it("revokes its live subscriptions, whose final order follows", async () => {
    const customer = await t.api.createCustomer({ email: "leaving@example.com" });
    const subscription = await subscribe(t.api, { customer_id: customer.id, product_id: product.id });
    const now = (await moveClock(t.api, subscription.current_period_start)).now as string;
    await ingestCalls(t.api, customer.id, 260, now);
    const mark = await outboxMark(t);
    expect((await t.api.delete(`/v1/customers/${customer.id}`)).status).toBe(204);
    const revoked = await t.api.get(`/v1/subscriptions/${subscription.id}`);
    expect(revoked.body).toMatchObject({ status: "canceled", ended_at: now });
    // The final settlement is queued; the sandbox clock runs whatever is due at once.
    await moveClock(t.api, now);
    const orders = await ordersOf(t.api, subscription.id);
    // Both orders carry the same instant: tell them apart by reason.
    const byReason = Object.fromEntries(orders.map((order) => [order.billing_reason, lines(order)]));
    expect(byReason).toEqual({
      subscription_create: [["Pro", 2000]],
      subscription_cycle: [["API Calls — (60 consumed units) × $0.10", 600]],
    });
    // The revoke (and its state), then the deletion (and the state of the deleted customer), then
    // the final settlement: the order, the grant's revoke and the state once more.
    const records = await outboxSince(t, mark, customer.id);
    expect(records.map((record) => record.type)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
      "customer.deleted",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "benefit_grant.revoked",
      "customer.state_changed",
    ]);
    const states = records
      .map(parseAnnouncement)
      .flatMap(({ type, data }) =>
        type === "customer.state_changed"
          ? [[data.deletedAt !== null, data.activeSubscriptions.length, data.grantedBenefits.length]]
          : [],
      );
    // [deleted, active subscriptions, granted benefits] after each change.
    expect(states).toEqual([
      [false, 0, 1],
      [true, 0, 1],
      [true, 0, 0],
    ]);
  });
});

describe("webhook announcements", () => {
  let customer: Json;
  let subscription: Json;

  /** `[active subscription ids, granted benefit ids]` of a parsed `customer.state_changed`. */
  function held(state: Json): [string[], string[]] {
    return [
      state.data.activeSubscriptions.map((entry: Json) => entry.id),
      state.data.grantedBenefits.map((entry: Json) => entry.benefitId),
    ];
  }

  it("announces a customer's and its subscription's creation in Polar's order, each change followed by the state", async () => {
    const mark = await outboxMark(t);
    customer = await t.api.createCustomer({ email: "announced@example.com" });
    subscription = await subscribe(t.api, { customer_id: customer.id, product_id: product.id });
    const records = await outboxSince(t, mark);
    expect(records.map((record) => record.type)).toEqual([
      "customer.created",
      "customer.state_changed",
      "subscription.created",
      "subscription.active",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "benefit_grant.created",
      "customer.state_changed",
    ]);
    const states = records.map(parseAnnouncement).filter((record) => record.type === "customer.state_changed");
    // Each state is the one its change left: nothing, then the subscription, then its grant too.
    expect(states.map(held)).toEqual([
      [[], []],
      [[subscription.id], []],
      [[subscription.id], [benefit.id]],
    ]);
  });

  it("cancel and uncancel each end with the customer's state, as GET /state shows it", async () => {
    await t.caughtUp();
    for (const [cancelAtPeriodEnd, types] of [
      [true, ["subscription.updated", "subscription.canceled", "customer.state_changed"]],
      [false, ["subscription.updated", "subscription.uncanceled", "customer.state_changed"]],
    ] as const) {
      const mark = await outboxMark(t);
      await t.api.expectStatus(200, "PATCH", `/v1/subscriptions/${subscription.id}`, {
        cancel_at_period_end: cancelAtPeriodEnd,
      });
      const records = await outboxSince(t, mark, customer.id);
      expect(records.map((record) => record.type)).toEqual(types);
      for (const record of records) parseAnnouncement(record);
      expect(records.at(-1)?.data).toEqual(await state(customer.id));
    }
  });

  it("a revoke: the state after the subscription's events, and again after the final settlement's", async () => {
    const mark = await outboxMark(t);
    expect((await t.api.delete(`/v1/subscriptions/${subscription.id}`)).status).toBe(200);
    const records = await outboxSince(t, mark, customer.id);
    expect(records.map((record) => record.type)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "benefit_grant.revoked",
      "customer.state_changed",
    ]);
    const states = records.map(parseAnnouncement).filter((record) => record.type === "customer.state_changed");
    expect(states.map(held)).toEqual([
      [[], [benefit.id]],
      [[], []],
    ]);
  });
});

describe("sandbox clock", () => {
  it("advances by seconds and never goes back", async () => {
    const current = (await t.api.expectStatus(200, "POST", "/v1/sandbox/clock", { advance_seconds: 1 })).now as string;
    const advanced = await t.api.post("/v1/sandbox/clock", { advance_seconds: 3600 });
    expect(advanced.status).toBe(200);
    expect(advanced.body.now).toBe(new Date(Date.parse(current) + 3_600_000).toISOString().replace(".000Z", "Z"));
    expect(advanced.body.processed).toEqual(expect.any(Number));
    const back = await t.api.post("/v1/sandbox/clock", { to: "2025-01-01T00:00:00Z" });
    expect(back.status).toBe(422);
    expect(back.body.detail[0]).toMatchObject({ loc: ["body", "to"], msg: "The sandbox clock never goes back." });
  });

  it("validates the body and needs organizations:write", async () => {
    const both = await t.api.post("/v1/sandbox/clock", { advance_seconds: 1, to: "2030-01-01T00:00:00Z" });
    expect(both.status).toBe(422);
    expect((await t.api.post("/v1/sandbox/clock", { advance_seconds: 0 })).status).toBe(422);
    expect((await t.api.withToken(null).post("/v1/sandbox/clock", { advance_seconds: 1 })).status).toBe(401);
    const limited = await t.createOrganization("clock-limited", ["organizations:read"]);
    const denied = await limited.api.post("/v1/sandbox/clock", { advance_seconds: 1 });
    expect(denied.status).toBe(403);
  });
});
