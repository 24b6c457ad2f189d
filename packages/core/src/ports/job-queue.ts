export interface EnqueueOptions {
  /** Deterministic id: enqueuing an id that already exists is a no-op (exactly-once scheduling). */
  id?: string;
  /** Not before this time (by the queue's clock). */
  runAt?: Date;
  /** Total attempts including the first (default 5). */
  maxAttempts?: number;
  /** Base of the exponential backoff between attempts (default 1000 ms). */
  backoffMs?: number;
}

export interface Job {
  id: string;
  name: string;
  payload: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
}

export type JobStatus = "waiting" | "active" | "completed" | "failed";

export interface JobInfo {
  id: string;
  name: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  lastError: string | null;
  runAt: Date;
}

export interface WorkOptions {
  /** Job names this worker takes; all when omitted. */
  names?: string[];
  concurrency?: number;
  /** Resolve = done; throw = retried with backoff until attempts run out, then `failed`. */
  handler: (job: Job) => Promise<void>;
  onError?: (error: unknown, job: Job) => void;
}

export interface Worker {
  /** Lets running jobs finish, then stops taking new ones. */
  stop(): Promise<void>;
}

/**
 * Durable job queue (ARCHITECTURE §4). Implementations: PostgresJobQueue (embedded) and
 * BullMQ on Redis (distributed).
 */
export interface JobQueue {
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<{ id: string; created: boolean }>;
  /** A job that runs every `everyMs`, identified by `id` (re-registering replaces the schedule). */
  repeat(id: string, name: string, payload: unknown, everyMs: number): Promise<void>;
  work(options: WorkOptions): Promise<Worker>;
  get(id: string): Promise<JobInfo | null>;
  close(): Promise<void>;
}
