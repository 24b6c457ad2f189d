import type { Redis } from "ioredis";
import type { JobQueueKeys } from "./job-queue-keys.js";

/** KEYS[1] due set; ARGV[1] job id, ARGV[2] the due time read. Removes the entry unless it moved. */
const RELEASE_SCRIPT = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`;

export interface DueEntry {
  jobId: string;
  runAt: number;
}

/**
 * BullMQ promotes delayed jobs by wall-clock time; the injected clock decides here. Every job added
 * with a due time in the future is also entered in a per-name sorted set scored by that due time
 * on the injected clock, and workers promote what the clock says is due (`BullMqWorker`). The set
 * is an index, not the truth: an entry lost in a crash only means BullMQ's own wall-clock delay
 * (the same length) promotes the job, and a job promoted too early is sent back by the worker.
 */
export class DueIndex {
  constructor(
    private readonly redis: Redis,
    private readonly keys: JobQueueKeys,
  ) {}

  async add(name: string, jobId: string, runAt: number): Promise<void> {
    await this.redis.zadd(this.keys.due(name), runAt, jobId);
  }

  /** The earliest entries of `name` due at `now`, at most `limit`. */
  async due(name: string, now: number, limit: number): Promise<DueEntry[]> {
    const flat = await this.redis.zrangebyscore(this.keys.due(name), "-inf", now, "WITHSCORES", "LIMIT", 0, limit);
    const entries: DueEntry[] = [];
    for (let index = 0; index + 1 < flat.length; index += 2) {
      entries.push({ jobId: flat[index] as string, runAt: Number(flat[index + 1]) });
    }
    return entries;
  }

  /** Drops an entry once its job was promoted, unless the job was rescheduled in the meantime. */
  async release(name: string, entry: DueEntry): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, 1, this.keys.due(name), entry.jobId, entry.runAt);
  }
}
