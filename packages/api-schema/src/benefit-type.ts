import { z } from "zod";

export const BENEFIT_TYPES = [
  "custom",
  "discord",
  "github_repository",
  "downloadables",
  "license_keys",
  "meter_credit",
] as const;
export const BenefitType = z.enum(BENEFIT_TYPES);
export type BenefitType = z.infer<typeof BenefitType>;
