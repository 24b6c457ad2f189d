import type { AppendedRecord, LogPosition, LogRecord } from "../event/event.js";

export interface AppendResult {
  /** Records now durable, in the order given, each with its position. */
  appended: AppendedRecord[];
  /**
   * Records not appended because their `(organizationId, externalId)` was seen before (in an
   * earlier append, or earlier in the same call). The guarantee is durable for the log's dedup
   * retention (at least 35 days).
   */
  duplicates: LogRecord[];
}

export interface ConsumeOptions {
  /** Consumer group: each group sees every record once (at least once after a crash). */
  group: string;
  /** Largest batch handed to the handler. */
  maxBatchSize?: number;
  /**
   * Called with records in position order per partition; batches of different partitions may be
   * handled concurrently. The position is committed only after the handler resolves; if it
   * throws, the same records are delivered again.
   */
  handler: (batch: AppendedRecord[]) => Promise<void>;
  /** Called when the handler failed; consumption pauses briefly and retries. */
  onError?: (error: unknown) => void;
}

export interface LogSubscription {
  /** Finishes the batch in flight, commits it, and stops. */
  stop(): Promise<void>;
}

/**
 * The append-only, ordered, durable log every event goes through (ARCHITECTURE §4).
 * Implementations: PostgresEventLog (embedded, one table) and KafkaEventLog (distributed).
 */
export interface EventLog {
  /** Resolves only when the records are durable. All or nothing. */
  append(records: LogRecord[]): Promise<AppendResult>;
  consume(options: ConsumeOptions): Promise<LogSubscription>;
  /** The partition an organization's records go to. */
  partitionFor(organizationId: string): number;
  /** Every partition of the log (for lag and readiness across all of them). */
  partitions(): number[];
  /** Highest position of `partition` the group has processed and committed; null if none. */
  watermark(group: string, partition: number): Promise<LogPosition | null>;
  /** Highest position appended to `partition` so far; null if empty. */
  head(partition: number): Promise<LogPosition | null>;
  close(): Promise<void>;
}

/** The consumer group of the materializer; billing waits on its watermark. */
export const MATERIALIZER_GROUP = "meterline.materializer";
