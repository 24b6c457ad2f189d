import { WEBHOOK_EVENT_TYPES } from "@meterline/core";
import { waitFor } from "@meterline/testing";
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
import { startTestEngine, type TestEngine } from "../support/test-engine.js";
import { type ReceivedWebhook, WebhookReceiver } from "../support/webhook-receiver.js";

/**
 * A subscription's life told by the webhooks a receiver on 127.0.0.1 gets (spec billing §10
 * emission sequences, Engine column, plus ARCHITECTURE §7's final usage order): create, usage
 * (announced by the periodic usage job, every 100 ms here), a renewal, cancel at period end, more
 * usage, the end with its final order. Every request is verified with
 * `standardwebhooks` and parsed with the SDK's `validateEvent`; the customer's lane delivers in
 * emission order, so the receiver sees exactly the spec's sequence.
 */
const SECRET = "whsec-lifecycle";
let t: TestEngine;
let hooks: WebhookReceiver;
let customer: Json;
let subscription: Json;
let pro: Json;

function aboutCustomer(entry: ReceivedWebhook): boolean {
  const data = JSON.parse(entry.body).data;
  return entry.type.startsWith("customer.") ? data.id === customer.id : data.customer_id === customer.id;
}

/** Waits until the receiver has `count` deliveries about the customer, then returns their types from `from`. */
async function customerSequence(from: number, count: number): Promise<string[]> {
  const ofCustomer = () => hooks.delivered().filter(aboutCustomer);
  await waitFor(
    () => `${count} webhooks about the customer; got ${ofCustomer().map((entry) => entry.type)}`,
    () => ofCustomer().length >= count,
    15_000,
  );
  // Nothing more is on its way for this step.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return ofCustomer()
    .slice(from)
    .map((entry) => entry.type);
}

beforeAll(async () => {
  t = await startTestEngine({
    sandbox: true,
    realTime: true,
    now: "2025-03-01T00:00:00Z",
    webhooks: { retryBaseMs: 5, dispatchEveryMs: 50 },
    announceUsageEveryMs: 100,
  });
  hooks = await WebhookReceiver.start(SECRET);
  await t.api.expectStatus(201, "POST", "/v1/webhooks/endpoints", {
    url: hooks.url,
    format: "raw",
    secret: SECRET,
    events: WEBHOOK_EVENT_TYPES,
  });
  const meter = await createApiCallsMeter(t.api);
  const credits = await createCreditBenefit(t.api, meter.id, 200, false);
  pro = await attachBenefits(t.api, (await createProProduct(t.api, meter.id)).id, [credits.id]);
});

afterAll(async () => {
  await hooks?.close();
  await t?.stop();
});

describe("a subscription's life, as webhooks", () => {
  let seen = 0;

  async function step(count: number): Promise<string[]> {
    const sequence = await customerSequence(seen, seen + count);
    seen += sequence.length;
    return sequence;
  }

  it("the catalog: product and benefit announcements", async () => {
    await waitFor("catalog announcements", () => hooks.delivered().length >= 3);
    expect(hooks.delivered().map((entry) => entry.type)).toEqual([
      "benefit.created",
      "product.created",
      "product.updated",
    ]);
  });

  it("customer created: customer.created, then its state", async () => {
    customer = await t.api.createCustomer({ email: "lifecycle@example.com" });
    expect(await step(2)).toEqual(["customer.created", "customer.state_changed"]);
  });

  it("subscription created: created → active → state → order created and paid ⇒ grant created → state", async () => {
    subscription = await subscribe(t.api, { customer_id: customer.id, product_id: pro.id });
    expect(await step(7)).toEqual([
      "subscription.created",
      "subscription.active",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "benefit_grant.created",
      "customer.state_changed",
    ]);
  });

  it("usage: updated (meters recomputed) → state, once the usage job has seen it", async () => {
    await ingestCalls(t.api, customer.id, 300, "2025-03-01T00:00:00Z");
    await t.caughtUp();
    expect(await step(2)).toEqual(["subscription.updated", "customer.state_changed"]);
    const [updated] = hooks.delivered().filter(aboutCustomer).slice(-2);
    const meters = JSON.parse(updated?.body ?? "{}").data.meters;
    expect(meters.map((meter: Json) => [meter.consumed_units, meter.credited_units])).toEqual([[300, 200]]);
  });

  it("the renewal: updated → state → order created and paid ⇒ grant cycled → state", async () => {
    // A minute past the period end: the subscription started a few real seconds after 03-01T00:00Z.
    await moveClock(t.api, "2025-04-01T00:01:00Z");
    expect(await step(6)).toEqual([
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "benefit_grant.cycled",
      "customer.state_changed",
    ]);
    const renewal = hooks.delivered().filter(aboutCustomer).at(-4);
    const order = JSON.parse(renewal?.body ?? "{}").data;
    expect(order).toMatchObject({ billing_reason: "subscription_cycle", subscription_id: subscription.id });
    // 2000 fixed + (300 − 200 credits) × 10 cents.
    expect(order.total_amount).toBe(3000);
  });

  it("cancel at period end: updated → canceled → state", async () => {
    const response = await t.api.patch(`/v1/subscriptions/${subscription.id}`, { cancel_at_period_end: true });
    expect(response.status, response.text).toBe(200);
    expect(await step(3)).toEqual(["subscription.updated", "subscription.canceled", "customer.state_changed"]);
  });

  // Spec §10 item 6 lists the final order and the grant revocations as separate steps (⇒) without
  // an order between them; Meterline bills the final usage first, then revokes the grants.
  it("more usage, announced; then the end of the period: updated → revoked → state ⇒ final usage order ⇒ grant revoked → state", async () => {
    await ingestCalls(t.api, customer.id, 250, "2025-04-01T00:01:00Z");
    await t.caughtUp();
    expect(await step(2)).toEqual(["subscription.updated", "customer.state_changed"]);
    await moveClock(t.api, "2025-05-01T00:01:00Z");
    const sequence = await step(7);
    expect(sequence).toEqual([
      "subscription.updated",
      "subscription.revoked",
      "customer.state_changed",
      "order.created",
      "order.paid",
      "benefit_grant.revoked",
      "customer.state_changed",
    ]);
    const final = hooks.delivered().filter(aboutCustomer).at(-4);
    // The 250 calls after the renewal less the 200 credits it granted, at 10 cents.
    expect(JSON.parse(final?.body ?? "{}").data).toMatchObject({
      billing_reason: "subscription_cycle",
      total_amount: 500,
    });
  });

  it("every request was signed, verified by standardwebhooks and parsed by the SDK's validateEvent", () => {
    expect(hooks.received.length).toBeGreaterThan(25);
    for (const entry of hooks.received) {
      expect(entry.verified, entry.body).toBe(true);
      expect(entry.sdkError, entry.body).toBeNull();
      expect((entry.sdkEvent as { type: string }).type).toBe(entry.type);
    }
    expect(new Set(hooks.received.map((entry) => entry.id)).size).toBe(hooks.received.length);
  });
});
