import type { AggregateState, CustomerMeterState, LogPosition } from "@meterline/core";
import { Params, type SqlClient } from "../sql-client.js";
import { orderBySql, type Page, pageSql, type SortSpec } from "./sort-sql.js";

/** A customer meter as the API shows it. */
export interface CustomerMeter {
  id: string;
  organizationId: string;
  customerId: string;
  meterId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  consumedUnits: number;
  creditedUnits: number;
  balance: number;
}

/** The materializer's full row: the shown figures plus the incremental state behind them. */
export interface CustomerMeterRecord extends CustomerMeter {
  state: CustomerMeterState;
  /** Every log record up to here is reflected. */
  appliedThrough: LogPosition | null;
  stale: boolean;
  /** The row's stale-mark generation when it was read (guards concurrent stale marks). */
  generation: number;
}

interface CustomerMeterRow {
  id: string;
  organization_id: string;
  customer_id: string;
  meter_id: string;
  created_at: Date;
  modified_at: Date | null;
  visible: boolean;
  stale: boolean;
  window_partition: number | null;
  window_offset: number | null;
  usage_count: number;
  usage_value_count: number;
  usage_sum: number;
  usage_min: number | null;
  usage_max: number | null;
  credited_units: number;
  consumed_units: number;
  balance: number;
  applied_partition: number | null;
  applied_offset: number | null;
  last_event_id: string | null;
  generation: number;
}

export type CustomerMeterSortProperty =
  | "created_at"
  | "modified_at"
  | "customer_id"
  | "customer_name"
  | "meter_id"
  | "meter_name"
  | "consumed_units"
  | "credited_units"
  | "balance";

const SORT_COLUMNS: Record<CustomerMeterSortProperty, string> = {
  created_at: "cm.created_at",
  modified_at: "coalesce(cm.modified_at, cm.created_at)",
  customer_id: "cm.customer_id",
  customer_name: "c.name",
  meter_id: "cm.meter_id",
  meter_name: "m.name",
  consumed_units: "cm.consumed_units",
  credited_units: "cm.credited_units",
  balance: "cm.balance",
};

function toCustomerMeter(row: CustomerMeterRow): CustomerMeter {
  return {
    id: row.id,
    organizationId: row.organization_id,
    customerId: row.customer_id,
    meterId: row.meter_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    consumedUnits: row.consumed_units,
    creditedUnits: row.credited_units,
    balance: row.balance,
  };
}

function toRecord(row: CustomerMeterRow): CustomerMeterRecord {
  const usage: AggregateState = {
    count: row.usage_count,
    valueCount: row.usage_value_count,
    sum: row.usage_sum,
    min: row.usage_min,
    max: row.usage_max,
  };
  return {
    ...toCustomerMeter(row),
    state: {
      visible: row.visible,
      windowStart:
        row.window_offset === null ? null : { partition: row.window_partition ?? 0, offset: row.window_offset },
      usage,
      credited: row.credited_units,
      lastEventId: row.last_event_id,
    },
    appliedThrough:
      row.applied_offset === null ? null : { partition: row.applied_partition ?? 0, offset: row.applied_offset },
    stale: row.stale,
    generation: row.generation,
  };
}

export interface CustomerMeterListQuery {
  scope: readonly string[];
  customerIds?: string[];
  /** Matched against the customer's external id (not against events). */
  externalCustomerIds?: string[];
  meterIds?: string[];
  sort: ReadonlyArray<SortSpec<CustomerMeterSortProperty>>;
  page: Page;
}

export class CustomerMeterRepository {
  constructor(private readonly db: SqlClient) {}

  async get(scope: readonly string[], id: string): Promise<CustomerMeter | null> {
    const rows = await this.db.query<CustomerMeterRow>(
      `SELECT * FROM customer_meters
       WHERE id = $1 AND organization_id = ANY($2::uuid[]) AND visible AND deleted_at IS NULL`,
      [id, scope],
    );
    return rows[0] === undefined ? null : toCustomerMeter(rows[0]);
  }

  async list(query: CustomerMeterListQuery): Promise<{ items: CustomerMeter[]; total: number }> {
    const params = new Params();
    const where = [
      `cm.organization_id = ANY(${params.add(query.scope)}::uuid[])`,
      "cm.visible",
      "cm.deleted_at IS NULL",
    ];
    if (query.customerIds !== undefined) where.push(`cm.customer_id = ANY(${params.add(query.customerIds)}::uuid[])`);
    if (query.externalCustomerIds !== undefined) {
      where.push(`c.external_id = ANY(${params.add(query.externalCustomerIds)}::text[])`);
    }
    if (query.meterIds !== undefined) where.push(`cm.meter_id = ANY(${params.add(query.meterIds)}::uuid[])`);
    const from = "customer_meters cm JOIN customers c ON c.id = cm.customer_id JOIN meters m ON m.id = cm.meter_id";
    const whereSql = where.join(" AND ");
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(`SELECT count(*)::int8 AS total FROM ${from} WHERE ${whereSql}`, params.values),
      this.db.query<CustomerMeterRow>(
        `SELECT cm.* FROM ${from} WHERE ${whereSql}
         ORDER BY ${orderBySql(query.sort, SORT_COLUMNS, "cm.id")} ${pageSql(query.page)}`,
        params.values,
      ),
    ]);
    return { items: rows.map(toCustomerMeter), total: count[0]?.total ?? 0 };
  }

  /** A customer's shown meters, oldest first (customer state `active_meters`). */
  async listForCustomer(customerId: string): Promise<CustomerMeter[]> {
    const rows = await this.db.query<CustomerMeterRow>(
      `SELECT * FROM customer_meters WHERE customer_id = $1 AND visible AND deleted_at IS NULL
       ORDER BY created_at, id`,
      [customerId],
    );
    return rows.map(toCustomerMeter);
  }

  /** Full rows (shown or not) for these customers: the materializer's working set. */
  async loadRecords(organizationId: string, customerIds: readonly string[]): Promise<CustomerMeterRecord[]> {
    if (customerIds.length === 0) return [];
    const rows = await this.db.query<CustomerMeterRow>(
      "SELECT * FROM customer_meters WHERE organization_id = $1 AND customer_id = ANY($2::uuid[]) AND deleted_at IS NULL",
      [organizationId, customerIds],
    );
    return rows.map(toRecord);
  }

  /**
   * Writes rows in one statement. A row marked stale after it was read keeps its stale mark
   * (its generation moved on), so the next record recomputes it again. `usage_at` moves only when
   * user events changed the usage (a reset or a credit leaves it), for usage announcements.
   */
  async save(records: readonly CustomerMeterRecord[]): Promise<void> {
    if (records.length === 0) return;
    const column = <T>(pick: (r: CustomerMeterRecord) => T) => records.map(pick);
    await this.db.query(
      `INSERT INTO customer_meters (id, organization_id, customer_id, meter_id, created_at, modified_at, visible, stale,
         window_partition, window_offset, usage_count, usage_value_count, usage_sum, usage_min, usage_max,
         credited_units, consumed_units, balance, applied_partition, applied_offset, last_event_id, generation, usage_at)
       SELECT u.*, CASE WHEN u.usage_count > 0 THEN u.modified_at END
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[],
         $7::boolean[], $8::boolean[], $9::int[], $10::int8[], $11::int8[], $12::int8[], $13::float8[], $14::float8[],
         $15::float8[], $16::int8[], $17::float8[], $18::float8[], $19::int[], $20::int8[], $21::uuid[], $22::int[])
         AS u(id, organization_id, customer_id, meter_id, created_at, modified_at, visible, stale, window_partition,
           window_offset, usage_count, usage_value_count, usage_sum, usage_min, usage_max, credited_units,
           consumed_units, balance, applied_partition, applied_offset, last_event_id, generation)
       ON CONFLICT (customer_id, meter_id) DO UPDATE SET
         usage_at = CASE
           WHEN excluded.usage_count > 0 AND (customer_meters.usage_count IS DISTINCT FROM excluded.usage_count
             OR customer_meters.usage_sum IS DISTINCT FROM excluded.usage_sum
             OR customer_meters.window_partition IS DISTINCT FROM excluded.window_partition
             OR customer_meters.window_offset IS DISTINCT FROM excluded.window_offset)
           THEN excluded.modified_at ELSE customer_meters.usage_at END,
         created_at = excluded.created_at, modified_at = excluded.modified_at, visible = excluded.visible,
         stale = CASE WHEN customer_meters.generation = excluded.generation THEN excluded.stale ELSE true END,
         window_partition = excluded.window_partition, window_offset = excluded.window_offset,
         usage_count = excluded.usage_count, usage_value_count = excluded.usage_value_count,
         usage_sum = excluded.usage_sum, usage_min = excluded.usage_min, usage_max = excluded.usage_max,
         credited_units = excluded.credited_units, consumed_units = excluded.consumed_units, balance = excluded.balance,
         applied_partition = excluded.applied_partition, applied_offset = excluded.applied_offset,
         last_event_id = excluded.last_event_id`,
      [
        column((r) => r.id),
        column((r) => r.organizationId),
        column((r) => r.customerId),
        column((r) => r.meterId),
        column((r) => r.createdAt),
        column((r) => r.modifiedAt),
        column((r) => r.state.visible),
        column((r) => r.stale),
        column((r) => r.state.windowStart?.partition ?? null),
        column((r) => r.state.windowStart?.offset ?? null),
        column((r) => r.state.usage.count),
        column((r) => r.state.usage.valueCount),
        column((r) => r.state.usage.sum),
        column((r) => r.state.usage.min),
        column((r) => r.state.usage.max),
        column((r) => r.creditedUnits),
        column((r) => r.consumedUnits),
        column((r) => r.balance),
        column((r) => r.appliedThrough?.partition ?? null),
        column((r) => r.appliedThrough?.offset ?? null),
        column((r) => r.state.lastEventId),
        column((r) => r.generation),
      ],
    );
  }

  /** The customer's events may now resolve differently (external id set): recompute on the next record. */
  async markStaleForCustomer(customerId: string): Promise<void> {
    await this.db.query("UPDATE customer_meters SET stale = true, generation = generation + 1 WHERE customer_id = $1", [
      customerId,
    ]);
  }

  /** The meter's definition changed: every row of it recomputes on the customer's next record. */
  async markStaleForMeter(meterId: string): Promise<void> {
    await this.db.query("UPDATE customer_meters SET stale = true, generation = generation + 1 WHERE meter_id = $1", [
      meterId,
    ]);
  }

  async deleteForCustomer(customerId: string, at: Date): Promise<void> {
    await this.db.query("UPDATE customer_meters SET deleted_at = $2 WHERE customer_id = $1 AND deleted_at IS NULL", [
      customerId,
      at,
    ]);
  }
}
