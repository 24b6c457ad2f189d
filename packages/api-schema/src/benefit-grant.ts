import { z } from "zod";
import { Benefit } from "./benefit.js";
import { Customer } from "./customer.js";
import { DateTimeString } from "./date-time-string.js";
import { listResource } from "./list-resource.js";

/** Why a grant failed for good (never set by Meterline's two benefit types, kept for the shape). */
export const BenefitGrantError = z.object({ message: z.string(), type: z.string(), timestamp: z.string() });
export type BenefitGrantError = z.infer<typeof BenefitGrantError>;

/**
 * What a meter_credit grant remembers of its last credit; `{}` until it first credits. A revoke
 * stores the negative units it took back.
 */
export const BenefitGrantMeterCreditProperties = z.object({
  last_credited_meter_id: z.string().optional(),
  last_credited_units: z.number().int().optional(),
  last_credited_at: DateTimeString.optional(),
});
export type BenefitGrantMeterCreditProperties = z.infer<typeof BenefitGrantMeterCreditProperties>;

export const BenefitGrantCustomProperties = z.object({});
export type BenefitGrantCustomProperties = z.infer<typeof BenefitGrantCustomProperties>;

/**
 * SDK 0.32.16 has no meter_credit member in its grant properties union; it reads these as the
 * custom `{}` member and drops the keys. Polar's server sends them all the same.
 */
export const BenefitGrantProperties = z.union([BenefitGrantMeterCreditProperties, BenefitGrantCustomProperties]);
export type BenefitGrantProperties = z.infer<typeof BenefitGrantProperties>;

/**
 * A customer's grant of a benefit, scoped to a subscription or an order. `user_id` is Polar's
 * deprecated alias of `customer_id`, still serialised (absent from the SDK, which ignores it).
 */
export const BenefitGrant = z.object({
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  id: z.string(),
  granted_at: DateTimeString.nullable(),
  is_granted: z.boolean(),
  revoked_at: DateTimeString.nullable(),
  is_revoked: z.boolean(),
  subscription_id: z.string().nullable(),
  order_id: z.string().nullable(),
  customer_id: z.string(),
  user_id: z.string(),
  benefit_id: z.string(),
  error: BenefitGrantError.nullable(),
  customer: Customer,
  properties: BenefitGrantProperties,
});
export type BenefitGrant = z.infer<typeof BenefitGrant>;

/** The `benefit_grant.*` webhook payload: the grant with its benefit and, when cycled or updated, the properties before. */
export const BenefitGrantWebhook = BenefitGrant.extend({
  benefit: Benefit,
  previous_properties: BenefitGrantProperties.nullable(),
});
export type BenefitGrantWebhook = z.infer<typeof BenefitGrantWebhook>;

export const ListResourceBenefitGrant = listResource(BenefitGrant);
export type ListResourceBenefitGrant = z.infer<typeof ListResourceBenefitGrant>;
