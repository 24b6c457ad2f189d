import type {
  AppendedRecord,
  AppendResult,
  Clock,
  ConsumeOptions,
  EventLog,
  LogPosition,
  LogRecord,
  LogSubscription,
} from "@meterline/core";
import { claimIdempotencyKeys } from "./claim-idempotency-keys.js";
import { type EventRow, recordColumns, toAppendedRecord } from "./event-rows.js";
import type { SqlClient } from "./sql-client.js";
import { Wakeup } from "./wakeup.js";

/** The embedded log has one partition: one writer appends at a time, so offsets commit in order. */
const PARTITION = 0;
/** Serializes appends across processes sharing one PostgreSQL (the PGlite connection is already serial). */
const APPEND_LOCK = 7342002;

export interface PostgresEventLogOptions {
  /** How often an idle consumer looks for records appended by another process. */
  pollIntervalMs?: number;
  /**
   * When fewer records than a full batch are waiting, the consumer waits this long for more
   * before handling them: each batch has a fixed cost (reads, customer-meter writes, commit),
   * so under load a few milliseconds of latency buy much larger batches.
   */
  lingerMs?: number;
}

export class PostgresEventLog implements EventLog {
  private readonly wakeups = new Set<() => void>();
  private readonly subscriptions = new Set<LogSubscription>();
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;

  constructor(
    private readonly db: SqlClient,
    private readonly clock: Clock,
    options: PostgresEventLogOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.lingerMs = options.lingerMs ?? 25;
  }

  partitionFor(_organizationId: string): number {
    return PARTITION;
  }

  partitions(): number[] {
    return [PARTITION];
  }

  async append(records: LogRecord[]): Promise<AppendResult> {
    if (records.length === 0) return { appended: [], duplicates: [] };
    const result = await this.db.transaction(async (tx) => {
      if (tx.engine === "postgres") await tx.query("SELECT pg_advisory_xact_lock($1)", [APPEND_LOCK]);
      const ingestedAt = this.clock.now();
      // The keys are claimed in the same transaction as the append: an acknowledged key can never
      // be lost while its event is kept, or the reverse.
      const { unique, duplicates } = await claimIdempotencyKeys(tx, records, ingestedAt);
      if (unique.length === 0) return { appended: [], duplicates };
      const rows = await tx.query<{ id: string; log_offset: number }>(
        `INSERT INTO event_log (ingested_at, id, organization_id, name, source, "timestamp", customer_id,
           external_customer_id, external_id, metadata)
         SELECT $1, r.id, r.organization_id, r.name, r.source, r.ts, r.customer_id, r.external_customer_id,
           r.external_id, r.metadata
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::uuid[], $8::text[],
           $9::text[], $10::jsonb[]) WITH ORDINALITY
           AS r(id, organization_id, name, source, ts, customer_id, external_customer_id, external_id, metadata, n)
         ORDER BY r.n
         RETURNING id, log_offset`,
        [ingestedAt, ...recordColumns(unique)],
      );
      const offsets = new Map(rows.map((row) => [row.id, row.log_offset]));
      const appended: AppendedRecord[] = unique.map((record) => ({
        ...record,
        ingestedAt,
        position: { partition: PARTITION, offset: offsets.get(record.id) as number },
      }));
      return { appended, duplicates };
    });
    for (const wake of this.wakeups) wake();
    return result;
  }

  async consume(options: ConsumeOptions): Promise<LogSubscription> {
    const maxBatchSize = options.maxBatchSize ?? 1000;
    let stopped = false;
    const waker = new Wakeup();
    const wakeup = () => waker.wake();
    this.wakeups.add(wakeup);
    const sleep = (ms: number) => waker.sleep(ms);

    const fetch = (cursor: number) =>
      this.db.query<EventRow>("SELECT * FROM event_log WHERE log_offset > $1 ORDER BY log_offset LIMIT $2", [
        cursor,
        maxBatchSize,
      ]);
    const loop = async () => {
      let failures = 0;
      // The group's position is read once; from then on this consumer is the one moving it.
      let cursor: number | undefined;
      while (!stopped) {
        try {
          cursor ??= (await this.watermark(options.group, PARTITION))?.offset ?? 0;
          let rows = await fetch(cursor);
          if (rows.length === 0) {
            await sleep(this.pollIntervalMs);
            continue;
          }
          if (rows.length < maxBatchSize && this.lingerMs > 0) {
            // A plain timer: appends would cut the interruptible sleep short at once under load.
            await new Promise((resolve) => setTimeout(resolve, this.lingerMs));
            rows = await fetch(cursor);
          }
          await options.handler(rows.map((row) => toAppendedRecord(row, PARTITION)));
          const last = (rows[rows.length - 1] as EventRow).log_offset;
          await this.commit(options.group, last);
          cursor = last;
          failures = 0;
        } catch (error) {
          if (stopped) break;
          failures += 1;
          options.onError?.(error);
          await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
        }
      }
    };
    const running = loop();
    const subscription: LogSubscription = {
      stop: async () => {
        stopped = true;
        waker.wake();
        await running;
        this.wakeups.delete(wakeup);
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  private async commit(group: string, offset: number): Promise<void> {
    await this.db.query(
      `INSERT INTO log_consumer_offsets (group_id, log_partition, log_offset, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (group_id, log_partition) DO UPDATE
         SET log_offset = GREATEST(log_consumer_offsets.log_offset, excluded.log_offset), updated_at = excluded.updated_at`,
      [group, PARTITION, offset, this.clock.now()],
    );
  }

  async watermark(group: string, partition: number): Promise<LogPosition | null> {
    const rows = await this.db.query<{ log_offset: number }>(
      "SELECT log_offset FROM log_consumer_offsets WHERE group_id = $1 AND log_partition = $2",
      [group, partition],
    );
    const row = rows[0];
    return row === undefined ? null : { partition, offset: row.log_offset };
  }

  async head(partition: number): Promise<LogPosition | null> {
    const rows = await this.db.query<{ offset: number | null }>("SELECT max(log_offset) AS offset FROM event_log");
    const offset = rows[0]?.offset ?? null;
    return offset === null ? null : { partition, offset };
  }

  /**
   * Drops records every consumer group has committed and that are older than `before`, and
   * idempotency keys older than `dedupBefore` (the store keeps its own uniqueness forever).
   */
  async prune(before: Date, dedupBefore: Date): Promise<{ records: number; keys: number }> {
    const records = await this.db.query(
      `DELETE FROM event_log WHERE ingested_at < $1
         AND log_offset <= (SELECT coalesce(min(log_offset), 0) FROM log_consumer_offsets WHERE log_partition = $2)
       RETURNING log_offset`,
      [before, PARTITION],
    );
    const keys = await this.db.query("DELETE FROM event_dedup_keys WHERE created_at < $1 RETURNING event_id", [
      dedupBefore,
    ]);
    return { records: records.length, keys: keys.length };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
  }
}
