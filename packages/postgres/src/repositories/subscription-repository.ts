import {
  type CancellationReason,
  canonicalMetadataJson,
  type Metadata,
  type Subscription,
  type SubscriptionStatus,
} from "@meterline/core";
import { compileMetadataQuery } from "../filter-sql.js";
import { Params, type SqlClient } from "../sql-client.js";
import { orderBySql, type Page, pageSql, type SortSpec } from "./sort-sql.js";

interface SubscriptionRow {
  id: string;
  organization_id: string;
  customer_id: string;
  product_id: string;
  created_at: Date;
  modified_at: Date | null;
  status: SubscriptionStatus;
  amount: number;
  currency: "usd";
  recurring_interval: "month" | "year";
  anchor: Date;
  period_index: number;
  current_period_start: Date;
  current_period_end: Date;
  cancel_at_period_end: boolean;
  canceled_at: Date | null;
  started_at: Date;
  ends_at: Date | null;
  ended_at: Date | null;
  discount_id: string | null;
  customer_cancellation_reason: CancellationReason | null;
  customer_cancellation_comment: string | null;
  metadata: Metadata;
  prices: Array<{ price_id: string; amount: number }> | null;
  settled_period_index: number | null;
  finalized_at: Date | null;
}

export interface PendingItem {
  id: string;
  label: string;
  amount: number;
  proration: boolean;
  productPriceId: string | null;
}

export type SubscriptionSortProperty =
  | "customer"
  | "status"
  | "started_at"
  | "current_period_end"
  | "amount"
  | "product"
  | "discount";
const SORT_COLUMNS: Record<SubscriptionSortProperty, string> = {
  customer: "(SELECT email FROM customers c WHERE c.id = s.customer_id)",
  status: "s.status",
  started_at: "s.started_at",
  current_period_end: "s.current_period_end",
  amount: "s.amount",
  product: "(SELECT name FROM products p WHERE p.id = s.product_id)",
  discount: "(SELECT name FROM discounts d WHERE d.id = s.discount_id)",
};

const SELECT = `SELECT s.*,
    (SELECT json_agg(json_build_object('price_id', sp.price_id, 'amount', sp.amount) ORDER BY sp.position)
     FROM subscription_prices sp WHERE sp.subscription_id = s.id) AS prices
  FROM subscriptions s`;

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    organizationId: row.organization_id,
    customerId: row.customer_id,
    productId: row.product_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    recurringInterval: row.recurring_interval,
    anchor: row.anchor,
    periodIndex: row.period_index,
    currentPeriodStart: row.current_period_start,
    currentPeriodEnd: row.current_period_end,
    cancelAtPeriodEnd: row.cancel_at_period_end,
    canceledAt: row.canceled_at,
    startedAt: row.started_at,
    endsAt: row.ends_at,
    endedAt: row.ended_at,
    discountId: row.discount_id,
    cancellationReason: row.customer_cancellation_reason,
    cancellationComment: row.customer_cancellation_comment,
    metadata: row.metadata,
    prices: (row.prices ?? []).map((price) => ({ priceId: price.price_id, amount: price.amount })),
    settledPeriodIndex: row.settled_period_index,
    finalizedAt: row.finalized_at,
  };
}

export interface SubscriptionListQuery {
  scope: readonly string[];
  productIds?: string[];
  customerIds?: string[];
  externalCustomerIds?: string[];
  discountIds?: string[];
  /** true: trialing/active; false: past_due/canceled/unpaid (spec billing §4.2). */
  active?: boolean;
  metadata?: Record<string, string[]>;
  sort: ReadonlyArray<SortSpec<SubscriptionSortProperty>>;
  page: Page;
}

export class SubscriptionRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(subscription: Subscription): Promise<void> {
    await this.db.query(
      `INSERT INTO subscriptions (id, organization_id, customer_id, product_id, created_at, modified_at, status, amount,
         currency, recurring_interval, anchor, period_index, current_period_start, current_period_end, cancel_at_period_end,
         canceled_at, started_at, ends_at, ended_at, discount_id, customer_cancellation_reason,
         customer_cancellation_comment, metadata, settled_period_index, finalized_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23::jsonb,
         $24, $25)`,
      subscriptionValues(subscription),
    );
    await this.setPrices(subscription.id, subscription.prices);
  }

  /**
   * Writes every field. With `expectedPeriodIndex`, only if the stored period is still that one
   * (a cycle advances a subscription exactly once); returns whether a row was written.
   */
  async update(subscription: Subscription, options: { expectedPeriodIndex?: number } = {}): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE subscriptions SET organization_id = $2, customer_id = $3, product_id = $4, created_at = $5, modified_at = $6,
         status = $7, amount = $8, currency = $9, recurring_interval = $10, anchor = $11, period_index = $12,
         current_period_start = $13, current_period_end = $14, cancel_at_period_end = $15, canceled_at = $16,
         started_at = $17, ends_at = $18, ended_at = $19, discount_id = $20, customer_cancellation_reason = $21,
         customer_cancellation_comment = $22, metadata = $23::jsonb, settled_period_index = $24, finalized_at = $25
       WHERE id = $1 AND ($26::int IS NULL OR period_index = $26::int)
       RETURNING id`,
      [...subscriptionValues(subscription), options.expectedPeriodIndex ?? null],
    );
    return rows.length > 0;
  }

  async setPrices(subscriptionId: string, prices: Subscription["prices"]): Promise<void> {
    await this.db.query("DELETE FROM subscription_prices WHERE subscription_id = $1", [subscriptionId]);
    if (prices.length === 0) return;
    await this.db.query(
      `INSERT INTO subscription_prices (subscription_id, price_id, amount, position)
       SELECT $1, p, a, n - 1 FROM unnest($2::uuid[], $3::int[]) WITH ORDINALITY AS t(p, a, n)`,
      [subscriptionId, prices.map((price) => price.priceId), prices.map((price) => price.amount)],
    );
  }

  async get(scope: readonly string[], id: string): Promise<Subscription | null> {
    const rows = await this.db.query<SubscriptionRow>(
      `${SELECT} WHERE s.id = $1 AND s.organization_id = ANY($2::uuid[])`,
      [id, scope],
    );
    return rows[0] === undefined ? null : toSubscription(rows[0]);
  }

  /** Period `periodIndex`'s log records are all written (only while it is still the current period). */
  async markSettled(id: string, periodIndex: number): Promise<void> {
    await this.db.query("UPDATE subscriptions SET settled_period_index = $2 WHERE id = $1 AND period_index = $2", [
      id,
      periodIndex,
    ]);
  }

  /** Its current period needs its records again (a cycle order was paid: its credits are due). */
  async markUnsettled(id: string): Promise<void> {
    await this.db.query("UPDATE subscriptions SET settled_period_index = NULL WHERE id = $1", [id]);
  }

  /** An ended subscription's final order and revocations are done. */
  async markFinalized(id: string, at: Date): Promise<void> {
    await this.db.query("UPDATE subscriptions SET finalized_at = $2 WHERE id = $1 AND finalized_at IS NULL", [id, at]);
  }

  /** Adds lines for the next order (a retry with the same key adds nothing). */
  async addPendingItems(
    subscriptionId: string,
    items: ReadonlyArray<PendingItem & { key: string }>,
    at: Date,
  ): Promise<void> {
    for (const item of items) {
      await this.db.query(
        `INSERT INTO subscription_pending_items (id, subscription_id, created_at, label, amount, proration, product_price_id,
           idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (subscription_id, idempotency_key) DO NOTHING`,
        [item.id, subscriptionId, at, item.label, item.amount, item.proration, item.productPriceId, item.key],
      );
    }
  }

  async pendingItems(subscriptionId: string): Promise<PendingItem[]> {
    const rows = await this.db.query<{
      id: string;
      label: string;
      amount: number;
      proration: boolean;
      product_price_id: string | null;
    }>(
      // Lines added together keep their order through their keys (a random id would shuffle them).
      `SELECT * FROM subscription_pending_items WHERE subscription_id = $1 AND order_id IS NULL
       ORDER BY created_at, idempotency_key, id`,
      [subscriptionId],
    );
    return rows.map((row) => ({
      id: row.id,
      label: row.label,
      amount: row.amount,
      proration: row.proration,
      productPriceId: row.product_price_id,
    }));
  }

  /** The order took these lines: they are billed once. */
  async takePendingItems(itemIds: readonly string[], orderId: string): Promise<void> {
    if (itemIds.length === 0) return;
    await this.db.query(
      "UPDATE subscription_pending_items SET order_id = $2 WHERE id = ANY($1::uuid[]) AND order_id IS NULL",
      [itemIds, orderId],
    );
  }

  /** For internal jobs, which act on a subscription by id whatever its organization. */
  async getById(id: string): Promise<Subscription | null> {
    const rows = await this.db.query<SubscriptionRow>(`${SELECT} WHERE s.id = $1`, [id]);
    return rows[0] === undefined ? null : toSubscription(rows[0]);
  }

  /**
   * Live subscriptions with metered prices whose customer's usage on those meters changed after
   * it was last announced (or after the subscription began), with the latest such change.
   */
  async withUnannouncedUsage(limit: number): Promise<Array<{ id: string; usageAt: Date }>> {
    const rows = await this.db.query<{ id: string; usage_at: Date }>(
      `SELECT s.id, max(cm.usage_at) AS usage_at
       FROM subscriptions s
       JOIN product_prices p ON p.product_id = s.product_id AND p.amount_type = 'metered_unit'
       JOIN customer_meters cm ON cm.customer_id = s.customer_id AND cm.meter_id = p.meter_id
       WHERE s.ended_at IS NULL AND s.status IN ('trialing', 'active', 'past_due')
         AND cm.usage_at > coalesce(s.usage_announced_at, s.created_at)
       GROUP BY s.id ORDER BY s.id LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ id: row.id, usageAt: row.usage_at }));
  }

  /** The subscription's usage up to `usageAt` has been announced. */
  async markUsageAnnounced(id: string, usageAt: Date): Promise<void> {
    await this.db.query(
      `UPDATE subscriptions SET usage_announced_at = $2
       WHERE id = $1 AND (usage_announced_at IS NULL OR usage_announced_at < $2)`,
      [id, usageAt],
    );
  }

  /** Locks the row for the rest of the transaction (every subscription mutation goes through this). */
  async getForUpdate(id: string): Promise<Subscription | null> {
    const rows = await this.db.query<SubscriptionRow>(`${SELECT} WHERE s.id = $1 FOR UPDATE`, [id]);
    return rows[0] === undefined ? null : toSubscription(rows[0]);
  }

  async forCustomer(customerId: string): Promise<Subscription[]> {
    const rows = await this.db.query<SubscriptionRow>(
      `${SELECT} WHERE s.customer_id = $1 ORDER BY s.started_at, s.id`,
      [customerId],
    );
    return rows.map(toSubscription);
  }

  /** A product's subscriptions that have not ended (their grants follow the product's benefits). */
  async liveOfProduct(productId: string): Promise<Subscription[]> {
    const rows = await this.db.query<SubscriptionRow>(
      `${SELECT} WHERE s.product_id = $1 AND s.ended_at IS NULL AND s.status IN ('trialing', 'active', 'past_due')
       ORDER BY s.started_at, s.id`,
      [productId],
    );
    return rows.map(toSubscription);
  }

  /**
   * The scheduler's work, most overdue first: live subscriptions whose period has ended by `now`,
   * and subscriptions with unfinished log work (a period not settled, an ended one not finalized).
   */
  async needingWork(now: Date, limit: number): Promise<Subscription[]> {
    const rows = await this.db.query<SubscriptionRow>(
      `${SELECT}
       WHERE (s.ended_at IS NULL AND s.status IN ('trialing', 'active', 'past_due') AND s.current_period_end <= $1)
          OR (s.ended_at IS NULL AND s.settled_period_index IS DISTINCT FROM s.period_index)
          OR (s.ended_at IS NOT NULL AND s.finalized_at IS NULL)
       ORDER BY s.current_period_end, s.id LIMIT $2`,
      [now, limit],
    );
    return rows.map(toSubscription);
  }

  async list(query: SubscriptionListQuery): Promise<{ items: Subscription[]; total: number }> {
    const params = new Params();
    const where = [`s.organization_id = ANY(${params.add(query.scope)}::uuid[])`];
    if (query.productIds !== undefined) where.push(`s.product_id = ANY(${params.add(query.productIds)}::uuid[])`);
    if (query.customerIds !== undefined) where.push(`s.customer_id = ANY(${params.add(query.customerIds)}::uuid[])`);
    if (query.externalCustomerIds !== undefined) {
      where.push(
        `s.customer_id IN (SELECT id FROM customers WHERE external_id = ANY(${params.add(query.externalCustomerIds)}::text[]))`,
      );
    }
    if (query.discountIds !== undefined) where.push(`s.discount_id = ANY(${params.add(query.discountIds)}::uuid[])`);
    if (query.active === true) where.push("s.status IN ('trialing', 'active')");
    if (query.active === false) where.push("s.status IN ('past_due', 'canceled', 'unpaid')");
    if (query.metadata !== undefined) where.push(compileMetadataQuery(query.metadata, params, "s"));
    const whereSql = where.join(" AND ");
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(
        `SELECT count(*)::int8 AS total FROM subscriptions s WHERE ${whereSql}`,
        params.values,
      ),
      this.db.query<SubscriptionRow>(
        `${SELECT} WHERE ${whereSql} ORDER BY ${orderBySql(query.sort, SORT_COLUMNS, "s.id")} ${pageSql(query.page)}`,
        params.values,
      ),
    ]);
    return { items: rows.map(toSubscription), total: count[0]?.total ?? 0 };
  }

  /** Stable identities for `Subscription.meters[]`: one per meter of its metered prices. */
  async ensureMeters(
    subscriptionId: string,
    meterIds: readonly string[],
    newId: () => string,
    at: Date,
  ): Promise<void> {
    for (const meterId of meterIds) {
      await this.db.query(
        `INSERT INTO subscription_meters (id, subscription_id, meter_id, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (subscription_id, meter_id) DO NOTHING`,
        [newId(), subscriptionId, meterId, at],
      );
    }
  }

  async meters(
    subscriptionIds: readonly string[],
  ): Promise<Array<{ id: string; subscriptionId: string; meterId: string; createdAt: Date }>> {
    if (subscriptionIds.length === 0) return [];
    const rows = await this.db.query<{ id: string; subscription_id: string; meter_id: string; created_at: Date }>(
      "SELECT * FROM subscription_meters WHERE subscription_id = ANY($1::uuid[]) ORDER BY created_at, id",
      [subscriptionIds],
    );
    return rows.map((row) => ({
      id: row.id,
      subscriptionId: row.subscription_id,
      meterId: row.meter_id,
      createdAt: row.created_at,
    }));
  }
}

function subscriptionValues(s: Subscription): unknown[] {
  return [
    s.id,
    s.organizationId,
    s.customerId,
    s.productId,
    s.createdAt,
    s.modifiedAt,
    s.status,
    s.amount,
    s.currency,
    s.recurringInterval,
    s.anchor,
    s.periodIndex,
    s.currentPeriodStart,
    s.currentPeriodEnd,
    s.cancelAtPeriodEnd,
    s.canceledAt,
    s.startedAt,
    s.endsAt,
    s.endedAt,
    s.discountId,
    s.cancellationReason,
    s.cancellationComment,
    canonicalMetadataJson(s.metadata),
    s.settledPeriodIndex,
    s.finalizedAt,
  ];
}
