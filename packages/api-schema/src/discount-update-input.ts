import type { Metadata } from "@meterline/core";
import { z } from "zod";
import { awareDateTime } from "./aware-date-time.js";
import { DISCOUNT_DURATIONS, DISCOUNT_TYPES, type DiscountDuration, type DiscountType } from "./discount.js";
import {
  basisPoints,
  discountAmount,
  discountCode,
  discountName,
  durationInMonths,
  maxRedemptions,
  STARTS_BEFORE_ENDS_MESSAGE,
  startsBeforeEnds,
} from "./discount-create-input.js";
import { MetadataInput } from "./metadata-input.js";
import { parseInput } from "./parse-input.js";
import { presentKeys } from "./present-keys.js";
import { priceCurrency } from "./product-price-create-input.js";
import { pyEnum } from "./py-enum.js";
import { pyError } from "./py-error.js";
import { INVALID, pySchema } from "./py-schema.js";
import { inputJsonSchema } from "./py-tagged-union.js";
import { uuid4 } from "./uuid4.js";

export const DISCOUNT_UPDATE_KEYS = [
  "metadata",
  "name",
  "code",
  "startsAt",
  "endsAt",
  "maxRedemptions",
  "duration",
  "durationInMonths",
  "type",
  "amount",
  "currency",
  "basisPoints",
  "products",
] as const;
export type DiscountUpdateKey = (typeof DISCOUNT_UPDATE_KEYS)[number];

/**
 * What a PATCH carried; absent keys are unchanged. `type` and `duration` can never change, and
 * `amount`, `currency` and `basis_points` not once the discount was redeemed: the service
 * compares the values (the SDK sends `currency: "usd"` on every update, also for percentage
 * discounts, so presence alone is no change).
 */
export interface DiscountUpdateInput {
  metadata?: Metadata;
  name?: string | null;
  /** Blank or null removes the code. */
  code?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  maxRedemptions?: number | null;
  duration?: DiscountDuration | null;
  durationInMonths?: number | null;
  type?: DiscountType | null;
  amount?: number | null;
  currency?: "usd" | null;
  basisPoints?: number | null;
  /** Empty = every product; null leaves the list unchanged. */
  products?: string[] | null;
  presentKeys: DiscountUpdateKey[];
}

const DiscountUpdateFields = z.object({
  metadata: MetadataInput.optional(),
  name: discountName.nullable().optional(),
  code: discountCode.optional(),
  starts_at: awareDateTime.nullable().optional(),
  ends_at: awareDateTime.nullable().optional(),
  max_redemptions: maxRedemptions.nullable().optional(),
  duration: pyEnum(DISCOUNT_DURATIONS).nullable().optional(),
  duration_in_months: durationInMonths.nullable().optional(),
  type: pyEnum(DISCOUNT_TYPES).nullable().optional(),
  amount: discountAmount.nullable().optional(),
  currency: priceCurrency.nullable().optional(),
  basis_points: basisPoints.nullable().optional(),
  products: z.array(uuid4).nullable().optional(),
});

/**
 * `PATCH /v1/discounts/{id}`. `starts_at < ends_at` is checked when the body sends both; against
 * the stored bound it is the service's job.
 */
export const DiscountUpdateInput = pySchema((input, report): DiscountUpdateInput | typeof INVALID => {
  const parsed = parseInput(DiscountUpdateFields, input, []);
  if (!parsed.ok) {
    for (const { loc, ...error } of parsed.detail) report(error, loc);
    return INVALID;
  }
  const { starts_at, ends_at, max_redemptions, duration_in_months, basis_points, ...rest } = parsed.value;
  if (!startsBeforeEnds(starts_at, ends_at)) {
    report(pyError.valueError(STARTS_BEFORE_ENDS_MESSAGE, input));
    return INVALID;
  }
  const renamed = {
    ...rest,
    ...(starts_at !== undefined && { startsAt: starts_at }),
    ...(ends_at !== undefined && { endsAt: ends_at }),
    ...(max_redemptions !== undefined && { maxRedemptions: max_redemptions }),
    ...(duration_in_months !== undefined && { durationInMonths: duration_in_months }),
    ...(basis_points !== undefined && { basisPoints: basis_points }),
  };
  return { ...renamed, presentKeys: presentKeys(renamed, DISCOUNT_UPDATE_KEYS) };
}, inputJsonSchema(DiscountUpdateFields));
