import type { InsertOutcome, StoredEvent } from "@meterline/core";
import { z } from "zod";
import type { ClickHouseConnection } from "./clickhouse-connection.js";
import { type EventInsertRow, Int64, toInsertRow } from "./event-row.js";
import { inList, inTuples } from "./sql-literal.js";

/**
 * Events per round of lookups and writes: one materializer batch (2000 by default), while each
 * lookup query stays far below the query size limit.
 */
export const INSERT_CHUNK_SIZE = 2000;

const IdClaim = z.object({
  id: z.string(),
  organization_id: z.string(),
  customer_key: z.string(),
  name: z.string(),
  log_offset: Int64,
});
type IdClaim = z.infer<typeof IdClaim>;

const ExternalIdClaim = z.object({ organization_id: z.string(), external_id: z.string(), event_id: z.string() });
const StoredId = z.object({ id: z.string() });

interface Pending {
  event: StoredEvent;
  row: EventInsertRow;
}

/**
 * First write wins on the event id and on (organization, external id), without unique
 * constraints: look the batch's keys up in the claim tables, write the claims of the new events,
 * then the event rows. The materializer that owns a log partition is that partition's only
 * writer, so nothing else claims the same organization's keys between lookup and write.
 *
 * Every failure point leaves a state the next delivery of the same records completes:
 * - all written, answer lost: the ids are claimed and their rows exist → `already_stored`;
 *   an event's own external-id claim is not a duplicate of itself;
 * - claims written, event rows not (crash, or a failed INSERT): the ids are claimed but no row
 *   exists → the rows are written now (`inserted`), and their external ids stay reserved;
 * - an INSERT whose request failed may still be running on the server; the connection kills it
 *   and waits before rethrowing, so no lookup of a retry races it.
 */
export async function insertEvents(
  connection: ClickHouseConnection,
  events: StoredEvent[],
): Promise<Map<string, InsertOutcome>> {
  const seen = new Set<string>();
  const pending: Pending[] = [];
  for (const event of events) {
    if (seen.has(event.id)) continue; // a repeated id within the batch: the first copy is the one
    seen.add(event.id);
    pending.push({ event, row: toInsertRow(event) }); // validates every event before any write
  }
  const outcomes = new Map<string, InsertOutcome>();
  for (let start = 0; start < pending.length; start += INSERT_CHUNK_SIZE) {
    await insertChunk(connection, pending.slice(start, start + INSERT_CHUNK_SIZE), outcomes);
  }
  return new Map(pending.map(({ event }) => [event.id, outcomes.get(event.id) as InsertOutcome]));
}

async function insertChunk(
  connection: ClickHouseConnection,
  chunk: Pending[],
  outcomes: Map<string, InsertOutcome>,
): Promise<void> {
  const externalKey = (row: EventInsertRow) =>
    row.external_id === null ? null : JSON.stringify([row.organization_id, row.external_id]);
  const [idClaims, externalHolders] = await Promise.all([
    lookupIdClaims(
      connection,
      chunk.map(({ row }) => row.id),
    ),
    lookupExternalIdClaims(connection, chunk),
  ]);

  // Events claimed by an earlier delivery hold their external ids first, wherever they sit in the batch.
  const owner = new Map<string, string>();
  for (const { row } of chunk) {
    const key = externalKey(row);
    if (key !== null && idClaims.has(row.id) && !owner.has(key)) owner.set(key, row.id);
  }
  const claimed: Pending[] = [];
  const fresh: Pending[] = [];
  for (const item of chunk) {
    const { event, row } = item;
    if (idClaims.has(row.id)) {
      claimed.push(item);
      continue;
    }
    const key = externalKey(row);
    if (key !== null) {
      const holders = externalHolders.get(key);
      const takenInBatch = owner.has(key) && owner.get(key) !== row.id;
      if (takenInBatch || (holders !== undefined && !holders.has(row.id))) {
        outcomes.set(event.id, "duplicate_external_id");
        continue;
      }
      owner.set(key, row.id);
    }
    fresh.push(item);
  }

  const stored = await lookupStoredRows(connection, claimed, idClaims);
  const repaired: Pending[] = [];
  for (const item of claimed) {
    if (stored.has(item.row.id)) outcomes.set(item.event.id, "already_stored");
    else repaired.push(item);
  }

  const writes = [...fresh, ...repaired];
  // Claims and aliases before rows: a row never exists without them, so no lookup misses a stored row.
  await connection.insert(
    "external_customer_aliases_v1",
    writes.flatMap(({ row }) =>
      row.customer_id !== null && row.external_customer_id !== null
        ? [
            {
              external_customer_id: row.external_customer_id,
              organization_id: row.organization_id,
              customer_key: row.customer_key,
            },
          ]
        : [],
    ),
  );
  await connection.insert(
    "event_external_ids_v1",
    writes.flatMap(({ row }) =>
      row.external_id === null
        ? []
        : [{ organization_id: row.organization_id, external_id: row.external_id, event_id: row.id }],
    ),
  );
  await connection.insert(
    "event_ids_v1",
    writes.map(({ row }) => ({
      id: row.id,
      organization_id: row.organization_id,
      customer_key: row.customer_key,
      name: row.name,
      log_offset: row.log_offset,
    })),
  );
  await connection.insert(
    "events_v1",
    writes.map(({ row }) => row),
  );
  for (const { event } of writes) outcomes.set(event.id, "inserted");
}

async function lookupIdClaims(connection: ClickHouseConnection, ids: string[]): Promise<Map<string, IdClaim[]>> {
  const rows = await connection.query({
    sql: `SELECT id, organization_id, customer_key, name, log_offset FROM event_ids_v1 WHERE ${inList("id", ids)}`,
    row: IdClaim,
  });
  const claims = new Map<string, IdClaim[]>();
  for (const row of rows) claims.set(row.id, [...(claims.get(row.id) ?? []), row]);
  return claims;
}

/** Event ids holding each (organization, external id) of the chunk, keyed like `externalKey`. */
async function lookupExternalIdClaims(
  connection: ClickHouseConnection,
  chunk: Pending[],
): Promise<Map<string, Set<string>>> {
  const pairs = chunk.flatMap(({ row }) =>
    row.external_id === null ? [] : [[row.organization_id, row.external_id] as const],
  );
  if (pairs.length === 0) return new Map();
  const rows = await connection.query({
    sql: `SELECT organization_id, external_id, event_id FROM event_external_ids_v1
      WHERE ${inTuples(["organization_id", "external_id"], pairs)}`,
    row: ExternalIdClaim,
  });
  const holders = new Map<string, Set<string>>();
  for (const row of rows) {
    const key = JSON.stringify([row.organization_id, row.external_id]);
    holders.set(key, (holders.get(key) ?? new Set()).add(row.event_id));
  }
  return holders;
}

/**
 * Which claimed ids have their event row. Only redeliveries get here, so reading the claimed
 * customers' granules (not a point lookup, because a redelivered copy may differ) is rare.
 */
async function lookupStoredRows(
  connection: ClickHouseConnection,
  claimed: Pending[],
  idClaims: Map<string, IdClaim[]>,
): Promise<Set<string>> {
  if (claimed.length === 0) return new Set();
  const customers = new Map<string, [string, string]>();
  for (const { row } of claimed) {
    for (const claim of [row, ...(idClaims.get(row.id) ?? [])]) {
      customers.set(JSON.stringify([claim.organization_id, claim.customer_key]), [
        claim.organization_id,
        claim.customer_key,
      ]);
    }
  }
  const rows = await connection.query({
    sql: `SELECT DISTINCT id FROM events_v1
      WHERE ${inTuples(["organization_id", "customer_key"], [...customers.values()])}
        AND ${inList(
          "id",
          claimed.map(({ row }) => row.id),
        )}`,
    row: StoredId,
  });
  return new Set(rows.map((row) => row.id));
}
