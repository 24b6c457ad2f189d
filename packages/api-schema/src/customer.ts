import { z } from "zod";
import { Address } from "./address.js";
import { DateTimeString } from "./date-time-string.js";
import { Metadata } from "./metadata.js";
import { TaxIdFormat } from "./tax-id-format.js";

/** `[id, format]`, e.g. `["DE123456789", "eu_vat"]`. */
export const TaxId = z.tuple([z.string(), TaxIdFormat]);
export type TaxId = z.infer<typeof TaxId>;

/** The customer fields, shared with CustomerState; Customer and CustomerState both start with them. */
export const customerFields = {
  id: z.string(),
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  metadata: Metadata,
  external_id: z.string().nullable(),
  email: z.string(),
  email_verified: z.boolean(),
  name: z.string().nullable(),
  billing_address: Address.nullable(),
  tax_id: TaxId.nullable(),
  organization_id: z.string(),
  deleted_at: DateTimeString.nullable(),
  avatar_url: z.string(),
};

export const Customer = z.object(customerFields);
export type Customer = z.infer<typeof Customer>;
