import {
  WEBHOOK_DISPATCH_JOB,
  WEBHOOK_MAX_ATTEMPTS,
  type WebhookEvent,
  type WebhookEventStatus,
  webhookRetryDelayMs,
} from "@meterline/core";
import type { WebhookLease } from "@meterline/postgres";
import { sendWebhook, type WebhookResponse } from "./send-webhook.js";
import { webhookHeaders } from "./sign-webhook.js";
import { claimAndEnqueue } from "./webhook-dispatcher.js";
import type { ResolvedWebhookOptions, WebhookDeps } from "./webhook-options.js";

function next(
  attempt: number,
  response: WebhookResponse,
  hopeless: boolean,
): { succeeded: boolean; status: WebhookEventStatus } {
  const succeeded = response.httpCode !== null && response.httpCode >= 200 && response.httpCode < 300;
  if (succeeded) return { succeeded, status: "succeeded" };
  return { succeeded, status: hopeless || attempt >= WEBHOOK_MAX_ATTEMPTS ? "failed" : "pending" };
}

async function send(
  deps: WebhookDeps,
  options: ResolvedWebhookOptions,
  event: WebhookEvent,
): Promise<{ response: WebhookResponse; hopeless: boolean }> {
  const endpoint = await deps.webhookEndpoints.byId(event.endpointId);
  if (endpoint === null || endpoint.deletedAt !== null) {
    return { response: { httpCode: null, response: null, error: "endpoint deleted", durationMs: 0 }, hopeless: true };
  }
  if (Buffer.byteLength(event.payload) > options.maxPayloadBytes) {
    const error = `payload larger than ${options.maxPayloadBytes} bytes`;
    return { response: { httpCode: null, response: null, error, durationMs: 0 }, hopeless: true };
  }
  const timestamp = Math.floor(options.wallClock.now().getTime() / 1000);
  const response = await sendWebhook({
    url: endpoint.url,
    headers: webhookHeaders(endpoint.secret, event.id, timestamp, event.payload),
    body: event.payload,
    timeoutMs: options.timeoutMs,
    policy: deps.webhookUrlPolicy,
    maxResponseChars: options.maxResponseChars,
  });
  return { response, hopeless: false };
}

/**
 * Sends one claimed attempt and records it. On success or final failure the lane's next event is
 * claimed and queued at once; a failure before the last attempt is retried after a backoff (a
 * dispatch is queued for that moment). A success also makes the endpoint's other waiting retries
 * due: the endpoint is evidently back. A stale claim (lost, or already used by another run of the
 * same job) sends nothing.
 */
export async function deliverWebhook(
  deps: WebhookDeps,
  options: ResolvedWebhookOptions,
  claim: WebhookLease,
): Promise<void> {
  const started = await deps.webhookEvents.begin(claim, deps.ids.uuid(), options.wallClock.now());
  if (started === null) return;
  const { event, lease } = started;
  const attempt = event.attempts + 1;
  // A deleted endpoint or an oversized payload will not get better by retrying.
  const { response, hopeless } = await send(deps, options, event);
  const { succeeded, status } = next(attempt, response, hopeless);
  const now = deps.clock.now();
  const nextAttemptAt =
    status === "pending"
      ? new Date(now.getTime() + webhookRetryDelayMs(attempt, options.retryBaseMs, options.random()))
      : now;
  const held = await deps.webhookEvents.recordAttempt(lease, {
    delivery: {
      id: deps.ids.uuid(),
      organizationId: event.organizationId,
      endpointId: event.endpointId,
      webhookEventId: event.id,
      createdAt: now,
      attempt,
      succeeded,
      ...response,
    },
    status,
    nextAttemptAt,
  });
  // Whoever holds the event now (after a redelivery or an expired lease) moves the lane on.
  if (!held) return;
  if (status === "pending") {
    await deps.jobs.enqueue(WEBHOOK_DISPATCH_JOB, {}, { runAt: nextAttemptAt });
    return;
  }
  if (succeeded && (await deps.webhookEvents.retryNow(event.endpointId, now)) > 0) {
    await deps.jobs.enqueue(WEBHOOK_DISPATCH_JOB, {});
  }
  await claimAndEnqueue(deps, options, 1, { endpointId: event.endpointId, lane: event.lane });
}
