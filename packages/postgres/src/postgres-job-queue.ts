import type {
  Clock,
  EnqueueOptions,
  IdGenerator,
  Job,
  JobInfo,
  JobQueue,
  JobStatus,
  Worker,
  WorkOptions,
} from "@meterline/core";
import type { SqlClient } from "./sql-client.js";
import { Wakeup } from "./wakeup.js";

interface JobRow {
  id: string;
  name: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  run_at: Date;
  last_error: string | null;
  repeat_every_ms: number | null;
}

export interface PostgresJobQueueOptions {
  pollIntervalMs?: number;
  /** A claimed job whose worker vanished (crash) is taken again after this long. */
  leaseMs?: number;
}

/**
 * Jobs in one table. Due jobs are claimed with `FOR UPDATE SKIP LOCKED`, so several workers (or
 * processes on one PostgreSQL) never run the same attempt twice; a crashed worker's lease expires
 * and the job runs again (at-least-once, so handlers are idempotent).
 */
export class PostgresJobQueue implements JobQueue {
  private readonly wakeups = new Set<() => void>();
  private readonly workers = new Set<Worker>();
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;

  constructor(
    private readonly db: SqlClient,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    options: PostgresJobQueueOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
  }

  async enqueue(
    name: string,
    payload: unknown,
    options: EnqueueOptions = {},
  ): Promise<{ id: string; created: boolean }> {
    const id = options.id ?? this.ids.uuid();
    const now = this.clock.now();
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO jobs (id, name, payload, status, max_attempts, backoff_ms, run_at, created_at, updated_at)
       VALUES ($1, $2, $3::jsonb, 'waiting', $4, $5, $6, $7, $7)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        id,
        name,
        JSON.stringify(payload ?? null),
        options.maxAttempts ?? 5,
        options.backoffMs ?? 1000,
        options.runAt ?? now,
        now,
      ],
    );
    if (rows.length > 0) this.wake();
    return { id, created: rows.length > 0 };
  }

  async repeat(id: string, name: string, payload: unknown, everyMs: number): Promise<void> {
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO jobs (id, name, payload, status, max_attempts, backoff_ms, run_at, repeat_every_ms, created_at, updated_at)
       VALUES ($1, $2, $3::jsonb, 'waiting', 3, 1000, $4, $5, $4, $4)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, payload = excluded.payload,
         repeat_every_ms = excluded.repeat_every_ms, updated_at = excluded.updated_at,
         status = CASE WHEN jobs.status IN ('completed', 'failed') THEN 'waiting' ELSE jobs.status END`,
      [id, name, JSON.stringify(payload ?? null), now, everyMs],
    );
    this.wake();
  }

  async get(id: string): Promise<JobInfo | null> {
    const rows = await this.db.query<JobRow>("SELECT * FROM jobs WHERE id = $1", [id]);
    const row = rows[0];
    if (row === undefined) return null;
    return {
      id: row.id,
      name: row.name,
      payload: row.payload,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      runAt: row.run_at,
    };
  }

  async work(options: WorkOptions): Promise<Worker> {
    const concurrency = Math.max(1, options.concurrency ?? 1);
    let stopped = false;
    const waker = new Wakeup();
    const wakeup = () => waker.wake();
    this.wakeups.add(wakeup);
    const sleep = (ms: number) => waker.sleep(ms);

    const inFlight = new Set<Promise<void>>();
    const loop = async () => {
      while (!stopped) {
        const free = concurrency - inFlight.size;
        let claimed: JobRow[] = [];
        if (free > 0) {
          try {
            claimed = await this.claim(free, options.names);
          } catch (error) {
            options.onError?.(error, { id: "", name: "", payload: null, attempt: 0, maxAttempts: 0 });
          }
        }
        // Each job frees its slot (and wakes the loop) as soon as it ends, so one slow job never
        // holds back due jobs while slots are free.
        for (const row of claimed) {
          const run: Promise<void> = this.run(row, options).finally(() => {
            inFlight.delete(run);
            waker.wake();
          });
          inFlight.add(run);
        }
        if (claimed.length === 0 || inFlight.size >= concurrency) await sleep(this.pollIntervalMs);
      }
      await Promise.all(inFlight);
    };
    const running = loop();
    const worker: Worker = {
      stop: async () => {
        stopped = true;
        waker.wake();
        await running;
        this.wakeups.delete(wakeup);
        this.workers.delete(worker);
      },
    };
    this.workers.add(worker);
    return worker;
  }

  private async claim(limit: number, names: string[] | undefined): Promise<JobRow[]> {
    const now = this.clock.now();
    return this.db.query<JobRow>(
      `UPDATE jobs SET status = 'active', attempts = attempts + 1, locked_until = $2, updated_at = $1
       WHERE id IN (
         SELECT id FROM jobs
         WHERE ((status = 'waiting' AND run_at <= $1) OR (status = 'active' AND locked_until < $1))
           AND ($4::text[] IS NULL OR name = ANY($4::text[]))
         ORDER BY run_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, new Date(now.getTime() + this.leaseMs), limit, names ?? null],
    );
  }

  private async run(row: JobRow, options: WorkOptions): Promise<void> {
    const job: Job = {
      id: row.id,
      name: row.name,
      payload: row.payload,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    };
    try {
      await options.handler(job);
      const now = this.clock.now();
      if (row.repeat_every_ms !== null) {
        await this.db.query(
          `UPDATE jobs SET status = 'waiting', attempts = 0, last_error = NULL, locked_until = NULL, run_at = $2, updated_at = $3
           WHERE id = $1`,
          [row.id, new Date(now.getTime() + row.repeat_every_ms), now],
        );
      } else {
        await this.db.query(
          "UPDATE jobs SET status = 'completed', locked_until = NULL, last_error = NULL, updated_at = $2 WHERE id = $1",
          [row.id, now],
        );
      }
    } catch (error) {
      options.onError?.(error, job);
      const now = this.clock.now();
      const message = error instanceof Error ? error.message : String(error);
      const exhausted = row.attempts >= row.max_attempts;
      const delay = row.backoff_ms * 2 ** Math.max(0, row.attempts - 1);
      await this.db
        .query(
          `UPDATE jobs SET status = $2, last_error = $3, locked_until = NULL, run_at = $4, updated_at = $5,
             attempts = CASE WHEN $2 = 'waiting' AND repeat_every_ms IS NOT NULL AND $6 THEN 0 ELSE attempts END
           WHERE id = $1`,
          [
            row.id,
            exhausted && row.repeat_every_ms === null ? "failed" : "waiting",
            message.slice(0, 2000),
            new Date(now.getTime() + (exhausted && row.repeat_every_ms !== null ? row.repeat_every_ms : delay)),
            now,
            exhausted,
          ],
        )
        .catch((updateError) => options.onError?.(updateError, job));
    }
  }

  private wake(): void {
    for (const wake of this.wakeups) wake();
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => worker.stop()));
  }
}
