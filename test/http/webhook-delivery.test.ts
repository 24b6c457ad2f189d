import { deliverWebhook, resolveWebhookOptions } from "@meterline/billing";
import { WEBHOOK_EVENT_TYPES } from "@meterline/core";
import { waitFor } from "@meterline/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../support/api-client.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

/**
 * Webhook delivery on the embedded engine, to a real receiver on 127.0.0.1 that verifies every
 * signature with `standardwebhooks` and parses every body with the SDK's `validateEvent`. The
 * clock runs in real time; retries back off from 5 ms (the ten retries span 5.1 s at least).
 */

const SECRET = "whsec-delivery-test";
let t: TestEngine;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  t = await startTestEngine({
    realTime: true,
    webhooks: { retryBaseMs: 5, dispatchEveryMs: 50, timeoutMs: 1000, random: () => 0 },
  });
});

afterAll(async () => {
  await t?.stop();
});

afterEach(async () => {
  // Endpoints of earlier tests would keep receiving (and failing) what later tests announce.
  const { items } = await t.api.expectStatus(200, "GET", "/v1/webhooks/endpoints?limit=100");
  for (const endpoint of items) await t.api.delete(`/v1/webhooks/endpoints/${endpoint.id}`);
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(secret = SECRET): Promise<WebhookReceiver> {
  const started = await WebhookReceiver.start(secret);
  receivers.push(started);
  return started;
}

async function endpoint(url: string, events: readonly string[] = WEBHOOK_EVENT_TYPES, secret = SECRET) {
  return t.api.expectStatus(201, "POST", "/v1/webhooks/endpoints", { url, format: "raw", secret, events });
}

function createProduct(name: string) {
  return t.api.expectStatus(201, "POST", "/v1/products/", {
    name,
    recurring_interval: "month",
    prices: [{ amount_type: "fixed", price_amount: 1500 }],
  });
}

async function deliveries(endpointId: string): Promise<Json[]> {
  const body = await t.api.expectStatus(200, "GET", `/v1/webhooks/deliveries?endpoint_id=${endpointId}&limit=100`);
  return body.items;
}

/** The outbox records after `since` that an endpoint subscribed to `types` receives. */
async function announcedSince(since: number, types: readonly string[] = WEBHOOK_EVENT_TYPES) {
  const records = await t.deps.outbox.ofOrganization(t.organizationId);
  return records.filter((record) => record.sequence > since && types.includes(record.type));
}

async function mark(): Promise<number> {
  return (await t.deps.outbox.ofOrganization(t.organizationId)).at(-1)?.sequence ?? 0;
}

describe("delivery to a receiver that answers", () => {
  it("delivers every announcement once, signed, in outbox order, in the SDK's typed shape", async () => {
    const hooks = await receiver();
    const since = await mark();
    await endpoint(hooks.url);
    const customer = await t.api.createCustomer({ email: "hooks@example.com", external_id: "hooks-1" });
    await createProduct("Hooks");
    await t.api.patch(`/v1/customers/${customer.id}`, { name: "Renamed" });
    const expected = await announcedSince(since);
    expect(expected.map((record) => record.type)).toEqual(
      expect.arrayContaining(["customer.created", "product.created", "customer.updated"]),
    );
    await waitFor("every announcement delivered", () => hooks.delivered().length >= expected.length);
    const delivered = hooks.delivered();
    const bodies = expected.map((record) => JSON.stringify({ type: record.type, data: record.data }));
    expect(delivered.map((entry) => entry.body).sort()).toEqual([...bodies].sort());
    // Order holds within a lane: the customer's announcements arrive in outbox order.
    const ofCustomer = (body: string) => body.includes(`"id":"${customer.id}"`) || body.includes(customer.id);
    expect(delivered.map((entry) => entry.body).filter(ofCustomer)).toEqual(bodies.filter(ofCustomer));
    for (const entry of delivered) {
      expect(entry.verified, entry.body).toBe(true);
      expect(entry.sdkError, entry.body).toBeNull();
      expect((entry.sdkEvent as { type: string }).type).toBe(entry.type);
      expect(entry.headers["user-agent"]).toBe("meterline webhooks");
      expect(entry.headers["content-type"]).toBe("application/json");
      expect(Math.abs(entry.timestamp - Date.now() / 1000)).toBeLessThan(60);
    }
    expect(new Set(delivered.map((entry) => entry.id)).size).toBe(delivered.length);
  });

  it("sends an endpoint only the types it subscribed to, and nothing after it is deleted", async () => {
    const hooks = await receiver();
    const created = await endpoint(hooks.url, ["product.created"]);
    await t.api.createCustomer({ email: "filtered@example.com" });
    await createProduct("Filtered");
    await waitFor("the product announcement", () => hooks.delivered().length === 1);
    expect(hooks.received.map((entry) => entry.type)).toEqual(["product.created"]);
    await t.api.delete(`/v1/webhooks/endpoints/${created.id}`);
    await createProduct("After delete");
    const until = await mark();
    await waitFor("the outbox to be fanned out", async () => {
      const rows = await t.deps.db.query("SELECT 1 FROM outbox WHERE sequence <= $1 AND dispatched_at IS NULL", [
        until,
      ]);
      return rows.length === 0;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hooks.received).toHaveLength(1);
  });
});

describe("retries", () => {
  it("retries a failing receiver with the same webhook-id and records every attempt", async () => {
    const hooks = await receiver();
    hooks.reply = (_request, attempt) => (attempt <= 3 ? 500 : 202);
    const created = await endpoint(hooks.url, ["product.created"]);
    await createProduct("Flaky");
    await waitFor("delivery after three failures", () => hooks.delivered().length === 1);
    expect(hooks.received.map((entry) => entry.status)).toEqual([500, 500, 500, 202]);
    expect(new Set(hooks.received.map((entry) => entry.id)).size).toBe(1);
    expect(new Set(hooks.received.map((entry) => entry.body)).size).toBe(1);
    expect(hooks.received.every((entry) => entry.verified)).toBe(true);
    let log: Json[] = [];
    await waitFor("four delivery records", async () => {
      log = await deliveries(created.id);
      return log.length === 4;
    });
    // Newest first.
    expect(log.map((entry) => [entry.attempt, entry.http_code, entry.succeeded])).toEqual([
      [4, 202, true],
      [3, 500, false],
      [2, 500, false],
      [1, 500, false],
    ]);
    expect(log[0].response).toBe("answer 202");
    expect(log[0].webhook_event.id).toBe(hooks.received[0]?.id);
    expect(log[0].webhook_event.succeeded).toBe(true);
    expect(log[0].webhook_event.payload).toBe(hooks.received[0]?.body);
    for (const entry of log) expect(entry.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it("gives up after 11 attempts (the first and 10 retries), then the lane moves on", async () => {
    const hooks = await receiver();
    let first: string | undefined;
    hooks.reply = (request) => {
      first ??= request.id;
      return request.id === first ? 503 : 202;
    };
    const created = await endpoint(hooks.url, ["customer.created"]);
    await t.api.createCustomer({ email: "doomed@example.com" });
    await waitFor("the first event's 11 attempts", () => hooks.received.length >= 11, 20_000);
    await t.api.createCustomer({ email: "doomed-later@example.com" });
    await waitFor("the next event", () => hooks.delivered().length === 1, 10_000);
    expect(hooks.received.filter((entry) => entry.id === first)).toHaveLength(11);
    const log = await deliveries(created.id);
    const failed = log.filter((entry) => entry.webhook_event.id === first);
    expect(failed).toHaveLength(11);
    expect(failed[0].webhook_event.succeeded).toBe(false);
  });

  it("a receiver that was down gets every event once it is back", async () => {
    const hooks = await receiver();
    let down = true;
    hooks.reply = () => (down ? 502 : 202);
    await endpoint(hooks.url, ["customer.created"]);
    for (let index = 0; index < 5; index++) await t.api.createCustomer({ email: `outage-${index}@example.com` });
    // Within the retry budget (5 ms base: the ten retries span at least 5.1 s).
    await new Promise((resolve) => setTimeout(resolve, 2500));
    down = false;
    await waitFor("all five delivered", () => hooks.delivered().length === 5, 30_000);
    // Five customers, five lanes: no order between them.
    const emails = hooks.delivered().map((entry) => JSON.parse(entry.body).data.email);
    expect(emails.sort()).toEqual([0, 1, 2, 3, 4].map((index) => `outage-${index}@example.com`));
    expect(hooks.received.filter((entry) => entry.status === 502).length).toBeGreaterThanOrEqual(5);
  });

  it("redelivers an event on request: same webhook-id, new signature time", async () => {
    const hooks = await receiver();
    const created = await endpoint(hooks.url, ["product.created"]);
    await createProduct("Again");
    await waitFor("first delivery", () => hooks.delivered().length === 1);
    let log: Json;
    await waitFor("its delivery record", async () => {
      [log] = await deliveries(created.id);
      return log !== undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const response = await t.api.post(`/v1/webhooks/events/${log.webhook_event.id}/redeliver`);
    expect(response.status, response.text).toBe(202);
    await waitFor("redelivery", () => hooks.delivered().length === 2);
    const [original, again] = hooks.delivered();
    expect(again?.id).toBe(original?.id);
    expect(again?.body).toBe(original?.body);
    expect(again?.timestamp).toBeGreaterThan(original?.timestamp ?? 0);
    expect(again?.verified).toBe(true);
  });
});

describe("order and isolation", () => {
  it("holds one customer's later events behind a failing one, without holding up another customer's", async () => {
    const hooks = await receiver();
    const stuck = await t.api.createCustomer({ email: "stuck@example.com" });
    const other = await t.api.createCustomer({ email: "other@example.com" });
    let failing = true;
    hooks.reply = (request) => (failing && JSON.parse(request.body).data.id === stuck.id ? 500 : 202);
    await endpoint(hooks.url, ["customer.updated"]);
    await t.api.patch(`/v1/customers/${stuck.id}`, { name: "first" });
    await t.api.patch(`/v1/customers/${stuck.id}`, { name: "second" });
    await t.api.patch(`/v1/customers/${other.id}`, { name: "unaffected" });
    await waitFor("the other customer's event", () =>
      hooks.delivered().some((entry) => JSON.parse(entry.body).data.id === other.id),
    );
    const stuckNames = () =>
      hooks.received
        .filter((entry) => JSON.parse(entry.body).data.id === stuck.id)
        .map((e) => JSON.parse(e.body).data.name);
    // Only the lane's head has been tried.
    expect(new Set(stuckNames())).toEqual(new Set(["first"]));
    failing = false;
    await waitFor("the stuck customer's events", () => hooks.delivered().length === 3, 10_000);
    const delivered = hooks
      .delivered()
      .filter((entry) => JSON.parse(entry.body).data.id === stuck.id)
      .map((entry) => JSON.parse(entry.body).data.name);
    expect(delivered).toEqual(["first", "second"]);
  });

  it("a receiver that never answers is abandoned after the timeout, and billing goes on meanwhile", async () => {
    const slow = await receiver();
    slow.reply = () => "hang";
    const fast = await receiver();
    const slowEndpoint = await endpoint(slow.url, ["product.created"]);
    await endpoint(fast.url, ["product.created"]);
    const started = Date.now();
    await createProduct("Timeout");
    await waitFor("the fast receiver", () => fast.delivered().length === 1);
    expect(Date.now() - started).toBeLessThan(1000);
    const customer = await t.api.createCustomer({ email: "during-timeout@example.com" });
    expect(customer.id).toBeDefined();
    let log: Json[] = [];
    await waitFor(
      "a timed-out attempt",
      async () => {
        log = await deliveries(slowEndpoint.id);
        return log.length > 0;
      },
      5000,
    );
    expect(log.at(-1)).toMatchObject({ http_code: null, succeeded: false, error: "timed out after 1000 ms" });
  });
});

describe("exactly one send per claim", () => {
  it("a claimed attempt whose job runs twice at once is sent once", async () => {
    const hooks = await receiver();
    const created = await endpoint(hooks.url, ["product.created"]);
    // Due only far in the future, so the running worker leaves it to this test.
    const later = new Date(Date.now() + 365 * 86_400_000);
    const id = t.deps.ids.uuid();
    await t.deps.webhookEvents.insert([
      {
        id,
        organizationId: t.organizationId,
        endpointId: created.id,
        outboxId: t.deps.ids.uuid(),
        lane: "",
        createdAt: new Date(),
        modifiedAt: null,
        type: "product.created",
        payload: JSON.stringify({ type: "product.created", data: { id: "x" } }),
        status: "pending",
        succeeded: null,
        lastHttpCode: null,
        attempts: 0,
        nextAttemptAt: later,
      },
    ]);
    const [claim] = await t.deps.webhookEvents.claimDue(later, new Date(), new Date(Date.now() + 60_000), 10, {
      endpointId: created.id,
      lane: "",
    });
    expect(claim?.eventId).toBe(id);
    const options = resolveWebhookOptions({ retryBaseMs: 5 });
    await Promise.all([
      deliverWebhook(t.deps, options, claim as never),
      deliverWebhook(t.deps, options, claim as never),
    ]);
    expect(hooks.received.map((entry) => entry.id)).toEqual([id]);
    expect(await t.deps.webhookEvents.deliveriesOf(id)).toHaveLength(1);
    expect((await t.deps.webhookEvents.get(id))?.status).toBe("succeeded");
  });
});
