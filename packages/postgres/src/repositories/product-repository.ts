import { canonicalMetadataJson, type Metadata, type Product, type ProductPrice } from "@meterline/core";
import { compileMetadataQuery } from "../filter-sql.js";
import { Params, type SqlClient } from "../sql-client.js";
import { orderBySql, type Page, pageSql, type SortSpec } from "./sort-sql.js";

interface ProductRow {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  name: string;
  description: string | null;
  recurring_interval: "month" | "year" | null;
  is_archived: boolean;
  metadata: Metadata;
}

interface PriceRow {
  id: string;
  product_id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  is_archived: boolean;
  amount_type: ProductPrice["amountType"];
  price_currency: string | null;
  price_amount: number | null;
  minimum_amount: number | null;
  maximum_amount: number | null;
  preset_amount: number | null;
  unit_amount: string | null;
  cap_amount: number | null;
  meter_id: string | null;
}

export type ProductSortProperty = "created_at" | "name" | "price_amount_type" | "price_amount";
const SORT_COLUMNS: Record<ProductSortProperty, string> = {
  created_at: "p.created_at",
  name: "p.name",
  // The product's static price decides (Polar sorts by its first price).
  price_amount_type:
    "(SELECT min(amount_type) FROM product_prices pp WHERE pp.product_id = p.id AND NOT pp.is_archived)",
  price_amount:
    "(SELECT min(coalesce(price_amount, minimum_amount, 0)) FROM product_prices pp WHERE pp.product_id = p.id AND NOT pp.is_archived)",
};

/** numeric(17,12) comes back as "0.500000000000": keep the exact value, drop the padding. */
function trimDecimal(value: string): string {
  return value.includes(".") ? value.replace(/0+$/, "").replace(/\.$/, "") : value;
}

export function toPrice(row: PriceRow): ProductPrice {
  const base = {
    id: row.id,
    productId: row.product_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    isArchived: row.is_archived,
  };
  switch (row.amount_type) {
    case "fixed":
      return { ...base, amountType: "fixed", priceCurrency: "usd", priceAmount: row.price_amount ?? 0 };
    case "custom":
      return {
        ...base,
        amountType: "custom",
        priceCurrency: "usd",
        minimumAmount: row.minimum_amount,
        maximumAmount: row.maximum_amount,
        presetAmount: row.preset_amount,
      };
    case "free":
      return { ...base, amountType: "free" };
    case "metered_unit":
      return {
        ...base,
        amountType: "metered_unit",
        priceCurrency: "usd",
        unitAmount: trimDecimal(row.unit_amount ?? "0"),
        capAmount: row.cap_amount,
        meterId: row.meter_id as string,
      };
  }
}

/** Active prices in Polar's order: static before metered, then by creation. */
function sortPrices(prices: ProductPrice[]): ProductPrice[] {
  const rank = (price: ProductPrice) => (price.amountType === "metered_unit" ? 1 : 0);
  return [...prices].sort(
    (a, b) => rank(a) - rank(b) || a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
  );
}

export interface ProductListQuery {
  scope: readonly string[];
  ids?: string[];
  query?: string;
  isArchived?: boolean;
  isRecurring?: boolean;
  benefitIds?: string[];
  metadata?: Record<string, string[]>;
  sort: ReadonlyArray<SortSpec<ProductSortProperty>>;
  page: Page;
}

export class ProductRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(product: Product): Promise<void> {
    await this.db.query(
      `INSERT INTO products (id, organization_id, created_at, modified_at, name, description, recurring_interval, is_archived, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
      [
        product.id,
        product.organizationId,
        product.createdAt,
        product.modifiedAt,
        product.name,
        product.description,
        product.recurringInterval,
        product.isArchived,
        canonicalMetadataJson(product.metadata),
      ],
    );
    await this.insertPrices(product.organizationId, product.prices);
    await this.setBenefits(product.id, product.benefitIds);
  }

  /** Name, description, archive flag and metadata; prices and benefits have their own calls. */
  async update(product: Product): Promise<void> {
    await this.db.query(
      "UPDATE products SET modified_at = $2, name = $3, description = $4, is_archived = $5, metadata = $6::jsonb WHERE id = $1",
      [
        product.id,
        product.modifiedAt,
        product.name,
        product.description,
        product.isArchived,
        canonicalMetadataJson(product.metadata),
      ],
    );
  }

  async insertPrices(organizationId: string, prices: readonly ProductPrice[]): Promise<void> {
    for (const price of prices) {
      await this.db.query(
        `INSERT INTO product_prices (id, product_id, organization_id, created_at, modified_at, is_archived, amount_type,
           price_currency, price_amount, minimum_amount, maximum_amount, preset_amount, unit_amount, cap_amount, meter_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::numeric, $14, $15)`,
        [
          price.id,
          price.productId,
          organizationId,
          price.createdAt,
          price.modifiedAt,
          price.isArchived,
          price.amountType,
          price.amountType === "free" ? null : price.priceCurrency,
          price.amountType === "fixed" ? price.priceAmount : null,
          price.amountType === "custom" ? price.minimumAmount : null,
          price.amountType === "custom" ? price.maximumAmount : null,
          price.amountType === "custom" ? price.presetAmount : null,
          price.amountType === "metered_unit" ? price.unitAmount : null,
          price.amountType === "metered_unit" ? price.capAmount : null,
          price.amountType === "metered_unit" ? price.meterId : null,
        ],
      );
    }
  }

  async archivePrices(priceIds: readonly string[], at: Date): Promise<void> {
    if (priceIds.length === 0) return;
    await this.db.query("UPDATE product_prices SET is_archived = true, modified_at = $2 WHERE id = ANY($1::uuid[])", [
      priceIds,
      at,
    ]);
  }

  async setBenefits(productId: string, benefitIds: readonly string[]): Promise<void> {
    await this.db.query("DELETE FROM product_benefits WHERE product_id = $1", [productId]);
    if (benefitIds.length === 0) return;
    await this.db.query(
      `INSERT INTO product_benefits (product_id, benefit_id, position)
       SELECT $1, b, n - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS t(b, n)`,
      [productId, benefitIds],
    );
  }

  async get(scope: readonly string[], id: string): Promise<Product | null> {
    const [product] = await this.getMany(scope, [id]);
    return product ?? null;
  }

  async getMany(scope: readonly string[], ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<ProductRow>(
      "SELECT * FROM products WHERE id = ANY($1::uuid[]) AND organization_id = ANY($2::uuid[])",
      [ids, scope],
    );
    return this.hydrate(rows);
  }

  /** Prices by id, archived ones included (a subscription keeps the prices it subscribed with). */
  async pricesByIds(ids: readonly string[]): Promise<ProductPrice[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<PriceRow>("SELECT * FROM product_prices WHERE id = ANY($1::uuid[])", [ids]);
    return rows.map(toPrice);
  }

  async list(query: ProductListQuery): Promise<{ items: Product[]; total: number }> {
    const params = new Params();
    const where = [`p.organization_id = ANY(${params.add(query.scope)}::uuid[])`];
    if (query.ids !== undefined) where.push(`p.id = ANY(${params.add(query.ids)}::uuid[])`);
    if (query.query !== undefined && query.query !== "") {
      const needle = params.add(query.query.toLowerCase());
      where.push(`(strpos(lower(p.name), ${needle}) > 0 OR strpos(lower(coalesce(p.description, '')), ${needle}) > 0)`);
    }
    if (query.isArchived !== undefined) where.push(`p.is_archived = ${params.add(query.isArchived)}`);
    if (query.isRecurring !== undefined)
      where.push(query.isRecurring ? "p.recurring_interval IS NOT NULL" : "p.recurring_interval IS NULL");
    if (query.benefitIds !== undefined) {
      where.push(
        `EXISTS (SELECT 1 FROM product_benefits pb WHERE pb.product_id = p.id AND pb.benefit_id = ANY(${params.add(query.benefitIds)}::uuid[]))`,
      );
    }
    if (query.metadata !== undefined) where.push(compileMetadataQuery(query.metadata, params, "p"));
    const whereSql = where.join(" AND ");
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(
        `SELECT count(*)::int8 AS total FROM products p WHERE ${whereSql}`,
        params.values,
      ),
      this.db.query<ProductRow>(
        `SELECT p.* FROM products p WHERE ${whereSql} ORDER BY ${orderBySql(query.sort, SORT_COLUMNS, "p.id")} ${pageSql(query.page)}`,
        params.values,
      ),
    ]);
    return { items: await this.hydrate(rows), total: count[0]?.total ?? 0 };
  }

  private async hydrate(rows: ProductRow[]): Promise<Product[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [prices, benefits] = await Promise.all([
      this.db.query<PriceRow>("SELECT * FROM product_prices WHERE product_id = ANY($1::uuid[]) AND NOT is_archived", [
        ids,
      ]),
      this.db.query<{ product_id: string; benefit_id: string }>(
        `SELECT pb.product_id, pb.benefit_id FROM product_benefits pb JOIN benefits b ON b.id = pb.benefit_id
         WHERE pb.product_id = ANY($1::uuid[]) AND b.deleted_at IS NULL ORDER BY pb.position`,
        [ids],
      ),
    ]);
    return rows.map((row) => ({
      id: row.id,
      organizationId: row.organization_id,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      name: row.name,
      description: row.description,
      recurringInterval: row.recurring_interval,
      isArchived: row.is_archived,
      metadata: row.metadata,
      prices: sortPrices(prices.filter((price) => price.product_id === row.id).map(toPrice)),
      benefitIds: benefits.filter((link) => link.product_id === row.id).map((link) => link.benefit_id),
    }));
  }
}
