import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { DueIndex } from "./due-index.js";
import type { JobQueueKeys } from "./job-queue-keys.js";
import type { StoredJob } from "./stored-job.js";

export interface HistoryOptions {
  /** How long BullMQ keeps a completed job (what `get` can still report). */
  keepCompletedMs: number;
  /** How long BullMQ keeps a failed job. */
  keepFailedMs: number;
}

/**
 * Failures of the worker's own bookkeeping (not of the handler, which the worker retries on the
 * injected clock) are left to BullMQ's retries, on wall-clock time: a Redis blip while recording a
 * result must not turn into a failed job.
 */
const BOOKKEEPING_RETRIES: Pick<JobsOptions, "attempts" | "backoff"> = {
  attempts: 10,
  backoff: { type: "exponential", delay: 1000 },
};

const OCCURRENCE_HISTORY_MS = 60 * 60_000;

/** BullMQ's removal policy for finished jobs kept `milliseconds` (0: removed at once). */
export function keep(milliseconds: number): true | { age: number } {
  return milliseconds <= 0 ? true : { age: Math.ceil(milliseconds / 1000) };
}

/** The BullMQ queues of one `BullMqJobQueue` (one per job name) and how jobs are added to them. */
export class BullQueues {
  readonly dueIndex: DueIndex;
  private readonly queues = new Map<string, Queue>();
  private closed = false;

  constructor(
    private readonly redis: Redis,
    readonly keys: JobQueueKeys,
    private readonly history: HistoryOptions,
    private readonly onError: (error: unknown) => void,
  ) {
    this.dueIndex = new DueIndex(redis, keys);
  }

  queue(name: string): Queue {
    // A handler abandoned by a forced close may end later; its bookkeeping must not reopen queues.
    if (this.closed) throw new Error("BullMqJobQueue is closed");
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = new Queue(this.keys.bullQueue(name), {
        connection: this.redis,
        prefix: this.keys.prefix,
        streams: { events: { maxLen: 1000 } },
      });
      queue.on("error", this.onError);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Adds a job unless one with `jobId` exists (BullMQ ignores the duplicate). A job due later is
   * delayed by the same distance in wall-clock time and entered in the due index, from which
   * workers promote it as soon as the injected clock reaches `data.runAt`.
   */
  async add(name: string, jobId: string, data: StoredJob, now: number): Promise<void> {
    const delay = Math.max(0, data.runAt - now);
    // A repeatable job every second (the webhook dispatcher) would keep 600,000 finished
    // occurrences a week; nothing reads them back (`get` answers for enqueued ids), so an hour is
    // plenty to look at recent runs.
    const keepCompletedMs =
      data.kind === "occurrence"
        ? Math.min(this.history.keepCompletedMs, OCCURRENCE_HISTORY_MS)
        : this.history.keepCompletedMs;
    await this.queue(name).add(name, data, {
      ...BOOKKEEPING_RETRIES,
      jobId,
      delay,
      removeOnComplete: keep(keepCompletedMs),
      removeOnFail: keep(this.history.keepFailedMs),
    });
    if (delay > 0) await this.dueIndex.add(name, jobId, data.runAt);
  }

  /** Every job name enqueued or registered so far. */
  names(): Promise<string[]> {
    return this.redis.smembers(this.keys.names());
  }

  async close(): Promise<void> {
    this.closed = true;
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map((queue) => queue.close()));
  }
}
