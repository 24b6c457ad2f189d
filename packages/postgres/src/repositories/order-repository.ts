import {
  type Address,
  type BillingReason,
  canonicalMetadataJson,
  type Metadata,
  type Order,
  type OrderItem,
  type OrderStatus,
} from "@meterline/core";
import { compileMetadataQuery } from "../filter-sql.js";
import { Params, type SqlClient } from "../sql-client.js";
import { orderBySql, type Page, pageSql, type SortSpec } from "./sort-sql.js";

interface OrderRow {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  status: OrderStatus;
  subtotal_amount: number;
  discount_amount: number;
  net_amount: number;
  tax_amount: number;
  total_amount: number;
  refunded_amount: number;
  refunded_tax_amount: number;
  currency: "usd";
  billing_reason: BillingReason;
  billing_name: string | null;
  billing_address: Address | null;
  is_invoice_generated: boolean;
  invoice_number: string | null;
  customer_id: string;
  product_id: string;
  discount_id: string | null;
  subscription_id: string | null;
  metadata: Metadata;
  items: Array<{
    id: string;
    label: string;
    amount: number;
    tax_amount: number;
    proration: boolean;
    product_price_id: string | null;
    created_at: string;
  }> | null;
}

export type OrderSortProperty =
  | "created_at"
  | "amount"
  | "net_amount"
  | "customer"
  | "product"
  | "discount"
  | "subscription";
const SORT_COLUMNS: Record<OrderSortProperty, string> = {
  created_at: "o.created_at",
  amount: "o.net_amount",
  net_amount: "o.net_amount",
  customer: "(SELECT email FROM customers c WHERE c.id = o.customer_id)",
  product: "(SELECT name FROM products p WHERE p.id = o.product_id)",
  discount: "(SELECT name FROM discounts d WHERE d.id = o.discount_id)",
  subscription: "o.subscription_id",
};

const SELECT = `SELECT o.*,
    (SELECT json_agg(json_build_object('id', i.id, 'label', i.label, 'amount', i.amount, 'tax_amount', i.tax_amount,
        'proration', i.proration, 'product_price_id', i.product_price_id, 'created_at', i.created_at) ORDER BY i.position)
     FROM order_items i WHERE i.order_id = o.id) AS items
  FROM orders o`;

export interface StoredOrder extends Order {
  invoiceNumber: string | null;
  itemsCreatedAt: Date;
}

function toOrder(row: OrderRow): StoredOrder {
  const items: OrderItem[] = (row.items ?? []).map((item) => ({
    id: item.id,
    label: item.label,
    amount: item.amount,
    taxAmount: item.tax_amount,
    proration: item.proration,
    productPriceId: item.product_price_id,
  }));
  return {
    id: row.id,
    organizationId: row.organization_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    status: row.status,
    subtotalAmount: row.subtotal_amount,
    discountAmount: row.discount_amount,
    netAmount: row.net_amount,
    taxAmount: row.tax_amount,
    totalAmount: row.total_amount,
    refundedAmount: row.refunded_amount,
    refundedTaxAmount: row.refunded_tax_amount,
    currency: row.currency,
    billingReason: row.billing_reason,
    billingName: row.billing_name,
    billingAddress: row.billing_address,
    isInvoiceGenerated: row.is_invoice_generated,
    customerId: row.customer_id,
    productId: row.product_id,
    discountId: row.discount_id,
    subscriptionId: row.subscription_id,
    metadata: row.metadata,
    items,
    invoiceNumber: row.invoice_number,
    itemsCreatedAt: row.created_at,
  };
}

export interface OrderListQuery {
  scope: readonly string[];
  productIds?: string[];
  customerIds?: string[];
  externalCustomerIds?: string[];
  subscriptionIds?: string[];
  discountIds?: string[];
  billingReasons?: BillingReason[];
  metadata?: Record<string, string[]>;
  sort: ReadonlyArray<SortSpec<OrderSortProperty>>;
  page: Page;
}

export class OrderRepository {
  constructor(private readonly db: SqlClient) {}

  /**
   * Inserts the order and its items, and gives it the organization's next invoice number.
   * With an `idempotencyKey` already used, nothing is written and the existing order is returned
   * (a retried billing cycle creates one order per period).
   */
  async insert(order: Order, idempotencyKey: string | null): Promise<{ order: StoredOrder; created: boolean }> {
    if (idempotencyKey !== null) {
      const existing = await this.getByIdempotencyKey(order.organizationId, idempotencyKey);
      if (existing !== null) return { order: existing, created: false };
    }
    const [counter] = await this.db.query<{ last_number: number }>(
      `INSERT INTO invoice_counters (organization_id, last_number) VALUES ($1, 1)
       ON CONFLICT (organization_id) DO UPDATE SET last_number = invoice_counters.last_number + 1
       RETURNING last_number`,
      [order.organizationId],
    );
    const [slug] = await this.db.query<{ slug: string }>("SELECT slug FROM organizations WHERE id = $1", [
      order.organizationId,
    ]);
    const invoiceNumber = `${(slug?.slug ?? "INV").toUpperCase()}-${String(counter?.last_number ?? 1).padStart(4, "0")}`;
    await this.db.query(
      `INSERT INTO orders (id, organization_id, created_at, modified_at, status, subtotal_amount, discount_amount, net_amount,
         tax_amount, total_amount, refunded_amount, refunded_tax_amount, currency, billing_reason, billing_name,
         billing_address, is_invoice_generated, invoice_number, customer_id, product_id, discount_id, subscription_id,
         metadata, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, $17, $18, $19, $20, $21, $22,
         $23::jsonb, $24)`,
      [
        order.id,
        order.organizationId,
        order.createdAt,
        order.modifiedAt,
        order.status,
        order.subtotalAmount,
        order.discountAmount,
        order.netAmount,
        order.taxAmount,
        order.totalAmount,
        order.refundedAmount,
        order.refundedTaxAmount,
        order.currency,
        order.billingReason,
        order.billingName,
        order.billingAddress === null ? null : JSON.stringify(order.billingAddress),
        order.isInvoiceGenerated,
        invoiceNumber,
        order.customerId,
        order.productId,
        order.discountId,
        order.subscriptionId,
        canonicalMetadataJson(order.metadata),
        idempotencyKey,
      ],
    );
    for (const [position, item] of order.items.entries()) {
      await this.db.query(
        `INSERT INTO order_items (id, order_id, position, created_at, label, amount, tax_amount, proration, product_price_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          item.id,
          order.id,
          position,
          order.createdAt,
          item.label,
          item.amount,
          item.taxAmount,
          item.proration,
          item.productPriceId,
        ],
      );
    }
    return { order: { ...order, invoiceNumber, itemsCreatedAt: order.createdAt }, created: true };
  }

  /** Status, billing details, invoice flag and refunds; lines and amounts never change. */
  async update(order: Order): Promise<void> {
    await this.db.query(
      `UPDATE orders SET modified_at = $2, status = $3, billing_name = $4, billing_address = $5::jsonb,
         is_invoice_generated = $6, refunded_amount = $7, refunded_tax_amount = $8
       WHERE id = $1`,
      [
        order.id,
        order.modifiedAt,
        order.status,
        order.billingName,
        order.billingAddress === null ? null : JSON.stringify(order.billingAddress),
        order.isInvoiceGenerated,
        order.refundedAmount,
        order.refundedTaxAmount,
      ],
    );
  }

  async get(scope: readonly string[], id: string): Promise<StoredOrder | null> {
    const rows = await this.db.query<OrderRow>(`${SELECT} WHERE o.id = $1 AND o.organization_id = ANY($2::uuid[])`, [
      id,
      scope,
    ]);
    return rows[0] === undefined ? null : toOrder(rows[0]);
  }

  /** Locks the order's row for the rest of the transaction (status changes go through this). */
  async getForUpdate(id: string): Promise<StoredOrder | null> {
    const rows = await this.db.query<OrderRow>(
      "SELECT o.*, NULL::json AS items FROM orders o WHERE o.id = $1 FOR UPDATE",
      [id],
    );
    return rows[0] === undefined ? null : toOrder(rows[0]);
  }

  async getByIdempotencyKey(organizationId: string, key: string): Promise<StoredOrder | null> {
    const rows = await this.db.query<OrderRow>(`${SELECT} WHERE o.organization_id = $1 AND o.idempotency_key = $2`, [
      organizationId,
      key,
    ]);
    return rows[0] === undefined ? null : toOrder(rows[0]);
  }

  async ofSubscription(subscriptionId: string): Promise<StoredOrder[]> {
    const rows = await this.db.query<OrderRow>(`${SELECT} WHERE o.subscription_id = $1 ORDER BY o.created_at, o.seq`, [
      subscriptionId,
    ]);
    return rows.map(toOrder);
  }

  async list(query: OrderListQuery): Promise<{ items: StoredOrder[]; total: number }> {
    const params = new Params();
    const where = [`o.organization_id = ANY(${params.add(query.scope)}::uuid[])`];
    if (query.productIds !== undefined) where.push(`o.product_id = ANY(${params.add(query.productIds)}::uuid[])`);
    if (query.customerIds !== undefined) where.push(`o.customer_id = ANY(${params.add(query.customerIds)}::uuid[])`);
    if (query.externalCustomerIds !== undefined) {
      where.push(
        `o.customer_id IN (SELECT id FROM customers WHERE external_id = ANY(${params.add(query.externalCustomerIds)}::text[]))`,
      );
    }
    if (query.subscriptionIds !== undefined)
      where.push(`o.subscription_id = ANY(${params.add(query.subscriptionIds)}::uuid[])`);
    if (query.discountIds !== undefined) where.push(`o.discount_id = ANY(${params.add(query.discountIds)}::uuid[])`);
    if (query.billingReasons !== undefined)
      where.push(`o.billing_reason = ANY(${params.add(query.billingReasons)}::text[])`);
    if (query.metadata !== undefined) where.push(compileMetadataQuery(query.metadata, params, "o"));
    const whereSql = where.join(" AND ");
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(`SELECT count(*)::int8 AS total FROM orders o WHERE ${whereSql}`, params.values),
      this.db.query<OrderRow>(
        `${SELECT} WHERE ${whereSql} ORDER BY ${orderBySql(query.sort, SORT_COLUMNS, query.sort[0]?.direction === "desc" ? "o.seq DESC" : "o.seq")} ${pageSql(query.page)}`,
        params.values,
      ),
    ]);
    return { items: rows.map(toOrder), total: count[0]?.total ?? 0 };
  }
}
