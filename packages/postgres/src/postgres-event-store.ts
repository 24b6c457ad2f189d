import type {
  AggregateState,
  Aggregation,
  CustomerKeys,
  CustomerMatch,
  CustomerWindow,
  CustomerWindowQuery,
  EventListQuery,
  EventNameQuery,
  EventNameRow,
  EventStore,
  Filter,
  InsertOutcome,
  LogPosition,
  QuantitiesQuery,
  StoredEvent,
} from "@meterline/core";
import { type EventRow, recordColumns, toAppendedRecord } from "./event-rows.js";
import { compileAggregationValue, compileEligibility, compileFilter, compileMetadataQuery } from "./filter-sql.js";
import { Params, type SqlClient } from "./sql-client.js";

interface StoredEventRow extends EventRow {
  log_partition: number;
}

interface AggregateRow {
  count: number;
  value_count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
}

const AGGREGATE_COLUMNS =
  "count(*)::int8 AS count, count(v)::int8 AS value_count, sum(v) AS sum, min(v) AS min, max(v) AS max";

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
       SELECT r.id, r.organization_id, r.name, r.source, r.ts, i.ingested_at, r.customer_id, r.external_customer_id,
         r.external_id, r.metadata, i.log_partition, i.log_offset
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::uuid[], $7::text[],
         $8::text[], $9::jsonb[]) WITH ORDINALITY
         AS r(id, organization_id, name, source, ts, customer_id, external_customer_id, external_id, metadata, n)
       JOIN unnest($10::timestamptz[], $11::int[], $12::int8[]) WITH ORDINALITY
         AS i(ingested_at, log_partition, log_offset, n) USING (n)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        ...recordColumns(events),
        events.map((e) => e.ingestedAt),
        events.map((e) => e.position.partition),
        events.map((e) => e.position.offset),
      ],
    );
    for (const row of inserted) outcomes.set(row.id, "inserted");
    const rest = events.filter((event) => !outcomes.has(event.id)).map((event) => event.id);
    if (rest.length > 0) {
      const existing = await this.db.query<{ id: string }>("SELECT id FROM events_v1 WHERE id = ANY($1::uuid[])", [
        rest,
      ]);
      const stored = new Set(existing.map((row) => row.id));
      for (const id of rest) outcomes.set(id, stored.has(id) ? "already_stored" : "duplicate_external_id");
    }
    return outcomes;
  }

  async get(organizationIds: string[], id: string): Promise<StoredEvent | null> {
    const rows = await this.db.query<StoredEventRow>(
      "SELECT * FROM events_v1 WHERE id = $1 AND organization_id = ANY($2::uuid[])",
      [id, organizationIds],
    );
    return rows[0] === undefined ? null : toStoredEvent(rows[0]);
  }

  async findByExternalIds(organizationId: string, externalIds: string[]): Promise<StoredEvent[]> {
    if (externalIds.length === 0) return [];
    const rows = await this.db.query<StoredEventRow>(
      "SELECT * FROM events_v1 WHERE organization_id = $1 AND external_id = ANY($2::text[]) ORDER BY log_offset",
      [organizationId, externalIds],
    );
    return rows.map(toStoredEvent);
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
      this.db.query<{ total: number }>(
        `SELECT count(*)::int8 AS total FROM events_v1 WHERE ${whereSql}`,
        params.values,
      ),
      this.db.query<StoredEventRow>(
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
      this.db.query<{
        name: string;
        source: "user" | "system";
        occurrences: number;
        first_seen: Date;
        last_seen: Date;
      }>(
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

  /**
   * Every meter's window for one customer in three queries, whatever the number of meters: the
   * latest resets, one scan of the customer's events since the earliest of them with per-meter
   * FILTERed aggregates, and the credits. The materializer calls this for each new customer.
   */
  async customerWindows(query: CustomerWindowQuery): Promise<CustomerWindow[]> {
    const { organizationId, customer, meters } = query;
    if (meters.length === 0) return [];
    const meterIds = meters.map((meter) => meter.id);
    // Without `until` the window is open-ended: every offset is below the maximum bigint.
    const until = query.until?.offset ?? Number.MAX_SAFE_INTEGER;
    // System events always carry customer_id, so resets and credits are found through that index.
    const resets = await this.db.query<{ meter_id: string; log_partition: number; log_offset: number }>(
      `SELECT DISTINCT ON (metadata->>'meter_id') metadata->>'meter_id' AS meter_id, log_partition, log_offset
       FROM events_v1
       WHERE organization_id = $1 AND customer_id = $2 AND source = 'system' AND name = 'meter.reset'
         AND metadata->>'meter_id' = ANY($3::text[]) AND log_offset < $4
       ORDER BY metadata->>'meter_id', log_offset DESC`,
      [organizationId, customer.id, meterIds, until],
    );
    const windowStart = new Map(
      resets.map((row) => [row.meter_id, { partition: row.log_partition, offset: row.log_offset }]),
    );
    const startOf = (meterId: string) => windowStart.get(meterId)?.offset ?? -1;
    const earliest = Math.min(...meterIds.map(startOf));

    const params = new Params([organizationId, customer.id, customer.externalId, earliest, until]);
    const columns = meters.map((meter, i) => {
      const start = params.add(startOf(meter.id));
      const meterId = params.add(meter.id);
      const inWindow = `log_offset >= ${start}`;
      const matches = `(${compileFilter(meter.filter, params)} AND ${compileEligibility(meter.aggregation, params)})`;
      const own = `(source = 'system' AND name IN ('meter.credited', 'meter.reset') AND metadata->>'meter_id' = ${meterId})`;
      const usage = `${inWindow} AND source = 'user' AND ${matches} AND NOT ${own}`;
      const member = `${inWindow} AND (${matches} OR ${own})`;
      const value = compileAggregationValue(meter.aggregation, params);
      return [
        `count(*) FILTER (WHERE ${usage})::int8 AS count_${i}`,
        `count(${value}) FILTER (WHERE ${usage})::int8 AS value_count_${i}`,
        `sum(${value}) FILTER (WHERE ${usage}) AS sum_${i}`,
        `min(${value}) FILTER (WHERE ${usage}) AS min_${i}`,
        `max(${value}) FILTER (WHERE ${usage}) AS max_${i}`,
        `count(*) FILTER (WHERE ${member})::int8 AS events_${i}`,
        `max(log_offset) FILTER (WHERE ${member}) AS last_offset_${i}`,
        `(array_agg(id::text ORDER BY log_offset DESC) FILTER (WHERE ${member}))[1] AS last_id_${i}`,
      ].join(", ");
    });
    const [row = {}] = await this.db.query<Record<string, number | string | null>>(
      `SELECT max(log_partition) AS partition, ${columns.join(", ")}
       FROM events_v1
       WHERE organization_id = $1 AND (customer_id = $2 OR external_customer_id = $3) AND log_offset >= $4
         AND log_offset < $5`,
      params.values,
    );
    const credits = await this.db.query<{ meter_id: string; units: number; rollover: boolean; log_offset: number }>(
      `SELECT metadata->>'meter_id' AS meter_id, (metadata->>'units')::float8 AS units,
         coalesce((metadata->>'rollover')::boolean, false) AS rollover, log_offset
       FROM events_v1
       WHERE organization_id = $1 AND customer_id = $2 AND source = 'system' AND name = 'meter.credited'
         AND metadata->>'meter_id' = ANY($3::text[]) AND log_offset >= $4 AND log_offset < $5
       ORDER BY log_offset`,
      [organizationId, customer.id, meterIds, earliest, until],
    );
    const partition = (row.partition as number | null) ?? 0;
    return meters.map((meter, i) => {
      const lastOffset = row[`last_offset_${i}`] as number | null;
      return {
        meterId: meter.id,
        windowStart: windowStart.get(meter.id) ?? null,
        hasEvents: ((row[`events_${i}`] as number | null) ?? 0) > 0,
        usage: toAggregateState({
          count: (row[`count_${i}`] as number | null) ?? 0,
          value_count: (row[`value_count_${i}`] as number | null) ?? 0,
          sum: row[`sum_${i}`] as number | null,
          min: row[`min_${i}`] as number | null,
          max: row[`max_${i}`] as number | null,
        }),
        credits: credits
          .filter((credit) => credit.meter_id === meter.id && credit.log_offset >= startOf(meter.id))
          .map((credit) => ({ units: credit.units, rollover: credit.rollover })),
        lastPosition: lastOffset === null ? null : { partition, offset: lastOffset },
        lastEventId: (row[`last_id_${i}`] as string | null) ?? null,
      };
    });
  }

  async customersWithEventsBefore(
    organizationId: string,
    customers: readonly CustomerKeys[],
    before: LogPosition,
  ): Promise<Set<string>> {
    if (customers.length === 0) return new Set();
    // One EXISTS per customer and key, each on its own partial index (customer, external customer).
    const rows = await this.db.query<{ id: string }>(
      `SELECT c.id FROM unnest($2::text[], $3::text[]) AS c(id, external_id)
       WHERE EXISTS (SELECT 1 FROM events_v1 e WHERE e.organization_id = $1 AND e.customer_id = c.id::uuid
                       AND e.log_offset < $4)
          OR (c.external_id IS NOT NULL AND EXISTS (SELECT 1 FROM events_v1 e WHERE e.organization_id = $1
                       AND e.external_customer_id = c.external_id AND e.log_offset < $4))`,
      [
        organizationId,
        customers.map((customer) => customer.id),
        customers.map((customer) => customer.externalId),
        before.offset,
      ],
    );
    return new Set(rows.map((row) => row.id));
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
  const scoped = match.organizationExternalIds ?? [];
  if (scoped.length > 0) {
    const organizations = params.add(scoped.map((pair) => pair.organizationId));
    const externalIds = params.add(scoped.map((pair) => pair.externalId));
    parts.push(
      `(organization_id, external_customer_id) IN (SELECT * FROM unnest(${organizations}::uuid[], ${externalIds}::text[]))`,
    );
  }
  return parts.length === 0 ? "FALSE" : `(${parts.join(" OR ")})`;
}

function toAggregateState(row: AggregateRow | undefined): AggregateState {
  if (row === undefined) return { count: 0, valueCount: 0, sum: 0, min: null, max: null };
  return { count: row.count, valueCount: row.value_count, sum: row.sum ?? 0, min: row.min, max: row.max };
}

function toStoredEvent(row: StoredEventRow): StoredEvent {
  return toAppendedRecord(row, row.log_partition);
}
