import type { DiscountDuration } from "../discount/discount.js";
import { DomainError } from "../errors/domain-error.js";
import { Decimal } from "./decimal.js";
import { addInterval } from "./period.js";
import { assertCents, toSafeCents } from "./safe-cents.js";

/** What the amount formula needs of a discount (spec §7.1); a `DiscountTerms` is one. */
export type DiscountAmountRule = { type: "fixed"; amount: number } | { type: "percentage"; basisPoints: number };

/**
 * The discount on `base` cents (spec §7.3), never negative and never more than the base; a base
 * ≤ 0 (e.g. proration credits outweighing the rest) gets no discount.
 *
 * - fixed: min(amount, base); the excess is lost, not carried over.
 * - percentage: base × basisPoints / 10000 computed exactly and rounded half up. Polar divides
 *   and multiplies doubles first, so 50 at 2900 bp is 14.499999999999998 → 14 there; Meterline
 *   gets exactly 14.5 → 15 (ARCHITECTURE §7). basisPoints / 10000 is a shift by 4 decimal places,
 *   so the exact value is a Decimal without any division.
 */
export function discountAmount(discount: DiscountAmountRule, base: number): number {
  assertCents(base, "The discount base");
  if (discount.type === "fixed") {
    assertCents(discount.amount, "A fixed discount");
    if (base <= 0) return 0;
    return Math.max(0, Math.min(discount.amount, base));
  }
  const { basisPoints } = discount;
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0 || basisPoints > 10_000) {
    throw new DomainError(
      "INVALID_DISCOUNT",
      "invalid",
      `Basis points must be an integer 0…10000, got ${basisPoints}.`,
    );
  }
  if (base <= 0) return 0;
  const exact = Decimal.fromScaled(BigInt(base) * BigInt(basisPoints), 4);
  // ≤ base because basisPoints ≤ 10000; the min only documents the invariant.
  return Math.min(base, toSafeCents(exact.toInteger("half_up"), "A percentage discount"));
}

/** `subscription.amount` (spec §4.1): the static prices minus the current discount; usage adds 0. */
export function subscriptionAmount(staticPricesTotal: number, discount: DiscountAmountRule | null): number {
  assertCents(staticPricesTotal, "The static prices total");
  return discount === null ? staticPricesTotal : staticPricesTotal - discountAmount(discount, staticPricesTotal);
}

export interface DiscountRepetitionInput {
  duration: DiscountDuration;
  durationInMonths?: number | null;
  subscriptionStartedAt: Date;
  /** The new `current_period_start`, after the period advanced and before the order is built. */
  newPeriodStart: Date;
}

/**
 * Whether a subscription's discount must be removed at this cycle (spec §7.4, Engine
 * `is_repetition_expired`). Only called at cycles, so the create order always keeps it.
 *
 * - once: expired at the first cycle, so it never discounts usage;
 * - forever: never;
 * - repeating N: expired once newPeriodStart > startedAt + (N − 1) calendar months. The months
 *   are added to startedAt in one step with the day clamped (Jan 31 + 1 month = Feb 28), the same
 *   rule as the periods, so the cut-off sits on a period boundary of a monthly subscription.
 *   Counting starts at `started_at`, not at when the discount was attached (Polar's quirk, kept).
 */
export function discountRepetitionExpired(input: DiscountRepetitionInput): boolean {
  switch (input.duration) {
    case "once":
      return true;
    case "forever":
      return false;
    case "repeating": {
      const months = input.durationInMonths;
      if (months === null || months === undefined || !Number.isSafeInteger(months) || months < 1) {
        throw new DomainError("INVALID_DISCOUNT", "invalid", `A repeating discount needs duration_in_months ≥ 1.`);
      }
      const cutOff = addInterval(input.subscriptionStartedAt, months - 1, "month");
      return input.newPeriodStart.getTime() > cutOff.getTime();
    }
  }
}
