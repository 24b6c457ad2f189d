import {
  type AggregateState,
  type Aggregation,
  type CustomerMatch,
  type CustomerWindow,
  type CustomerWindowQuery,
  canonicalMetadataJson,
  type EventListQuery,
  type EventNameQuery,
  type EventNameRow,
  type EventStore,
  type Filter,
  type InsertOutcome,
  type QuantitiesQuery,
  type StoredEvent,
} from "@meterline/core";
import { compileAggregationValue, compileEligibility, compileFilter, compileMetadataQuery } from "./filter-sql.js";
import { Params, type SqlClient } from "./sql-client.js";

interface EventRow {
  id: string;
  organization_id: string;
  name: string;
  source: "user" | "system";
  timestamp: Date;
  ingested_at: Date;
  customer_id: string | null;
  external_customer_id: string | null;
  external_id: string | null;
  metadata: Record<string, unknown>;
  log_partition: number;
  log_offset: number;
}

interface AggregateRow {
  count: number;
  value_count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
}

const AGGREGATE_COLUMNS = "count(*)::int8 AS count, count(v)::int8 AS value_count, sum(v) AS sum, min(v) AS min, max(v) AS max";

const NAME_SORT_COLUMNS: Record<EventNameQuery["sort"][number]["property"], string> = {
  // Code-point order whatever the database collation, as ClickHouse sorts.
  name: 'name COLLATE "C"',
  occurrences: "occurrences",
  first_seen: "first_seen",
  last_seen: "last_seen",
};

/** Raw events in one Postgres/PGlite table (`events_v1`); meter reads compile filters to SQL. */
export class PostgresEventStore implements EventStore {
  constructor(private readonly db: SqlClient) {}

  async insert(events: StoredEvent[]): Promise<Map<string, InsertOutcome>> {
    const outcomes = new Map<string, InsertOutcome>();
    if (events.length === 0) return outcomes;
    const inserted = await this.db.query<{ id: string }>(
      `INSERT INTO events_v1 (id, organization_id, name, source, "timestamp", ingested_at, customer_id,
         external_customer_id, external_id, metadata, log_partition, log_offset)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
         $7::uuid[], $8::text[], $9::text[], $10::jsonb[], $11::int[], $12::int8[])
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        events.map((e) => e.id),
        events.map((e) => e.organizationId),
        events.map((e) => e.name),
        events.map((e) => e.source),
        events.map((e) => e.timestamp),
        events.map((e) => e.ingestedAt),
        events.map((e) => e.customerId),
        events.map((e) => e.externalCustomerId),
        events.map((e) => e.externalId),
        events.map((e) => canonicalMetadataJson(e.metadata)),
        events.map((e) => e.position.partition),
        events.map((e) => e.position.offset),
      ],
    );
    for (const row of inserted) outcomes.set(row.id, "inserted");
    const rest = events.filter((event) => !outcomes.has(event.id)).map((event) => event.id);
    if (rest.length > 0) {
      const existing = await this.db.query<{ id: string }>("SELECT id FROM events_v1 WHERE id = ANY($1::uuid[])", [rest]);
      const stored = new Set(existing.map((row) => row.id));
      for (const id of rest) outcomes.set(id, stored.has(id) ? "already_stored" : "duplicate_external_id");
    }
    return outcomes;
  }

  async get(organizationIds: string[], id: string): Promise<StoredEvent | null> {
    const rows = await this.db.query<EventRow>(
      "SELECT * FROM events_v1 WHERE id = $1 AND organization_id = ANY($2::uuid[])",
      [id, organizationIds],
    );
    return rows[0] === undefined ? null : toStoredEvent(rows[0]);
  }

  async list(query: EventListQuery): Promise<{ items: StoredEvent[]; total: number }> {
    const params = new Params();
    const where = [`organization_id = ANY(${params.add(query.organizationIds)}::uuid[])`];
    if (query.filter !== undefined) where.push(compileFilter(query.filter, params));
    if (query.aggregation !== undefined) where.push(compileEligibility(query.aggregation, params));
    if (query.startTimestamp !== undefined) where.push(`"timestamp" > ${params.add(query.startTimestamp)}`);
    if (query.endTimestamp !== undefined) where.push(`"timestamp" < ${params.add(query.endTimestamp)}`);
    if (query.customer !== undefined) where.push(customerCondition(query.customer, params));
    if (query.names !== undefined) where.push(`name = ANY(${params.add(query.names)}::text[])`);
    if (query.sources !== undefined) where.push(`source = ANY(${params.add(query.sources)}::text[])`);
    if (query.metadata !== undefined) where.push(compileMetadataQuery(query.metadata, params));
    const whereSql = where.join(" AND ");
    const order = query.sort.map((s) => `"timestamp" ${s.direction === "desc" ? "DESC" : "ASC"}`);
    // Ties on timestamp are broken by log order so pages are stable.
    const tieBreak = query.sort[0]?.direction === "asc" ? "log_offset ASC" : "log_offset DESC";
    const [countRows, rows] = await Promise.all([
      this.db.query<{ total: number }>(`SELECT count(*)::int8 AS total FROM events_v1 WHERE ${whereSql}`, params.values),
      this.db.query<EventRow>(
        `SELECT * FROM events_v1 WHERE ${whereSql} ORDER BY ${[...order, tieBreak].join(", ")}
         LIMIT ${Number(query.limit)} OFFSET ${Number(query.offset)}`,
        params.values,
      ),
    ]);
    return { items: rows.map(toStoredEvent), total: countRows[0]?.total ?? 0 };
  }

  async names(query: EventNameQuery): Promise<{ items: EventNameRow[]; total: number }> {
    const params = new Params();
    const where = [`organization_id = ANY(${params.add(query.organizationIds)}::uuid[])`];
    if (query.customer !== undefined) where.push(customerCondition(query.customer, params));
    if (query.sources !== undefined) where.push(`source = ANY(${params.add(query.sources)}::text[])`);
    if (query.query !== undefined && query.query !== "") {
      where.push(`strpos(lower(name), lower(${params.add(query.query)})) > 0`);
    }
    const grouped = `SELECT name, source, count(*)::int8 AS occurrences, min("timestamp") AS first_seen,
        max("timestamp") AS last_seen FROM events_v1 WHERE ${where.join(" AND ")} GROUP BY name, source`;
    const order = query.sort.map((s) => `${NAME_SORT_COLUMNS[s.property]} ${s.direction === "desc" ? "DESC" : "ASC"}`);
    const [countRows, rows] = await Promise.all([
      this.db.query<{ total: number }>(`SELECT count(*)::int8 AS total FROM (${grouped}) g`, params.values),
      this.db.query<{ name: string; source: "user" | "system"; occurrences: number; first_seen: Date; last_seen: Date }>(
        `${grouped} ORDER BY ${[...order, 'name COLLATE "C" ASC', "source ASC"].join(", ")}
         LIMIT ${Number(query.limit)} OFFSET ${Number(query.offset)}`,
        params.values,
      ),
    ]);
    return {
      items: rows.map((row) => ({
        name: row.name,
        source: row.source,
        occurrences: row.occurrences,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
      })),
      total: countRows[0]?.total ?? 0,
    };
  }

  async quantities(query: QuantitiesQuery): Promise<AggregateState[]> {
    const periods = query.boundaries.length - 1;
    if (periods < 1) return [];
    const params = new Params();
    const first = query.boundaries[0] as Date;
    const last = query.boundaries[periods] as Date;
    const where = [
      `organization_id = ${params.add(query.organizationId)}`,
      `"timestamp" >= ${params.add(first)}`,
      `"timestamp" < ${params.add(last)}`,
      compileFilter(query.filter, params),
      compileEligibility(query.aggregation, params),
    ];
    if (query.customer !== undefined) where.push(customerCondition(query.customer, params));
    if (query.metadata !== undefined) where.push(compileMetadataQuery(query.metadata, params));
    const boundaries = params.add(query.boundaries);
    const value = compileAggregationValue(query.aggregation, params);
    const rows = await this.db.query<AggregateRow & { bucket: number }>(
      `SELECT bucket, ${AGGREGATE_COLUMNS} FROM (
         SELECT width_bucket("timestamp", ${boundaries}::timestamptz[]) AS bucket, ${value} AS v
         FROM events_v1 WHERE ${where.join(" AND ")}
       ) s GROUP BY bucket`,
      params.values,
    );
    const partials: AggregateState[] = Array.from({ length: periods }, () => toAggregateState(undefined));
    for (const row of rows) {
      // width_bucket is 1-based: bucket i holds boundaries[i-1] <= ts < boundaries[i].
      if (row.bucket >= 1 && row.bucket <= periods) partials[row.bucket - 1] = toAggregateState(row);
    }
    return partials;
  }

  async customerWindows(query: CustomerWindowQuery): Promise<CustomerWindow[]> {
    const windows: CustomerWindow[] = [];
    for (const meter of query.meters) windows.push(await this.customerWindow(query, meter));
    return windows;
  }

  private async customerWindow(
    query: CustomerWindowQuery,
    meter: CustomerWindowQuery["meters"][number],
  ): Promise<CustomerWindow> {
    const { organizationId, customer } = query;
    // System events always carry customer_id, so the latest reset is found through that index.
    const resets = await this.db.query<{ log_partition: number; log_offset: number }>(
      `SELECT log_partition, log_offset FROM events_v1
       WHERE organization_id = $1 AND customer_id = $2 AND source = 'system' AND name = 'meter.reset'
         AND metadata->>'meter_id' = $3
       ORDER BY log_offset DESC LIMIT 1`,
      [organizationId, customer.id, meter.id],
    );
    const reset = resets[0];
    const windowStart = reset === undefined ? null : { partition: reset.log_partition, offset: reset.log_offset };
    const params = new Params([organizationId, customer.id, customer.externalId, windowStart?.offset ?? -1, meter.id]);
    const matches = `(${compileFilter(meter.filter, params)} AND ${compileEligibility(meter.aggregation, params)})`;
    const ownSystem = `(source = 'system' AND name IN ('meter.credited', 'meter.reset') AND metadata->>'meter_id' = $5)`;
    const value = compileAggregationValue(meter.aggregation, params);
    const rows = await this.db.query<
      AggregateRow & { window_events: number; last_partition: number | null; last_offset: number | null; last_id: string | null }
    >(
      `WITH w AS (
         SELECT id, source, log_partition, log_offset, ${matches} AS matches, ${ownSystem} AS own_system, ${value} AS v
         FROM events_v1
         WHERE organization_id = $1 AND (customer_id = $2 OR external_customer_id = $3) AND log_offset >= $4
       ), u AS (SELECT v FROM w WHERE matches AND NOT own_system AND source = 'user'),
       e AS (SELECT id, log_partition, log_offset FROM w WHERE matches OR own_system)
       SELECT (SELECT count(*)::int8 FROM u) AS count, (SELECT count(v)::int8 FROM u) AS value_count,
         (SELECT sum(v) FROM u) AS sum, (SELECT min(v) FROM u) AS min, (SELECT max(v) FROM u) AS max,
         (SELECT count(*)::int8 FROM e) AS window_events,
         last.log_partition AS last_partition, last.log_offset AS last_offset, last.id AS last_id
       FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * FROM e ORDER BY log_offset DESC LIMIT 1) last ON true`,
      params.values,
    );
    const credits = await this.db.query<{ units: number; rollover: boolean }>(
      `SELECT (metadata->>'units')::float8 AS units, coalesce((metadata->>'rollover')::boolean, false) AS rollover
       FROM events_v1
       WHERE organization_id = $1 AND customer_id = $2 AND source = 'system' AND name = 'meter.credited'
         AND metadata->>'meter_id' = $3 AND log_offset >= $4
       ORDER BY log_offset`,
      [organizationId, customer.id, meter.id, windowStart?.offset ?? -1],
    );
    const row = rows[0];
    return {
      meterId: meter.id,
      windowStart,
      hasEvents: (row?.window_events ?? 0) > 0,
      usage: toAggregateState(row),
      credits,
      lastPosition:
        row?.last_offset === null || row?.last_offset === undefined
          ? null
          : { partition: row.last_partition ?? 0, offset: row.last_offset },
      lastEventId: row?.last_id ?? null,
    };
  }

  async anyMatching(organizationId: string, filter: Filter, aggregation: Aggregation): Promise<boolean> {
    const params = new Params([organizationId]);
    const rows = await this.db.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM events_v1 WHERE organization_id = $1 AND ${compileFilter(filter, params)}
         AND ${compileEligibility(aggregation, params)}) AS found`,
      params.values,
    );
    return rows[0]?.found === true;
  }

  async count(organizationIds: string[]): Promise<number> {
    const rows = await this.db.query<{ total: number }>(
      "SELECT count(*)::int8 AS total FROM events_v1 WHERE organization_id = ANY($1::uuid[])",
      [organizationIds],
    );
    return rows[0]?.total ?? 0;
  }

  async close(): Promise<void> {}
}

function customerCondition(match: CustomerMatch, params: Params): string {
  const parts: string[] = [];
  if (match.customerIds.length > 0) parts.push(`customer_id = ANY(${params.add(match.customerIds)}::uuid[])`);
  if (match.externalCustomerIds.length > 0) {
    parts.push(`external_customer_id = ANY(${params.add(match.externalCustomerIds)}::text[])`);
  }
  return parts.length === 0 ? "FALSE" : `(${parts.join(" OR ")})`;
}

function toAggregateState(row: AggregateRow | undefined): AggregateState {
  if (row === undefined) return { count: 0, valueCount: 0, sum: 0, min: null, max: null };
  return { count: row.count, valueCount: row.value_count, sum: row.sum ?? 0, min: row.min, max: row.max };
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    source: row.source,
    timestamp: row.timestamp,
    ingestedAt: row.ingested_at,
    customerId: row.customer_id,
    externalCustomerId: row.external_customer_id,
    externalId: row.external_id,
    metadata: row.metadata,
    position: { partition: row.log_partition, offset: row.log_offset },
  };
}
