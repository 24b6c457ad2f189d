import type { WebhookEventType } from "../outbox/outbox.js";

export const WEBHOOK_FORMATS = ["raw", "discord", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Where an organization's announcements go (spec api-conventions §8.1). */
export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  deletedAt: Date | null;
  url: string;
  format: WebhookFormat;
  /** HMAC key of the signatures, as the merchant chose it; never logged, shown only on create. */
  secret: string;
  events: WebhookEventType[];
}

export type WebhookEventStatus = "pending" | "succeeded" | "failed";

/** One announcement for one endpoint: its id is the `webhook-id` of every attempt. */
export interface WebhookEvent {
  id: string;
  sequence: number;
  organizationId: string;
  endpointId: string;
  outboxId: string;
  /** Delivery order: an endpoint receives one lane's events one at a time, in sequence. */
  lane: string;
  createdAt: Date;
  modifiedAt: Date | null;
  type: WebhookEventType;
  /** The exact body, rendered once when the event was created. */
  payload: string;
  status: WebhookEventStatus;
  /** null until the first attempt (Polar's `succeeded`). */
  succeeded: boolean | null;
  lastHttpCode: number | null;
  /** Attempts of the current retry budget. */
  attempts: number;
  nextAttemptAt: Date;
}

/** One attempt to send a webhook event. */
export interface WebhookDelivery {
  id: string;
  organizationId: string;
  endpointId: string;
  webhookEventId: string;
  createdAt: Date;
  attempt: number;
  succeeded: boolean;
  /** null when no response came (timeout, refused connection, blocked address). */
  httpCode: number | null;
  /** The start of the response body. */
  response: string | null;
  /** Why the attempt failed without a response. */
  error: string | null;
  durationMs: number;
}

/** Attempts per retry budget: the first plus 10 retries (Polar's WEBHOOK_MAX_RETRIES). */
export const WEBHOOK_MAX_ATTEMPTS = 11;

/**
 * Delay before retry `retry` (1 = the first retry): D = base × 2^(retry−1), drawn uniformly from
 * [D, 1.25·D] with `random` in [0, 1).
 *
 * Deviation from Polar (which draws from [D/2, D] with a 2 s base, so ten retries may all be over
 * after 17 minutes): with the default 4 s base the ten retries span at least 68 minutes, so an
 * endpoint that is down for an hour still receives every event. The jitter spreads the retries of
 * many events that failed together.
 */
export function webhookRetryDelayMs(retry: number, baseMs: number, random: number): number {
  const upper = baseMs * 2 ** Math.max(0, retry - 1);
  return Math.round(upper * (1 + 0.25 * Math.min(Math.max(random, 0), 1)));
}

/** The organization's own lane: catalog and organization events, which belong to no customer. */
export const ORGANIZATION_LANE = "";

/**
 * The delivery lane of an announcement: its customer, so that one customer's events reach an
 * endpoint in the order they happened while other customers' events are not held up behind them.
 */
export function webhookLane(type: WebhookEventType, data: unknown): string {
  if (typeof data !== "object" || data === null) return ORGANIZATION_LANE;
  const record = data as Record<string, unknown>;
  const customerId = type.startsWith("customer.") ? record.id : record.customer_id;
  return typeof customerId === "string" ? customerId : ORGANIZATION_LANE;
}

/** The job that fans the outbox out and claims due attempts (the API queues one after a redelivery). */
export const WEBHOOK_DISPATCH_JOB = "webhooks.dispatch";
/** The job that sends one claimed attempt. */
export const WEBHOOK_DELIVER_JOB = "webhooks.deliver";
