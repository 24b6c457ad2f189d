import { QueueKeys } from "bullmq";
import type { Redis } from "ioredis";

/**
 * KEYS[1] job hash, then BullMQ's completed, failed, delayed, prioritized, active, wait, paused and
 * waiting-children keys; ARGV[1] job id. The job's state (as BullMQ's own getState script finds
 * it) and its fields, read in one script so they belong together.
 */
const SNAPSHOT_SCRIPT = `
local fields = redis.call('HMGET', KEYS[1], 'data', 'ats', 'failedReason')
if not fields[1] then return false end
local state = 'unknown'
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then state = 'completed'
elseif redis.call('ZSCORE', KEYS[3], ARGV[1]) then state = 'failed'
elseif redis.call('ZSCORE', KEYS[4], ARGV[1]) then state = 'delayed'
elseif redis.call('ZSCORE', KEYS[5], ARGV[1]) then state = 'prioritized'
elseif redis.call('LPOS', KEYS[6], ARGV[1]) then state = 'active'
elseif redis.call('LPOS', KEYS[7], ARGV[1]) or redis.call('LPOS', KEYS[8], ARGV[1]) then state = 'waiting'
elseif redis.call('ZSCORE', KEYS[9], ARGV[1]) then state = 'waiting-children'
end
return {state, fields[1], fields[2] or '0', fields[3] or ''}
`;

export interface JobSnapshot {
  /** BullMQ's state name (`waiting`, `delayed`, `active`, …). */
  state: string;
  data: unknown;
  attemptsStarted: number;
  failedReason: string | null;
}

/**
 * One BullMQ job's state and fields at a single instant. Reading them with BullMQ's `getJobState`
 * and `getJob` takes two round trips, between which a worker can pick the job up, so a reader can
 * see a state older than the data (a "waiting" job that already counts its attempt).
 */
export async function readJobSnapshot(
  redis: Redis,
  prefix: string,
  bullQueue: string,
  jobId: string,
): Promise<JobSnapshot | null> {
  const queueKeys = new QueueKeys(prefix);
  const keys = queueKeys.getKeys(bullQueue);
  const stateKeys = ["completed", "failed", "delayed", "prioritized", "active", "wait", "paused", "waiting-children"];
  const reply = (await redis.eval(
    SNAPSHOT_SCRIPT,
    1 + stateKeys.length,
    queueKeys.toKey(bullQueue, jobId),
    ...stateKeys.map((type) => keys[type] ?? queueKeys.toKey(bullQueue, type)),
    jobId,
  )) as [string, string, string, string] | null;
  if (reply === null) return null;
  const [state, data, attemptsStarted, failedReason] = reply;
  return {
    state,
    data: JSON.parse(data),
    attemptsStarted: Number(attemptsStarted),
    failedReason: failedReason === "" ? null : failedReason,
  };
}
