import { z } from "zod";
import { SubscriptionRecurringInterval } from "./customer-state-subscription.js";
import { DateTimeString } from "./date-time-string.js";

export const PRODUCT_PRICE_AMOUNT_TYPES = ["fixed", "custom", "free", "metered_unit"] as const;
export const ProductPriceAmountType = z.enum(PRODUCT_PRICE_AMOUNT_TYPES);
export type ProductPriceAmountType = z.infer<typeof ProductPriceAmountType>;

/** Deprecated `type`: `recurring` when the product is recurring, else `one_time`. */
export const PRODUCT_PRICE_TYPES = ["one_time", "recurring"] as const;
export const ProductPriceType = z.enum(PRODUCT_PRICE_TYPES);
export type ProductPriceType = z.infer<typeof ProductPriceType>;

/**
 * A unit price in cents as a decimal string. Read back from numeric(17,12) it carries trailing
 * zeros (`"10.000000000000"`): compare numerically, never as text.
 */
export const UnitAmountString = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/);

/** Fields every price carries; `type` and `recurring_interval` are copied from the product. */
const priceFields = {
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  id: z.string(),
  is_archived: z.boolean(),
  product_id: z.string(),
  type: ProductPriceType,
  recurring_interval: SubscriptionRecurringInterval.nullable(),
};

export const ProductPriceFixed = z.object({
  ...priceFields,
  amount_type: z.literal("fixed"),
  price_currency: z.string(),
  price_amount: z.number().int(),
});
export type ProductPriceFixed = z.infer<typeof ProductPriceFixed>;

/** Pay what you want: the amount chosen at checkout is frozen into the subscription. */
export const ProductPriceCustom = z.object({
  ...priceFields,
  amount_type: z.literal("custom"),
  price_currency: z.string(),
  minimum_amount: z.number().int().nullable(),
  maximum_amount: z.number().int().nullable(),
  preset_amount: z.number().int().nullable(),
});
export type ProductPriceCustom = z.infer<typeof ProductPriceCustom>;

export const ProductPriceFree = z.object({ ...priceFields, amount_type: z.literal("free") });
export type ProductPriceFree = z.infer<typeof ProductPriceFree>;

export const ProductPriceMeter = z.object({ id: z.string(), name: z.string() });
export type ProductPriceMeter = z.infer<typeof ProductPriceMeter>;

/** Usage billed in arrears: `unit_amount` cents per unit, capped per period at `cap_amount` cents. */
export const ProductPriceMeteredUnit = z.object({
  ...priceFields,
  amount_type: z.literal("metered_unit"),
  price_currency: z.string(),
  unit_amount: UnitAmountString,
  cap_amount: z.number().int().nullable(),
  meter_id: z.string(),
  meter: ProductPriceMeter,
});
export type ProductPriceMeteredUnit = z.infer<typeof ProductPriceMeteredUnit>;

export const ProductPrice = z.discriminatedUnion("amount_type", [
  ProductPriceFixed,
  ProductPriceCustom,
  ProductPriceFree,
  ProductPriceMeteredUnit,
]);
export type ProductPrice = z.infer<typeof ProductPrice>;
