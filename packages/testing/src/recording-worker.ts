import { randomUUID } from "node:crypto";
import type { Job, JobQueue, JobStatus, WorkOptions } from "@meterline/core";
import { onTestFinished } from "vitest";
import { waitFor } from "./wait-for.js";

const SENTINEL = "contract.sentinel";

/** A job name no other test uses, so each test's workers see only its own jobs. */
export const jobName = (): string => `contract.${randomUUID()}`;

/** A worker that writes down every job it ran, for assertions on what ran, how often and when. */
export interface RecordingWorker {
  /** Every job handed to the handler, sentinels excluded, in start order. */
  jobs: Job[];
  errors: unknown[];
  runsOf(id: string): Job[];
  /** Idempotent; also runs when the test finishes, so a failed assertion leaves no worker behind. */
  stop(): Promise<void>;
}

export interface RecordingWorkerOptions {
  names?: string[];
  concurrency?: number;
  /** The test's handler; resolving completes the job, throwing fails the attempt. */
  handle?: (job: Job) => Promise<void> | void;
}

export async function startRecordingWorker(
  queue: JobQueue,
  options: RecordingWorkerOptions = {},
): Promise<RecordingWorker> {
  const jobs: Job[] = [];
  const errors: unknown[] = [];
  const work: WorkOptions = {
    handler: async (job) => {
      if (isSentinel(job)) return;
      jobs.push(job);
      await options.handle?.(job);
    },
    onError: (error) => errors.push(error),
  };
  if (options.names !== undefined) work.names = options.names;
  if (options.concurrency !== undefined) work.concurrency = options.concurrency;
  const worker = await queue.work(work);
  let stopping: Promise<void> | undefined;
  const recording: RecordingWorker = {
    jobs,
    errors,
    runsOf: (id) => jobs.filter((job) => job.id === id),
    stop: () => {
      stopping ??= worker.stop();
      return stopping;
    },
  };
  onTestFinished(() => recording.stop());
  return recording;
}

/**
 * Proves a running worker of `name` has looked at the queue since now: a due job enqueued after
 * everything else completes. Jobs still waiting afterwards were passed over, not merely not reached.
 */
export async function passOver(queue: JobQueue, name: string): Promise<void> {
  const { id } = await queue.enqueue(name, { [SENTINEL]: true });
  await waitForStatus(queue, id, "completed");
}

export async function waitForStatus(queue: JobQueue, id: string, status: JobStatus): Promise<void> {
  let last: JobStatus | undefined;
  await waitFor(
    () => `job ${id} to be ${status} (last seen ${last ?? "missing"})`,
    async () => {
      last = (await queue.get(id))?.status;
      return last === status;
    },
  );
}

function isSentinel(job: Job): boolean {
  return typeof job.payload === "object" && job.payload !== null && SENTINEL in job.payload;
}
