import { WEBHOOK_EVENT_TYPES } from "@meterline/core";
import { waitFor } from "@meterline/testing";
import { expect } from "vitest";
import type { WebhookReceiver } from "./webhook-receiver.js";

/** Where the webhook worker runs, and how to kill and restart it. */
export interface CrashTarget {
  /** The API's base URL now (a restarted standalone engine listens on a new port). */
  api(): string;
  token: string;
  /** SIGKILL the process that delivers webhooks. */
  killWorker(): Promise<void>;
  restartWorker(): Promise<void>;
}

/** Environment that makes a killed worker's claim expire in seconds and retries quick. */
export const CRASH_WEBHOOK_ENV = {
  METERLINE_WEBHOOK_LEASE_MS: "3000",
  METERLINE_WEBHOOK_RETRY_BASE_MS: "100",
  METERLINE_WEBHOOK_DISPATCH_EVERY_MS: "200",
  METERLINE_WEBHOOK_TIMEOUT_MS: "60000",
};

async function call(target: CrashTarget, method: string, path: string, body?: unknown) {
  const response = await fetch(`${target.api()}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text === "" ? null : JSON.parse(text);
}

/**
 * The worker is killed while a request is in flight (the receiver holds it unanswered); the
 * receiver then fails every event's first three attempts; the worker comes back. Every event must
 * arrive, each exactly once with a 2xx, every resend with the same `webhook-id` and body, every
 * signature valid and every body accepted by the SDK. `customers` are created before the kill,
 * `later` after it (with `whileDown`, while the worker is down: the API keeps serving).
 */
export async function killDuringDelivery(
  target: CrashTarget,
  receiver: WebhookReceiver,
  options: { secret: string; customers: number; later: number; whileDown: boolean },
): Promise<void> {
  let inFlight = false;
  receiver.reply = (_request, attemptOfId) => {
    if (!inFlight) {
      inFlight = true;
      return "hang";
    }
    return attemptOfId <= 3 ? 500 : 202;
  };
  const endpoint = await call(target, "POST", "/v1/webhooks/endpoints", {
    url: receiver.url,
    format: "raw",
    secret: options.secret,
    events: WEBHOOK_EVENT_TYPES,
  });
  const emails: string[] = [];
  const createCustomers = async (count: number) => {
    for (let index = 0; index < count; index++) {
      const email = `crash-${emails.length}@example.com`;
      emails.push(email);
      await call(target, "POST", "/v1/customers/", { email });
    }
  };
  await createCustomers(options.customers);
  await waitFor("a delivery in flight", () => inFlight, 30_000);
  await target.killWorker();
  if (options.whileDown) await createCustomers(options.later);
  await target.restartWorker();
  if (!options.whileDown) await createCustomers(options.later);

  const createdEmails = () =>
    receiver
      .delivered()
      .filter((entry) => entry.type === "customer.created")
      .map((entry) => JSON.parse(entry.body).data.email as string);
  await waitFor(
    () => `every customer.created delivered; got ${createdEmails().length} of ${emails.length}`,
    () => createdEmails().length >= emails.length,
    120_000,
  );
  // Settled: every event the delivery log knows succeeded, and the receiver has seen exactly those.
  let events = new Map<string, boolean>();
  const receivedIds = () => new Set(receiver.received.map((entry) => entry.id));
  await waitFor(
    () => `the delivery log to settle: ${JSON.stringify([...events])}, received ${[...receivedIds()]}`,
    async () => {
      const log = await call(target, "GET", `/v1/webhooks/deliveries?endpoint_id=${endpoint.id}&limit=100`);
      events = new Map();
      for (const item of log.items) events.set(item.webhook_event.id, item.webhook_event.succeeded === true);
      const ids = receivedIds();
      return [...events.values()].every(Boolean) && events.size === ids.size && [...ids].every((id) => events.has(id));
    },
    60_000,
  );
  const ids = receivedIds();
  expect(createdEmails().sort()).toEqual([...emails].sort());
  for (const id of ids) {
    const attempts = receiver.received.filter((entry) => entry.id === id);
    expect(
      attempts.filter((entry) => entry.status !== null && entry.status < 300),
      id,
    ).toHaveLength(1);
    expect(new Set(attempts.map((entry) => entry.body)).size, id).toBe(1);
    expect(attempts.length, id).toBeGreaterThanOrEqual(4);
  }
  for (const entry of receiver.received) {
    expect(entry.verified, entry.body).toBe(true);
    expect(entry.sdkError, entry.body).toBeNull();
  }
}
