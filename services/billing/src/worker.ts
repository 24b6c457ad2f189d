import { type Clock, type JobQueue, WEBHOOK_DELIVER_JOB, WEBHOOK_DISPATCH_JOB, type Worker } from "@meterline/core";
import type { BillingDeps } from "./engine/billing-deps.js";
import { scheduleDue } from "./engine/scheduler.js";
import { cycleSubscription, finalizeSubscription, settlePeriod } from "./engine/subscription-cycle.js";
import { announceUsage } from "./engine/usage-announcements.js";
import { JOB_CATALOG, type JobName } from "./job-catalog.js";
import { deliverWebhook } from "./webhooks/webhook-deliverer.js";
import { dispatchWebhooks } from "./webhooks/webhook-dispatcher.js";
import { resolveWebhookOptions, type WebhookOptions } from "./webhooks/webhook-options.js";

export interface WorkerDeps {
  jobs: JobQueue;
  clock: Clock;
  /** Drops materialized log records and expired idempotency keys. */
  pruneEventLog?: (now: Date) => Promise<unknown>;
  /** The billing engine; without it the worker only does maintenance. */
  billing?: BillingDeps;
  /** How often the scheduler looks for due subscriptions (default 10 s). */
  scheduleEveryMs?: number;
  /**
   * How often subscriptions with new usage are announced (default 5 min, Polar's usage job);
   * `null` turns it off (tests whose stories assert exact announcement sequences).
   */
  announceUsageEveryMs?: number | null;
  /** How webhooks are sent (with `billing`). */
  webhooks?: WebhookOptions;
  logger?: { info(object: unknown, message?: string): void; error(object: unknown, message?: string): void };
}

const HOUR = 60 * 60 * 1000;
const WEBHOOK_JOBS: JobName[] = [WEBHOOK_DISPATCH_JOB, WEBHOOK_DELIVER_JOB];
const BILLING_JOBS = (Object.keys(JOB_CATALOG) as JobName[]).filter((name) => !WEBHOOK_JOBS.includes(name));

/**
 * The background worker: schedules its repeatable jobs and runs whatever the queue hands it.
 * Webhooks have workers of their own, so a slow or failing endpoint never holds up a billing job.
 */
export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  if (deps.pruneEventLog !== undefined) {
    await deps.jobs.repeat("maintenance.pruneEventLog", "maintenance.pruneEventLog", {}, HOUR);
  }
  const billing = deps.billing;
  const webhooks = resolveWebhookOptions(deps.webhooks);
  if (billing !== undefined) {
    await deps.jobs.repeat("billing.scheduleDue", "billing.scheduleDue", {}, deps.scheduleEveryMs ?? 10_000);
    await deps.jobs.repeat(WEBHOOK_DISPATCH_JOB, WEBHOOK_DISPATCH_JOB, {}, webhooks.dispatchEveryMs);
    const announceEveryMs = deps.announceUsageEveryMs === undefined ? 5 * 60_000 : deps.announceUsageEveryMs;
    if (announceEveryMs !== null) {
      await deps.jobs.repeat("billing.announceUsage", "billing.announceUsage", {}, announceEveryMs);
    }
  }
  const onError = (error: unknown, job: { name: string }) =>
    deps.logger?.error({ err: error, job: job.name }, "job failed");
  const main = await deps.jobs.work({
    names: BILLING_JOBS,
    concurrency: 4,
    handler: async (job) => {
      const name = job.name as JobName;
      const schema = JOB_CATALOG[name];
      if (schema === undefined) throw new Error(`Unknown job ${job.name}`);
      switch (name) {
        case "maintenance.pruneEventLog": {
          const result = await deps.pruneEventLog?.(deps.clock.now());
          deps.logger?.info({ job: job.name, result }, "pruned event log");
          return;
        }
        case "billing.scheduleDue":
          if (billing !== undefined) await scheduleDue(billing);
          return;
        case "billing.cycleSubscription": {
          const payload = JOB_CATALOG[name].parse(job.payload);
          if (billing !== undefined) await cycleSubscription(billing, payload.subscriptionId, payload.periodIndex);
          return;
        }
        case "billing.settlePeriod": {
          const payload = JOB_CATALOG[name].parse(job.payload);
          if (billing !== undefined) await settlePeriod(billing, payload.subscriptionId, payload.periodIndex);
          return;
        }
        case "billing.finalizeSubscription": {
          const payload = JOB_CATALOG[name].parse(job.payload);
          if (billing !== undefined) await finalizeSubscription(billing, payload.subscriptionId);
          return;
        }
        case "billing.announceUsage":
          if (billing !== undefined) await announceUsage(billing);
          return;
        default:
          throw new Error(`Job ${job.name} is not a billing job`);
      }
    },
    onError,
  });
  if (billing === undefined) return main;
  const delivery = await deps.jobs.work({
    names: WEBHOOK_JOBS,
    concurrency: webhooks.concurrency,
    handler: async (job) => {
      if (job.name === WEBHOOK_DISPATCH_JOB) return dispatchWebhooks(billing, webhooks);
      await deliverWebhook(billing, webhooks, JOB_CATALOG[WEBHOOK_DELIVER_JOB].parse(job.payload));
    },
    onError,
  });
  return {
    stop: async () => {
      await Promise.all([main.stop(), delivery.stop()]);
    },
  };
}
