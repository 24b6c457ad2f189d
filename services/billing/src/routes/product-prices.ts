import { ValidationFailure } from "@meterline/api";
import {
  checkProductPriceRules,
  type ExistingPriceFacts,
  isExistingProductPrice,
  type ProductPriceCreateInput,
  type ProductPriceUpdateInput,
} from "@meterline/api-schema";
import type { IdGenerator, ProductPrice } from "@meterline/core";
import type { BillingDeps } from "../engine/billing-deps.js";

/** A stored price from a validated create input (prices are immutable once created). */
export function newPrice(ids: IdGenerator, productId: string, input: ProductPriceCreateInput, now: Date): ProductPrice {
  const base = { id: ids.uuid(), productId, createdAt: now, modifiedAt: null, isArchived: false };
  switch (input.amountType) {
    case "fixed":
      return { ...base, amountType: "fixed", priceCurrency: "usd", priceAmount: input.priceAmount };
    case "custom":
      return {
        ...base,
        amountType: "custom",
        priceCurrency: "usd",
        minimumAmount: input.minimumAmount,
        maximumAmount: input.maximumAmount,
        presetAmount: input.presetAmount,
      };
    case "free":
      return { ...base, amountType: "free" };
    case "metered_unit":
      return {
        ...base,
        amountType: "metered_unit",
        priceCurrency: "usd",
        unitAmount: input.unitAmount,
        capAmount: input.capAmount,
        meterId: input.meterId,
      };
  }
}

/**
 * Applies spec billing §2.3 to a validated `prices` list (422 with every problem at once): the
 * meters must be the organization's, metered prices need a recurring product, one static price.
 * `existing` are the product's prices, archived ones included (updates only).
 */
export async function checkPrices(
  deps: BillingDeps,
  input: {
    organizationId: string;
    recurring: boolean;
    prices: readonly ProductPriceUpdateInput[];
    rawPrices: unknown;
    existing?: readonly ProductPrice[];
  },
): Promise<void> {
  const meterIds = input.prices.flatMap((price) =>
    !isExistingProductPrice(price) && price.amountType === "metered_unit" ? [price.meterId] : [],
  );
  const meters = await deps.meters.getMany([input.organizationId], [...new Set(meterIds)]);
  const existing = input.existing;
  const errors = checkProductPriceRules(input.prices, {
    recurring: input.recurring,
    rawPrices: Array.isArray(input.rawPrices) ? input.rawPrices : [],
    existingPrice:
      existing === undefined
        ? undefined
        : (id): ExistingPriceFacts | undefined => {
            const price = existing.find((candidate) => candidate.id === id);
            return price === undefined ? undefined : { amountType: price.amountType, legacy: false };
          },
    meterExists: (meterId) => meters.some((meter) => meter.id === meterId),
  });
  if (errors.length > 0) throw new ValidationFailure(errors, "PolarRequestValidationError");
}
