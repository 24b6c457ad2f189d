import { canonicalMetadataJson, type Discount, type DiscountDuration, type Metadata } from "@meterline/core";
import { Params, type SqlClient } from "../sql-client.js";
import { orderBySql, type Page, pageSql, type SortSpec } from "./sort-sql.js";

interface DiscountRow {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
  name: string;
  code: string | null;
  type: "fixed" | "percentage";
  amount: number | null;
  currency: string | null;
  basis_points: number | null;
  duration: DiscountDuration;
  duration_in_months: number | null;
  starts_at: Date | null;
  ends_at: Date | null;
  max_redemptions: number | null;
  metadata: Metadata;
  redemptions_count: number;
  product_ids: string[] | null;
}

export type DiscountSortProperty = "created_at" | "name" | "code" | "redemptions_count";
const SORT_COLUMNS: Record<DiscountSortProperty, string> = {
  created_at: "d.created_at",
  name: "d.name",
  code: "d.code",
  redemptions_count: "redemptions_count",
};

const SELECT = `SELECT d.*,
    (SELECT count(*)::int8 FROM discount_redemptions r WHERE r.discount_id = d.id) AS redemptions_count,
    (SELECT array_agg(dp.product_id ORDER BY dp.product_id) FROM discount_products dp WHERE dp.discount_id = d.id) AS product_ids
  FROM discounts d`;

function toDiscount(row: DiscountRow): Discount {
  return {
    id: row.id,
    organizationId: row.organization_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    deletedAt: row.deleted_at,
    name: row.name,
    code: row.code,
    terms:
      row.type === "fixed"
        ? { type: "fixed", amount: row.amount ?? 0, currency: "usd" }
        : { type: "percentage", basisPoints: row.basis_points ?? 0 },
    duration: row.duration,
    durationInMonths: row.duration_in_months,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    maxRedemptions: row.max_redemptions,
    redemptionsCount: row.redemptions_count,
    productIds: row.product_ids ?? [],
    metadata: row.metadata,
  };
}

export class DiscountRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(discount: Discount): Promise<void> {
    await this.db.query(
      `INSERT INTO discounts (id, organization_id, created_at, modified_at, deleted_at, name, code, type, amount, currency,
         basis_points, duration, duration_in_months, starts_at, ends_at, max_redemptions, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb)`,
      discountValues(discount),
    );
    await this.setProducts(discount.id, discount.productIds);
  }

  async update(discount: Discount): Promise<void> {
    await this.db.query(
      `UPDATE discounts SET organization_id = $2, created_at = $3, modified_at = $4, deleted_at = $5, name = $6, code = $7,
         type = $8, amount = $9, currency = $10, basis_points = $11, duration = $12, duration_in_months = $13,
         starts_at = $14, ends_at = $15, max_redemptions = $16, metadata = $17::jsonb
       WHERE id = $1`,
      discountValues(discount),
    );
    await this.setProducts(discount.id, discount.productIds);
  }

  private async setProducts(discountId: string, productIds: readonly string[]): Promise<void> {
    await this.db.query("DELETE FROM discount_products WHERE discount_id = $1", [discountId]);
    if (productIds.length === 0) return;
    await this.db.query("INSERT INTO discount_products (discount_id, product_id) SELECT $1, unnest($2::uuid[])", [
      discountId,
      productIds,
    ]);
  }

  /** Deleted discounts included: subscriptions keep a discount that was deleted (spec billing §7.5). */
  async get(
    scope: readonly string[],
    id: string,
    options: { includeDeleted?: boolean } = {},
  ): Promise<Discount | null> {
    const rows = await this.db.query<DiscountRow>(
      `${SELECT} WHERE d.id = $1 AND d.organization_id = ANY($2::uuid[]) ${options.includeDeleted ? "" : "AND d.deleted_at IS NULL"}`,
      [id, scope],
    );
    return rows[0] === undefined ? null : toDiscount(rows[0]);
  }

  async getMany(ids: readonly string[]): Promise<Discount[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<DiscountRow>(`${SELECT} WHERE d.id = ANY($1::uuid[])`, [ids]);
    return rows.map(toDiscount);
  }

  /** Codes are unique per organization and looked up case-insensitively. */
  async getByCode(organizationId: string, code: string): Promise<Discount | null> {
    const rows = await this.db.query<DiscountRow>(
      `${SELECT} WHERE d.organization_id = $1 AND lower(d.code) = lower($2) AND d.deleted_at IS NULL`,
      [organizationId, code],
    );
    return rows[0] === undefined ? null : toDiscount(rows[0]);
  }

  async list(query: {
    scope: readonly string[];
    query?: string;
    sort: ReadonlyArray<SortSpec<DiscountSortProperty>>;
    page: Page;
  }): Promise<{ items: Discount[]; total: number }> {
    const params = new Params();
    const where = [`d.organization_id = ANY(${params.add(query.scope)}::uuid[])`, "d.deleted_at IS NULL"];
    if (query.query !== undefined && query.query !== "") {
      const needle = params.add(query.query.toLowerCase());
      where.push(`(strpos(lower(d.name), ${needle}) > 0 OR strpos(lower(coalesce(d.code, '')), ${needle}) > 0)`);
    }
    const whereSql = where.join(" AND ");
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(
        `SELECT count(*)::int8 AS total FROM discounts d WHERE ${whereSql}`,
        params.values,
      ),
      this.db.query<DiscountRow>(
        `SELECT * FROM (${SELECT} WHERE ${whereSql}) d ORDER BY ${orderBySql(query.sort, SORT_COLUMNS, "d.id")} ${pageSql(query.page)}`,
        params.values,
      ),
    ]);
    return { items: rows.map(toDiscount), total: count[0]?.total ?? 0 };
  }

  /**
   * Records a redemption if the discount still has room, under a row lock so two concurrent
   * redemptions cannot both take the last one. Returns false when the limit is reached.
   */
  async redeem(discountId: string, subscriptionId: string | null, redemptionId: string, at: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ max_redemptions: number | null; used: number }>(
        `SELECT d.max_redemptions, (SELECT count(*)::int8 FROM discount_redemptions r WHERE r.discount_id = d.id) AS used
         FROM discounts d WHERE d.id = $1 FOR UPDATE`,
        [discountId],
      );
      if (row === undefined || (row.max_redemptions !== null && row.used >= row.max_redemptions)) return false;
      await tx.query(
        "INSERT INTO discount_redemptions (id, discount_id, subscription_id, created_at) VALUES ($1, $2, $3, $4)",
        [redemptionId, discountId, subscriptionId, at],
      );
      return true;
    });
  }
}

function discountValues(d: Discount): unknown[] {
  return [
    d.id,
    d.organizationId,
    d.createdAt,
    d.modifiedAt,
    d.deletedAt,
    d.name,
    d.code,
    d.terms.type,
    d.terms.type === "fixed" ? d.terms.amount : null,
    d.terms.type === "fixed" ? d.terms.currency : null,
    d.terms.type === "percentage" ? d.terms.basisPoints : null,
    d.duration,
    d.durationInMonths,
    d.startsAt,
    d.endsAt,
    d.maxRedemptions,
    canonicalMetadataJson(d.metadata),
  ];
}
