import { z } from "zod";
import { BenefitType } from "./benefit-type.js";
import { DateTimeString } from "./date-time-string.js";
import { Metadata } from "./metadata.js";

/**
 * One entry of `granted_benefits`. `properties` depends on the benefit type and is typed loosely
 * until the benefit schemas exist; `benefit_metadata` is Polar's (2025-06-18), stripped by SDK 0.32.16.
 */
export const CustomerStateBenefitGrant = z.object({
  id: z.string(),
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  granted_at: DateTimeString,
  benefit_id: z.string(),
  benefit_type: BenefitType,
  benefit_metadata: Metadata,
  properties: z.record(z.string(), z.unknown()),
});
export type CustomerStateBenefitGrant = z.infer<typeof CustomerStateBenefitGrant>;
