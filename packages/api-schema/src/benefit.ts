import { z } from "zod";
import { DateTimeString } from "./date-time-string.js";
import { listResource } from "./list-resource.js";
import { Metadata } from "./metadata.js";

/**
 * Fields every benefit carries. Polar knows six benefit types; Meterline creates only
 * `meter_credit` and `custom`, so only those two ever appear in a response.
 */
const benefitFields = {
  id: z.string(),
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  description: z.string(),
  selectable: z.boolean(),
  deletable: z.boolean(),
  organization_id: z.string(),
  metadata: Metadata,
};

export const BenefitMeterCreditProperties = z.object({
  units: z.number().int(),
  rollover: z.boolean(),
  meter_id: z.string(),
});
export type BenefitMeterCreditProperties = z.infer<typeof BenefitMeterCreditProperties>;

/** Credits `units` on a meter when granted and at every paid cycle (metering spec §7). */
export const BenefitMeterCredit = z.object({
  ...benefitFields,
  type: z.literal("meter_credit"),
  properties: BenefitMeterCreditProperties,
});
export type BenefitMeterCredit = z.infer<typeof BenefitMeterCredit>;

export const BenefitCustomProperties = z.object({ note: z.string().nullable() });
export type BenefitCustomProperties = z.infer<typeof BenefitCustomProperties>;

/** Nothing is provisioned: the note is shown to customers who have the benefit. */
export const BenefitCustom = z.object({
  ...benefitFields,
  type: z.literal("custom"),
  properties: BenefitCustomProperties,
});
export type BenefitCustom = z.infer<typeof BenefitCustom>;

export const Benefit = z.discriminatedUnion("type", [BenefitCustom, BenefitMeterCredit]);
export type Benefit = z.infer<typeof Benefit>;

export const ListResourceBenefit = listResource(Benefit);
export type ListResourceBenefit = z.infer<typeof ListResourceBenefit>;
