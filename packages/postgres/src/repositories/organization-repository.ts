import type { Organization } from "@meterline/core";
import { Params, type SqlClient } from "../sql-client.js";
import { orderBySql, type Page, pageSql, type SortSpec } from "./sort-sql.js";

interface OrganizationRow {
  id: string;
  created_at: Date;
  modified_at: Date | null;
  name: string;
  slug: string;
  avatar_url: string | null;
  email: string | null;
  website: string | null;
  socials: Organization["socials"];
  details: Record<string, unknown> | null;
  details_submitted_at: Date | null;
  feature_settings: Organization["featureSettings"];
  subscription_settings: Organization["subscriptionSettings"];
  blocked_at: Date | null;
}

export type OrganizationSortProperty = "created_at" | "slug" | "name";
const SORT_COLUMNS: Record<OrganizationSortProperty, string> = { created_at: "created_at", slug: "slug", name: "name" };

function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    name: row.name,
    slug: row.slug,
    avatarUrl: row.avatar_url,
    email: row.email,
    website: row.website,
    socials: row.socials,
    details: row.details,
    detailsSubmittedAt: row.details_submitted_at,
    featureSettings: row.feature_settings,
    subscriptionSettings: row.subscription_settings,
    blockedAt: row.blocked_at,
  };
}

export class OrganizationRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(organization: Organization): Promise<void> {
    await this.db.query(
      `INSERT INTO organizations (id, created_at, modified_at, name, slug, avatar_url, email, website, socials, details,
         details_submitted_at, feature_settings, subscription_settings, blocked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11, $12::jsonb, $13::jsonb, $14)`,
      organizationValues(organization),
    );
  }

  async update(organization: Organization): Promise<void> {
    await this.db.query(
      `UPDATE organizations SET created_at = $2, modified_at = $3, name = $4, slug = $5, avatar_url = $6, email = $7,
         website = $8, socials = $9::jsonb, details = $10::jsonb, details_submitted_at = $11, feature_settings = $12::jsonb,
         subscription_settings = $13::jsonb, blocked_at = $14
       WHERE id = $1`,
      organizationValues(organization),
    );
  }

  async get(id: string, scope: readonly string[]): Promise<Organization | null> {
    const rows = await this.db.query<OrganizationRow>(
      "SELECT * FROM organizations WHERE id = $1 AND id = ANY($2::uuid[])",
      [id, scope],
    );
    return rows[0] === undefined ? null : toOrganization(rows[0]);
  }

  async getBySlug(slug: string): Promise<Organization | null> {
    const rows = await this.db.query<OrganizationRow>("SELECT * FROM organizations WHERE slug = $1", [slug]);
    return rows[0] === undefined ? null : toOrganization(rows[0]);
  }

  async count(): Promise<number> {
    const rows = await this.db.query<{ total: number }>("SELECT count(*)::int8 AS total FROM organizations");
    return rows[0]?.total ?? 0;
  }

  async list(query: {
    scope: readonly string[];
    slug?: string;
    sort: ReadonlyArray<SortSpec<OrganizationSortProperty>>;
    page: Page;
  }): Promise<{ items: Organization[]; total: number }> {
    const params = new Params();
    const where = [`id = ANY(${params.add(query.scope)}::uuid[])`];
    if (query.slug !== undefined) where.push(`slug = ${params.add(query.slug)}`);
    const whereSql = where.join(" AND ");
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(
        `SELECT count(*)::int8 AS total FROM organizations WHERE ${whereSql}`,
        params.values,
      ),
      this.db.query<OrganizationRow>(
        `SELECT * FROM organizations WHERE ${whereSql} ORDER BY ${orderBySql(query.sort, SORT_COLUMNS, "id")} ${pageSql(query.page)}`,
        params.values,
      ),
    ]);
    return { items: rows.map(toOrganization), total: count[0]?.total ?? 0 };
  }
}

function organizationValues(o: Organization): unknown[] {
  return [
    o.id,
    o.createdAt,
    o.modifiedAt,
    o.name,
    o.slug,
    o.avatarUrl,
    o.email,
    o.website,
    JSON.stringify(o.socials),
    o.details === null ? null : JSON.stringify(o.details),
    o.detailsSubmittedAt,
    JSON.stringify(o.featureSettings),
    JSON.stringify(o.subscriptionSettings),
    o.blockedAt,
  ];
}
