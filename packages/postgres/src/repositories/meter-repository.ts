import { type Aggregation, canonicalMetadataJson, type Filter, type Metadata, type Meter } from "@meterline/core";
import { compileMetadataQuery } from "../filter-sql.js";
import { Params, type SqlClient } from "../sql-client.js";
import { orderBySql, type Page, pageSql, type SortSpec } from "./sort-sql.js";

interface MeterRow {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  name: string;
  filter: Filter;
  aggregation: Aggregation;
  metadata: Metadata;
  locked_at: Date | null;
}

export type MeterSortProperty = "created_at" | "name";
const SORT_COLUMNS: Record<MeterSortProperty, string> = { created_at: "created_at", name: "name" };

function toMeter(row: MeterRow): Meter {
  return {
    id: row.id,
    organizationId: row.organization_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    name: row.name,
    filter: row.filter,
    aggregation: row.aggregation,
    metadata: row.metadata,
    lockedAt: row.locked_at,
  };
}

export class MeterRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(meter: Meter): Promise<void> {
    await this.db.query(
      `INSERT INTO meters (id, organization_id, created_at, modified_at, name, filter, aggregation, metadata, locked_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9)`,
      meterValues(meter),
    );
  }

  async update(meter: Meter): Promise<void> {
    await this.db.query(
      `UPDATE meters SET organization_id = $2, created_at = $3, modified_at = $4, name = $5, filter = $6::jsonb,
         aggregation = $7::jsonb, metadata = $8::jsonb, locked_at = $9
       WHERE id = $1`,
      meterValues(meter),
    );
  }

  async get(scope: readonly string[], id: string): Promise<Meter | null> {
    const rows = await this.db.query<MeterRow>(
      "SELECT * FROM meters WHERE id = $1 AND organization_id = ANY($2::uuid[])",
      [id, scope],
    );
    return rows[0] === undefined ? null : toMeter(rows[0]);
  }

  async getMany(scope: readonly string[], ids: readonly string[]): Promise<Meter[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<MeterRow>(
      "SELECT * FROM meters WHERE id = ANY($1::uuid[]) AND organization_id = ANY($2::uuid[])",
      [ids, scope],
    );
    return rows.map(toMeter);
  }

  /** Every meter of an organization, oldest first (the materializer evaluates them all). */
  async listForOrganization(organizationId: string): Promise<Meter[]> {
    const rows = await this.db.query<MeterRow>(
      "SELECT * FROM meters WHERE organization_id = $1 ORDER BY created_at, id",
      [organizationId],
    );
    return rows.map(toMeter);
  }

  async list(query: {
    scope: readonly string[];
    query?: string;
    metadata?: Record<string, string[]>;
    sort: ReadonlyArray<SortSpec<MeterSortProperty>>;
    page: Page;
  }): Promise<{ items: Meter[]; total: number }> {
    const params = new Params();
    const where = [`organization_id = ANY(${params.add(query.scope)}::uuid[])`];
    if (query.query !== undefined && query.query !== "") {
      where.push(`strpos(lower(name), ${params.add(query.query.toLowerCase())}) > 0`);
    }
    if (query.metadata !== undefined) where.push(compileMetadataQuery(query.metadata, params));
    const whereSql = where.join(" AND ");
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(`SELECT count(*)::int8 AS total FROM meters WHERE ${whereSql}`, params.values),
      this.db.query<MeterRow>(
        `SELECT * FROM meters WHERE ${whereSql} ORDER BY ${orderBySql(query.sort, SORT_COLUMNS, "id")} ${pageSql(query.page)}`,
        params.values,
      ),
    ]);
    return { items: rows.map(toMeter), total: count[0]?.total ?? 0 };
  }
}

function meterValues(m: Meter): unknown[] {
  return [
    m.id,
    m.organizationId,
    m.createdAt,
    m.modifiedAt,
    m.name,
    JSON.stringify(m.filter),
    JSON.stringify(m.aggregation),
    canonicalMetadataJson(m.metadata),
    m.lockedAt,
  ];
}
