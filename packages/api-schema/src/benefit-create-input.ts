import type { Metadata } from "@meterline/core";
import { z } from "zod";
import { MetadataInput } from "./metadata-input.js";
import { INT32_MAX } from "./product-price-create-input.js";
import { pyBool } from "./py-bool.js";
import { pyLiteral } from "./py-enum.js";
import { pyInt } from "./py-int.js";
import { pyString } from "./py-string.js";
import { pyTaggedUnion } from "./py-tagged-union.js";
import { uuid4 } from "./uuid4.js";

export const BENEFIT_DESCRIPTION_MIN_LENGTH = 3;
export const BENEFIT_DESCRIPTION_MAX_LENGTH = 42;

/** The benefit types Meterline can create; Polar's other four need integrations it does not have. */
export const CREATABLE_BENEFIT_TYPES = ["custom", "meter_credit"] as const;

export const benefitDescription = pyString({
  minLength: BENEFIT_DESCRIPTION_MIN_LENGTH,
  maxLength: BENEFIT_DESCRIPTION_MAX_LENGTH,
});

export interface MeterCreditPropertiesInput {
  meterId: string;
  /** Units credited at each grant and cycle; an `integer` column. */
  units: number;
  rollover: boolean;
}

export interface CustomPropertiesInput {
  note: string | null;
}

/** meter_credit `properties` on create and update: all three keys, replacing all three. */
export const MeterCreditPropertiesInput = z
  .object({ units: pyInt({ gt: 0, le: INT32_MAX }), rollover: pyBool(), meter_id: uuid4 })
  .transform(
    (properties): MeterCreditPropertiesInput => ({
      meterId: properties.meter_id,
      units: properties.units,
      rollover: properties.rollover,
    }),
  );

const note = pyString().nullable();

/** custom `properties` on create: the note is optional. */
export const CustomCreatePropertiesInput = z
  .object({ note: note.optional() })
  .transform((properties): CustomPropertiesInput => ({ note: properties.note ?? null }));

/** custom `properties` on update (Polar's `BenefitCustomProperties`): `note` must be sent, null allowed. */
export const CustomPropertiesInput = z
  .object({ note })
  .transform((properties): CustomPropertiesInput => ({ note: properties.note }));

interface BenefitCreateFields {
  description: string;
  metadata: Metadata;
  organizationId: string | null;
}

export type BenefitCreateInput =
  | (BenefitCreateFields & { type: "meter_credit"; properties: MeterCreditPropertiesInput })
  | (BenefitCreateFields & { type: "custom"; properties: CustomPropertiesInput });

/** Fields every create body shares, in Polar's order (metadata, type, description, organization_id). */
function createMember<const Type extends (typeof CREATABLE_BENEFIT_TYPES)[number], Properties>(
  type: Type,
  properties: z.ZodType<Properties, unknown>,
) {
  return z
    .object({
      metadata: MetadataInput.optional(),
      type: pyLiteral([type]),
      description: benefitDescription,
      organization_id: uuid4.nullable().optional(),
      properties,
    })
    .transform((body) => ({
      type,
      description: body.description,
      metadata: body.metadata ?? {},
      organizationId: body.organization_id ?? null,
      properties: body.properties,
    }));
}

/**
 * `POST /v1/benefits/`, discriminated by `type` (errors under the tag:
 * `["meter_credit","properties","units"]`). Only `custom` and `meter_credit` are accepted: any
 * other type is an unknown tag. Whether the meter exists and usage-based billing is enabled
 * is checked later.
 */
export const BenefitCreateInput: z.ZodType<BenefitCreateInput, unknown> = pyTaggedUnion(
  { key: "type" },
  {
    custom: createMember("custom", CustomCreatePropertiesInput),
    meter_credit: createMember("meter_credit", MeterCreditPropertiesInput),
  },
);
