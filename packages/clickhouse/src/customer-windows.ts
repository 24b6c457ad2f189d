import type { CustomerWindow, CustomerWindowQuery, LogPosition } from "@meterline/core";
import { z } from "zod";
import { toAggregateState } from "./aggregate-row.js";
import type { ClickHouseConnection } from "./clickhouse-connection.js";
import { compileCustomerMatch } from "./customer-sql.js";
import { Int64, METADATA_TYPE } from "./event-row.js";
import { compileAggregationValue, compileEligibility, compileFilter, metadataSlot } from "./filter-sql.js";
import { inList, integerLiteral, quoteString } from "./sql-literal.js";

const Reset = z.object({ meter_id: z.string(), reset_partition: z.number().int(), reset_offset: Int64 });

const Credit = z.object({ meter_id: z.string(), units: z.number(), rollover: z.number(), log_offset: Int64 });

/** One meter's aggregates, a tuple of the `windows` array (see `meterColumns`). */
const MeterAggregates = z.tuple([
  Int64, // usage count
  Int64, // value count
  z.number().nullable(), // sum
  z.number().nullable(), // min
  z.number().nullable(), // max
  Int64, // window events
  z.number().int(), // last partition
  Int64, // last offset
  z.string(), // last id
]);
const Windows = z.object({ windows: z.array(MeterAggregates) });

const METER_ID = metadataSlot("meter_id");
/** `metadata.meter_id` as Postgres's `metadata->>'meter_id'` reads it; a missing key is never a match. */
const meterIdIs = (meterIds: string[]) => `(${METER_ID.type} != 0 AND ${inList(METER_ID.text, meterIds)})`;

/**
 * Every meter's window for one customer in three queries, whatever the number of meters (the same
 * semantics as PostgresEventStore): the latest resets in log order, one scan of the customer's
 * events since the earliest of them with per-meter conditional aggregates, and the credits.
 */
export async function customerWindows(
  connection: ClickHouseConnection,
  query: CustomerWindowQuery,
): Promise<CustomerWindow[]> {
  const { organizationId, customer, meters } = query;
  if (meters.length === 0) return [];
  const meterIds = meters.map((meter) => meter.id);
  // Without `until` the window is open-ended.
  const before = query.until === undefined ? "1" : `log_offset < ${integerLiteral(query.until.offset)}`;
  // System events always carry customer_id, so resets and credits sit under that customer key.
  const systemEventsOf = (name: string) =>
    `organization_id = ${quoteString(organizationId)} AND customer_key = ${quoteString(customer.id)}
      AND customer_id = ${quoteString(customer.id)} AND source = 'system' AND name = ${quoteString(name)}
      AND ${meterIdIs(meterIds)}`;

  const resets = await connection.query({
    sql: `SELECT ${METER_ID.text} AS meter_id, argMax(log_partition, log_offset) AS reset_partition,
        max(log_offset) AS reset_offset
      FROM events_v1 WHERE ${systemEventsOf("meter.reset")} AND ${before}
      GROUP BY meter_id`,
    row: Reset,
  });
  const windowStart = new Map<string, LogPosition>(
    resets.map((row) => [row.meter_id, { partition: row.reset_partition, offset: row.reset_offset }]),
  );
  const startOf = (meterId: string) => windowStart.get(meterId)?.offset ?? -1;
  const earliest = Math.min(...meterIds.map(startOf));

  const customerMatch = compileCustomerMatch({
    customerIds: [customer.id],
    externalCustomerIds: customer.externalId === null ? [] : [customer.externalId],
  });
  const [aggregates] = await connection.query({
    sql: `SELECT [${meters.map((meter) => meterColumns(meter, startOf(meter.id))).join(",\n")}] AS windows
      FROM events_v1
      WHERE organization_id = ${quoteString(organizationId)} AND ${customerMatch}
        AND log_offset >= ${integerLiteral(earliest)} AND ${before}`,
    row: Windows,
  });
  const credits = await connection.query({
    sql: `SELECT ${METER_ID.text} AS meter_id, ${numberOf("units")} AS units, ${booleanOf("rollover")} AS rollover, log_offset
      FROM events_v1
      WHERE ${systemEventsOf("meter.credited")} AND log_offset >= ${integerLiteral(earliest)} AND ${before}
      ORDER BY log_offset`,
    row: Credit,
  });

  return meters.map((meter, i) => {
    // An aggregate without GROUP BY yields exactly one row, with one tuple per meter.
    const window = aggregates?.windows[i];
    if (window === undefined) throw new Error(`No aggregates for meter ${meter.id}`);
    const [count, valueCount, sum, min, max, events, lastPartition, lastOffset, lastId] = window;
    const hasEvents = events > 0;
    return {
      meterId: meter.id,
      windowStart: windowStart.get(meter.id) ?? null,
      hasEvents,
      usage: toAggregateState(count, valueCount, sum, min, max),
      credits: credits
        .filter((credit) => credit.meter_id === meter.id && credit.log_offset >= startOf(meter.id))
        .map((credit) => ({ units: credit.units, rollover: credit.rollover === 1 })),
      lastPosition: hasEvents ? { partition: lastPartition, offset: lastOffset } : null,
      lastEventId: hasEvents ? lastId : null,
    };
  });
}

/**
 * Window members are the meter's matching events (any source) and its own credits and resets;
 * usage is the `user` members matching filter AND eligibility (spec metering §6.2).
 */
function meterColumns(meter: CustomerWindowQuery["meters"][number], start: number): string {
  const inWindow = `log_offset >= ${integerLiteral(start)}`;
  const matches = `(${compileFilter(meter.filter)} AND ${compileEligibility(meter.aggregation)})`;
  const own = `(source = 'system' AND name IN ('meter.credited', 'meter.reset') AND ${meterIdIs([meter.id])})`;
  const usage = `(${inWindow} AND source = 'user' AND ${matches})`;
  const member = `(${inWindow} AND (${matches} OR ${own}))`;
  const value = `if(${usage}, ${compileAggregationValue(meter.aggregation)}, NULL)`;
  return `tuple(countIf(${usage}), count(${value}), sum(${value}), min(${value}), max(${value}),
    countIf(${member}), argMaxIf(log_partition, log_offset, ${member}), maxIf(log_offset, ${member}),
    argMaxIf(id, log_offset, ${member}))`;
}

/** System metadata is written by Meterline: units are numbers; anything else fails the row's schema. */
function numberOf(key: string): string {
  const slot = metadataSlot(key);
  return `if(${slot.type} = ${METADATA_TYPE.number}, ${slot.number}, NULL)`;
}

function booleanOf(key: string): string {
  const slot = metadataSlot(key);
  return `(${slot.type} = ${METADATA_TYPE.boolean} AND ${slot.number} = 1.0)`;
}
