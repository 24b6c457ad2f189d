import type {
  AggregateState,
  Aggregation,
  CustomerKeys,
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
import { z } from "zod";
import { toAggregateState } from "./aggregate-row.js";
import { ClickHouseConnection, type ClickHouseConnectionOptions } from "./clickhouse-connection.js";
import { compileCustomerMatch } from "./customer-sql.js";
import { customerWindows } from "./customer-windows.js";
import { EVENT_COLUMNS, EventRow, Int64 } from "./event-row.js";
import { compileAggregationValue, compileEligibility, compileFilter, compileMetadataQuery } from "./filter-sql.js";
import { insertEvents } from "./insert-events.js";
import { migrate } from "./migrate.js";
import { inList, integerLiteral, millisecondsLiteral, quoteString } from "./sql-literal.js";

const Total = z.object({ total: Int64 });
const Found = z.object({ found: z.number() });

const NameRow = z
  .object({
    name: z.string(),
    source: z.enum(["user", "system"]),
    occurrences: Int64,
    first_seen: Int64,
    last_seen: Int64,
  })
  .transform(
    (row): EventNameRow => ({
      name: row.name,
      source: row.source,
      occurrences: row.occurrences,
      firstSeen: new Date(row.first_seen),
      lastSeen: new Date(row.last_seen),
    }),
  );

const BucketRow = z.object({
  bucket: z.number().int(),
  events: Int64,
  value_count: Int64,
  value_sum: z.number().nullable(),
  value_min: z.number().nullable(),
  value_max: z.number().nullable(),
});

const NAME_SORT_COLUMNS: Record<EventNameQuery["sort"][number]["property"], string> = {
  // Byte order of UTF-8 is code-point order, as the reference and Postgres (COLLATE "C") sort.
  name: "name",
  occurrences: "occurrences",
  first_seen: "first_seen",
  last_seen: "last_seen",
};

const direction = (sort: { direction: "asc" | "desc" }) => (sort.direction === "desc" ? "DESC" : "ASC");

/**
 * Raw events in ClickHouse (`events_v1`, schema/0001_events.sql); meter reads compile filters to
 * SQL that 18.16 and current releases both run. Mirrors PostgresEventStore, held to the same
 * contract suite.
 */
export class ClickHouseEventStore implements EventStore {
  constructor(
    private readonly connection: ClickHouseConnection,
    private readonly ownsConnection = false,
  ) {}

  /** Connects, creates the database and applies pending schema files; `close` disconnects. */
  static async open(options: ClickHouseConnectionOptions): Promise<ClickHouseEventStore> {
    const connection = ClickHouseConnection.open(options);
    await migrate(connection);
    return new ClickHouseEventStore(connection, true);
  }

  insert(events: StoredEvent[]): Promise<Map<string, InsertOutcome>> {
    return insertEvents(this.connection, events);
  }

  /** Through the id claim, which names the row's sorting key, so only one granule is read. */
  async findByExternalIds(organizationId: string, externalIds: string[]): Promise<StoredEvent[]> {
    if (externalIds.length === 0) return [];
    // The claims table is sorted by (organization_id, external_id): it finds the event ids, and
    // the ids' own claims locate the rows without scanning the organization.
    const rows = await this.connection.query({
      sql: `SELECT ${EVENT_COLUMNS} FROM events_v1
        WHERE (organization_id, customer_key, name, log_offset) IN (
            SELECT organization_id, customer_key, name, log_offset FROM event_ids_v1
            WHERE id IN (
              SELECT event_id FROM event_external_ids_v1
              WHERE organization_id = ${quoteString(organizationId)} AND ${inList("external_id", externalIds)}))
          AND organization_id = ${quoteString(organizationId)} AND ${inList("external_id", externalIds)}
        LIMIT 1 BY id`,
      row: EventRow,
    });
    return rows.sort((a, b) => a.position.offset - b.position.offset);
  }

  async get(organizationIds: string[], id: string): Promise<StoredEvent | null> {
    if (organizationIds.length === 0) return null;
    const organizations = inList("organization_id", organizationIds);
    const rows = await this.connection.query({
      sql: `SELECT ${EVENT_COLUMNS} FROM events_v1
        WHERE (organization_id, customer_key, name, log_offset) IN (
            SELECT organization_id, customer_key, name, log_offset FROM event_ids_v1
            WHERE id = ${quoteString(id)} AND ${organizations})
          AND id = ${quoteString(id)} AND ${organizations}
        LIMIT 1`,
      row: EventRow,
    });
    return rows[0] ?? null;
  }

  async list(query: EventListQuery): Promise<{ items: StoredEvent[]; total: number }> {
    const where = [inList("organization_id", query.organizationIds)];
    if (query.filter !== undefined) where.push(compileFilter(query.filter));
    if (query.aggregation !== undefined) where.push(compileEligibility(query.aggregation));
    if (query.startTimestamp !== undefined) where.push(`timestamp_ms > ${millisecondsLiteral(query.startTimestamp)}`);
    if (query.endTimestamp !== undefined) where.push(`timestamp_ms < ${millisecondsLiteral(query.endTimestamp)}`);
    if (query.customer !== undefined) where.push(compileCustomerMatch(query.customer));
    if (query.names !== undefined) where.push(inList("name", query.names));
    if (query.sources !== undefined) where.push(inList("source", query.sources));
    if (query.metadata !== undefined) where.push(compileMetadataQuery(query.metadata));
    const whereSql = where.join(" AND ");
    const order = query.sort.map((sort) => `timestamp_ms ${direction(sort)}`);
    // Ties on timestamp are broken by log order so pages are stable (as in Postgres).
    const tieBreak = query.sort[0]?.direction === "asc" ? "log_offset ASC" : "log_offset DESC";
    const [totals, items] = await Promise.all([
      this.connection.query({ sql: `SELECT count() AS total FROM events_v1 WHERE ${whereSql}`, row: Total }),
      this.connection.query({
        sql: `SELECT ${EVENT_COLUMNS} FROM events_v1 WHERE ${whereSql}
          ORDER BY ${[...order, tieBreak].join(", ")}
          LIMIT ${integerLiteral(query.limit)} OFFSET ${integerLiteral(query.offset)}`,
        row: EventRow,
      }),
    ]);
    return { items, total: totals[0]?.total ?? 0 };
  }

  async names(query: EventNameQuery): Promise<{ items: EventNameRow[]; total: number }> {
    const where = [inList("organization_id", query.organizationIds)];
    if (query.customer !== undefined) where.push(compileCustomerMatch(query.customer));
    if (query.sources !== undefined) where.push(inList("source", query.sources));
    if (query.query !== undefined && query.query !== "") {
      // A literal substring (no wildcards), case-insensitive over Unicode letters.
      where.push(`positionCaseInsensitiveUTF8(name, ${quoteString(query.query)}) > 0`);
    }
    const grouped = `SELECT name, source, count() AS occurrences, min(timestamp_ms) AS first_seen,
        max(timestamp_ms) AS last_seen
      FROM events_v1 WHERE ${where.join(" AND ")} GROUP BY name, source`;
    const order = query.sort.map((sort) => `${NAME_SORT_COLUMNS[sort.property]} ${direction(sort)}`);
    const [totals, items] = await Promise.all([
      this.connection.query({ sql: `SELECT count() AS total FROM (${grouped})`, row: Total }),
      this.connection.query({
        sql: `${grouped} ORDER BY ${[...order, "name ASC", "source ASC"].join(", ")}
          LIMIT ${integerLiteral(query.limit)} OFFSET ${integerLiteral(query.offset)}`,
        row: NameRow,
      }),
    ]);
    return { items, total: totals[0]?.total ?? 0 };
  }

  /**
   * Bucket i (1-based) holds b(i-1) <= timestamp < b(i): the index of the first boundary after the
   * event, found by comparing with the boundary literals (18.16 has no toStartOfInterval, and the
   * boundaries are time-zone-aware calendar instants computed by the core anyway).
   */
  async quantities(query: QuantitiesQuery): Promise<AggregateState[]> {
    const periods = query.boundaries.length - 1;
    if (periods < 1) return [];
    const first = query.boundaries[0] as Date;
    const last = query.boundaries[periods] as Date;
    const where = [
      `organization_id = ${quoteString(query.organizationId)}`,
      `timestamp_ms >= ${millisecondsLiteral(first)}`,
      `timestamp_ms < ${millisecondsLiteral(last)}`,
      compileFilter(query.filter),
      compileEligibility(query.aggregation),
    ];
    if (query.customer !== undefined) where.push(compileCustomerMatch(query.customer));
    if (query.metadata !== undefined) where.push(compileMetadataQuery(query.metadata));
    const ends = query.boundaries.slice(1).map(millisecondsLiteral).join(", ");
    const rows = await this.connection.query({
      sql: `SELECT bucket, count() AS events, count(v) AS value_count, sum(v) AS value_sum, min(v) AS value_min,
          max(v) AS value_max
        FROM (
          SELECT arrayFirstIndex(boundary -> boundary > timestamp_ms, [${ends}]) AS bucket,
            ${compileAggregationValue(query.aggregation)} AS v
          FROM events_v1 WHERE ${where.join(" AND ")}
        )
        GROUP BY bucket`,
      row: BucketRow,
    });
    const partials = Array.from({ length: periods }, () => toAggregateState(0, 0, null, null, null));
    for (const row of rows) {
      if (row.bucket < 1 || row.bucket > periods) continue;
      partials[row.bucket - 1] = toAggregateState(
        row.events,
        row.value_count,
        row.value_sum,
        row.value_min,
        row.value_max,
      );
    }
    return partials;
  }

  customerWindows(query: CustomerWindowQuery): Promise<CustomerWindow[]> {
    return customerWindows(this.connection, query);
  }

  async customersWithEventsBefore(
    organizationId: string,
    customers: readonly CustomerKeys[],
    before: LogPosition,
  ): Promise<Set<string>> {
    if (customers.length === 0) return new Set();
    const externalIds = customers.flatMap((customer) => (customer.externalId === null ? [] : [customer.externalId]));
    const match = compileCustomerMatch({
      customerIds: customers.map((customer) => customer.id),
      externalCustomerIds: externalIds,
    });
    const rows = await this.connection.query({
      sql: `SELECT DISTINCT customer_id, external_customer_id FROM events_v1
        WHERE organization_id = ${quoteString(organizationId)} AND ${match}
          AND log_offset < ${integerLiteral(before.offset)}`,
      row: z.object({ customer_id: z.string().nullable(), external_customer_id: z.string().nullable() }),
    });
    const ids = new Set(rows.flatMap((row) => (row.customer_id === null ? [] : [row.customer_id])));
    const external = new Set(
      rows.flatMap((row) => (row.external_customer_id === null ? [] : [row.external_customer_id])),
    );
    return new Set(
      customers
        .filter(
          (customer) => ids.has(customer.id) || (customer.externalId !== null && external.has(customer.externalId)),
        )
        .map((customer) => customer.id),
    );
  }

  async anyMatching(organizationId: string, filter: Filter, aggregation: Aggregation): Promise<boolean> {
    const rows = await this.connection.query({
      sql: `SELECT 1 AS found FROM events_v1
        WHERE organization_id = ${quoteString(organizationId)} AND ${compileFilter(filter)}
          AND ${compileEligibility(aggregation)}
        LIMIT 1`,
      row: Found,
    });
    return rows.length > 0;
  }

  /** Asks the server even for no organizations (`WHERE 0`), as Postgres does: callers use it as a probe. */
  async count(organizationIds: string[]): Promise<number> {
    const rows = await this.connection.query({
      sql: `SELECT count() AS total FROM events_v1 WHERE ${inList("organization_id", organizationIds)}`,
      row: Total,
    });
    return rows[0]?.total ?? 0;
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.connection.close();
  }
}
