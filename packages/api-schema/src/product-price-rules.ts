import { AT_LEAST_ONE_PRICE_MESSAGE } from "./product-create-input.js";
import type { ProductPriceAmountType } from "./product-price.js";
import { isExistingProductPrice, type ProductPriceUpdateInput } from "./product-price-update-input.js";
import type { Loc, ValidationErrorItem } from "./validation-error-item.js";

/** What the rules need to know of a price the product already has. */
export interface ExistingPriceFacts {
  amountType: ProductPriceAmountType;
  /** A price from before 2025-02 carrying its own `type`/`recurring_interval`. */
  legacy: boolean;
}

export interface ProductPriceRuleContext {
  /** The product is (or will be) recurring: metered prices need it. */
  recurring: boolean;
  /** `prices` as the body sent it, echoed as the errors' `input`. */
  rawPrices: readonly unknown[];
  /** The product's price with that id, archived ones included; absent on create. */
  existingPrice?: (id: string) => ExistingPriceFacts | undefined;
  /** The meter exists and the caller may read it. */
  meterExists: (meterId: string) => boolean;
}

function valueError(loc: Loc, msg: string, input: unknown): ValidationErrorItem {
  return { type: "value_error", loc, msg, input: input ?? null };
}

/**
 * The rules Polar's product service applies to a validated `prices` list (billing spec §2.3),
 * in its order, reported together as `PolarRequestValidationError` items:
 * - `{id}` must name a price of the product ("Price does not exist.");
 * - a metered price needs a recurring product, a meter not used by another *new* price of the
 *   same request (kept prices are not compared: Polar's quirk) and a readable meter;
 * - at least one price must survive those checks, and at most one of them may be static
 *   (fixed, custom or free) unless all static ones are legacy.
 */
export function checkProductPriceRules(
  prices: readonly ProductPriceUpdateInput[],
  context: ProductPriceRuleContext,
  locPrefix: Loc = ["body", "prices"],
): ValidationErrorItem[] {
  const errors: ValidationErrorItem[] = [];
  const accepted: ExistingPriceFacts[] = [];
  const meters = new Set<string>();
  prices.forEach((price, index) => {
    const raw = context.rawPrices[index];
    if (isExistingProductPrice(price)) {
      const facts = context.existingPrice?.(price.id);
      if (facts === undefined) errors.push(valueError([...locPrefix, index], "Price does not exist.", price.id));
      else accepted.push(facts);
      return;
    }
    if (price.amountType === "metered_unit") {
      const meterLoc = [...locPrefix, index, "meter_id"];
      if (!context.recurring) {
        errors.push(valueError([...locPrefix, index], "Metered pricing is not supported on one-time products.", raw));
        return;
      }
      if (meters.has(price.meterId)) {
        errors.push(valueError(meterLoc, "Meter is already used for another price.", price.meterId));
        return;
      }
      if (!context.meterExists(price.meterId)) {
        errors.push(valueError(meterLoc, "Meter does not exist.", price.meterId));
        return;
      }
      meters.add(price.meterId);
    }
    accepted.push({ amountType: price.amountType, legacy: false });
  });
  if (accepted.length < 1) {
    errors.push({ type: "too_short", loc: [...locPrefix], msg: AT_LEAST_ONE_PRICE_MESSAGE, input: context.rawPrices });
  }
  const statics = accepted.filter((price) => price.amountType !== "metered_unit");
  if (statics.length > 1 && !statics.every((price) => price.legacy)) {
    errors.push(valueError([...locPrefix], "Only one static price is allowed.", context.rawPrices));
  }
  return errors;
}
