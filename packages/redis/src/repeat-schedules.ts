import type { Redis } from "ioredis";
import type { JobQueueKeys } from "./job-queue-keys.js";

/**
 * KEYS[1] schedule, KEYS[2] names; ARGV[1] name, ARGV[2] payload JSON, ARGV[3] everyMs, ARGV[4] now.
 * A new schedule starts at once; the same name keeps its pending occurrence (and its due time) and
 * only swaps payload and interval, like a re-registration after every deploy must; another name
 * starts a new generation in the new name's queue, and the old generation's occurrence is stale.
 */
const REGISTER_SCRIPT = `
redis.call('SADD', KEYS[2], ARGV[1])
local current = redis.call('HMGET', KEYS[1], 'generation', 'sequence', 'nextRunAt', 'name')
if not current[1] then
  redis.call('HSET', KEYS[1], 'name', ARGV[1], 'payload', ARGV[2], 'everyMs', ARGV[3],
    'generation', 1, 'sequence', 1, 'nextRunAt', ARGV[4])
  return {'new', 1, 1, tonumber(ARGV[4]), '', 0, 0}
end
if current[4] == ARGV[1] then
  redis.call('HSET', KEYS[1], 'payload', ARGV[2], 'everyMs', ARGV[3])
  return {'same', tonumber(current[1]), tonumber(current[2]), tonumber(current[3]), '', 0, 0}
end
local generation = tonumber(current[1]) + 1
local runAt = math.max(tonumber(current[3]), tonumber(ARGV[4]))
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'payload', ARGV[2], 'everyMs', ARGV[3],
  'generation', generation, 'sequence', 1, 'nextRunAt', runAt)
return {'moved', generation, 1, runAt, current[4], tonumber(current[1]), tonumber(current[2])}
`;

/**
 * KEYS[1] schedule; ARGV[1] generation, ARGV[2] sequence of the occurrence that ended, ARGV[3] now,
 * ARGV[4] "1" to make the next occurrence due now instead of one interval later.
 * Moves the schedule to the next occurrence once; a repeated call for the same occurrence (a
 * retried worker) returns the same next occurrence, and a stale occurrence gets nil.
 */
const ADVANCE_SCRIPT = `
local current = redis.call('HMGET', KEYS[1], 'generation', 'sequence', 'everyMs', 'nextRunAt', 'name')
if not current[1] or tonumber(current[1]) ~= tonumber(ARGV[1]) then return false end
local sequence = tonumber(current[2])
if sequence == tonumber(ARGV[2]) then
  local runAt = tonumber(ARGV[3])
  if ARGV[4] ~= '1' then runAt = runAt + tonumber(current[3]) end
  redis.call('HSET', KEYS[1], 'sequence', sequence + 1, 'nextRunAt', runAt)
  return {sequence + 1, runAt, current[5]}
end
if sequence == tonumber(ARGV[2]) + 1 then return {sequence, tonumber(current[4]), current[5]} end
return false
`;

export interface ScheduleRegistration {
  outcome: "new" | "same" | "moved";
  generation: number;
  sequence: number;
  /** Due time of the occurrence the schedule points at. */
  runAt: number;
  /** For `moved`: the occurrence of the old name's queue that is stale now. */
  previous: { name: string; generation: number; sequence: number } | null;
}

export interface ScheduleState {
  name: string;
  payload: unknown;
  generation: number;
  sequence: number;
}

export interface NextOccurrence {
  name: string;
  sequence: number;
  runAt: number;
}

/**
 * Repeatable jobs driven by the injected clock (BullMQ's repeatable jobs follow wall-clock cron).
 * A schedule is a hash; its occurrences are ordinary BullMQ jobs with ids derived from
 * (repeat id, generation, sequence). An occurrence runs only while the schedule still points at it,
 * and its end (success, or failure after its retries) schedules the next one `everyMs` later.
 */
export class RepeatSchedules {
  constructor(
    private readonly redis: Redis,
    private readonly keys: JobQueueKeys,
  ) {}

  async register(
    id: string,
    name: string,
    payload: unknown,
    everyMs: number,
    now: number,
  ): Promise<ScheduleRegistration> {
    const reply = (await this.redis.eval(
      REGISTER_SCRIPT,
      2,
      this.keys.schedule(id),
      this.keys.names(),
      name,
      JSON.stringify(payload ?? null),
      everyMs,
      now,
    )) as [ScheduleRegistration["outcome"], number, number, number, string, number, number];
    const [outcome, generation, sequence, runAt, previousName, previousGeneration, previousSequence] = reply;
    return {
      outcome,
      generation,
      sequence,
      runAt,
      previous:
        outcome === "moved" ? { name: previousName, generation: previousGeneration, sequence: previousSequence } : null,
    };
  }

  async current(id: string): Promise<ScheduleState | null> {
    const [name, payload, generation, sequence] = await this.redis.hmget(
      this.keys.schedule(id),
      "name",
      "payload",
      "generation",
      "sequence",
    );
    if (name == null || payload == null || generation == null || sequence == null) return null;
    return { name, payload: JSON.parse(payload), generation: Number(generation), sequence: Number(sequence) };
  }

  /** The occurrence after (generation, sequence), or null when that occurrence is stale. */
  async advance(
    id: string,
    generation: number,
    sequence: number,
    now: number,
    dueNow = false,
  ): Promise<NextOccurrence | null> {
    const reply = (await this.redis.eval(
      ADVANCE_SCRIPT,
      1,
      this.keys.schedule(id),
      generation,
      sequence,
      now,
      dueNow ? "1" : "0",
    )) as [number, number, string] | null;
    if (reply === null) return null;
    const [next, runAt, name] = reply;
    return { name, sequence: next, runAt };
  }
}
