import { z } from "zod";
import { Address } from "./address.js";
import { Customer } from "./customer.js";
import { CustomFieldData } from "./customer-state-subscription.js";
import { DateTimeString } from "./date-time-string.js";
import { DiscountMinimal } from "./discount.js";
import { LegacyUser } from "./legacy-user.js";
import { listResource } from "./list-resource.js";
import { Metadata } from "./metadata.js";
import { productBaseFields } from "./product.js";
import { ProductPrice } from "./product-price.js";
import { subscriptionBaseFields } from "./subscription.js";

export const ORDER_STATUSES = ["pending", "paid", "refunded", "partially_refunded"] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const ORDER_BILLING_REASONS = [
  "purchase",
  "subscription_create",
  "subscription_cycle",
  "subscription_update",
] as const;
export const OrderBillingReason = z.enum(ORDER_BILLING_REASONS);
export type OrderBillingReason = z.infer<typeof OrderBillingReason>;

/** One line; `amount` is before discount and tax and negative for a proration credit. */
export const OrderItem = z.object({
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  id: z.string(),
  label: z.string(),
  amount: z.number().int(),
  tax_amount: z.number().int(),
  proration: z.boolean(),
  product_price_id: z.string().nullable(),
});
export type OrderItem = z.infer<typeof OrderItem>;

/** The product at order time, without prices and benefits. */
export const OrderProduct = z.object(productBaseFields);
export type OrderProduct = z.infer<typeof OrderProduct>;

/** The order's subscription, without embedded objects, prices or meters. */
export const OrderSubscription = z.object(subscriptionBaseFields);
export type OrderSubscription = z.infer<typeof OrderSubscription>;

/**
 * An order (Polar's invoice). Amounts are cents: `net_amount` = subtotal − discount, `amount` its
 * deprecated twin, `total_amount` = net + tax. Beyond SDK 0.32.16, Polar's server (June 2025)
 * also sends `billing_name` and `is_invoice_generated`, and still serialises the deprecated
 * `product_price_id`, `product_price` (the first line's price, else the product's first) and
 * `user`; the SDK ignores them.
 */
export const Order = z.object({
  id: z.string(),
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  status: OrderStatus,
  paid: z.boolean(),
  subtotal_amount: z.number().int(),
  discount_amount: z.number().int(),
  net_amount: z.number().int(),
  amount: z.number().int(),
  tax_amount: z.number().int(),
  total_amount: z.number().int(),
  refunded_amount: z.number().int(),
  refunded_tax_amount: z.number().int(),
  currency: z.string(),
  billing_reason: OrderBillingReason,
  billing_name: z.string().nullable(),
  billing_address: Address.nullable(),
  is_invoice_generated: z.boolean(),
  customer_id: z.string(),
  product_id: z.string(),
  product_price_id: z.string().nullable(),
  discount_id: z.string().nullable(),
  subscription_id: z.string().nullable(),
  checkout_id: z.string().nullable(),
  metadata: Metadata,
  custom_field_data: CustomFieldData,
  customer: Customer,
  user_id: z.string(),
  user: LegacyUser,
  product: OrderProduct,
  product_price: ProductPrice.nullable(),
  discount: DiscountMinimal.nullable(),
  subscription: OrderSubscription.nullable(),
  items: z.array(OrderItem),
});
export type Order = z.infer<typeof Order>;

export const ListResourceOrder = listResource(Order);
export type ListResourceOrder = z.infer<typeof ListResourceOrder>;
