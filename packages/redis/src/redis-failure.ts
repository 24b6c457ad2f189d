import { DomainError, UnavailableError } from "@meterline/core";
import { ReplyError } from "ioredis";

/** A Redis failure that retrying will not cure: Redis refused the command itself. */
export class RedisQueueError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RedisQueueError";
  }
}

/** Programming errors surfacing through the driver are not an outage. */
const PERMANENT_ERROR_NAMES = new Set(["TypeError", "RangeError", "ReferenceError", "SyntaxError"]);

/**
 * Wraps a driver failure for the port's callers: an error reply from Redis (a script error,
 * WRONGTYPE) or a programming error → `RedisQueueError`; anything else (refused or dropped
 * connections, "Stream isn't writeable" with the offline queue off, timeouts) → `UnavailableError`,
 * which the API answers with 503 and the caller may retry. The message names no address; the cause
 * keeps the details for the log.
 */
export function redisFailure(error: unknown, action: string): Error {
  if (error instanceof DomainError || error instanceof RedisQueueError) return error;
  const name = error instanceof Error ? error.name : undefined;
  // An OOM reply means Redis is full, not that the command is wrong: retryable.
  const outOfMemory = error instanceof Error && error.message.startsWith("OOM");
  if (!outOfMemory && (error instanceof ReplyError || (name !== undefined && PERMANENT_ERROR_NAMES.has(name)))) {
    return new RedisQueueError(`Redis refused to ${action}`, { cause: error });
  }
  return new UnavailableError(`Redis is unavailable: could not ${action}`, { cause: error });
}

export class DeadlineExceededError extends Error {
  constructor(milliseconds: number) {
    super(`no answer within ${milliseconds} ms`);
    this.name = "DeadlineExceededError";
  }
}

/**
 * `operation()` or a `DeadlineExceededError` after `milliseconds`, whichever comes first. The
 * operation is not cancelled: a late enqueue may still land, which is why callers retry with the
 * same deterministic id.
 */
export async function withDeadline<T>(milliseconds: number, operation: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const running = operation();
  // The race below settles once; a rejection arriving after the deadline must not go unhandled.
  running.catch(() => {});
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(milliseconds)), milliseconds);
  });
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
