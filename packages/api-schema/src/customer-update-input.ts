import type { Metadata } from "@meterline/core";
import { z } from "zod";
import { AddressInput } from "./address-input.js";
import { emailAddress } from "./email-address.js";
import { MetadataInput } from "./metadata-input.js";
import { presentKeys } from "./present-keys.js";
import { pyString } from "./py-string.js";
import { TaxIdInput } from "./tax-id-input.js";

export const CUSTOMER_UPDATE_KEYS = ["metadata", "email", "name", "billingAddress", "taxId", "externalId"] as const;
export type CustomerUpdateKey = (typeof CUSTOMER_UPDATE_KEYS)[number];

export interface CustomerUpdateInput {
  metadata?: Metadata;
  email?: string | null;
  name?: string | null;
  billingAddress?: AddressInput | null;
  taxId?: TaxIdInput | null;
  /** Settable once; changing an existing one is a business error checked later. */
  externalId?: string | null;
  presentKeys: CustomerUpdateKey[];
}

/** `PATCH /v1/customers/{id}` and `/external/{external_id}`: omitted keys keep their value. */
export const CustomerUpdateInput = z
  .object({
    metadata: MetadataInput.optional(),
    email: emailAddress.nullable().optional(),
    name: pyString().nullable().optional(),
    billing_address: AddressInput.nullable().optional(),
    tax_id: TaxIdInput.nullable().optional(),
    external_id: pyString().nullable().optional(),
  })
  .transform((body): CustomerUpdateInput => {
    const { billing_address, tax_id, external_id, ...rest } = body;
    const renamed = {
      ...rest,
      ...(billing_address !== undefined && { billingAddress: billing_address }),
      ...(tax_id !== undefined && { taxId: tax_id }),
      ...(external_id !== undefined && { externalId: external_id }),
    };
    return { ...renamed, presentKeys: presentKeys(renamed, CUSTOMER_UPDATE_KEYS) };
  });
