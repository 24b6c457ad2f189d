import { z } from "zod";
import { Benefit } from "./benefit.js";
import { SubscriptionRecurringInterval } from "./customer-state-subscription.js";
import { DateTimeString } from "./date-time-string.js";
import { listResource } from "./list-resource.js";
import { Metadata } from "./metadata.js";
import { ProductPrice } from "./product-price.js";

/**
 * The product fields without prices and benefits: what orders (`OrderProduct`) and discounts
 * (`DiscountProduct`) embed. `is_recurring` is `recurring_interval !== null`.
 */
export const productBaseFields = {
  metadata: Metadata,
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  recurring_interval: SubscriptionRecurringInterval.nullable(),
  is_recurring: z.boolean(),
  is_archived: z.boolean(),
  organization_id: z.string(),
};

/**
 * A product with its active prices (static first, then metered, then by creation) and benefits.
 * Meterline stores no media files and no custom fields, so `medias` and `attached_custom_fields`
 * are always empty.
 */
export const Product = z.object({
  ...productBaseFields,
  prices: z.array(ProductPrice),
  benefits: z.array(Benefit),
  medias: z.array(z.never()),
  attached_custom_fields: z.array(z.never()),
});
export type Product = z.infer<typeof Product>;

export const ListResourceProduct = listResource(Product);
export type ListResourceProduct = z.infer<typeof ListResourceProduct>;
