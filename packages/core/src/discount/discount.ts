import type { Metadata } from "../event/event.js";

export type DiscountDuration = "once" | "forever" | "repeating";

export type DiscountTerms =
  | { type: "fixed"; amount: number; currency: "usd" }
  | { type: "percentage"; basisPoints: number };

export interface Discount {
  id: string;
  organizationId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  deletedAt: Date | null;
  name: string;
  code: string | null;
  terms: DiscountTerms;
  duration: DiscountDuration;
  /** Only for `repeating`. */
  durationInMonths: number | null;
  startsAt: Date | null;
  endsAt: Date | null;
  maxRedemptions: number | null;
  redemptionsCount: number;
  /** Empty = every product. */
  productIds: string[];
  metadata: Metadata;
}

/** Redeemable now: within its dates and below its redemption limit (spec billing §7.2). */
export function isRedeemable(discount: Discount, now: Date): boolean {
  if (discount.deletedAt !== null) return false;
  if (discount.startsAt !== null && discount.startsAt > now) return false;
  if (discount.endsAt !== null && discount.endsAt < now) return false;
  return discount.maxRedemptions === null || discount.redemptionsCount < discount.maxRedemptions;
}
