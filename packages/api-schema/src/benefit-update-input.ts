import type { Metadata } from "@meterline/core";
import { z } from "zod";
import {
  benefitDescription,
  CustomPropertiesInput as CustomProperties,
  type CustomPropertiesInput,
  MeterCreditPropertiesInput as MeterCreditProperties,
  type MeterCreditPropertiesInput,
} from "./benefit-create-input.js";
import { MetadataInput } from "./metadata-input.js";
import { presentKeys } from "./present-keys.js";
import { pyLiteral } from "./py-enum.js";
import { pyTaggedUnion } from "./py-tagged-union.js";

export const BENEFIT_UPDATE_KEYS = ["metadata", "description", "properties"] as const;
export type BenefitUpdateKey = (typeof BENEFIT_UPDATE_KEYS)[number];

interface BenefitUpdateFields {
  /** Replaces the whole metadata object. */
  metadata?: Metadata;
  /** null leaves the description unchanged. */
  description?: string | null;
  presentKeys: BenefitUpdateKey[];
}

/**
 * New properties apply to later grants, cycles and revokes only; existing grants keep theirs
 * (metering spec §7.5). null leaves them unchanged.
 */
export type BenefitUpdateInput =
  | (BenefitUpdateFields & { type: "meter_credit"; properties?: MeterCreditPropertiesInput | null })
  | (BenefitUpdateFields & { type: "custom"; properties?: CustomPropertiesInput | null });

function updateMember<const Type extends "custom" | "meter_credit", Properties>(
  type: Type,
  properties: z.ZodType<Properties, unknown>,
) {
  return z
    .object({
      metadata: MetadataInput.optional(),
      description: benefitDescription.nullable().optional(),
      type: pyLiteral([type]),
      properties: properties.nullable().optional(),
    })
    .transform((body) => {
      const { type: _type, ...fields } = body;
      return { type, ...fields, presentKeys: presentKeys(fields, BENEFIT_UPDATE_KEYS) };
    });
}

/**
 * `PATCH /v1/benefits/{id}`. `type` is required (the SDK always sends it) and selects the
 * member; a type other than the benefit's own is refused later (400 "The type of a benefit
 * can't be changed."). Polar's union here has no discriminator and would report every one of
 * its six members' errors; with Meterline's two types, errors are located under the tag
 * instead, as for create.
 */
export const BenefitUpdateInput: z.ZodType<BenefitUpdateInput, unknown> = pyTaggedUnion(
  { key: "type" },
  {
    custom: updateMember("custom", CustomProperties),
    meter_credit: updateMember("meter_credit", MeterCreditProperties),
  },
);
