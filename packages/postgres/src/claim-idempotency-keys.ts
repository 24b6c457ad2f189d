import type { LogRecord } from "@meterline/core";
import type { SqlClient } from "./sql-client.js";

/**
 * Inserts the `(organization, external_id)` keys of `records` into `event_dedup_keys` within the
 * caller's transaction. The first record of a key in the batch competes; a key already stored, or
 * seen earlier in the batch, makes its record a duplicate (reported in request order).
 */
export async function claimIdempotencyKeys(
  tx: SqlClient,
  records: LogRecord[],
  now: Date,
): Promise<{ unique: LogRecord[]; duplicates: LogRecord[] }> {
  const seenInBatch = new Set<string>();
  const candidates: LogRecord[] = [];
  const duplicateIds = new Set<string>();
  for (const record of records) {
    if (record.externalId === null) continue;
    const key = `${record.organizationId}\u0000${record.externalId}`;
    if (seenInBatch.has(key)) duplicateIds.add(record.id);
    else {
      seenInBatch.add(key);
      candidates.push(record);
    }
  }
  if (candidates.length > 0) {
    const rows = await tx.query<{ event_id: string }>(
      `INSERT INTO event_dedup_keys (organization_id, external_id, event_id, created_at)
       SELECT k.organization_id, k.external_id, k.event_id, $4
       FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS k(organization_id, external_id, event_id)
       ON CONFLICT DO NOTHING
       RETURNING event_id`,
      [candidates.map((r) => r.organizationId), candidates.map((r) => r.externalId), candidates.map((r) => r.id), now],
    );
    const claimed = new Set(rows.map((row) => row.event_id));
    for (const record of candidates) if (!claimed.has(record.id)) duplicateIds.add(record.id);
  }
  return {
    unique: records.filter((record) => !duplicateIds.has(record.id)),
    duplicates: records.filter((record) => duplicateIds.has(record.id)),
  };
}
