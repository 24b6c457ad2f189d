import type { Metadata } from "../event/event.js";
import type { RecurringInterval } from "../product/product.js";

export type SubscriptionStatus =
  | "incomplete"
  | "incomplete_expired"
  | "trialing"
  | "active"
  | "past_due"
  | "canceled"
  | "unpaid";

export type CancellationReason =
  | "customer_service"
  | "low_quality"
  | "missing_features"
  | "switched_service"
  | "too_complex"
  | "too_expensive"
  | "unused"
  | "other";

export interface Subscription {
  id: string;
  organizationId: string;
  customerId: string;
  productId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  status: SubscriptionStatus;
  /** Static prices of a period minus the current discount, in cents. */
  amount: number;
  currency: "usd";
  recurringInterval: RecurringInterval;
  /** Periods are anchor-based: period k runs from anchor + k intervals to anchor + k + 1 (day clamped). */
  anchor: Date;
  /** Index of the current period (0 = the one starting at the anchor). */
  periodIndex: number;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  canceledAt: Date | null;
  startedAt: Date;
  endsAt: Date | null;
  endedAt: Date | null;
  discountId: string | null;
  cancellationReason: CancellationReason | null;
  cancellationComment: string | null;
  metadata: Metadata;
  /** The subscription's own prices (kept even if the product's prices change), with their amounts. */
  prices: Array<{ priceId: string; amount: number }>;
  /** The period whose resets, rollover and benefit credits are all in the log (null: none yet). */
  settledPeriodIndex: number | null;
  /** When an ended subscription's final usage order was settled (null: pending, or not ended). */
  finalizedAt: Date | null;
}

/** May receive usage and be canceled (spec billing §4.2). */
export function isBillable(status: SubscriptionStatus): boolean {
  return status === "trialing" || status === "active" || status === "past_due";
}

export function isActive(status: SubscriptionStatus): boolean {
  return status === "trialing" || status === "active";
}
