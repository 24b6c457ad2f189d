import { formatDateTime } from "@meterline/api-schema";
import type {
  Benefit,
  BenefitGrant,
  Customer,
  Discount,
  Meter,
  Order,
  Product,
  ProductPrice,
  Subscription,
} from "@meterline/core";
import { serializeDiscountBase, serializePrice, serializeProduct, serializeProductSummary } from "./catalog.js";
import { serializeCustomer } from "./customer.js";
import { serializeMeter } from "./meter.js";

const nullableDate = (date: Date | null) => (date === null ? null : formatDateTime(date));

/** A subscription meter: the pending window's figures priced with the line formula. */
export interface SubscriptionMeterView {
  id: string;
  createdAt: Date;
  modifiedAt: Date | null;
  consumedUnits: number;
  creditedUnits: number;
  amount: number;
  meter: Meter;
}

function subscriptionFields(subscription: Subscription) {
  return {
    metadata: subscription.metadata,
    created_at: formatDateTime(subscription.createdAt),
    modified_at: nullableDate(subscription.modifiedAt),
    id: subscription.id,
    amount: subscription.amount,
    currency: subscription.currency,
    recurring_interval: subscription.recurringInterval,
    status: subscription.status,
    current_period_start: formatDateTime(subscription.currentPeriodStart),
    current_period_end: formatDateTime(subscription.currentPeriodEnd),
    cancel_at_period_end: subscription.cancelAtPeriodEnd,
    canceled_at: nullableDate(subscription.canceledAt),
    started_at: formatDateTime(subscription.startedAt),
    ends_at: nullableDate(subscription.endsAt),
    ended_at: nullableDate(subscription.endedAt),
    customer_id: subscription.customerId,
    product_id: subscription.productId,
    discount_id: subscription.discountId,
    checkout_id: null,
    customer_cancellation_reason: subscription.cancellationReason,
    customer_cancellation_comment: subscription.cancellationComment,
  };
}

export function serializeSubscriptionMeter(view: SubscriptionMeterView) {
  return {
    created_at: formatDateTime(view.createdAt),
    modified_at: nullableDate(view.modifiedAt),
    id: view.id,
    consumed_units: view.consumedUnits,
    credited_units: view.creditedUnits,
    amount: view.amount,
    meter_id: view.meter.id,
  };
}

export interface SubscriptionView {
  subscription: Subscription;
  customer: Customer;
  product: Product;
  productBenefits: Benefit[];
  discount: Discount | null;
  /** The subscription's own prices (archived ones included). */
  prices: ProductPrice[];
  meters: SubscriptionMeterView[];
  meterNames: ReadonlyMap<string, string>;
}

export function serializeSubscription(view: SubscriptionView) {
  const { subscription, product, meterNames } = view;
  const prices = view.prices.map((price) => serializePrice(price, product, meterNames));
  const customer = serializeCustomer(view.customer);
  return {
    ...subscriptionFields(subscription),
    custom_field_data: {},
    customer,
    product: serializeProduct(product, view.productBenefits, meterNames),
    discount: view.discount === null ? null : serializeDiscountBase(view.discount),
    prices,
    meters: view.meters.map((meter) => ({ ...serializeSubscriptionMeter(meter), meter: serializeMeter(meter.meter) })),
    // Deprecated, still serialized by Polar (spec billing §4.1).
    price_id: prices[0]?.id ?? null,
    price: prices[0] ?? null,
    user_id: subscription.customerId,
    user: {
      id: subscription.customerId,
      email: view.customer.email,
      public_name: view.customer.name ?? view.customer.email,
      avatar_url: customer.avatar_url,
      github_username: null,
    },
  };
}

/** The `active_subscriptions` entry of customer state. */
export function serializeCustomerStateSubscription(
  subscription: Subscription,
  meters: readonly SubscriptionMeterView[],
) {
  const fields = subscriptionFields(subscription);
  return {
    id: fields.id,
    created_at: fields.created_at,
    modified_at: fields.modified_at,
    custom_field_data: {},
    metadata: fields.metadata,
    status: "active" as const,
    amount: fields.amount,
    currency: fields.currency,
    recurring_interval: fields.recurring_interval,
    current_period_start: fields.current_period_start,
    current_period_end: fields.current_period_end,
    cancel_at_period_end: fields.cancel_at_period_end,
    canceled_at: fields.canceled_at,
    started_at: fields.started_at,
    ends_at: fields.ends_at,
    product_id: fields.product_id,
    discount_id: fields.discount_id,
    meters: meters.map(serializeSubscriptionMeter),
  };
}

export interface OrderView {
  order: Order;
  customer: Customer;
  product: Product;
  discount: Discount | null;
  subscription: Subscription | null;
}

export function serializeOrder(view: OrderView) {
  const { order } = view;
  const items = order.items.map((item) => ({
    created_at: formatDateTime(order.createdAt),
    modified_at: null,
    id: item.id,
    label: item.label,
    amount: item.amount,
    tax_amount: item.taxAmount,
    proration: item.proration,
    product_price_id: item.productPriceId,
  }));
  const firstPriceId =
    order.items.find((item) => item.productPriceId !== null)?.productPriceId ?? view.product.prices[0]?.id ?? null;
  const firstPrice = view.product.prices.find((price) => price.id === firstPriceId) ?? null;
  return {
    id: order.id,
    created_at: formatDateTime(order.createdAt),
    modified_at: nullableDate(order.modifiedAt),
    status: order.status,
    paid: order.status !== "pending",
    subtotal_amount: order.subtotalAmount,
    discount_amount: order.discountAmount,
    net_amount: order.netAmount,
    amount: order.netAmount,
    tax_amount: order.taxAmount,
    total_amount: order.totalAmount,
    refunded_amount: order.refundedAmount,
    refunded_tax_amount: order.refundedTaxAmount,
    currency: order.currency,
    billing_reason: order.billingReason,
    billing_name: order.billingName,
    billing_address:
      order.billingAddress === null
        ? null
        : {
            line1: order.billingAddress.line1,
            line2: order.billingAddress.line2,
            postal_code: order.billingAddress.postalCode,
            city: order.billingAddress.city,
            state: order.billingAddress.state,
            country: order.billingAddress.country,
          },
    is_invoice_generated: order.isInvoiceGenerated,
    customer_id: order.customerId,
    product_id: order.productId,
    discount_id: order.discountId,
    subscription_id: order.subscriptionId,
    checkout_id: null,
    metadata: order.metadata,
    custom_field_data: {},
    customer: serializeCustomer(view.customer),
    user_id: order.customerId,
    product: serializeProductSummary(view.product),
    discount: view.discount === null ? null : serializeDiscountBase(view.discount),
    subscription: view.subscription === null ? null : subscriptionFields(view.subscription),
    items,
    // Deprecated, still serialized (spec billing §6.1).
    product_price_id: firstPriceId,
    product_price: firstPrice === null ? null : serializePrice(firstPrice, view.product, new Map()),
  };
}

export function serializeGrantProperties(grant: BenefitGrant) {
  const p = grant.properties;
  if (p.lastCreditedMeterId === undefined) return {};
  return {
    last_credited_meter_id: p.lastCreditedMeterId,
    last_credited_units: p.lastCreditedUnits ?? 0,
    last_credited_at: p.lastCreditedAt ?? "",
  };
}

export function serializeBenefitGrant(grant: BenefitGrant, customer: Customer, benefit: Benefit) {
  return {
    created_at: formatDateTime(grant.createdAt),
    modified_at: nullableDate(grant.modifiedAt),
    id: grant.id,
    granted_at: nullableDate(grant.grantedAt),
    is_granted: grant.grantedAt !== null && grant.revokedAt === null,
    revoked_at: nullableDate(grant.revokedAt),
    is_revoked: grant.revokedAt !== null,
    subscription_id: grant.subscriptionId,
    order_id: grant.orderId,
    customer_id: grant.customerId,
    // Polar's deprecated alias, still serialized.
    user_id: grant.customerId,
    benefit_id: grant.benefitId,
    error: null,
    customer: serializeCustomer(customer),
    benefit: { id: benefit.id, type: benefit.properties.type, description: benefit.description },
    properties: serializeGrantProperties(grant),
  };
}

/** The `granted_benefits` entry of customer state. */
export function serializeCustomerStateGrant(grant: BenefitGrant, benefit: Benefit) {
  return {
    id: grant.id,
    created_at: formatDateTime(grant.createdAt),
    modified_at: nullableDate(grant.modifiedAt),
    granted_at: formatDateTime(grant.grantedAt ?? grant.createdAt),
    benefit_id: grant.benefitId,
    benefit_type: benefit.properties.type,
    benefit_metadata: benefit.metadata,
    properties: serializeGrantProperties(grant),
  };
}
