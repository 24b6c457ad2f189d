import type { Metadata } from "@meterline/core";
import { z } from "zod";
import { MetadataInput } from "./metadata-input.js";
import { pySmartUnion } from "./py-smart-union.js";
import { pyString } from "./py-string.js";
import { uuid4 } from "./uuid4.js";

/** Exactly one of `customerId` / `externalCustomerId` is set. */
export interface SubscriptionCreateInput {
  customerId: string | null;
  externalCustomerId: string | null;
  productId: string;
  discountId: string | null;
  metadata: Metadata;
}

const createFields = {
  metadata: MetadataInput.optional(),
  product_id: uuid4,
  discount_id: uuid4.nullable().optional(),
};

interface CreateFields {
  metadata?: Metadata;
  product_id: string;
  discount_id?: string | null;
}

function toInput(body: CreateFields, customerId: string | null, externalCustomerId: string | null) {
  return {
    customerId,
    externalCustomerId,
    productId: body.product_id,
    discountId: body.discount_id ?? null,
    metadata: body.metadata ?? {},
  } satisfies SubscriptionCreateInput;
}

const SubscriptionCreateCustomer = z
  .object({ ...createFields, customer_id: uuid4 })
  .transform((body) => toInput(body, body.customer_id, null));

const SubscriptionCreateExternalCustomer = z
  .object({ ...createFields, external_customer_id: pyString() })
  .transform((body) => toInput(body, null, body.external_customer_id));

/**
 * `POST /v1/subscriptions/` (later Polar; Meterline creates subscriptions directly for any
 * product). Polar's union `SubscriptionCreateCustomer | SubscriptionCreateExternalCustomer` has
 * no discriminator: a valid `customer_id` wins, and when neither member validates both members'
 * errors are reported under their class names. `discount_id` is Meterline's addition.
 */
export const SubscriptionCreateInput: z.ZodType<SubscriptionCreateInput, unknown> = pySmartUnion([
  {
    name: "SubscriptionCreateCustomer",
    schema: SubscriptionCreateCustomer,
    fields: ["metadata", "product_id", "discount_id", "customer_id"],
  },
  {
    name: "SubscriptionCreateExternalCustomer",
    schema: SubscriptionCreateExternalCustomer,
    fields: ["metadata", "product_id", "discount_id", "external_customer_id"],
  },
]);
