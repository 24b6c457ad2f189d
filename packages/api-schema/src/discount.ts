import { z } from "zod";
import { DateTimeString } from "./date-time-string.js";
import { listResource } from "./list-resource.js";
import { Metadata } from "./metadata.js";
import { productBaseFields } from "./product.js";

export const DISCOUNT_TYPES = ["fixed", "percentage"] as const;
export const DiscountType = z.enum(DISCOUNT_TYPES);
export type DiscountType = z.infer<typeof DiscountType>;

export const DISCOUNT_DURATIONS = ["once", "forever", "repeating"] as const;
export const DiscountDuration = z.enum(DISCOUNT_DURATIONS);
export type DiscountDuration = z.infer<typeof DiscountDuration>;

/** `starts_at`, `ends_at` and `max_redemptions` only govern redeemability (spec §7.2). */
const discountFields = {
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  id: z.string(),
  metadata: Metadata,
  name: z.string(),
  code: z.string().nullable(),
  starts_at: DateTimeString.nullable(),
  ends_at: DateTimeString.nullable(),
  max_redemptions: z.number().int().nullable(),
  redemptions_count: z.number().int(),
  organization_id: z.string(),
};

const onceForever = { duration: z.enum(["once", "forever"]) };
const repeating = { duration: z.literal("repeating"), duration_in_months: z.number().int() };
const fixed = { type: z.literal("fixed"), amount: z.number().int(), currency: z.string() };
const percentage = { type: z.literal("percentage"), basis_points: z.number().int() };

/** The minimal ("Base") variants, without `products`: what orders and subscriptions embed. */
export const DiscountFixedOnceForeverDurationBase = z.object({ ...discountFields, ...onceForever, ...fixed });
export type DiscountFixedOnceForeverDurationBase = z.infer<typeof DiscountFixedOnceForeverDurationBase>;
export const DiscountFixedRepeatDurationBase = z.object({ ...discountFields, ...repeating, ...fixed });
export type DiscountFixedRepeatDurationBase = z.infer<typeof DiscountFixedRepeatDurationBase>;
export const DiscountPercentageOnceForeverDurationBase = z.object({ ...discountFields, ...onceForever, ...percentage });
export type DiscountPercentageOnceForeverDurationBase = z.infer<typeof DiscountPercentageOnceForeverDurationBase>;
export const DiscountPercentageRepeatDurationBase = z.object({ ...discountFields, ...repeating, ...percentage });
export type DiscountPercentageRepeatDurationBase = z.infer<typeof DiscountPercentageRepeatDurationBase>;

/** Polar's `DiscountMinimal`, the `discount` of an order or a subscription. */
export const DiscountMinimal = z.union([
  DiscountFixedOnceForeverDurationBase,
  DiscountFixedRepeatDurationBase,
  DiscountPercentageOnceForeverDurationBase,
  DiscountPercentageRepeatDurationBase,
]);
export type DiscountMinimal = z.infer<typeof DiscountMinimal>;

/** A product a discount is restricted to (no prices or benefits embedded). */
export const DiscountProduct = z.object(productBaseFields);
export type DiscountProduct = z.infer<typeof DiscountProduct>;

/** `products` empty means the discount applies to every product. */
const products = { products: z.array(DiscountProduct) };

export const DiscountFixedOnceForeverDuration = DiscountFixedOnceForeverDurationBase.extend(products);
export type DiscountFixedOnceForeverDuration = z.infer<typeof DiscountFixedOnceForeverDuration>;
export const DiscountFixedRepeatDuration = DiscountFixedRepeatDurationBase.extend(products);
export type DiscountFixedRepeatDuration = z.infer<typeof DiscountFixedRepeatDuration>;
export const DiscountPercentageOnceForeverDuration = DiscountPercentageOnceForeverDurationBase.extend(products);
export type DiscountPercentageOnceForeverDuration = z.infer<typeof DiscountPercentageOnceForeverDuration>;
export const DiscountPercentageRepeatDuration = DiscountPercentageRepeatDurationBase.extend(products);
export type DiscountPercentageRepeatDuration = z.infer<typeof DiscountPercentageRepeatDuration>;

export const Discount = z.union([
  DiscountFixedOnceForeverDuration,
  DiscountFixedRepeatDuration,
  DiscountPercentageOnceForeverDuration,
  DiscountPercentageRepeatDuration,
]);
export type Discount = z.infer<typeof Discount>;

export const ListResourceDiscount = listResource(Discount);
export type ListResourceDiscount = z.infer<typeof ListResourceDiscount>;
