import { z } from "zod";
import { DateTimeString } from "./date-time-string.js";
import { Metadata } from "./metadata.js";

export const SUBSCRIPTION_RECURRING_INTERVALS = ["month", "year"] as const;
export const SubscriptionRecurringInterval = z.enum(SUBSCRIPTION_RECURRING_INTERVALS);
export type SubscriptionRecurringInterval = z.infer<typeof SubscriptionRecurringInterval>;

/** Pending metered usage of one meter in the current subscription period (amount in cents). */
export const CustomerStateSubscriptionMeter = z.object({
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  id: z.string(),
  consumed_units: z.number(),
  credited_units: z.number().int(),
  amount: z.number().int(),
  meter_id: z.string(),
});
export type CustomerStateSubscriptionMeter = z.infer<typeof CustomerStateSubscriptionMeter>;

export const CustomFieldData = z.record(z.string(), z.union([z.string(), z.number().int(), z.boolean()]).nullable());
export type CustomFieldData = z.infer<typeof CustomFieldData>;

/** One entry of `active_subscriptions` (status is always `active` there). */
export const CustomerStateSubscription = z.object({
  id: z.string(),
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  custom_field_data: CustomFieldData,
  metadata: Metadata,
  status: z.literal("active"),
  amount: z.number().int(),
  currency: z.string(),
  recurring_interval: SubscriptionRecurringInterval,
  current_period_start: DateTimeString,
  current_period_end: DateTimeString.nullable(),
  cancel_at_period_end: z.boolean(),
  canceled_at: DateTimeString.nullable(),
  started_at: DateTimeString.nullable(),
  ends_at: DateTimeString.nullable(),
  product_id: z.string(),
  discount_id: z.string().nullable(),
  meters: z.array(CustomerStateSubscriptionMeter),
});
export type CustomerStateSubscription = z.infer<typeof CustomerStateSubscription>;
