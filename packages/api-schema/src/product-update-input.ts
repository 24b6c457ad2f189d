import type { Metadata } from "@meterline/core";
import { z } from "zod";
import type { SubscriptionRecurringInterval } from "./customer-state-subscription.js";
import { MetadataInput } from "./metadata-input.js";
import { presentKeys } from "./present-keys.js";
import {
  ignoredProductFields,
  priceList,
  productDescription,
  productName,
  recurringInterval,
} from "./product-create-input.js";
import { ProductPriceUpdateInput } from "./product-price-update-input.js";
import { pyBool } from "./py-bool.js";

export const PRODUCT_UPDATE_KEYS = [
  "metadata",
  "name",
  "description",
  "recurringInterval",
  "isArchived",
  "prices",
] as const;
export type ProductUpdateKey = (typeof PRODUCT_UPDATE_KEYS)[number];

export interface ProductUpdateInput {
  /** Replaces the whole metadata object; null leaves it unchanged. */
  metadata?: Metadata | null;
  /** null leaves the name unchanged. */
  name?: string | null;
  /** A blank description is sent as null: it clears the description. */
  description?: string | null;
  /**
   * Any value present is a change request, refused later unless it equals the current interval
   * ("Recurring interval cannot be changed.").
   */
  recurringInterval?: SubscriptionRecurringInterval | null;
  /** false unarchives; null leaves it unchanged. */
  isArchived?: boolean | null;
  /**
   * Replaces the active prices: `{id}` keeps that price, anything else creates one, and every
   * active price not kept is archived. null leaves the prices unchanged.
   */
  prices?: ProductPriceUpdateInput[] | null;
  presentKeys: ProductUpdateKey[];
}

/** `PATCH /v1/products/{id}`: omitted keys keep their value. */
export const ProductUpdateInput = z
  .object({
    metadata: MetadataInput.nullable().optional(),
    name: productName.nullable().optional(),
    description: productDescription.optional(),
    recurring_interval: recurringInterval.nullable().optional(),
    is_archived: pyBool().nullable().optional(),
    prices: priceList(ProductPriceUpdateInput).nullable().optional(),
    ...ignoredProductFields,
  })
  .transform((body): ProductUpdateInput => {
    const { recurring_interval, is_archived, medias: _medias, attached_custom_fields: _fields, ...rest } = body;
    const renamed = {
      ...rest,
      ...(recurring_interval !== undefined && { recurringInterval: recurring_interval }),
      ...(is_archived !== undefined && { isArchived: is_archived }),
    };
    return { ...renamed, presentKeys: presentKeys(renamed, PRODUCT_UPDATE_KEYS) };
  });
