import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../support/api-client.js";
import { createApiCallsMeter, createProProduct, ingestCalls, subscribe, totals } from "../support/billing-fixtures.js";
import {
  checkedOrders,
  clockTo,
  items,
  meteredPriceOf,
  outboxMark,
  period,
  staticPriceOf,
  subscriptionNow,
  webhooksOf,
} from "../support/billing-scenario.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

/**
 * Spec billing §13 TV17, period arithmetic at month ends, leap days and catch-up after downtime,
 * on one timeline from 2024-02-29 to 2028-02-29.
 *
 * Meterline deviation (ARCHITECTURE §7): periods are anchor-based — a subscription started on
 * Jan 31 renews Feb 28, Mar 31, Apr 30 (Stripe's June behaviour), where Polar's Engine drifts to
 * Mar 28, Apr 28 (`relativedelta` on the previous end). The anchor survives a clamp and a late run.
 */
let t: TestEngine;
let meter: Json;
let pro: Json;
let annual: Json;

const LEAP_START = "2024-02-29T12:00:00Z";
const JAN_31 = "2025-01-31T12:00:00Z";

type Story = { customer: Json; subscription: Json };
let leap: Story;
let monthEnd: Story;

async function start(email: string, product: Json): Promise<Story> {
  const customer = await t.api.createCustomer({ email });
  const subscription = await subscribe(t.api, { customer_id: customer.id, product_id: product.id });
  return { customer, subscription };
}

/** The static line's label of each cycle order of a subscription, oldest first. */
async function cycleLabels(subscriptionId: string): Promise<string[]> {
  const orders = await checkedOrders(t.api, subscriptionId);
  return orders
    .filter((order) => order.billing_reason === "subscription_cycle")
    .map((order) => items(order)[0]?.[0] ?? "(no line)");
}

beforeAll(async () => {
  t = await startTestEngine({ sandbox: true, now: LEAP_START });
  meter = await createApiCallsMeter(t.api);
  pro = await createProProduct(t.api, meter.id);
  annual = await t.api.expectStatus(201, "POST", "/v1/products/", {
    name: "Pro Annual",
    recurring_interval: "year",
    prices: [{ amount_type: "fixed", price_amount: 20000 }],
  });
});
afterAll(() => t.stop());

describe("a yearly subscription started on a leap day, 2024-02-29", () => {
  it("ends its first period on 2025-02-28 (Feb 29 clamps in a common year)", async () => {
    leap = await start("leap@example.com", annual);
    expect(period(leap.subscription)).toEqual([LEAP_START, "2025-02-28T12:00:00Z"]);
    expect(leap.subscription.recurring_interval).toBe("year");
  });
});

describe("TV17: a monthly subscription started on 2025-01-31T12:00:00Z", () => {
  it("ends its first period on Feb 28 (clamped)", async () => {
    await clockTo(t, JAN_31);
    monthEnd = await start("jan31@example.com", pro);
    expect(period(monthEnd.subscription)).toEqual([JAN_31, "2025-02-28T12:00:00Z"]);
  });

  it("renewal 1 on 2025-02-28T12:00Z runs Feb 28 → Mar 31 (Meterline deviation, ARCHITECTURE §7: the Engine gives Mar 28)", async () => {
    await clockTo(t, "2025-02-28T12:00:00Z");
    const renewed = await subscriptionNow(t.api, monthEnd.subscription.id);
    expect(period(renewed)).toEqual(["2025-02-28T12:00:00Z", "2025-03-31T12:00:00Z"]);
    expect(await cycleLabels(monthEnd.subscription.id)).toEqual(["Pro — From Feb 28, 2025 to Mar 31, 2025"]);
  });

  it("the leap-day yearly subscription renews on the same instant, 2025-02-28 → 2026-02-28", async () => {
    expect(period(await subscriptionNow(t.api, leap.subscription.id))).toEqual([
      "2025-02-28T12:00:00Z",
      "2026-02-28T12:00:00Z",
    ]);
    expect(await cycleLabels(leap.subscription.id)).toEqual(["Pro Annual — From Feb 28, 2025 to Feb 28, 2026"]);
  });

  it("nothing renews a moment early: 2025-03-31T11:59:59Z leaves the period alone", async () => {
    await clockTo(t, "2025-03-31T11:59:59Z");
    expect(await checkedOrders(t.api, monthEnd.subscription.id)).toHaveLength(2);
  });

  it("renewal 2 on 2025-03-31T12:00Z returns to the anchor day: Mar 31 → Apr 30 (Engine: Mar 28 → Apr 28)", async () => {
    await clockTo(t, "2025-03-31T12:00:00Z");
    expect(period(await subscriptionNow(t.api, monthEnd.subscription.id))).toEqual([
      "2025-03-31T12:00:00Z",
      "2025-04-30T12:00:00Z",
    ]);
  });

  it("renewal 3 on 2025-04-30T12:00Z: Apr 30 → May 31", async () => {
    await clockTo(t, "2025-04-30T12:00:00Z");
    expect(period(await subscriptionNow(t.api, monthEnd.subscription.id))).toEqual([
      "2025-04-30T12:00:00Z",
      "2025-05-31T12:00:00Z",
    ]);
    expect(await cycleLabels(monthEnd.subscription.id)).toEqual([
      "Pro — From Feb 28, 2025 to Mar 31, 2025",
      "Pro — From Mar 31, 2025 to Apr 30, 2025",
      "Pro — From Apr 30, 2025 to May 31, 2025",
    ]);
  });
});

describe("TV17 catch-up: the clock jumps three periods at once (downtime)", () => {
  it("cycles three times back to back: three orders, one per period, the anchor kept after the Jun 30 clamp", async () => {
    await ingestCalls(t.api, monthEnd.customer.id, 120, "2025-04-30T12:00:00Z");
    const mark = await outboxMark(t);
    const moved = await t.api.post("/v1/sandbox/clock", { to: "2025-07-31T12:00:00Z" });
    expect(moved.status).toBe(200);
    // May 31, Jun 30 and Jul 31 were due for the monthly subscription, nothing else.
    expect(moved.body.processed).toBe(3);

    const orders = await checkedOrders(t.api, monthEnd.subscription.id);
    const cycles = orders.filter((order) => order.billing_reason === "subscription_cycle").slice(3);
    // Meterline: exactly one order per period (ADR 0004), where the Engine's order jobs yield one to three.
    expect(cycles.map((order) => items(order))).toEqual([
      [
        ["Pro — From May 31, 2025 to Jun 30, 2025", 2000, false, staticPriceOf(pro).id],
        ["API Calls — (120 consumed units) × $0.10", 1200, false, meteredPriceOf(pro).id],
      ],
      [
        ["Pro — From Jun 30, 2025 to Jul 31, 2025", 2000, false, staticPriceOf(pro).id],
        ["API Calls — (0 consumed units) × $0.10", 0, false, meteredPriceOf(pro).id],
      ],
      [
        ["Pro — From Jul 31, 2025 to Aug 31, 2025", 2000, false, staticPriceOf(pro).id],
        ["API Calls — (0 consumed units) × $0.10", 0, false, meteredPriceOf(pro).id],
      ],
    ]);
    // The billed total is the same as on time: 3 × 2000 plus the usage.
    expect(cycles.reduce((sum, order) => sum + order.total_amount, 0)).toBe(3 * 2000 + 1200);
    expect(cycles.map((order) => totals(order)[4])).toEqual([3200, 2000, 2000]);
    expect(period(await subscriptionNow(t.api, monthEnd.subscription.id))).toEqual([
      "2025-07-31T12:00:00Z",
      "2025-08-31T12:00:00Z",
    ]);
    expect(await webhooksOf(t, monthEnd.customer.id, mark)).toEqual([
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "order.paid",
    ]);
  });

  it("moving to the same instant again bills nothing more", async () => {
    const moved = await t.api.post("/v1/sandbox/clock", { to: "2025-07-31T12:00:00Z" });
    expect(moved.body.processed).toBe(0);
    expect(await checkedOrders(t.api, monthEnd.subscription.id)).toHaveLength(7);
  });

  it("ends at Aug 31 once canceled: no static line for a period that will not come", async () => {
    await t.api.expectStatus(200, "PATCH", `/v1/subscriptions/${monthEnd.subscription.id}`, {
      cancel_at_period_end: true,
    });
    await clockTo(t, "2025-08-31T12:00:00Z");
    expect(await subscriptionNow(t.api, monthEnd.subscription.id)).toMatchObject({
      status: "canceled",
      ended_at: "2025-08-31T12:00:00Z",
      ends_at: "2025-08-31T12:00:00Z",
    });
    // The window since Jul 31 holds only its opening reset: no activity, no final order.
    expect(await checkedOrders(t.api, monthEnd.subscription.id)).toHaveLength(7);
  });
});

describe("the leap-day yearly subscription over four years", () => {
  it("renews 2026-02-28 → 2027-02-28 → 2028-02-29 (the anchor's Feb 29 comes back in a leap year)", async () => {
    await clockTo(t, "2026-02-28T12:00:00Z");
    expect(period(await subscriptionNow(t.api, leap.subscription.id))).toEqual([
      "2026-02-28T12:00:00Z",
      "2027-02-28T12:00:00Z",
    ]);
    await clockTo(t, "2027-02-28T12:00:00Z");
    expect(period(await subscriptionNow(t.api, leap.subscription.id))).toEqual([
      "2027-02-28T12:00:00Z",
      "2028-02-29T12:00:00Z",
    ]);
  });

  it("a monthly subscription started 2028-01-31 ends its first period on Feb 29, 2028", async () => {
    await clockTo(t, "2028-01-31T12:00:00Z");
    const leapMonth = await start("jan31-2028@example.com", pro);
    expect(period(leapMonth.subscription)).toEqual(["2028-01-31T12:00:00Z", "2028-02-29T12:00:00Z"]);

    await clockTo(t, "2028-02-29T12:00:00Z");
    expect(period(await subscriptionNow(t.api, leapMonth.subscription.id))).toEqual([
      "2028-02-29T12:00:00Z",
      "2028-03-31T12:00:00Z",
    ]);
    expect(await cycleLabels(leapMonth.subscription.id)).toEqual(["Pro — From Feb 29, 2028 to Mar 31, 2028"]);
  });

  it("and on 2028-02-29 the yearly one renews to 2029-02-28, with one cycle order per year", async () => {
    expect(period(await subscriptionNow(t.api, leap.subscription.id))).toEqual([
      "2028-02-29T12:00:00Z",
      "2029-02-28T12:00:00Z",
    ]);
    expect(await cycleLabels(leap.subscription.id)).toEqual([
      "Pro Annual — From Feb 28, 2025 to Feb 28, 2026",
      "Pro Annual — From Feb 28, 2026 to Feb 28, 2027",
      "Pro Annual — From Feb 28, 2027 to Feb 29, 2028",
      "Pro Annual — From Feb 29, 2028 to Feb 28, 2029",
    ]);
  });
});
