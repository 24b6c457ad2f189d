import { z } from "zod";

const attemptState = {
  /** Due time on the injected clock, epoch milliseconds. */
  runAt: z.number().int(),
  maxAttempts: z.number().int().positive(),
  backoffMs: z.number().int().nonnegative(),
  /**
   * Starts of this BullMQ job that were not attempts: the job was handed out before the injected
   * clock said it was due and went straight back (see `BullMqWorker`). Attempts = BullMQ's
   * `attemptsStarted` − this.
   */
  notDueStarts: z.number().int().nonnegative(),
  /** Error of the last failed attempt while retries remain; BullMQ's failedReason once failed. */
  lastError: z.string().nullable(),
};

/** An enqueued job as kept in BullMQ's job data. */
export const StoredOneOffJob = z.object({
  kind: z.literal("job"),
  id: z.string(),
  payload: z.unknown(),
  ...attemptState,
});

/**
 * One occurrence of a repeatable job. The payload is not copied: the occurrence reads it from its
 * schedule when it runs, so re-registering replaces the payload of the pending occurrence too.
 */
export const StoredOccurrence = z.object({
  kind: z.literal("occurrence"),
  id: z.string(),
  generation: z.number().int().positive(),
  sequence: z.number().int().positive(),
  ...attemptState,
});

/** Job data read back from Redis is validated before the worker trusts it. */
export const StoredJob = z.discriminatedUnion("kind", [StoredOneOffJob, StoredOccurrence]);
export type StoredJob = z.infer<typeof StoredJob>;
export type StoredOneOffJob = z.infer<typeof StoredOneOffJob>;
export type StoredOccurrence = z.infer<typeof StoredOccurrence>;
