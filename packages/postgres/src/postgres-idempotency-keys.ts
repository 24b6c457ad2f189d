import type { IdempotencyKeys, LogRecord } from "@meterline/core";
import { claimIdempotencyKeys } from "./claim-idempotency-keys.js";
import type { SqlClient } from "./sql-client.js";

/**
 * Idempotency keys in PostgreSQL for logs that cannot keep them (Kafka): the claim's transaction
 * stays open while the caller appends, and commits only if the append resolved.
 */
export class PostgresIdempotencyKeys implements IdempotencyKeys {
  constructor(private readonly db: SqlClient) {}

  async claim<T>(
    records: LogRecord[],
    now: Date,
    append: (unique: LogRecord[]) => Promise<T>,
  ): Promise<{ result: T; duplicates: LogRecord[] }> {
    if (!records.some((record) => record.externalId !== null)) return { result: await append(records), duplicates: [] };
    return this.db.transaction(async (tx) => {
      const { unique, duplicates } = await claimIdempotencyKeys(tx, records, now);
      return { result: await append(unique), duplicates };
    });
  }

  async prune(before: Date): Promise<number> {
    const rows = await this.db.query("DELETE FROM event_dedup_keys WHERE created_at < $1 RETURNING event_id", [before]);
    return rows.length;
  }
}
