import { createRepositories } from "@meterline/api";
import { WEBHOOK_DELIVER_JOB, webhookLane } from "@meterline/core";
import type { NewWebhookEvent, WebhookLease } from "@meterline/postgres";
import { renderWebhookBody } from "./webhook-body.js";
import type { ResolvedWebhookOptions, WebhookDeps } from "./webhook-options.js";

const FAN_OUT_BATCH = 500;
const CLAIM_BATCH = 64;

/**
 * Turns the oldest undispatched outbox records into webhook events, one per subscribed endpoint
 * (an endpoint gets what was announced after it was created), in one transaction with marking
 * them dispatched: a crash either way leaves nothing half done. Returns how many records it took.
 */
export async function fanOut(deps: WebhookDeps, limit = FAN_OUT_BATCH): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    const records = await repositories.outbox.lockPending(limit);
    if (records.length === 0) return 0;
    const organizations = [...new Set(records.map((record) => record.organizationId))];
    const endpoints = await repositories.webhookEndpoints.live(organizations);
    const now = deps.clock.now();
    const events: NewWebhookEvent[] = [];
    for (const record of records) {
      for (const endpoint of endpoints) {
        if (endpoint.organizationId !== record.organizationId || !endpoint.events.includes(record.type)) continue;
        if (endpoint.createdAt > record.createdAt) continue;
        const payload = renderWebhookBody(endpoint.format, record.type, record.data);
        if (payload === null) continue;
        events.push({
          id: deps.ids.uuid(),
          organizationId: record.organizationId,
          endpointId: endpoint.id,
          outboxId: record.id,
          lane: webhookLane(record.type, record.data),
          createdAt: now,
          modifiedAt: null,
          type: record.type,
          payload,
          status: "pending",
          succeeded: null,
          lastHttpCode: null,
          attempts: 0,
          nextAttemptAt: now,
        });
      }
    }
    await repositories.webhookEvents.insert(events);
    await repositories.outbox.markDispatched(
      records.map((record) => record.id),
      now,
    );
    return records.length;
  });
}

/** Queues the sending of claimed attempts (the job id is the lease: one job per claim). */
async function enqueueAttempts(deps: WebhookDeps, leases: readonly WebhookLease[]): Promise<void> {
  for (const lease of leases) {
    await deps.jobs.enqueue(WEBHOOK_DELIVER_JOB, lease, { id: lease.leaseId, maxAttempts: 3, backoffMs: 1000 });
  }
}

/**
 * The periodic pump: fans the whole outbox out, then claims due lane heads (new events, retries
 * whose time has come, attempts whose worker died) and queues them. One batch per run keeps the
 * queue shorter than the leases; a lane's next event is claimed as soon as its head is done.
 */
export async function dispatchWebhooks(deps: WebhookDeps, options: ResolvedWebhookOptions): Promise<void> {
  while ((await fanOut(deps)) === FAN_OUT_BATCH) {}
  await claimAndEnqueue(deps, options, CLAIM_BATCH);
}

/** Claims due lane heads (of one lane, with `lane`) and queues their attempts. */
export async function claimAndEnqueue(
  deps: WebhookDeps,
  options: ResolvedWebhookOptions,
  limit: number,
  lane?: { endpointId: string; lane: string },
): Promise<void> {
  const wall = options.wallClock.now();
  const leaseUntil = new Date(wall.getTime() + options.leaseMs);
  await enqueueAttempts(deps, await deps.webhookEvents.claimDue(deps.clock.now(), wall, leaseUntil, limit, lane));
}
