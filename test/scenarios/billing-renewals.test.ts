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
  ingestWithMetadata,
  items,
  meteredPriceOf,
  outboxMark,
  period,
  staticPriceOf,
  subscriptionMeter,
  subscriptionNow,
  webhookPayloads,
  webhooksOf,
} from "../support/billing-scenario.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

/**
 * Spec billing §13 TV3–TV6, TV8, TV11 and TV16 as stories over HTTP: every subscription starts on
 * 2025-06-01T00:00:00Z, usage is ingested in June, and the sandbox clock moves to the renewal on
 * 07-01 (and 08-01 for TV6). TV1/TV2 are the pure formula tables, covered by
 * packages/core/src/billing/metered-line.test.ts and discount-amount.test.ts.
 *
 * Meterline bills usage from the window the cycle closes (ADR 0004): the usage line of the renewal
 * is the customer's usage since the previous cycle (or since creation, ARCHITECTURE §7) in log
 * order — the spec's "pending entries" with the 5-minute job already run (§13 assumptions).
 */
let t: TestEngine;
let meter: Json;
let pro: Json;
let proCredits: Json;
let proRollover: Json;
let d30: Json;
let webhooksBeforeRenewal = 0;

const START = "2025-06-01T00:00:00Z";
const RENEWAL = "2025-07-01T00:00:00Z";
const JUNE = "2025-06-15T00:00:00Z";

interface Story {
  customer: Json;
  subscription: Json;
}

async function start(email: string, product: Json, discount?: Json): Promise<Story> {
  const customer = await t.api.createCustomer({ email, name: email.split("@")[0] });
  const subscription = await subscribe(t.api, {
    customer_id: customer.id,
    product_id: product.id,
    ...(discount !== undefined && { discount_id: discount.id }),
  });
  return { customer, subscription };
}

const stories: Record<string, Story> = {};
function story(name: string): Story {
  const found = stories[name];
  if (found === undefined) throw new Error(`story ${name} did not start`);
  return found;
}

let llm: { product: Json; input: Json; output: Json };

beforeAll(async () => {
  t = await startTestEngine({ sandbox: true, now: START });
  meter = await createApiCallsMeter(t.api);
  pro = await createProProduct(t.api, meter.id);
  const cr200 = await createCreditBenefit(t.api, meter.id, 200, false);
  const cr200r = await createCreditBenefit(t.api, meter.id, 200, true);
  proCredits = await attachBenefits(t.api, (await createProProduct(t.api, meter.id)).id, [cr200.id]);
  proRollover = await attachBenefits(t.api, (await createProProduct(t.api, meter.id)).id, [cr200r.id]);
  d30 = await createDiscount(t.api, { name: "D30", type: "percentage", basis_points: 3000, duration: "forever" });

  const input = await t.api.createMeter({
    name: "Input tokens",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "llm.input" }] },
    aggregation: { func: "sum", property: "tokens" },
  });
  const output = await t.api.createMeter({
    name: "Output tokens",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "llm.output" }] },
    aggregation: { func: "sum", property: "tokens" },
  });
  const product = await t.api.expectStatus(201, "POST", "/v1/products/", {
    name: "LLM",
    recurring_interval: "month",
    prices: [
      { amount_type: "metered_unit", meter_id: input.id, unit_amount: "0.0002" },
      { amount_type: "metered_unit", meter_id: output.id, unit_amount: "0.0006" },
    ],
  });
  llm = { product, input, output };
});
afterAll(() => t.stop());

describe("creation on 2025-06-01 (subscription_create orders)", () => {
  it("TV3: PRO bills its static price in advance, 2000, and the window opens empty", async () => {
    stories.tv3 = await start("tv3@example.com", pro);
    const { customer, subscription } = story("tv3");
    expect(subscription).toMatchObject({
      status: "active",
      amount: 2000,
      currency: "usd",
      recurring_interval: "month",
      cancel_at_period_end: false,
      canceled_at: null,
      started_at: START,
      ends_at: null,
      ended_at: null,
      discount_id: null,
    });
    expect(period(subscription)).toEqual([START, RENEWAL]);
    const [created, ...others] = await checkedOrders(t.api, subscription.id);
    expect(others).toEqual([]);
    expect(created).toMatchObject({ billing_reason: "subscription_create", status: "paid", discount_id: null });
    expect(items(created)).toEqual([["Pro", 2000, false, staticPriceOf(pro).id]]);
    expect(totals(created)).toEqual([2000, 0, 2000, 0, 2000]);
    expect(await subscriptionMeter(t, subscription.id, meter.id)).toEqual([0, 0, 0]);
    // Spec §10.1, Engine: the order is created paid; PRO has no benefit, so no grant follows. The
    // customer's own events and each state change are announced about the customer too.
    expect(await webhooksOf(t, customer.id)).toEqual([
      "customer.created",
      "customer.state_changed",
      "subscription.created",
      "subscription.active",
      "customer.state_changed",
      "order.created",
      "order.paid",
    ]);
  });

  it("TV4: with D30 the create order is 2000 / 600 / 1400 and subscription.amount is 1400", async () => {
    stories.tv4 = await start("tv4@example.com", pro, d30);
    const { subscription } = story("tv4");
    expect(subscription).toMatchObject({ amount: 1400, discount_id: d30.id });
    const [created] = await checkedOrders(t.api, subscription.id);
    expect(created.discount_id).toBe(d30.id);
    expect(totals(created)).toEqual([2000, 600, 1400, 0, 1400]);
  });

  it("TV5: PRO with CR200 and D30 grants 200 credits at activation, into the open window", async () => {
    stories.tv5 = await start("tv5@example.com", proCredits, d30);
    const { customer, subscription } = story("tv5");
    expect(totals((await checkedOrders(t.api, subscription.id))[0])).toEqual([2000, 600, 1400, 0, 1400]);
    expect(await customerMeter(t, customer.id, meter.id)).toEqual([200, 0, 200]);
    expect(await subscriptionMeter(t, subscription.id, meter.id)).toEqual([0, 200, 0]);
    expect(await webhooksOf(t, customer.id)).toEqual([
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
  });

  it("TV6: CR200 and CR200R both credit 200 at activation", async () => {
    stories.tv6 = await start("tv6@example.com", proCredits);
    stories.tv6r = await start("tv6r@example.com", proRollover);
    for (const name of ["tv6", "tv6r"]) {
      const { customer, subscription } = story(name);
      expect(totals((await checkedOrders(t.api, subscription.id))[0])).toEqual([2000, 0, 2000, 0, 2000]);
      expect(await customerMeter(t, customer.id, meter.id)).toEqual([200, 0, 200]);
    }
  });

  it("TV8: a fixed 5000 discount takes the whole 2000: a 0 order, created paid, and amount 0", async () => {
    const fixed = await createDiscount(t.api, { name: "F5000", type: "fixed", amount: 5000, duration: "forever" });
    stories.tv8 = await start("tv8@example.com", pro, fixed);
    const { customer, subscription } = story("tv8");
    expect(subscription).toMatchObject({ amount: 0, discount_id: fixed.id });
    const [created] = await checkedOrders(t.api, subscription.id);
    expect(created).toMatchObject({ status: "paid", paid: true, discount_id: fixed.id });
    expect(totals(created)).toEqual([2000, 2000, 0, 0, 0]);
    expect((await webhooksOf(t, customer.id)).filter((type) => type.startsWith("order."))).toEqual([
      "order.created",
      "order.paid",
    ]);
  });

  it("TV11: a once 100% discount: 2000 / 2000 / 0", async () => {
    const once = await createDiscount(t.api, {
      name: "FIRST100",
      type: "percentage",
      basis_points: 10000,
      duration: "once",
    });
    stories.tv11 = await start("tv11@example.com", pro, once);
    const { subscription } = story("tv11");
    expect(subscription).toMatchObject({ amount: 0, discount_id: once.id });
    expect(totals((await checkedOrders(t.api, subscription.id))[0])).toEqual([2000, 2000, 0, 0, 0]);
  });

  it("TV16: a metered-only product's create order has no line at all and is paid at once (Engine)", async () => {
    stories.tv16 = await start("tv16@example.com", llm.product);
    const { subscription } = story("tv16");
    expect(subscription.amount).toBe(0);
    expect(subscription.meters.map((entry: Json) => entry.meter_id).sort()).toEqual(
      [llm.input.id, llm.output.id].sort(),
    );
    const [created] = await checkedOrders(t.api, subscription.id);
    expect(created).toMatchObject({ billing_reason: "subscription_create", status: "paid" });
    expect(items(created)).toEqual([]);
    expect(totals(created)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("June usage, shown live on the subscription meters", () => {
  it("counts 1,000 calls (TV3–TV5), 150 (TV6), 100 (TV8, TV11) and the LLM tokens (TV16)", async () => {
    await clockTo(t, JUNE);
    for (const name of ["tv3", "tv4", "tv5"]) await ingestCalls(t.api, story(name).customer.id, 1000, JUNE);
    for (const name of ["tv6", "tv6r"]) await ingestCalls(t.api, story(name).customer.id, 150, JUNE);
    for (const name of ["tv8", "tv11"]) await ingestCalls(t.api, story(name).customer.id, 100, JUNE);
    const tv16 = story("tv16").customer.id;
    await ingestWithMetadata(t.api, tv16, "llm.input", [{ tokens: 1_000_000 }, { tokens: 234_567 }], JUNE);
    await ingestWithMetadata(t.api, tv16, "llm.output", [{ tokens: 300_000 }, { tokens: 45_678 }], JUNE);

    // Spec TV3: consumed 1000, credited 0, amount 5000 (capped) just before the renewal.
    expect(await subscriptionMeter(t, story("tv3").subscription.id, meter.id)).toEqual([1000, 0, 5000]);
    // TV5: the 200 credits are in the window; the cap still binds.
    expect(await subscriptionMeter(t, story("tv5").subscription.id, meter.id)).toEqual([1000, 200, 5000]);
    expect(await subscriptionMeter(t, story("tv6").subscription.id, meter.id)).toEqual([150, 200, 0]);
    expect(await customerMeter(t, story("tv6r").customer.id, meter.id)).toEqual([200, 150, 50]);
    expect(await subscriptionMeter(t, story("tv16").subscription.id, llm.input.id)).toEqual([1_234_567, 0, 247]);
    expect(await subscriptionMeter(t, story("tv16").subscription.id, llm.output.id)).toEqual([345_678, 0, 207]);
    webhooksBeforeRenewal = await outboxMark(t);
  });
});

describe("the renewal at 2025-07-01T00:00:00Z (subscription_cycle orders)", () => {
  let renewals: Record<string, Json>;

  it("cycles every subscription once: exactly one cycle order each, and the period advances", async () => {
    await clockTo(t, RENEWAL);
    renewals = {};
    for (const name of Object.keys(stories)) {
      const { subscription } = story(name);
      const orders = await checkedOrders(t.api, subscription.id);
      expect(orders.map((order) => order.billing_reason)).toEqual(["subscription_create", "subscription_cycle"]);
      renewals[name] = orders[1];
      const renewed = await subscriptionNow(t.api, subscription.id);
      expect(period(renewed)).toEqual([RENEWAL, "2025-08-01T00:00:00Z"]);
      expect(renewed.status).toBe("active");
    }
  });

  it("TV3: static line for the coming period, then the capped usage line: 7000", async () => {
    const order = renewals.tv3;
    expect(order).toMatchObject({
      status: "paid",
      paid: true,
      discount_id: null,
      subscription_id: story("tv3").subscription.id,
    });
    expect(items(order)).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 2000, false, staticPriceOf(pro).id],
      ["API Calls — (1,000 consumed units) × $0.10— Capped at $50.00", 5000, false, meteredPriceOf(pro).id],
    ]);
    expect(totals(order)).toEqual([7000, 0, 7000, 0, 7000]);
    // After the renewal the meter shows zeros until the next usage.
    expect(await subscriptionMeter(t, story("tv3").subscription.id, meter.id)).toEqual([0, 0, 0]);
    expect(await customerMeter(t, story("tv3").customer.id, meter.id)).toEqual([0, 0, 0]);
    // Spec §10.3, Engine: the cycle announces the advanced subscription before its order.
    expect(await webhooksOf(t, story("tv3").customer.id, webhooksBeforeRenewal)).toEqual([
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "order.paid",
    ]);
  });

  it("TV4: D30 covers the whole renewal, usage included: 7000 / 2100 / 4900", async () => {
    const order = renewals.tv4;
    expect(order.discount_id).toBe(d30.id);
    expect(items(order)).toEqual(items(renewals.tv3));
    expect(totals(order)).toEqual([7000, 2100, 4900, 0, 4900]);
    expect(await subscriptionNow(t.api, story("tv4").subscription.id)).toMatchObject({
      discount_id: d30.id,
      amount: 1400,
    });
  });

  it("TV5: 1000 − 200 credits = 800 units, still capped: 7000 / 2100 / 4900; then reset and +200 after payment", async () => {
    const order = renewals.tv5;
    expect(items(order)).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 2000, false, staticPriceOf(proCredits).id],
      ["API Calls — (800 consumed units) × $0.10— Capped at $50.00", 5000, false, meteredPriceOf(proCredits).id],
    ]);
    expect(totals(order)).toEqual([7000, 2100, 4900, 0, 4900]);
    // CR200 is not rollover: nothing carries; the paid order cycles the grant (+200).
    expect(await customerMeter(t, story("tv5").customer.id, meter.id)).toEqual([200, 0, 200]);
    expect(await webhooksOf(t, story("tv5").customer.id, webhooksBeforeRenewal)).toEqual([
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "benefit_grant.cycled",
      "customer.state_changed",
    ]);
    const [cycled] = await webhookPayloads(t, story("tv5").customer.id, "benefit_grant.cycled", webhooksBeforeRenewal);
    expect(cycled.properties).toMatchObject({ last_credited_units: 200, last_credited_meter_id: meter.id });
  });

  it("TV6 period 1 (both variants): 150 − 200 = −50 bills 0, the label shows the negative net", async () => {
    for (const [name, product] of [
      ["tv6", proCredits],
      ["tv6r", proRollover],
    ] as const) {
      expect(items(renewals[name])).toEqual([
        ["Pro — From Jul 1, 2025 to Aug 1, 2025", 2000, false, staticPriceOf(product).id],
        ["API Calls — (-50 consumed units) × $0.10", 0, false, meteredPriceOf(product).id],
      ]);
      expect(totals(renewals[name])).toEqual([2000, 0, 2000, 0, 2000]);
    }
    // Without rollover the unused 50 is gone: only the new period's 200.
    expect(await customerMeter(t, story("tv6").customer.id, meter.id)).toEqual([200, 0, 200]);
    // With rollover: min(50, 200) = 50 carried, then +200 after payment.
    expect(await customerMeter(t, story("tv6r").customer.id, meter.id)).toEqual([250, 0, 250]);
  });

  it("TV8: 2000 + 1000 usage, all of it discounted away: 3000 / 3000 / 0, paid at once", async () => {
    const order = renewals.tv8;
    expect(items(order)).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 2000, false, staticPriceOf(pro).id],
      ["API Calls — (100 consumed units) × $0.10", 1000, false, meteredPriceOf(pro).id],
    ]);
    expect(totals(order)).toEqual([3000, 3000, 0, 0, 0]);
    expect(order.status).toBe("paid");
  });

  it("TV11: the once discount is removed before the first cycle order: 3000 / 0 / 3000", async () => {
    const { customer, subscription } = story("tv11");
    const order = renewals.tv11;
    expect(order.discount_id).toBeNull();
    expect(items(order).map(([label, amount]) => [label, amount])).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 2000],
      ["API Calls — (100 consumed units) × $0.10", 1000],
    ]);
    expect(totals(order)).toEqual([3000, 0, 3000, 0, 3000]);
    expect(await subscriptionNow(t.api, subscription.id)).toMatchObject({
      discount_id: null,
      discount: null,
      amount: 2000,
    });
    const [updated] = await webhookPayloads(t, customer.id, "subscription.updated", webhooksBeforeRenewal);
    expect(updated).toMatchObject({ discount_id: null, amount: 2000 });
  });

  it("TV16: only metered lines, ordered by price id; fractional cent prices label as $0.00: 454", async () => {
    const order = renewals.tv16;
    const expected = [
      [
        "Input tokens — (1,234,567 consumed units) × $0.00",
        247,
        false,
        meteredPriceOf(llm.product, llm.input.id).id,
      ] as const,
      [
        "Output tokens — (345,678 consumed units) × $0.00",
        207,
        false,
        meteredPriceOf(llm.product, llm.output.id).id,
      ] as const,
    ].sort((a, b) => (a[3] < b[3] ? -1 : 1));
    expect(items(order)).toEqual(expected);
    expect(totals(order)).toEqual([454, 0, 454, 0, 454]);
  });
});

describe("TV6 period 2: renewal at 2025-08-01", () => {
  it("bills 300 − 200 = 100 without rollover (3000) and 300 − 250 = 50 with rollover (2500)", async () => {
    const july = "2025-07-15T00:00:00Z";
    await clockTo(t, july);
    for (const name of ["tv6", "tv6r"]) await ingestCalls(t.api, story(name).customer.id, 300, july);
    await clockTo(t, "2025-08-01T00:00:00Z");

    const [plain, rolled] = [
      await checkedOrders(t.api, story("tv6").subscription.id),
      await checkedOrders(t.api, story("tv6r").subscription.id),
    ];
    expect(plain).toHaveLength(3);
    expect(rolled).toHaveLength(3);
    expect(items(plain[2])).toEqual([
      ["Pro — From Aug 1, 2025 to Sep 1, 2025", 2000, false, staticPriceOf(proCredits).id],
      ["API Calls — (100 consumed units) × $0.10", 1000, false, meteredPriceOf(proCredits).id],
    ]);
    expect(totals(plain[2])).toEqual([3000, 0, 3000, 0, 3000]);
    expect(items(rolled[2])).toEqual([
      ["Pro — From Aug 1, 2025 to Sep 1, 2025", 2000, false, staticPriceOf(proRollover).id],
      ["API Calls — (50 consumed units) × $0.10", 500, false, meteredPriceOf(proRollover).id],
    ]);
    expect(totals(rolled[2])).toEqual([2500, 0, 2500, 0, 2500]);
    // At 08-01 the rollover is max(0, min(250 − 300, 250)) = 0: only the new 200.
    expect(await customerMeter(t, story("tv6r").customer.id, meter.id)).toEqual([200, 0, 200]);
    expect(await customerMeter(t, story("tv6").customer.id, meter.id)).toEqual([200, 0, 200]);
  });

  it("TV3 without usage in July: the window opened by the previous reset bills a 0 line (spec TV9 note)", async () => {
    const orders = await checkedOrders(t.api, story("tv3").subscription.id);
    expect(orders).toHaveLength(3);
    expect(items(orders[2])).toEqual([
      ["Pro — From Aug 1, 2025 to Sep 1, 2025", 2000, false, staticPriceOf(pro).id],
      ["API Calls — (0 consumed units) × $0.10", 0, false, meteredPriceOf(pro).id],
    ]);
    expect(totals(orders[2])).toEqual([2000, 0, 2000, 0, 2000]);
  });
});
