import { type Address, type Customer, canonicalMetadataJson, type Metadata } from "@meterline/core";
import { compileMetadataQuery } from "../filter-sql.js";
import { Params, type SqlClient } from "../sql-client.js";
import { orderBySql, type Page, pageSql, type SortSpec } from "./sort-sql.js";

interface CustomerRow {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
  email: string;
  email_verified: boolean;
  name: string | null;
  external_id: string | null;
  billing_address: Address | null;
  tax_id: Array<string | null> | null;
  metadata: Metadata;
}

export type CustomerSortProperty = "created_at" | "email" | "name";
const SORT_COLUMNS: Record<CustomerSortProperty, string> = { created_at: "created_at", email: "email", name: "name" };

export function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    organizationId: row.organization_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    deletedAt: row.deleted_at,
    email: row.email,
    emailVerified: row.email_verified,
    name: row.name,
    externalId: row.external_id,
    billingAddress: row.billing_address,
    taxId: row.tax_id,
    metadata: row.metadata,
  };
}

export interface CustomerListQuery {
  scope: readonly string[];
  email?: string;
  query?: string;
  metadata?: Record<string, string[]>;
  sort: ReadonlyArray<SortSpec<CustomerSortProperty>>;
  page: Page;
}

export class CustomerRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(customer: Customer): Promise<void> {
    await this.db.query(
      `INSERT INTO customers (id, organization_id, created_at, modified_at, deleted_at, email, email_verified, name,
         external_id, billing_address, tax_id, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::jsonb)`,
      customerValues(customer),
    );
  }

  async update(customer: Customer): Promise<void> {
    await this.db.query(
      `UPDATE customers SET organization_id = $2, created_at = $3, modified_at = $4, deleted_at = $5, email = $6,
         email_verified = $7, name = $8, external_id = $9, billing_address = $10::jsonb, tax_id = $11::jsonb,
         metadata = $12::jsonb
       WHERE id = $1`,
      customerValues(customer),
    );
  }

  async get(scope: readonly string[], id: string): Promise<Customer | null> {
    const rows = await this.db.query<CustomerRow>(
      "SELECT * FROM customers WHERE id = $1 AND organization_id = ANY($2::uuid[]) AND deleted_at IS NULL",
      [id, scope],
    );
    return rows[0] === undefined ? null : toCustomer(rows[0]);
  }

  async getByExternalId(scope: readonly string[], externalId: string): Promise<Customer | null> {
    const rows = await this.db.query<CustomerRow>(
      `SELECT * FROM customers WHERE external_id = $1 AND organization_id = ANY($2::uuid[]) AND deleted_at IS NULL
       ORDER BY created_at LIMIT 1`,
      [externalId, scope],
    );
    return rows[0] === undefined ? null : toCustomer(rows[0]);
  }

  /** Live customers of one organization holding this email (case-insensitive) or external id. */
  async findConflicts(
    organizationId: string,
    email: string | null,
    externalId: string | null,
    exceptId?: string,
  ): Promise<{ email: boolean; externalId: boolean }> {
    const rows = await this.db.query<{ email_taken: boolean; external_taken: boolean }>(
      `SELECT
         EXISTS (SELECT 1 FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND lower(email) = lower($2)
           AND id IS DISTINCT FROM $4::uuid) AS email_taken,
         EXISTS (SELECT 1 FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND external_id = $3
           AND id IS DISTINCT FROM $4::uuid) AS external_taken`,
      [organizationId, email, externalId, exceptId ?? null],
    );
    return { email: rows[0]?.email_taken === true, externalId: rows[0]?.external_taken === true };
  }

  async list(query: CustomerListQuery): Promise<{ items: Customer[]; total: number }> {
    const params = new Params();
    const where = [`organization_id = ANY(${params.add(query.scope)}::uuid[])`, "deleted_at IS NULL"];
    if (query.email !== undefined) where.push(`lower(email) = lower(${params.add(query.email)})`);
    if (query.query !== undefined && query.query !== "") {
      const needle = params.add(query.query.toLowerCase());
      where.push(
        `(strpos(lower(email), ${needle}) > 0 OR strpos(lower(coalesce(name, '')), ${needle}) > 0 OR strpos(lower(coalesce(external_id, '')), ${needle}) > 0)`,
      );
    }
    if (query.metadata !== undefined) where.push(compileMetadataQuery(query.metadata, params));
    const whereSql = where.join(" AND ");
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(
        `SELECT count(*)::int8 AS total FROM customers WHERE ${whereSql}`,
        params.values,
      ),
      this.db.query<CustomerRow>(
        `SELECT * FROM customers WHERE ${whereSql} ORDER BY ${orderBySql(query.sort, SORT_COLUMNS, "id")} ${pageSql(query.page)}`,
        params.values,
      ),
    ]);
    return { items: rows.map(toCustomer), total: count[0]?.total ?? 0 };
  }

  /** Live customers of `scope` among `ids` (ingest checks `customer_id` against this). */
  async existingIds(scope: readonly string[], ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.query<{ id: string; organization_id: string }>(
      "SELECT id, organization_id FROM customers WHERE id = ANY($1::uuid[]) AND organization_id = ANY($2::uuid[]) AND deleted_at IS NULL",
      [ids, scope],
    );
    return new Map(rows.map((row) => [row.id, row.organization_id]));
  }

  /** The live customers of one organization an event may name by `customer_id` or `external_customer_id`. */
  async resolve(organizationId: string, ids: readonly string[], externalIds: readonly string[]): Promise<Customer[]> {
    if (ids.length === 0 && externalIds.length === 0) return [];
    const rows = await this.db.query<CustomerRow>(
      `SELECT * FROM customers WHERE organization_id = $1 AND deleted_at IS NULL
         AND (id = ANY($2::uuid[]) OR external_id = ANY($3::text[]))`,
      [organizationId, ids, externalIds],
    );
    return rows.map(toCustomer);
  }

  async getMany(scope: readonly string[], ids: readonly string[]): Promise<Customer[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<CustomerRow>(
      "SELECT * FROM customers WHERE id = ANY($1::uuid[]) AND organization_id = ANY($2::uuid[])",
      [ids, scope],
    );
    return rows.map(toCustomer);
  }

  /** Live customers of `scope` whose external id is among `externalIds`. */
  async getManyByExternalId(scope: readonly string[], externalIds: readonly string[]): Promise<Customer[]> {
    if (externalIds.length === 0) return [];
    const rows = await this.db.query<CustomerRow>(
      "SELECT * FROM customers WHERE external_id = ANY($1::text[]) AND organization_id = ANY($2::uuid[]) AND deleted_at IS NULL",
      [externalIds, scope],
    );
    return rows.map(toCustomer);
  }
}

function customerValues(c: Customer): unknown[] {
  return [
    c.id,
    c.organizationId,
    c.createdAt,
    c.modifiedAt,
    c.deletedAt,
    c.email,
    c.emailVerified,
    c.name,
    c.externalId,
    c.billingAddress === null ? null : JSON.stringify(c.billingAddress),
    c.taxId === null ? null : JSON.stringify(c.taxId),
    canonicalMetadataJson(c.metadata),
  ];
}
