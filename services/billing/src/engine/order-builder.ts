import {
  type BillingReason,
  type Customer,
  type Discount,
  type IdGenerator,
  isStaticPrice,
  type Order,
  type OrderItem,
  orderTotals,
  type PaymentProvider,
  type Product,
  type ProductPrice,
  priceMeteredLine,
  type Subscription,
} from "@meterline/core";
import type { BillingMeters, ClosedWindow } from "./usage-windows.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Jul 1, 2025` (UTC), as in Polar's static line labels. */
export function shortDate(date: Date): string {
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** Static lines bill the coming period in advance: the subscription's own amount for each static price. */
export function staticLines(
  ids: IdGenerator,
  subscription: Subscription,
  product: Product,
  prices: readonly ProductPrice[],
  period: { start: Date; end: Date } | null,
): OrderItem[] {
  return subscription.prices.flatMap((own) => {
    const price = prices.find((candidate) => candidate.id === own.priceId);
    if (price === undefined || !isStaticPrice(price)) return [];
    const label =
      period === null ? product.name : `${product.name} — From ${shortDate(period.start)} to ${shortDate(period.end)}`;
    return [{ id: ids.uuid(), label, amount: own.amount, taxAmount: 0, proration: false, productPriceId: price.id }];
  });
}

/** One line per metered price with its closed window, in price-id order (spec billing §5.3). */
export function meteredLines(
  ids: IdGenerator,
  meters: BillingMeters,
  windows: ReadonlyMap<string, ClosedWindow>,
): OrderItem[] {
  return meters.meteredPrices.flatMap((price) => {
    const closed = windows.get(price.meterId);
    if (closed === undefined) return [];
    const line = priceMeteredLine({
      unitAmount: price.unitAmount,
      capAmount: price.capAmount,
      consumedUnits: closed.consumedUnits,
      creditedUnits: closed.creditedUnits,
      meterName: closed.meter.name,
    });
    return [
      {
        id: ids.uuid(),
        label: line.label,
        amount: line.amount,
        taxAmount: 0,
        proration: false,
        productPriceId: price.id,
      },
    ];
  });
}

/**
 * An order's lines in the Engine's order (spec billing §6.2): static lines, then proration lines,
 * then metered lines by `product_price_id` (§5.3) — usage billed at an old price after a product
 * change included, wherever it was left pending.
 */
export function orderLines(
  staticItems: readonly OrderItem[],
  pending: readonly OrderItem[],
  metered: readonly OrderItem[],
): OrderItem[] {
  const byPrice = [...pending.filter((item) => !item.proration), ...metered].sort((a, b) =>
    (a.productPriceId ?? "") < (b.productPriceId ?? "")
      ? -1
      : (a.productPriceId ?? "") > (b.productPriceId ?? "")
        ? 1
        : 0,
  );
  return [...staticItems, ...pending.filter((item) => item.proration), ...byPrice];
}

/**
 * An order from its lines: amounts from the core formula (the discount applies once, to the whole
 * subtotal, usage included), paid at once when nothing is owed, else as the payment provider says.
 * Proration lines are left out of the discount's base: they are priced net of the discount already
 * (spec billing §6.3, Engine 2025-09), so discounting them again would count it twice.
 */
export function buildOrder(input: {
  ids: IdGenerator;
  now: Date;
  payments: PaymentProvider;
  subscription: Subscription;
  billingReason: BillingReason;
  items: OrderItem[];
  discount: Discount | null;
  /** Billing details start as the customer's (spec billing §6.1). */
  customer: Customer;
}): Order {
  const discountable = orderTotals(
    input.items.filter((item) => !item.proration),
    input.discount?.terms ?? null,
  );
  const subtotalAmount = orderTotals(input.items).subtotalAmount;
  const netAmount = subtotalAmount - discountable.discountAmount;
  const totals = {
    subtotalAmount,
    discountAmount: discountable.discountAmount,
    netAmount,
    // Meterline computes no tax yet (core `orderTotals`).
    taxAmount: discountable.taxAmount,
    totalAmount: netAmount + discountable.taxAmount,
  };
  const order: Order = {
    id: input.ids.uuid(),
    organizationId: input.subscription.organizationId,
    createdAt: input.now,
    modifiedAt: null,
    status: "pending",
    ...totals,
    refundedAmount: 0,
    refundedTaxAmount: 0,
    currency: "usd",
    billingReason: input.billingReason,
    billingName: input.customer.name,
    billingAddress: input.customer.billingAddress,
    isInvoiceGenerated: false,
    customerId: input.subscription.customerId,
    productId: input.subscription.productId,
    discountId: input.discount?.id ?? null,
    subscriptionId: input.subscription.id,
    metadata: input.subscription.metadata,
    items: input.items,
  };
  order.status = order.totalAmount <= 0 ? "paid" : input.payments.collect(order);
  return order;
}
