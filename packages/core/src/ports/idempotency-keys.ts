import type { LogRecord } from "../event/event.js";

/**
 * Durable `(organizationId, externalId)` → first event id memory, for logs that cannot keep it
 * themselves (Kafka). Ingest claims the keys of a batch and appends the winners while the claim is
 * open: the claim commits only if the append resolves, so a failed append releases its keys and
 * an acknowledged event never loses its key (ARCHITECTURE §3.3).
 */
export interface IdempotencyKeys {
  /**
   * Claims the keys of `records` that carry an `externalId` (first occurrence in the batch wins),
   * calls `append` with the records that won (records without a key always win), and commits the
   * claim when `append` resolves; if it throws, nothing is claimed and the error propagates.
   * Returns `append`'s result and the records that lost (duplicates, in request order).
   */
  claim<T>(
    records: LogRecord[],
    now: Date,
    append: (unique: LogRecord[]) => Promise<T>,
  ): Promise<{ result: T; duplicates: LogRecord[] }>;
  /** Forgets keys older than `before` (the store's uniqueness is kept forever regardless). */
  prune(before: Date): Promise<number>;
}
