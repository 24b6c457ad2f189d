import type { Metadata } from "@meterline/core";
import { z } from "zod";
import { AddressInput } from "./address-input.js";
import { emailAddress } from "./email-address.js";
import { MetadataInput } from "./metadata-input.js";
import { pyString } from "./py-string.js";
import { TaxIdInput } from "./tax-id-input.js";
import { uuid4 } from "./uuid4.js";

export interface CustomerCreateInput {
  metadata: Metadata;
  externalId: string | null;
  email: string;
  name: string | null;
  billingAddress: AddressInput | null;
  taxId: TaxIdInput | null;
  organizationId: string | null;
}

/** `POST /v1/customers/`, fields in Polar's order. Uniqueness of email and external id is checked later. */
export const CustomerCreateInput = z
  .object({
    metadata: MetadataInput.optional(),
    external_id: pyString().nullable().optional(),
    email: emailAddress,
    name: pyString().nullable().optional(),
    billing_address: AddressInput.nullable().optional(),
    tax_id: TaxIdInput.nullable().optional(),
    organization_id: uuid4.nullable().optional(),
  })
  .transform(
    (body): CustomerCreateInput => ({
      metadata: body.metadata ?? {},
      externalId: body.external_id ?? null,
      email: body.email,
      name: body.name ?? null,
      billingAddress: body.billing_address ?? null,
      taxId: body.tax_id ?? null,
      organizationId: body.organization_id ?? null,
    }),
  );
