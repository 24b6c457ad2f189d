import type { Clock, JobQueue, Worker } from "@meterline/core";
import { JOB_CATALOG, type JobName } from "./job-catalog.js";

export interface WorkerDeps {
  jobs: JobQueue;
  clock: Clock;
  /** Drops materialized log records and expired idempotency keys (embedded log only). */
  pruneEventLog?: (now: Date) => Promise<unknown>;
  logger?: { info(object: unknown, message?: string): void; error(object: unknown, message?: string): void };
}

const HOUR = 60 * 60 * 1000;

/** The background worker: schedules its repeatable jobs and runs whatever the queue hands it. */
export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  if (deps.pruneEventLog !== undefined) {
    await deps.jobs.repeat("maintenance.pruneEventLog", "maintenance.pruneEventLog", {}, HOUR);
  }
  return deps.jobs.work({
    concurrency: 2,
    handler: async (job) => {
      const name = job.name as JobName;
      const schema = JOB_CATALOG[name];
      if (schema === undefined) throw new Error(`Unknown job ${job.name}`);
      schema.parse(job.payload);
      switch (name) {
        case "maintenance.pruneEventLog": {
          const result = await deps.pruneEventLog?.(deps.clock.now());
          deps.logger?.info({ job: job.name, result }, "pruned event log");
          return;
        }
      }
    },
    onError: (error, job) => deps.logger?.error({ err: error, job: job.name }, "job failed"),
  });
}
