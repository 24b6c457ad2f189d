import { renderWebhookBody } from "@meterline/billing";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@meterline/core";
import { waitFor } from "@meterline/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../support/api-client.js";
import {
  attachBenefits,
  createApiCallsMeter,
  createCreditBenefit,
  createProProduct,
  moveClock,
  subscribe,
} from "../support/billing-fixtures.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";
import { type ReceivedWebhook, WebhookReceiver } from "../support/webhook-receiver.js";

/**
 * Every webhook type the engine produces today, delivered: one story drives them all, and three
 * endpoints (raw, Discord, Slack) subscribed to everything receive them. Checkouts and refunds do
 * not exist in Meterline yet, so their types (and `order.refunded`) are never announced, nor is
 * `benefit_grant.updated` (grant properties never change after the grant).
 */
const NOT_PRODUCED: readonly WebhookEventType[] = [
  "checkout.created",
  "checkout.updated",
  "order.refunded",
  "refund.created",
  "refund.updated",
  "benefit_grant.updated",
];
const PRODUCED = WEBHOOK_EVENT_TYPES.filter((type) => !NOT_PRODUCED.includes(type));
const SECRET = "whsec-event-types";

let t: TestEngine;
const receivers: Record<"raw" | "discord" | "slack", WebhookReceiver> = {} as never;

beforeAll(async () => {
  t = await startTestEngine({
    sandbox: true,
    realTime: true,
    now: "2025-03-01T00:00:00Z",
    webhooks: { retryBaseMs: 5, dispatchEveryMs: 50 },
  });
  for (const format of ["raw", "discord", "slack"] as const) {
    receivers[format] = await WebhookReceiver.start(SECRET);
    await t.api.expectStatus(201, "POST", "/v1/webhooks/endpoints", {
      url: receivers[format].url,
      format,
      secret: SECRET,
      events: WEBHOOK_EVENT_TYPES,
    });
  }
  // Catalog, organization and customers.
  await t.api.expectStatus(200, "PATCH", `/v1/organizations/${t.organizationId}`, { name: "Renamed organization" });
  const meter = await createApiCallsMeter(t.api);
  const credits = await createCreditBenefit(t.api, meter.id, 200, false);
  await t.api.expectStatus(200, "PATCH", `/v1/benefits/${credits.id}`, {
    type: "meter_credit",
    description: "200 API calls a month",
  });
  const pro = await attachBenefits(t.api, (await createProProduct(t.api, meter.id)).id, [credits.id]);
  const customer = await t.api.createCustomer({ email: "types@example.com" });
  await t.api.expectStatus(200, "PATCH", `/v1/customers/${customer.id}`, { name: "Typed" });
  const gone = await t.api.createCustomer({ email: "gone@example.com" });
  expect((await t.api.delete(`/v1/customers/${gone.id}`)).status).toBe(204);
  // A subscription: created and paid, renewed, canceled, uncanceled, revoked.
  const subscription = await subscribe(t.api, { customer_id: customer.id, product_id: pro.id });
  const [order] = (await t.api.expectStatus(200, "GET", `/v1/orders/?subscription_id=${subscription.id}`)).items;
  await t.api.expectStatus(200, "PATCH", `/v1/orders/${order.id}`, {
    billing_name: "Typed Inc.",
    billing_address: null,
  });
  await moveClock(t.api, "2025-04-01T00:01:00Z");
  await t.api.expectStatus(200, "PATCH", `/v1/subscriptions/${subscription.id}`, { cancel_at_period_end: true });
  await t.api.expectStatus(200, "PATCH", `/v1/subscriptions/${subscription.id}`, { cancel_at_period_end: false });
  const revoked = await t.api.delete(`/v1/subscriptions/${subscription.id}`);
  expect(revoked.status, revoked.text).toBe(200);
  // The revocation's final order and grant revocations come from a job after the DELETE answered:
  // wait until every type is there and nothing more has come for half a second.
  let count = -1;
  await waitFor("the outbox to settle with every produced type", async () => {
    const records = await t.deps.outbox.ofOrganization(t.organizationId);
    const types = new Set(records.map((record) => record.type));
    const settled = records.length === count && PRODUCED.every((type) => types.has(type));
    count = records.length;
    if (!settled) await new Promise((resolve) => setTimeout(resolve, 500));
    return settled;
  });
  const outbox = await t.deps.outbox.ofOrganization(t.organizationId);
  for (const format of ["raw", "discord", "slack"] as const) {
    const expected = outbox.filter((record) => renderWebhookBody(format, record.type, record.data) !== null).length;
    await waitFor(
      () => `the ${format} endpoint to receive ${expected} announcements; got ${receivers[format].delivered().length}`,
      () => receivers[format].delivered().length === expected,
      15_000,
    );
  }
});

afterAll(async () => {
  await Promise.all(Object.values(receivers).map((receiver) => receiver?.close()));
  await t?.stop();
});

describe("every type the engine produces, delivered raw", () => {
  it("the story announced exactly the produced types", async () => {
    const types = new Set((await t.deps.outbox.ofOrganization(t.organizationId)).map((record) => record.type));
    expect([...types].sort()).toEqual([...PRODUCED].sort());
  });

  it.each(PRODUCED)("%s: signed, accepted by the SDK's validateEvent, data as the API shows it", async (type) => {
    const entry = receivers.raw.delivered().find((delivered) => delivered.type === type);
    expect(entry, `no ${type} delivered`).toBeDefined();
    const delivered = entry as ReceivedWebhook;
    expect(delivered.verified).toBe(true);
    expect(delivered.sdkError).toBeNull();
    expect((delivered.sdkEvent as { type: string }).type).toBe(type);
    const body = JSON.parse(delivered.body) as { type: string; data: Json };
    expect(Object.keys(body)).toEqual(["type", "data"]);
    const record = (await t.deps.outbox.ofOrganization(t.organizationId)).find(
      (candidate) => candidate.type === type && JSON.stringify(candidate.data) === JSON.stringify(body.data),
    );
    expect(record, "the body is the outbox record's data, unchanged").toBeDefined();
  });
});

describe("chat formats", () => {
  it("Discord gets message bodies (content and embeds), signed, for every type but plain subscription updates", () => {
    const raw = receivers.raw.delivered();
    const discord = receivers.discord.delivered();
    expect(discord.length).toBeGreaterThan(0);
    expect(discord.length).toBeLessThan(raw.length);
    for (const entry of discord) {
      expect(entry.verified).toBe(true);
      const body = JSON.parse(entry.body);
      expect(typeof body.content).toBe("string");
      expect(Array.isArray(body.embeds)).toBe(true);
      expect(body.type).toBeUndefined();
    }
  });

  it("Slack gets message bodies (text and blocks), signed, for the same events as Discord", () => {
    const slack = receivers.slack.delivered();
    expect(slack.length).toBe(receivers.discord.delivered().length);
    for (const entry of slack) {
      expect(entry.verified).toBe(true);
      const body = JSON.parse(entry.body);
      expect(typeof body.text).toBe("string");
      expect(Array.isArray(body.blocks)).toBe(true);
    }
  });
});
