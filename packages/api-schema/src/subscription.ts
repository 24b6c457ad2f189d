import { z } from "zod";
import { Customer } from "./customer.js";
import { CustomFieldData, SubscriptionRecurringInterval } from "./customer-state-subscription.js";
import { DateTimeString } from "./date-time-string.js";
import { DiscountMinimal } from "./discount.js";
import { LegacyUser } from "./legacy-user.js";
import { listResource } from "./list-resource.js";
import { Metadata } from "./metadata.js";
import { Meter } from "./meter.js";
import { Product } from "./product.js";
import { ProductPrice } from "./product-price.js";

/** Polar sets only `active` and `canceled`; the others came from Stripe and are kept for the wire. */
export const SUBSCRIPTION_STATUSES = [
  "incomplete",
  "incomplete_expired",
  "trialing",
  "active",
  "past_due",
  "canceled",
  "unpaid",
] as const;
export const SubscriptionStatus = z.enum(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

export const CUSTOMER_CANCELLATION_REASONS = [
  "customer_service",
  "low_quality",
  "missing_features",
  "switched_service",
  "too_complex",
  "too_expensive",
  "unused",
  "other",
] as const;
export const CustomerCancellationReason = z.enum(CUSTOMER_CANCELLATION_REASONS);
export type CustomerCancellationReason = z.infer<typeof CustomerCancellationReason>;

/**
 * The subscription fields without embedded objects, shared with the `subscription` an order
 * embeds. `user_id` is Polar's deprecated alias of `customer_id`, still serialised.
 */
export const subscriptionBaseFields = {
  metadata: Metadata,
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  id: z.string(),
  /** Static prices of a period minus the current discount, in cents; metered prices add 0. */
  amount: z.number().int(),
  currency: z.string(),
  recurring_interval: SubscriptionRecurringInterval,
  status: SubscriptionStatus,
  current_period_start: DateTimeString,
  current_period_end: DateTimeString.nullable(),
  cancel_at_period_end: z.boolean(),
  canceled_at: DateTimeString.nullable(),
  started_at: DateTimeString.nullable(),
  ends_at: DateTimeString.nullable(),
  ended_at: DateTimeString.nullable(),
  customer_id: z.string(),
  user_id: z.string(),
  product_id: z.string(),
  discount_id: z.string().nullable(),
  checkout_id: z.string().nullable(),
  customer_cancellation_reason: CustomerCancellationReason.nullable(),
  customer_cancellation_comment: z.string().nullable(),
};

/** Pending (not yet invoiced) usage of one meter, priced with the line formula (`amount` in cents). */
export const SubscriptionMeter = z.object({
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  id: z.string(),
  consumed_units: z.number(),
  credited_units: z.number().int(),
  amount: z.number().int(),
  meter_id: z.string(),
  meter: Meter,
});
export type SubscriptionMeter = z.infer<typeof SubscriptionMeter>;

/**
 * `GET /v1/subscriptions/{id}` and the `subscription.*` webhooks. `prices` are the
 * subscription's own (possibly archived) prices; `price_id`/`price` (= `prices[0]`), `user_id`
 * and `user` are deprecated keys Polar still serialises and the SDK ignores.
 */
export const Subscription = z.object({
  ...subscriptionBaseFields,
  custom_field_data: CustomFieldData,
  customer: Customer,
  user: LegacyUser,
  product: Product,
  discount: DiscountMinimal.nullable(),
  price_id: z.string(),
  price: ProductPrice,
  prices: z.array(ProductPrice),
  meters: z.array(SubscriptionMeter),
});
export type Subscription = z.infer<typeof Subscription>;

export const ListResourceSubscription = listResource(Subscription);
export type ListResourceSubscription = z.infer<typeof ListResourceSubscription>;
