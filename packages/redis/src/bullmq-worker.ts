import type { Clock, Job, Worker, WorkOptions } from "@meterline/core";
import { type Job as BullJob, Worker as BullWorker, DelayedError, UnrecoverableError } from "bullmq";
import type { Redis } from "ioredis";
import type { BullQueues } from "./bull-queues.js";
import type { RepeatSchedules } from "./repeat-schedules.js";
import { retryDelayMs } from "./retry-delay.js";
import { Slots } from "./slots.js";
import { StoredJob, type StoredOccurrence } from "./stored-job.js";

export interface WorkerTimings {
  /** How often the clock is checked for due delayed jobs (and new job names are looked for). */
  pollIntervalMs: number;
  /** A job whose worker stops renewing its lock (a crash) is taken again after about this long. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Crashes mid-run a job survives before BullMQ fails it. */
  maxStalledCount: number;
}

export interface WorkerContext extends WorkerTimings {
  queues: BullQueues;
  schedules: RepeatSchedules;
  clock: Clock;
  /** Template of the workers' connections (`workerConnection`). */
  connection: Redis;
}

/** What `onError` receives for failures that belong to no job (promoting, finding job names). */
const NO_JOB: Job = { id: "", name: "", payload: null, attempt: 0, maxAttempts: 0 };

/**
 * A job handed out before the injected clock says it is due (BullMQ promoted it by wall-clock
 * time, which a test or sandbox clock does not follow) goes back at least this long in wall-clock
 * time; the promoter brings it back as soon as the clock reaches its due time. The floor keeps a
 * stopped clock from turning this into a busy loop.
 */
const NOT_DUE_WALL_DELAY_MS = 60_000;
const PROMOTE_BATCH = 100;

/** Attempts of an occurrence of a repeatable job, as PostgresJobQueue does. */
const OCCURRENCE_ATTEMPTS = { maxAttempts: 3, backoffMs: 1000 };

export function occurrenceData(id: string, generation: number, sequence: number, runAt: number): StoredOccurrence {
  return {
    kind: "occurrence",
    id,
    generation,
    sequence,
    runAt,
    ...OCCURRENCE_ATTEMPTS,
    notDueStarts: 0,
    lastError: null,
  };
}

/**
 * One `work()` call: a BullMQ worker per served job name (found as they appear when no names are
 * given), handlers sharing `concurrency` slots, and a loop that promotes delayed jobs the injected
 * clock says are due. Retries are the worker's own, on the injected clock: a failed attempt records
 * its error and due time in the job data and moves the job back to BullMQ's delayed set.
 */
export class BullMqWorker implements Worker {
  private readonly workers = new Map<string, BullWorker>();
  private readonly slots: Slots;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;

  constructor(
    private readonly context: WorkerContext,
    private readonly options: WorkOptions,
    private readonly onStopped: () => void,
  ) {
    this.slots = new Slots(Math.max(1, options.concurrency ?? 1));
  }

  async start(): Promise<void> {
    for (const name of this.options.names ?? []) this.serve(name);
    await this.tick();
    this.loop = this.run();
  }

  stop(force = false): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.wake?.();
      await this.loop;
      await Promise.allSettled([...this.workers.values()].map((worker) => worker.close(force)));
      this.onStopped();
    })();
    return this.stopped;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.context.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (!this.stopping) await this.tick();
    }
  }

  private async tick(): Promise<void> {
    try {
      if (this.options.names === undefined) {
        for (const name of await this.context.queues.names()) this.serve(name);
      }
      const now = this.context.clock.now().getTime();
      for (const name of this.workers.keys()) await this.promote(name, now);
    } catch (error) {
      this.report(error, NO_JOB);
    }
  }

  private serve(name: string): void {
    if (this.workers.has(name) || this.stopping) return;
    const { context } = this;
    const worker = new BullWorker(
      context.queues.keys.bullQueue(name),
      (job: BullJob, token?: string) => this.process(name, job, token),
      {
        connection: context.connection,
        prefix: context.queues.keys.prefix,
        concurrency: Math.max(1, this.options.concurrency ?? 1),
        lockDuration: context.lockDurationMs,
        stalledInterval: context.stalledIntervalMs,
        maxStalledCount: context.maxStalledCount,
      },
    );
    worker.on("error", (error) => {
      // Closing interrupts BullMQ's blocking fetch; that is not worth reporting.
      if (!this.stopping) this.report(error, NO_JOB);
    });
    this.workers.set(name, worker);
  }

  /** Moves the delayed jobs of `name` that are due at `now` to BullMQ's wait list. */
  private async promote(name: string, now: number): Promise<void> {
    const { dueIndex } = this.context.queues;
    const queue = this.context.queues.queue(name);
    for (const entry of await dueIndex.due(name, now, PROMOTE_BATCH)) {
      const job = await queue.getJob(entry.jobId);
      // Not delayed any more (BullMQ's wall-clock delay ran out first, or another worker promoted
      // it): nothing to do but drop the entry.
      await job?.promote().catch(() => {});
      await dueIndex.release(name, entry);
    }
  }

  private async process(name: string, bullJob: BullJob, token: string | undefined): Promise<void> {
    const data = StoredJob.parse(bullJob.data);
    const now = this.context.clock.now().getTime();
    if (data.runAt > now) {
      const notDue = { ...data, notDueStarts: data.notDueStarts + 1 };
      return this.postpone(name, bullJob, token, notDue, Math.max(data.runAt - now, NOT_DUE_WALL_DELAY_MS));
    }
    let payload: unknown;
    if (data.kind === "occurrence") {
      const schedule = await this.context.schedules.current(data.id);
      // Replaced by a later registration under another name: the new generation runs instead.
      if (schedule === null || schedule.generation !== data.generation || schedule.sequence !== data.sequence) return;
      payload = schedule.payload;
    } else {
      payload = data.payload;
    }
    const attempt = bullJob.attemptsStarted - data.notDueStarts;
    const job: Job = { id: data.id, name, payload, attempt, maxAttempts: data.maxAttempts };
    try {
      await this.slots.run(() => this.options.handler(job));
    } catch (error) {
      this.report(error, job);
      return this.fail(name, bullJob, token, data, attempt, error);
    }
    if (data.kind === "occurrence") await this.scheduleNext(data);
  }

  private async fail(
    name: string,
    bullJob: BullJob,
    token: string | undefined,
    data: StoredJob,
    attempt: number,
    error: unknown,
  ): Promise<never> {
    const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
    if (attempt < data.maxAttempts) {
      const now = this.context.clock.now().getTime();
      const delay = retryDelayMs(data.backoffMs, attempt);
      return this.postpone(name, bullJob, token, { ...data, runAt: now + delay, lastError }, delay);
    }
    // A repeatable job's next occurrence comes one interval after its last attempt, success or not.
    if (data.kind === "occurrence") await this.scheduleNext(data);
    throw new UnrecoverableError(lastError);
  }

  /**
   * Records the new data and moves the job to BullMQ's delayed set, due in `wallDelayMs` of
   * wall-clock time or when the promoter sees the injected clock reach `data.runAt`, whichever
   * comes first. Not atomic: a crash in between leaves the job active, and BullMQ's stalled-job
   * check hands it out again.
   */
  private async postpone(
    name: string,
    bullJob: BullJob,
    token: string | undefined,
    data: StoredJob,
    wallDelayMs: number,
  ): Promise<never> {
    const jobId = bullJob.id;
    if (jobId === undefined) throw new Error("BullMQ handed out a job without an id");
    await bullJob.updateData(data);
    await this.context.queues.dueIndex.add(name, jobId, data.runAt);
    await bullJob.moveToDelayed(Date.now() + wallDelayMs, token);
    throw new DelayedError();
  }

  private async scheduleNext(data: StoredOccurrence): Promise<void> {
    const now = this.context.clock.now().getTime();
    const next = await this.context.schedules.advance(data.id, data.generation, data.sequence, now);
    if (next === null) return;
    const { keys } = this.context.queues;
    await this.context.queues.add(
      next.name,
      keys.occurrenceId(data.id, data.generation, next.sequence),
      occurrenceData(data.id, data.generation, next.sequence, next.runAt),
      now,
    );
  }

  private report(error: unknown, job: Job): void {
    try {
      this.options.onError?.(error, job);
    } catch {
      // A failing error callback must not take the worker down.
    }
  }
}
