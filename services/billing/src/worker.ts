import type { Clock, JobQueue, Worker } from "@meterline/core";
import type { BillingDeps } from "./engine/billing-deps.js";
import { scheduleDue } from "./engine/scheduler.js";
import { cycleSubscription, finalizeSubscription, settlePeriod } from "./engine/subscription-cycle.js";
import { JOB_CATALOG, type JobName } from "./job-catalog.js";

export interface WorkerDeps {
  jobs: JobQueue;
  clock: Clock;
  /** Drops materialized log records and expired idempotency keys. */
  pruneEventLog?: (now: Date) => Promise<unknown>;
  /** The billing engine; without it the worker only does maintenance. */
  billing?: BillingDeps;
  /** How often the scheduler looks for due subscriptions (default 10 s). */
  scheduleEveryMs?: number;
  logger?: { info(object: unknown, message?: string): void; error(object: unknown, message?: string): void };
}

const HOUR = 60 * 60 * 1000;

/** The background worker: schedules its repeatable jobs and runs whatever the queue hands it. */
export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  if (deps.pruneEventLog !== undefined) {
    await deps.jobs.repeat("maintenance.pruneEventLog", "maintenance.pruneEventLog", {}, HOUR);
  }
  if (deps.billing !== undefined) {
    await deps.jobs.repeat("billing.scheduleDue", "billing.scheduleDue", {}, deps.scheduleEveryMs ?? 10_000);
  }
  return deps.jobs.work({
    concurrency: 4,
    handler: async (job) => {
      const name = job.name as JobName;
      const schema = JOB_CATALOG[name];
      if (schema === undefined) throw new Error(`Unknown job ${job.name}`);
      const billing = deps.billing;
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
      }
    },
    onError: (error, job) => deps.logger?.error({ err: error, job: job.name }, "job failed"),
  });
}
