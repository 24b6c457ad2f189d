import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, type Json, queryString } from "../support/api-client.js";
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
  items,
  meteredPriceOf,
  outboxMark,
  period,
  quantityTotal,
  staticPriceOf,
  subscriptionMeter,
  subscriptionNow,
  webhooksOf,
} from "../support/billing-scenario.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

/**
 * Spec billing §13 TV12–TV14, TV18 and TV19 — the end of a subscription, its guards, the
 * ingestion window and a product change — on one timeline from 2025-03-01 to 2025-08-01:
 *
 * - March (TV12, TV14): PRO with D30 started 03-01, canceled at period end on 03-10T12:00Z; one
 *   twin is uncanceled on 03-20; the first ends on 04-01 with a final usage order.
 * - May (TV13): PRO started 05-01, revoked on 05-20T08:00Z with 120 calls pending.
 * - June (TV18, TV19): PRO with CR200 and the Basic → PRO changes, all started 06-01 and renewed
 *   on 07-01; the late events are billed on 08-01.
 *
 * TV15 (refunds) is not told here: Meterline has no refunds yet (no `/v1/refunds/` route and no
 * refund code in services/billing), so there is nothing to drive over HTTP.
 *
 * Meterline deviations (ARCHITECTURE §7) asserted as Meterline's result, each said where it
 * applies: the end of a canceled subscription and an immediate revoke both bill the pending usage
 * in a final order; windows are closed in log order (§3.5–3.6), so the billing-entry job's timing
 * never decides which order an event lands on; usage from before a subscription starts is never
 * billed.
 */
let t: TestEngine;
let meter: Json;
let pro: Json;
let proCredits: Json;
let d30: Json;
let cr200: Json;

type Story = { customer: Json; subscription: Json };

async function start(email: string, product: Json, discount?: Json): Promise<Story> {
  const customer = await t.api.createCustomer({ email });
  const subscription = await subscribe(t.api, {
    customer_id: customer.id,
    product_id: product.id,
    ...(discount !== undefined && { discount_id: discount.id }),
  });
  return { customer, subscription };
}

function patch(subscription: Json, body: Record<string, unknown>): Promise<ApiResponse> {
  return t.api.patch(`/v1/subscriptions/${subscription.id}`, body);
}

/** A Polar domain error answer: the status and `{error, detail}` with that class name. */
function expectError(response: ApiResponse, status: number, error: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.body).toMatchObject({ error });
  expect(typeof response.body.detail).toBe("string");
}

/** The customer's system events of `name`, oldest first, as `GET /v1/events/` lists them. */
async function systemEvents(customerId: string, name: string): Promise<Json[]> {
  await t.caughtUp();
  const query = queryString({ customer_id: customerId, name, source: "system", sorting: "timestamp", limit: 100 });
  const response = await t.api.get(`/v1/events/${query}`);
  expect(response.status, response.text).toBe(200);
  return response.body.items;
}

beforeAll(async () => {
  t = await startTestEngine({ sandbox: true, now: "2025-03-01T00:00:00Z" });
  meter = await createApiCallsMeter(t.api);
  pro = await createProProduct(t.api, meter.id);
  cr200 = await createCreditBenefit(t.api, meter.id, 200, false);
  proCredits = await attachBenefits(t.api, (await createProProduct(t.api, meter.id)).id, [cr200.id]);
  d30 = await createDiscount(t.api, { name: "D30", type: "percentage", basis_points: 3000, duration: "forever" });
});
afterAll(() => t.stop());

const MARCH = "2025-03-01T00:00:00Z";
const CANCELED_AT = "2025-03-10T12:00:00Z";
const APRIL = "2025-04-01T00:00:00Z";

let tv12: Story;
let tv12Idle: Story;
let tv14: Story;
let active: Story;

describe("TV12: PRO with D30 started 2025-03-01, canceled at period end on 03-10T12:00Z", () => {
  it("starts the March subscriptions: 2000 / 600 / 1400 each", async () => {
    tv12 = await start("tv12@example.com", pro, d30);
    tv12Idle = await start("tv12-idle@example.com", pro, d30);
    tv14 = await start("tv14@example.com", pro, d30);
    active = await start("tv14-active@example.com", pro);
    for (const { subscription } of [tv12, tv12Idle, tv14]) {
      expect(subscription).toMatchObject({ status: "active", amount: 1400, discount_id: d30.id, started_at: MARCH });
      expect(period(subscription)).toEqual([MARCH, APRIL]);
      expect(totals((await checkedOrders(t.api, subscription.id))[0])).toEqual([2000, 600, 1400, 0, 1400]);
    }
  });

  it("PATCH cancel_at_period_end: still active, canceled_at now, ends_at the period end, the reason kept", async () => {
    await clockTo(t, CANCELED_AT);
    const mark = await outboxMark(t);
    for (const story of [tv12, tv12Idle, tv14]) {
      const response = await patch(story.subscription, {
        cancel_at_period_end: true,
        customer_cancellation_reason: "too_expensive",
        ...(story === tv14 && { customer_cancellation_comment: "Cheaper elsewhere" }),
      });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toMatchObject({
        status: "active",
        cancel_at_period_end: true,
        canceled_at: CANCELED_AT,
        ends_at: APRIL,
        ended_at: null,
        customer_cancellation_reason: "too_expensive",
        customer_cancellation_comment: story === tv14 ? "Cheaper elsewhere" : null,
        discount_id: d30.id,
        amount: 1400,
      });
      expect(period(response.body)).toEqual([MARCH, APRIL]);
    }
    // Spec §10.4: subscription.updated → subscription.canceled (the customer.state_changed job
    // carries no customer_id, so it is not among a customer's records here).
    // Spec §4.6: a customer.state_changed follows.
    expect(await webhooksOf(t, tv12.customer.id, mark)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "customer.state_changed",
    ]);
    const listed = await t.api.get(`/v1/subscriptions/${queryString({ customer_id: tv12.customer.id, active: true })}`);
    expect(listed.body.items.map((entry: Json) => entry.id)).toEqual([tv12.subscription.id]);
  });

  it("March usage: 250 calls (TV12) and 100 calls (TV14's twin), shown live on the meters", async () => {
    const march = "2025-03-15T00:00:00Z";
    await clockTo(t, march);
    await ingestCalls(t.api, tv12.customer.id, 250, march);
    await ingestCalls(t.api, tv14.customer.id, 100, march);
    expect(await subscriptionMeter(t, tv12.subscription.id, meter.id)).toEqual([250, 0, 2500]);
    expect(await subscriptionMeter(t, tv14.subscription.id, meter.id)).toEqual([100, 0, 1000]);
  });
});

describe("TV14: uncancel and its guards, on 2025-03-20", () => {
  it("PATCH cancel_at_period_end false on TV12's state clears canceled_at, ends_at, reason and comment", async () => {
    await clockTo(t, "2025-03-20T00:00:00Z");
    const mark = await outboxMark(t);
    const response = await patch(tv14.subscription, { cancel_at_period_end: false });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({
      status: "active",
      cancel_at_period_end: false,
      canceled_at: null,
      ends_at: null,
      ended_at: null,
      customer_cancellation_reason: null,
      customer_cancellation_comment: null,
    });
    expect(period(response.body)).toEqual([MARCH, APRIL]);
    expect(await webhooksOf(t, tv14.customer.id, mark)).toEqual([
      "subscription.updated",
      "subscription.uncanceled",
      "customer.state_changed",
    ]);
  });

  it("uncancel on a subscription that is not canceled → 400 BadRequest, nothing changes", async () => {
    const mark = await outboxMark(t);
    for (const story of [active, tv14]) {
      expectError(await patch(story.subscription, { cancel_at_period_end: false }), 400, "BadRequest");
      expect(await subscriptionNow(t.api, story.subscription.id)).toMatchObject({
        status: "active",
        cancel_at_period_end: false,
        canceled_at: null,
      });
      expect(await webhooksOf(t, story.customer.id, mark)).toEqual([]);
    }
  });

  it("cancel_at_period_end true on a subscription already set to cancel → 403 AlreadyCanceledSubscription", async () => {
    const mark = await outboxMark(t);
    const response = await patch(tv12.subscription, {
      cancel_at_period_end: true,
      customer_cancellation_reason: "other",
    });
    expectError(response, 403, "AlreadyCanceledSubscription");
    expect(await subscriptionNow(t.api, tv12.subscription.id)).toMatchObject({
      cancel_at_period_end: true,
      canceled_at: CANCELED_AT,
      customer_cancellation_reason: "too_expensive",
    });
    expect(await webhooksOf(t, tv12.customer.id, mark)).toEqual([]);
  });

  it("a product change on a subscription set to cancel → 403 (spec §4.7), nothing changes", async () => {
    const other = await createProProduct(t.api, meter.id, { name: "Pro Plus", fixed: 3000 });
    const response = await patch(tv12.subscription, { product_id: other.id, proration_behavior: "invoice" });
    expect(response.status, response.text).toBe(403);
    expect(await subscriptionNow(t.api, tv12.subscription.id)).toMatchObject({ product_id: pro.id, amount: 1400 });
    expect(await checkedOrders(t.api, tv12.subscription.id)).toHaveLength(1);
  });

  it("two cancels at the same moment: one is applied, the other is refused (403, or 409 SubscriptionUpdatePending)", async () => {
    // Spec §4.6: every subscription mutation runs under a per-subscription lock, so a concurrent
    // update answers 409; once the first is applied, the second finds it canceled (403).
    const racing = await start("tv14-race@example.com", pro);
    const mark = await outboxMark(t);
    const answers = await Promise.all([
      patch(racing.subscription, { cancel_at_period_end: true, customer_cancellation_reason: "unused" }),
      patch(racing.subscription, { cancel_at_period_end: true, customer_cancellation_reason: "too_complex" }),
    ]);
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses[0], answers.map((answer) => answer.text).join("\n")).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    expect(await webhooksOf(t, racing.customer.id, mark)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "customer.state_changed",
    ]);
    await t.api.delete(`/v1/subscriptions/${racing.subscription.id}`);
  });
});

describe("TV12: the period end on 2025-04-01T00:00:00Z", () => {
  let mark = 0;

  it("ends the canceled subscription: status canceled, ended_at = ends_at = the period end", async () => {
    mark = await outboxMark(t);
    await clockTo(t, APRIL);
    for (const story of [tv12, tv12Idle]) {
      const ended = await subscriptionNow(t.api, story.subscription.id);
      expect(ended).toMatchObject({
        status: "canceled",
        canceled_at: CANCELED_AT,
        ends_at: APRIL,
        ended_at: APRIL,
        customer_cancellation_reason: "too_expensive",
      });
      // No new period: the subscription ended with the one it was in.
      expect(period(ended)).toEqual([MARCH, APRIL]);
    }
    const listed = await t.api.get(
      `/v1/subscriptions/${queryString({ customer_id: tv12.customer.id, active: false })}`,
    );
    expect(listed.body.items.map((entry: Json) => entry.id)).toEqual([tv12.subscription.id]);
  });

  it("bills the pending usage in a final subscription_cycle order: one usage line, no static line, D30 applies", async () => {
    // Docs/Engine behaviour (ARCHITECTURE §7: the end of a canceled subscription produces a final
    // usage order); June produced none and the 2500 was never billed.
    const orders = await checkedOrders(t.api, tv12.subscription.id);
    expect(orders.map((order) => order.billing_reason)).toEqual(["subscription_create", "subscription_cycle"]);
    const final = orders[1];
    expect(final).toMatchObject({
      status: "paid",
      paid: true,
      discount_id: d30.id,
      subscription_id: tv12.subscription.id,
      product_id: pro.id,
      created_at: APRIL,
    });
    expect(items(final)).toEqual([["API Calls — (250 consumed units) × $0.10", 2500, false, meteredPriceOf(pro).id]]);
    expect(totals(final)).toEqual([2500, 750, 1750, 0, 1750]);
    // Spec §10.6: subscription.updated → subscription.revoked, then the final order (no grants here).
    expect(await webhooksOf(t, tv12.customer.id, mark)).toEqual([
      "subscription.updated",
      "subscription.revoked",
      "customer.state_changed",
      "order.created",
      "order.paid",
    ]);
    expect(await customerMeter(t, tv12.customer.id, meter.id)).toEqual([0, 0, 0]);
  });

  it("without any usage in the last period there is no final order", async () => {
    expect((await checkedOrders(t.api, tv12Idle.subscription.id)).map((order) => order.billing_reason)).toEqual([
      "subscription_create",
    ]);
    expect(await webhooksOf(t, tv12Idle.customer.id, mark)).toEqual([
      "subscription.updated",
      "subscription.revoked",
      "customer.state_changed",
    ]);
  });

  it("TV14: the uncanceled twin renews as usual: static line and its 100 calls, D30 on both: 3000 / 900 / 2100", async () => {
    const orders = await checkedOrders(t.api, tv14.subscription.id);
    expect(orders).toHaveLength(2);
    expect(orders[1]).toMatchObject({ billing_reason: "subscription_cycle", discount_id: d30.id });
    expect(items(orders[1])).toEqual([
      ["Pro — From Apr 1, 2025 to May 1, 2025", 2000, false, staticPriceOf(pro).id],
      ["API Calls — (100 consumed units) × $0.10", 1000, false, meteredPriceOf(pro).id],
    ]);
    expect(totals(orders[1])).toEqual([3000, 900, 2100, 0, 2100]);
    const renewed = await subscriptionNow(t.api, tv14.subscription.id);
    expect(renewed).toMatchObject({ status: "active", cancel_at_period_end: false, ends_at: null });
    expect(period(renewed)).toEqual([APRIL, "2025-05-01T00:00:00Z"]);
  });

  it("an ended subscription is never cycled again: nothing more on 05-01", async () => {
    await clockTo(t, "2025-05-01T00:00:00Z");
    expect(await checkedOrders(t.api, tv12.subscription.id)).toHaveLength(2);
    expect(await checkedOrders(t.api, tv12Idle.subscription.id)).toHaveLength(1);
  });
});

const MAY = "2025-05-01T00:00:00Z";
const REVOKED_AT = "2025-05-20T08:00:00Z";
let tv13: Story;
let tv13Credits: Story;

describe("TV13: PRO started 2025-05-01, revoked immediately on 05-20T08:00Z with 120 calls pending", () => {
  it("starts the May subscriptions; 120 calls each by 05-20", async () => {
    tv13 = await start("tv13@example.com", pro);
    tv13Credits = await start("tv13-credits@example.com", proCredits);
    for (const { subscription } of [tv13, tv13Credits])
      expect(period(subscription)).toEqual([MAY, "2025-06-01T00:00:00Z"]);
    await clockTo(t, "2025-05-19T00:00:00Z");
    for (const { customer } of [tv13, tv13Credits]) await ingestCalls(t.api, customer.id, 120, "2025-05-19T00:00:00Z");
    expect(await subscriptionMeter(t, tv13.subscription.id, meter.id)).toEqual([120, 0, 1200]);
    expect(await subscriptionMeter(t, tv13Credits.subscription.id, meter.id)).toEqual([120, 200, 0]);
  });

  it("DELETE: status canceled, canceled_at = ends_at = ended_at = now", async () => {
    await clockTo(t, REVOKED_AT);
    const mark = await outboxMark(t);
    for (const story of [tv13, tv13Credits]) {
      const response = await t.api.delete(`/v1/subscriptions/${story.subscription.id}`);
      expect(response.status, response.text).toBe(200);
      expect(response.body).toMatchObject({
        status: "canceled",
        canceled_at: REVOKED_AT,
        ends_at: REVOKED_AT,
        ended_at: REVOKED_AT,
      });
    }
    // Spec §10.7: updated → canceled → revoked → the state; then (Meterline) the final order, then
    // the grants and the state again.
    expect(await webhooksOf(t, tv13.customer.id, mark)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
      "order.created",
      "order.paid",
    ]);
    expect(await webhooksOf(t, tv13Credits.customer.id, mark)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "benefit_grant.revoked",
      "customer.state_changed",
    ]);
  });

  it("bills the 120 pending calls in a final order: 1200 (Meterline deviation; Polar leaves them unbilled)", async () => {
    // ARCHITECTURE §7: revoking immediately also bills the pending usage in a final order, where
    // June and the Engine of 2025-08 create no order. Still no refund and no proration credit.
    const orders = await checkedOrders(t.api, tv13.subscription.id);
    expect(orders.map((order) => order.billing_reason)).toEqual(["subscription_create", "subscription_cycle"]);
    expect(orders[1]).toMatchObject({ status: "paid", discount_id: null, created_at: REVOKED_AT });
    expect(items(orders[1])).toEqual([
      ["API Calls — (120 consumed units) × $0.10", 1200, false, meteredPriceOf(pro).id],
    ]);
    expect(totals(orders[1])).toEqual([1200, 0, 1200, 0, 1200]);
  });

  it("with CR200 the 200 credits cover the 120 calls (a 0 line), and the revoke takes the credit back (−200)", async () => {
    const orders = await checkedOrders(t.api, tv13Credits.subscription.id);
    expect(orders).toHaveLength(2);
    expect(items(orders[1])).toEqual([
      ["API Calls — (-80 consumed units) × $0.10", 0, false, meteredPriceOf(proCredits).id],
    ]);
    expect(totals(orders[1])).toEqual([0, 0, 0, 0, 0]);
    expect(orders[1].status).toBe("paid");
    const credits = await systemEvents(tv13Credits.customer.id, "meter.credited");
    expect(credits.map((event) => [event.metadata.meter_id, event.metadata.units, event.metadata.rollover])).toEqual([
      [meter.id, 200, false],
      [meter.id, -200, false],
    ]);
  });

  it("a second DELETE → 403 AlreadyCanceledSubscription; PATCH revoke and cancel too", async () => {
    const mark = await outboxMark(t);
    expectError(await t.api.delete(`/v1/subscriptions/${tv13.subscription.id}`), 403, "AlreadyCanceledSubscription");
    expectError(await patch(tv13.subscription, { revoke: true }), 403, "AlreadyCanceledSubscription");
    expectError(await patch(tv13.subscription, { cancel_at_period_end: true }), 403, "AlreadyCanceledSubscription");
    expect(await webhooksOf(t, tv13.customer.id, mark)).toEqual([]);
    expect(await checkedOrders(t.api, tv13.subscription.id)).toHaveLength(2);
  });

  it("TV14: uncancel on the revoked subscription → 410 ResourceUnavailable", async () => {
    expectError(await patch(tv13.subscription, { cancel_at_period_end: false }), 410, "ResourceUnavailable");
    // Also on the subscription that ended at its period end (TV12): ended_at is set.
    expectError(await patch(tv12.subscription, { cancel_at_period_end: false }), 410, "ResourceUnavailable");
    expect(await subscriptionNow(t.api, tv13.subscription.id)).toMatchObject({
      status: "canceled",
      ended_at: REVOKED_AT,
    });
  });
});

const JUNE = "2025-06-01T00:00:00Z";
const RENEWAL = "2025-07-01T00:00:00Z";
const ORDER_TIME = "2025-07-01T00:00:30Z";
const AUGUST = "2025-08-01T00:00:00Z";
const CHANGE = "2025-06-16T00:00:00Z";
const CREDIT_LABEL = "Remaining time on Basic — From Jun 16, 2025 to Jul 1, 2025";
const DEBIT_LABEL = "Pro — From Jun 16, 2025 to Jul 1, 2025";

/** Basic: monthly, fixed 2000 (spec TV19); with `metered`, also $0.05 per API call, uncapped. */
function basicProduct(metered = false): Promise<Json> {
  return t.api.expectStatus(201, "POST", "/v1/products/", {
    name: "Basic",
    recurring_interval: "month",
    prices: [
      { amount_type: "fixed", price_amount: 2000 },
      ...(metered ? [{ amount_type: "metered_unit", meter_id: meter.id, unit_amount: "5" }] : []),
    ],
  });
}

let tv18: Story;
let basic: Json;
let basicMetered: Json;
let pro5000: Json;
/** A PRO (5000) whose metered price sorts before the metered Basic's. */
let proLowId: Json;
/** TV19 stories: `invoice`; the organization's default (prorate); prorate with usage before and after; metered Basic. */
let invoiced: Story;
let prorated: Story;
let usedBefore: Story;
let meteredBasic: Story;
let changeMark = 0;

describe("June: TV18 (PRO with CR200) and TV19 (Basic) start on 2025-06-01", () => {
  it("TV18 Z: 50 calls ingested on 05-31, before the customer subscribes, stay out of every window", async () => {
    await clockTo(t, "2025-05-31T00:00:00Z");
    const customer = await t.api.createCustomer({ email: "tv18@example.com" });
    await ingestCalls(t.api, customer.id, 50, "2025-05-31T00:00:00Z");
    expect(await customerMeter(t, customer.id, meter.id)).toEqual([0, 50, -50]);

    await clockTo(t, JUNE);
    const subscription = await subscribe(t.api, { customer_id: customer.id, product_id: proCredits.id });
    tv18 = { customer, subscription };
    expect(period(subscription)).toEqual([JUNE, RENEWAL]);
    // ARCHITECTURE §7: the window starts at the subscription's creation (a meter.reset is written
    // then), so Z is never billed; Polar gets there by skipping Z for good (§5.2).
    expect(await customerMeter(t, customer.id, meter.id)).toEqual([200, 0, 200]);
    expect(await subscriptionMeter(t, subscription.id, meter.id)).toEqual([0, 200, 0]);
  });

  it("TV19: four Basic subscriptions, 2000 each, period 06-01 → 07-01", async () => {
    basic = await basicProduct();
    basicMetered = await basicProduct(true);
    pro5000 = await createProProduct(t.api, meter.id, { fixed: 5000 });
    // Metered lines are ordered by price id (spec §5.3), old prices' lines included: pick a PRO
    // whose metered price sorts before the metered Basic's, so that order is told apart from
    // "old price first".
    for (let attempt = 0; attempt < 40 && proLowId === undefined; attempt++) {
      const candidate = await createProProduct(t.api, meter.id, { fixed: 5000 });
      if (meteredPriceOf(candidate).id < meteredPriceOf(basicMetered).id) proLowId = candidate;
    }
    expect(proLowId).toBeDefined();

    invoiced = await start("tv19-invoice@example.com", basic);
    prorated = await start("tv19-prorate@example.com", basic);
    usedBefore = await start("tv19-usage@example.com", basic);
    meteredBasic = await start("tv19-metered@example.com", basicMetered);
    for (const { subscription } of [invoiced, prorated, usedBefore, meteredBasic]) {
      expect(subscription).toMatchObject({ status: "active", amount: 2000, started_at: JUNE });
      expect(period(subscription)).toEqual([JUNE, RENEWAL]);
      expect(totals((await checkedOrders(t.api, subscription.id))[0])).toEqual([2000, 0, 2000, 0, 2000]);
    }
  });

  it("June usage: TV19 40 calls on 06-10 under Basic; TV18 300 calls plus one stamped 05-20 (before the start) on 06-15", async () => {
    await clockTo(t, "2025-06-10T00:00:00Z");
    for (const { customer } of [usedBefore, meteredBasic])
      await ingestCalls(t.api, customer.id, 40, "2025-06-10T00:00:00Z");
    expect(await subscriptionMeter(t, meteredBasic.subscription.id, meter.id)).toEqual([40, 0, 200]);

    const june = "2025-06-15T00:00:00Z";
    await clockTo(t, june);
    await ingestCalls(t.api, tv18.customer.id, 300, june);
    // Spec §5.2: an event stamped before the start is billed when it is ingested while billable.
    await ingestCalls(t.api, tv18.customer.id, 1, "2025-05-20T00:00:00Z");
    expect(await subscriptionMeter(t, tv18.subscription.id, meter.id)).toEqual([301, 200, 1010]);
  });
});

describe("TV19: the product change on 2025-06-16T00:00:00Z", () => {
  it("invoice: prices replaced, period kept; an immediate subscription_update order −1000 + 2500 = 1500", async () => {
    await clockTo(t, CHANGE);
    changeMark = await outboxMark(t);
    const response = await patch(invoiced.subscription, { product_id: pro5000.id, proration_behavior: "invoice" });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({
      status: "active",
      product_id: pro5000.id,
      amount: 5000,
      recurring_interval: "month",
      discount_id: null,
    });
    expect(period(response.body)).toEqual([JUNE, RENEWAL]);
    expect(response.body.prices.map((price: Json) => price.id).sort()).toEqual(
      pro5000.prices.map((price: Json) => price.id).sort(),
    );
    expect(response.body.meters.map((entry: Json) => entry.meter_id)).toEqual([meter.id]);

    const orders = await checkedOrders(t.api, invoiced.subscription.id);
    expect(orders.map((order) => order.billing_reason)).toEqual(["subscription_create", "subscription_update"]);
    const update = orders[1];
    expect(update).toMatchObject({
      status: "paid",
      product_id: pro5000.id,
      discount_id: null,
      created_at: CHANGE,
    });
    expect(items(update)).toEqual([
      [CREDIT_LABEL, -1000, true, staticPriceOf(basic).id],
      [DEBIT_LABEL, 2500, true, staticPriceOf(pro5000).id],
    ]);
    expect(totals(update)).toEqual([1500, 0, 1500, 0, 1500]);
    expect(await webhooksOf(t, invoiced.customer.id, changeMark)).toEqual([
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "order.paid",
    ]);
  });

  it("without proration_behavior the organization's default, prorate, applies: no order now", async () => {
    const response = await patch(prorated.subscription, { product_id: pro5000.id });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ product_id: pro5000.id, amount: 5000 });
    expect(period(response.body)).toEqual([JUNE, RENEWAL]);
    expect(await checkedOrders(t.api, prorated.subscription.id)).toHaveLength(1);
    expect(await webhooksOf(t, prorated.customer.id, changeMark)).toEqual([
      "subscription.updated",
      "customer.state_changed",
    ]);

    for (const [story, target] of [
      [usedBefore, pro5000],
      [meteredBasic, proLowId],
    ] as const) {
      const changed = await patch(story.subscription, { product_id: target.id, proration_behavior: "prorate" });
      expect(changed.status, changed.text).toBe(200);
      expect(await checkedOrders(t.api, story.subscription.id)).toHaveLength(1);
    }
  });

  it("usage after the change, 10 calls on 06-20: only it is on the new price's meter", async () => {
    const after = "2025-06-20T00:00:00Z";
    await clockTo(t, after);
    for (const { customer } of [usedBefore, meteredBasic]) await ingestCalls(t.api, customer.id, 10, after);
    // The metered Basic's 40 calls were closed at the change, to be billed at Basic's price.
    expect(await subscriptionMeter(t, meteredBasic.subscription.id, meter.id)).toEqual([10, 0, 100]);
  });

  it("the 40 calls ingested under the fixed-only Basic are not on PRO's meter", async () => {
    // They were ingested while no price of the subscription metered them: Polar skipped them for
    // good (§5.2), and Meterline's own rule (ARCHITECTURE §7) keeps a price's window from
    // reaching back before the price was on the subscription. PRO's price shows only the 10.
    expect(await subscriptionMeter(t, usedBefore.subscription.id, meter.id)).toEqual([10, 0, 100]);
  });
});

describe("TV18: the end of June, around the period end 2025-07-01T00:00:00Z", () => {
  it("X: stamped 06-30T23:58:00Z, ingested 23:58:05Z", async () => {
    await clockTo(t, "2025-06-30T23:58:05Z");
    await ingestCalls(t.api, tv18.customer.id, 1, "2025-06-30T23:58:00Z");
    expect(await subscriptionMeter(t, tv18.subscription.id, meter.id)).toEqual([302, 200, 1020]);
  });

  it("at 23:59:30Z a call stamped exactly 5 minutes ahead (00:04:30, after the period end) is accepted; 1 ms more → 422", async () => {
    await clockTo(t, "2025-06-30T23:59:30Z");
    // ARCHITECTURE §7: timestamps may be up to 5 minutes in the future (clock skew), not more.
    const tooFar = await t.api.post("/v1/events/ingest", {
      events: [{ name: "api_call", customer_id: tv18.customer.id, timestamp: "2025-07-01T00:04:30.001Z" }],
    });
    expect(tooFar.status, tooFar.text).toBe(422);
    expect(tooFar.body.detail).toContainEqual(
      expect.objectContaining({
        type: "value_error",
        loc: ["body", "events", 0, "EventCreateCustomer", "timestamp"],
        msg: "Value error, Timestamp must be in the past.",
      }),
    );
    expect(await subscriptionMeter(t, tv18.subscription.id, meter.id)).toEqual([302, 200, 1020]);
    await ingestCalls(t.api, tv18.customer.id, 1, "2025-07-01T00:04:30Z");
    expect(await subscriptionMeter(t, tv18.subscription.id, meter.id)).toEqual([303, 200, 1030]);
  });
});

describe("the renewal, built at 2025-07-01T00:00:30Z", () => {
  it("TV18: X and the call stamped after the period end are both on it: 303 − 200 = 103 → 1030", async () => {
    // Spec TV18: X is on the 07-01 order only if the 00:00 billing-entry run finished before the
    // order was built, else on 08-01. Meterline (ARCHITECTURE §3.5–3.6): the cycle closes the
    // window with a meter.reset in the log and waits until everything before it is stored, so
    // every event ingested before the renewal is on the 07-01 order, whatever its timestamp.
    await clockTo(t, ORDER_TIME);
    const orders = await checkedOrders(t.api, tv18.subscription.id);
    expect(orders).toHaveLength(2);
    expect(orders[1]).toMatchObject({ billing_reason: "subscription_cycle", created_at: ORDER_TIME, status: "paid" });
    expect(items(orders[1])).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 2000, false, staticPriceOf(proCredits).id],
      ["API Calls — (103 consumed units) × $0.10", 1030, false, meteredPriceOf(proCredits).id],
    ]);
    expect(totals(orders[1])).toEqual([3030, 0, 3030, 0, 3030]);
    // A late run does not move the anchor: the period starts at the old end, not at 00:00:30.
    expect(period(await subscriptionNow(t.api, tv18.subscription.id))).toEqual([RENEWAL, AUGUST]);
    expect(await customerMeter(t, tv18.customer.id, meter.id)).toEqual([200, 0, 200]);
  });

  it("TV19 invoice: the proration was billed on 06-16; the renewal bills PRO's 5000", async () => {
    const orders = await checkedOrders(t.api, invoiced.subscription.id);
    expect(orders.map((order) => order.billing_reason)).toEqual([
      "subscription_create",
      "subscription_update",
      "subscription_cycle",
    ]);
    expect(orders[2].product_id).toBe(pro5000.id);
    // Meterline bills every metered price of a cycle from its closed window, so PRO's price gets a
    // line even with no usage (0, as in TV9's note); Polar shows one only when an entry is pending.
    expect(items(orders[2])).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 5000, false, staticPriceOf(pro5000).id],
      ["API Calls — (0 consumed units) × $0.10", 0, false, meteredPriceOf(pro5000).id],
    ]);
    expect(totals(orders[2])).toEqual([5000, 0, 5000, 0, 5000]);
  });

  it("TV19 prorate: both proration lines ride on the renewal: 5000 − 1000 + 2500 = 6500", async () => {
    const orders = await checkedOrders(t.api, prorated.subscription.id);
    expect(orders.map((order) => order.billing_reason)).toEqual(["subscription_create", "subscription_cycle"]);
    // Engine order: static lines, then proration lines, then metered lines (PRO's, with 0 usage).
    expect(items(orders[1])).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 5000, false, staticPriceOf(pro5000).id],
      [CREDIT_LABEL, -1000, true, staticPriceOf(basic).id],
      [DEBIT_LABEL, 2500, true, staticPriceOf(pro5000).id],
      ["API Calls — (0 consumed units) × $0.10", 0, false, meteredPriceOf(pro5000).id],
    ]);
    expect(totals(orders[1])).toEqual([6500, 0, 6500, 0, 6500]);
  });

  it("TV19 prorate with usage: PRO's price bills only the 10 calls after the change: 6600", async () => {
    const orders = await checkedOrders(t.api, usedBefore.subscription.id);
    expect(orders).toHaveLength(2);
    expect(items(orders[1])).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 5000, false, staticPriceOf(pro5000).id],
      [CREDIT_LABEL, -1000, true, staticPriceOf(basic).id],
      [DEBIT_LABEL, 2500, true, staticPriceOf(pro5000).id],
      ["API Calls — (10 consumed units) × $0.10", 100, false, meteredPriceOf(pro5000).id],
    ]);
    expect(totals(orders[1])).toEqual([6600, 0, 6600, 0, 6600]);
  });

  it("TV19 metered Basic: the 40 calls before the change keep Basic's price, a separate line; usage lines by price id", async () => {
    const orders = await checkedOrders(t.api, meteredBasic.subscription.id);
    expect(orders).toHaveLength(2);
    expect(items(orders[1])).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 5000, false, staticPriceOf(proLowId).id],
      [CREDIT_LABEL, -1000, true, staticPriceOf(basicMetered).id],
      [DEBIT_LABEL, 2500, true, staticPriceOf(proLowId).id],
      ["API Calls — (10 consumed units) × $0.10", 100, false, meteredPriceOf(proLowId).id],
      ["API Calls — (40 consumed units) × $0.05", 200, false, meteredPriceOf(basicMetered).id],
    ]);
    expect(totals(orders[1])).toEqual([6800, 0, 6800, 0, 6800]);
  });
});

describe("TV18: late events go to the next window, billed on 2025-08-01", () => {
  it("a call stamped 06-30T23:59:59Z but ingested at 00:01:00Z, and Y (stamped 06-15, ingested 07-03)", async () => {
    await clockTo(t, "2025-07-01T00:01:00Z");
    await ingestCalls(t.api, tv18.customer.id, 1, "2025-06-30T23:59:59Z");
    await clockTo(t, "2025-07-03T00:00:00Z");
    await ingestCalls(t.api, tv18.customer.id, 1, "2025-06-15T00:00:00Z");
    expect(await customerMeter(t, tv18.customer.id, meter.id)).toEqual([200, 2, 198]);
    expect(await subscriptionMeter(t, tv18.subscription.id, meter.id)).toEqual([2, 200, 0]);
    // The meter's quantities stay by timestamp: June 15 shows its 300 calls plus Y.
    expect(await quantityTotal(t, meter.id, tv18.customer.id, "2025-06-15T00:00:00Z")).toBe(301);
    expect(await checkedOrders(t.api, tv18.subscription.id)).toHaveLength(2);
  });

  it("the 08-01 order counts both in its window: 2 − 200 = −198 units, billed 0", async () => {
    await clockTo(t, AUGUST);
    const orders = await checkedOrders(t.api, tv18.subscription.id);
    expect(orders).toHaveLength(3);
    expect(items(orders[2])).toEqual([
      ["Pro — From Aug 1, 2025 to Sep 1, 2025", 2000, false, staticPriceOf(proCredits).id],
      ["API Calls — (-198 consumed units) × $0.10", 0, false, meteredPriceOf(proCredits).id],
    ]);
    expect(totals(orders[2])).toEqual([2000, 0, 2000, 0, 2000]);
    // Of the 355 calls the customer sent, 303 were on the July order and 2 on August's; Z's 50 never.
    expect(await customerMeter(t, tv18.customer.id, meter.id)).toEqual([200, 0, 200]);
  });
});
