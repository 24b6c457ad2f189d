/**
 * The claim of a deterministic id (key `JobQueueKeys.idClaim`), written before the BullMQ job is
 * added and kept for `idRetentionMs`, long after BullMQ has trimmed the finished job:
 *
 * - `claimed|<name>`: an enqueue took the id and is adding the job (or died before it did);
 * - `added|<name>`: the job was added, so a later enqueue of the id is a no-op.
 *
 * An enqueue that finds `claimed` adds the job itself (BullMQ ignores the second add of one job id
 * while the job exists), so a crash between claiming and adding never loses the job. The one gap
 * left: an enqueue that dies after adding but before marking `added`, whose job then finishes and
 * is dropped from BullMQ's history (`keepCompletedMs`) before the id is enqueued again, runs twice.
 */
export interface IdClaim {
  state: "claimed" | "added";
  /** The job name, which selects the BullMQ queue holding the job. */
  name: string;
}

export function formatIdClaim(claim: IdClaim): string {
  return `${claim.state}|${claim.name}`;
}

export function parseIdClaim(value: string): IdClaim {
  const separator = value.indexOf("|");
  const state = value.slice(0, separator);
  if (separator < 0 || (state !== "claimed" && state !== "added")) {
    throw new Error(`Malformed job id claim: ${JSON.stringify(value)}`);
  }
  return { state, name: value.slice(separator + 1) };
}

/**
 * KEYS[1] claim, KEYS[2] names; ARGV[1] claim value, ARGV[2] TTL in ms, ARGV[3] job name.
 * Returns the existing claim, or nil after claiming the id.
 */
export const CLAIM_ID_SCRIPT = `
redis.call('SADD', KEYS[2], ARGV[3])
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`;
