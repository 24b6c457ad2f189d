import {
  type Benefit,
  type BenefitGrant,
  type BenefitProperties,
  canonicalMetadataJson,
  type Metadata,
  type MeterCreditGrantProperties,
} from "@meterline/core";
import { Params, type SqlClient } from "../sql-client.js";
import { orderBySql, type Page, pageSql, type SortSpec } from "./sort-sql.js";

interface BenefitRow {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
  type: BenefitProperties["type"];
  description: string;
  properties: Record<string, unknown>;
  metadata: Metadata;
}

interface GrantRow {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  customer_id: string;
  benefit_id: string;
  subscription_id: string | null;
  order_id: string | null;
  granted_at: Date | null;
  revoked_at: Date | null;
  properties: MeterCreditGrantProperties;
}

export type BenefitSortProperty = "created_at" | "description";
const SORT_COLUMNS: Record<BenefitSortProperty, string> = { created_at: "created_at", description: "description" };

function toBenefit(row: BenefitRow): Benefit {
  const properties: BenefitProperties =
    row.type === "meter_credit"
      ? {
          type: "meter_credit",
          meterId: String(row.properties.meter_id),
          units: Number(row.properties.units),
          rollover: row.properties.rollover === true,
        }
      : { type: "custom", note: typeof row.properties.note === "string" ? row.properties.note : null };
  return {
    id: row.id,
    organizationId: row.organization_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    description: row.description,
    metadata: row.metadata,
    properties,
    deletedAt: row.deleted_at,
  };
}

function propertiesJson(properties: BenefitProperties): string {
  return JSON.stringify(
    properties.type === "meter_credit"
      ? { meter_id: properties.meterId, units: properties.units, rollover: properties.rollover }
      : { note: properties.note },
  );
}

export function toGrant(row: GrantRow): BenefitGrant {
  return {
    id: row.id,
    organizationId: row.organization_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    customerId: row.customer_id,
    benefitId: row.benefit_id,
    subscriptionId: row.subscription_id,
    orderId: row.order_id,
    grantedAt: row.granted_at,
    revokedAt: row.revoked_at,
    properties: row.properties,
  };
}

export class BenefitRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(benefit: Benefit): Promise<void> {
    await this.db.query(
      `INSERT INTO benefits (id, organization_id, created_at, modified_at, deleted_at, type, description, properties, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
      [
        benefit.id,
        benefit.organizationId,
        benefit.createdAt,
        benefit.modifiedAt,
        benefit.deletedAt,
        benefit.properties.type,
        benefit.description,
        propertiesJson(benefit.properties),
        canonicalMetadataJson(benefit.metadata),
      ],
    );
  }

  async update(benefit: Benefit): Promise<void> {
    await this.db.query(
      `UPDATE benefits SET modified_at = $2, deleted_at = $3, description = $4, properties = $5::jsonb, metadata = $6::jsonb
       WHERE id = $1`,
      [
        benefit.id,
        benefit.modifiedAt,
        benefit.deletedAt,
        benefit.description,
        propertiesJson(benefit.properties),
        canonicalMetadataJson(benefit.metadata),
      ],
    );
  }

  async get(scope: readonly string[], id: string): Promise<Benefit | null> {
    const [benefit] = await this.getMany(scope, [id]);
    return benefit ?? null;
  }

  /** Live benefits among `ids` (deleted ones are gone for the API, but grants still name them). */
  async getMany(
    scope: readonly string[],
    ids: readonly string[],
    options: { includeDeleted?: boolean } = {},
  ): Promise<Benefit[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<BenefitRow>(
      `SELECT * FROM benefits WHERE id = ANY($1::uuid[]) AND organization_id = ANY($2::uuid[])
       ${options.includeDeleted ? "" : "AND deleted_at IS NULL"}`,
      [ids, scope],
    );
    return rows.map(toBenefit);
  }

  async list(query: {
    scope: readonly string[];
    /** Any of these types (OR). */
    types?: readonly string[];
    query?: string;
    sort: ReadonlyArray<SortSpec<BenefitSortProperty>>;
    page: Page;
  }): Promise<{ items: Benefit[]; total: number }> {
    const params = new Params();
    const where = [`organization_id = ANY(${params.add(query.scope)}::uuid[])`, "deleted_at IS NULL"];
    if (query.types !== undefined) where.push(`type = ANY(${params.add(query.types)}::text[])`);
    if (query.query !== undefined && query.query !== "") {
      where.push(`strpos(lower(description), ${params.add(query.query.toLowerCase())}) > 0`);
    }
    const whereSql = where.join(" AND ");
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(`SELECT count(*)::int8 AS total FROM benefits WHERE ${whereSql}`, params.values),
      this.db.query<BenefitRow>(
        `SELECT * FROM benefits WHERE ${whereSql} ORDER BY ${orderBySql(query.sort, SORT_COLUMNS, "id")} ${pageSql(query.page)}`,
        params.values,
      ),
    ]);
    return { items: rows.map(toBenefit), total: count[0]?.total ?? 0 };
  }

  async insertGrant(grant: BenefitGrant): Promise<void> {
    await this.db.query(
      `INSERT INTO benefit_grants (id, organization_id, created_at, modified_at, customer_id, benefit_id, subscription_id,
         order_id, granted_at, revoked_at, properties)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)`,
      grantValues(grant),
    );
  }

  async updateGrant(grant: BenefitGrant): Promise<void> {
    await this.db.query(
      "UPDATE benefit_grants SET modified_at = $2, granted_at = $3, revoked_at = $4, properties = $5::jsonb WHERE id = $1",
      // Only the parameters the statement uses: an unused one has no type PostgreSQL can infer.
      [grant.id, grant.modifiedAt, grant.grantedAt, grant.revokedAt, JSON.stringify(grant.properties)],
    );
  }

  async grantsOfSubscription(subscriptionId: string): Promise<BenefitGrant[]> {
    const rows = await this.db.query<GrantRow>(
      "SELECT * FROM benefit_grants WHERE subscription_id = $1 ORDER BY created_at, id",
      [subscriptionId],
    );
    return rows.map(toGrant);
  }

  async grantsOfOrder(orderId: string): Promise<BenefitGrant[]> {
    const rows = await this.db.query<GrantRow>(
      "SELECT * FROM benefit_grants WHERE order_id = $1 ORDER BY created_at, id",
      [orderId],
    );
    return rows.map(toGrant);
  }

  /** A customer's granted (not revoked) grants, oldest first: customer state's `granted_benefits`. */
  async grantedToCustomer(customerId: string): Promise<BenefitGrant[]> {
    const rows = await this.db.query<GrantRow>(
      `SELECT * FROM benefit_grants WHERE customer_id = $1 AND granted_at IS NOT NULL AND revoked_at IS NULL
       ORDER BY granted_at, id`,
      [customerId],
    );
    return rows.map(toGrant);
  }

  async listGrants(query: {
    benefitId: string;
    isGranted?: boolean;
    customerIds?: string[];
    page: Page;
  }): Promise<{ items: BenefitGrant[]; total: number }> {
    const params = new Params();
    const where = [`benefit_id = ${params.add(query.benefitId)}`];
    if (query.isGranted === true) where.push("granted_at IS NOT NULL AND revoked_at IS NULL");
    if (query.isGranted === false) where.push("(granted_at IS NULL OR revoked_at IS NOT NULL)");
    if (query.customerIds !== undefined) where.push(`customer_id = ANY(${params.add(query.customerIds)}::uuid[])`);
    const whereSql = where.join(" AND ");
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(
        `SELECT count(*)::int8 AS total FROM benefit_grants WHERE ${whereSql}`,
        params.values,
      ),
      this.db.query<GrantRow>(
        `SELECT * FROM benefit_grants WHERE ${whereSql} ORDER BY created_at DESC, id ${pageSql(query.page)}`,
        params.values,
      ),
    ]);
    return { items: rows.map(toGrant), total: count[0]?.total ?? 0 };
  }
}

function grantValues(g: BenefitGrant): unknown[] {
  return [
    g.id,
    g.organizationId,
    g.createdAt,
    g.modifiedAt,
    g.customerId,
    g.benefitId,
    g.subscriptionId,
    g.orderId,
    g.grantedAt,
    g.revokedAt,
    JSON.stringify(g.properties),
  ];
}
