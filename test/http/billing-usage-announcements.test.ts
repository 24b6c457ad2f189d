import { announceUsage } from "@meterline/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../support/api-client.js";
import {
  attachBenefits,
  createApiCallsMeter,
  createCreditBenefit,
  createProProduct,
  ingestCalls,
  moveClock,
  subscribe,
} from "../support/billing-fixtures.js";
import { outboxMark, webhooksOf } from "../support/billing-scenario.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

/**
 * The periodic usage announcement (spec billing §10 item 2), run by hand here (its timer is off
 * in test engines): a subscription whose metered usage changed is announced once with its
 * customer's state; resets, credits and usage on other meters announce nothing.
 */
let t: TestEngine;
let meter: Json;
let pro: Json;

beforeAll(async () => {
  t = await startTestEngine({ sandbox: true, now: "2025-03-01T00:00:00Z" });
  meter = await createApiCallsMeter(t.api);
  const credits = await createCreditBenefit(t.api, meter.id, 200, false);
  pro = await attachBenefits(t.api, (await createProProduct(t.api, meter.id)).id, [credits.id]);
});
afterAll(() => t.stop());

/** `count` calls a second later than anything before (the clock is fixed: times would tie). */
async function calls(customerId: string, count: number): Promise<void> {
  t.clock.advance(1000);
  await ingestCalls(t.api, customerId, count, t.clock.now().toISOString());
}

async function run(): Promise<number> {
  await t.caughtUp();
  return announceUsage(t.engine.billing);
}

describe("announceUsage", () => {
  it("announces new usage once: subscription.updated with the meters, then the customer's state", async () => {
    const customer = await t.api.createCustomer({ email: "usage-1@example.com" });
    const subscription = await subscribe(t.api, { customer_id: customer.id, product_id: pro.id });
    expect(await run()).toBe(0);
    const since = await outboxMark(t);
    await calls(customer.id, 120);
    expect(await run()).toBe(1);
    expect(await webhooksOf(t, customer.id, since)).toEqual(["subscription.updated", "customer.state_changed"]);
    const [updated] = (await t.deps.outbox.ofOrganization(t.organizationId)).filter(
      (record) => record.sequence > since && record.type === "subscription.updated",
    );
    const data = updated?.data as Json;
    expect(data.id).toBe(subscription.id);
    expect(data.meters[0]).toMatchObject({ consumed_units: 120, credited_units: 200 });
    // Nothing new: nothing announced.
    expect(await run()).toBe(0);
    await calls(customer.id, 5);
    expect(await run()).toBe(1);
  });

  it("a renewal's reset and credit are not usage; an ended subscription is never announced", async () => {
    const customer = await t.api.createCustomer({ email: "usage-2@example.com" });
    const subscription = await subscribe(t.api, { customer_id: customer.id, product_id: pro.id });
    await calls(customer.id, 10);
    expect(await run()).toBeGreaterThanOrEqual(1);
    await moveClock(t.api, "2025-04-01T00:00:10Z");
    const since = await outboxMark(t);
    expect(await run()).toBe(0);
    expect(await webhooksOf(t, customer.id, since)).toEqual([]);
    const revoked = await t.api.delete(`/v1/subscriptions/${subscription.id}`);
    expect(revoked.status, revoked.text).toBe(200);
    await calls(customer.id, 10);
    const afterRevoke = await outboxMark(t);
    expect(await run()).toBe(0);
    expect(await webhooksOf(t, customer.id, afterRevoke)).toEqual([]);
  });

  it("usage before the subscription began, or on a meter it does not bill, announces nothing", async () => {
    const customer = await t.api.createCustomer({ email: "usage-3@example.com" });
    await calls(customer.id, 7);
    await t.caughtUp();
    t.clock.advance(1000);
    await subscribe(t.api, { customer_id: customer.id, product_id: pro.id });
    const other = await t.api.createMeter({
      name: "Other",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "other_call" }] },
      aggregation: { func: "count" },
    });
    expect(other.id).toBeDefined();
    const since = await outboxMark(t);
    t.clock.advance(1000);
    await t.api.ingest([{ name: "other_call", customer_id: customer.id, timestamp: t.clock.now().toISOString() }]);
    expect(await run()).toBe(0);
    expect(await webhooksOf(t, customer.id, since)).toEqual([]);
  });
});
