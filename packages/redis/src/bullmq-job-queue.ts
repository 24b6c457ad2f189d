import type { Clock, EnqueueOptions, IdGenerator, JobInfo, JobQueue, Worker, WorkOptions } from "@meterline/core";
import type { Redis } from "ioredis";
import { BullQueues, type HistoryOptions } from "./bull-queues.js";
import { BullMqWorker, occurrenceData, type WorkerTimings } from "./bullmq-worker.js";
import { CLAIM_ID_SCRIPT, formatIdClaim, parseIdClaim } from "./id-claim.js";
import { JobQueueKeys } from "./job-queue-keys.js";
import { readJobSnapshot } from "./job-snapshot.js";
import { jobStatus } from "./job-status.js";
import { commandConnection, untilReady, workerConnection } from "./redis-connections.js";
import { redisFailure, withDeadline } from "./redis-failure.js";
import { RepeatSchedules } from "./repeat-schedules.js";
import { StoredOneOffJob } from "./stored-job.js";

const DAY_MS = 24 * 60 * 60_000;

export interface BullMqJobQueueOptions extends Partial<WorkerTimings>, Partial<HistoryOptions> {
  /** BullMQ key prefix (default `meterline`); tests isolate with a random one. */
  prefix?: string;
  /** Base name of the BullMQ queues, one per job name: `<queueName>.<jobName>` (default `jobs`). */
  queueName?: string;
  /**
   * How long a deterministic id stays used after its enqueue (default 400 days): enqueuing it
   * again within that time is a no-op, long after BullMQ has dropped the finished job. Billing ids
   * name one period of a subscription, and a yearly period plus a month of late retries fits.
   */
  idRetentionMs?: number;
  /** Bound on enqueue, repeat and get, including the wait for a first connection (default 5 s). */
  operationTimeoutMs?: number;
  /** Connection errors Redis clients report in the background (nothing waits on them). */
  onError?: (error: unknown) => void;
}

/**
 * JobQueue on BullMQ (ARCHITECTURE §4, distributed mode). BullMQ stores, hands out, locks and
 * recovers jobs; the injected clock decides when they are due (delays, retries with backoff and
 * repeats are scheduled on it, see `BullMqWorker`), and an id claim with a TTL makes a
 * deterministic id run at most once (invariant 7, see `IdClaim`). At-least-once: a job whose worker
 * crashed mid-run is handed out again once its lock expires, so handlers are idempotent.
 */
export class BullMqJobQueue implements JobQueue {
  private readonly client: Redis;
  private readonly workerTemplate: Redis;
  private readonly queues: BullQueues;
  private readonly schedules: RepeatSchedules;
  private readonly workers = new Set<BullMqWorker>();
  private readonly timings: WorkerTimings;
  private readonly idRetentionMs: number;
  private readonly operationTimeoutMs: number;
  private closing: Promise<void> | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    url: string,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    options: BullMqJobQueueOptions = {},
  ) {
    const keys = new JobQueueKeys(options.prefix ?? "meterline", options.queueName ?? "jobs");
    const onError = options.onError ?? (() => {});
    this.client = commandConnection(url, onError);
    this.workerTemplate = workerConnection(url, onError);
    this.queues = new BullQueues(
      this.client,
      keys,
      { keepCompletedMs: options.keepCompletedMs ?? 7 * DAY_MS, keepFailedMs: options.keepFailedMs ?? 30 * DAY_MS },
      onError,
    );
    this.schedules = new RepeatSchedules(this.client, keys);
    this.timings = {
      pollIntervalMs: options.pollIntervalMs ?? 250,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      stalledIntervalMs: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 3,
    };
    this.idRetentionMs = options.idRetentionMs ?? 400 * DAY_MS;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 5000;
  }

  async enqueue(
    name: string,
    payload: unknown,
    options: EnqueueOptions = {},
  ): Promise<{ id: string; created: boolean }> {
    const id = options.id ?? this.ids.uuid();
    const now = this.clock.now().getTime();
    const data: StoredOneOffJob = {
      kind: "job",
      id,
      payload: payload ?? null,
      runAt: options.runAt?.getTime() ?? now,
      maxAttempts: options.maxAttempts ?? 5,
      backoffMs: options.backoffMs ?? 1000,
      notDueStarts: 0,
      lastError: null,
    };
    // What the worker would reject later is rejected now.
    const invalid = StoredOneOffJob.safeParse(data).error;
    if (invalid !== undefined) throw new RangeError(`Invalid enqueue options for ${name}: ${invalid.message}`);
    const { keys } = this.queues;
    return this.run("enqueue a job", async () => {
      const claim = formatIdClaim({ state: "claimed", name });
      const existing = (await this.client.eval(
        CLAIM_ID_SCRIPT,
        2,
        keys.idClaim(id),
        keys.names(),
        claim,
        this.idRetentionMs,
        name,
      )) as string | null;
      let target = name;
      if (existing !== null) {
        const earlier = parseIdClaim(existing);
        if (earlier.state === "added") return { id, created: false };
        // An earlier enqueue claimed the id and may have died before adding the job: add it (a
        // no-op for BullMQ if that enqueue did add it), in the queue of the name it claimed.
        target = earlier.name;
      }
      await this.queues.add(target, keys.jobId(id), data, now);
      await this.client.set(keys.idClaim(id), formatIdClaim({ state: "added", name: target }), "KEEPTTL", "XX");
      return { id, created: existing === null };
    });
  }

  async repeat(id: string, name: string, payload: unknown, everyMs: number): Promise<void> {
    if (!Number.isSafeInteger(everyMs) || everyMs <= 0) throw new RangeError("everyMs must be a positive integer");
    const { keys } = this.queues;
    await this.run("register a repeatable job", async () => {
      const now = this.clock.now().getTime();
      const registration = await this.schedules.register(id, name, payload, everyMs, now);
      const { generation, sequence } = registration;
      const occurrenceId = keys.occurrenceId(id, generation, sequence);
      if (registration.previous !== null) {
        const previous = registration.previous;
        // Tidiness only: a stale occurrence that still runs does nothing.
        await this.queues
          .queue(previous.name)
          .remove(keys.occurrenceId(id, previous.generation, previous.sequence))
          .catch(() => 0);
      }
      if (registration.outcome === "same") {
        const job = await this.queues.queue(name).getJob(occurrenceId);
        if (job !== undefined) {
          const state = await job.getState();
          if (state !== "completed" && state !== "failed") return;
          // Finished without scheduling its successor (BullMQ failed it after repeated crashes):
          // the schedule starts again now.
          const next = await this.schedules.advance(id, generation, sequence, now, true);
          if (next === null) return;
          const nextId = keys.occurrenceId(id, generation, next.sequence);
          await this.queues.add(next.name, nextId, occurrenceData(id, generation, next.sequence, next.runAt), now);
          return;
        }
      }
      // New, moved to another name, or its occurrence was never added (a crash right after
      // registering): add the occurrence the schedule points at.
      await this.queues.add(name, occurrenceId, occurrenceData(id, generation, sequence, registration.runAt), now);
    });
  }

  async work(options: WorkOptions): Promise<Worker> {
    if (this.closing !== undefined) throw new Error("BullMqJobQueue is closed");
    const worker: BullMqWorker = new BullMqWorker(
      {
        ...this.timings,
        queues: this.queues,
        schedules: this.schedules,
        clock: this.clock,
        connection: this.workerTemplate,
      },
      options,
      () => this.workers.delete(worker),
    );
    this.workers.add(worker);
    await worker.start();
    return worker;
  }

  /** A job enqueued by id, while BullMQ keeps it (`keepCompletedMs`, `keepFailedMs`); null otherwise. */
  async get(id: string): Promise<JobInfo | null> {
    const { keys } = this.queues;
    return this.run("read a job", async () => {
      const claim = await this.client.get(keys.idClaim(id));
      if (claim === null) return null;
      const { name } = parseIdClaim(claim);
      const snapshot = await readJobSnapshot(this.client, keys.prefix, keys.bullQueue(name), keys.jobId(id));
      const status = snapshot === null ? null : jobStatus(snapshot.state);
      if (snapshot === null || status === null) return null;
      const data = StoredOneOffJob.parse(snapshot.data);
      let lastError = data.lastError;
      if (status === "completed") lastError = null;
      if (status === "failed") lastError = snapshot.failedReason ?? data.lastError;
      return {
        id,
        name,
        payload: data.payload,
        status,
        attempts: snapshot.attemptsStarted - data.notDueStarts,
        lastError,
        runAt: new Date(data.runAt),
      };
    });
  }

  /**
   * Stops the workers, letting running jobs finish, and closes the connections. With `force`, running
   * jobs are abandoned as in a crash: their locks expire and another worker runs them again.
   */
  close(options: { force?: boolean } = {}): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.workers].map((worker) => worker.stop(options.force)));
      await this.queues.close();
      this.client.disconnect();
      this.workerTemplate.disconnect();
    })();
    return this.closing;
  }

  /** One wait for the connection, however many operations are waiting for it. */
  private connected(): Promise<void> {
    if (this.client.status === "ready") return Promise.resolve();
    this.connecting ??= untilReady(this.client, this.operationTimeoutMs).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async run<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(this.operationTimeoutMs, async () => {
        await this.connected();
        return operation();
      });
    } catch (error) {
      throw redisFailure(error, action);
    }
  }
}
