import { z } from "zod";
import { parseInput } from "./parse-input.js";
import {
  PRODUCT_PRICE_CREATE_UNION_NAME,
  type ProductPriceCreateInput as ProductPriceCreate,
  ProductPriceCreateInput,
} from "./product-price-create-input.js";
import { pyError } from "./py-error.js";
import { INVALID, pySchema } from "./py-schema.js";
import { inputJsonSchema } from "./py-tagged-union.js";
import { uuid4 } from "./uuid4.js";

/** `{"id": …}` in a product update: keep that existing price. */
export interface ExistingProductPriceInput {
  id: string;
}

export type ProductPriceUpdateInput = ExistingProductPriceInput | ProductPriceCreate;

const ExistingProductPrice = z.object({ id: uuid4 });

/** Tells a kept price from a new one. */
export function isExistingProductPrice(price: ProductPriceUpdateInput): price is ExistingProductPriceInput {
  return "id" in price;
}

/**
 * One element of `ProductUpdate.prices`: Polar's left-to-right union `ExistingProductPrice |
 * ProductPriceCreate`. Any object with a valid `id` keeps a price (other keys are ignored);
 * anything else must be a valid new price. When both fail, both members' errors are reported,
 * each under pydantic's label for it.
 */
export const ProductPriceUpdateInput = pySchema(
  (input, report): ProductPriceUpdateInput | typeof INVALID => {
    if (input === undefined) {
      report(pyError.missing());
      return INVALID;
    }
    const existing = parseInput(ExistingProductPrice, input, ["ExistingProductPrice"]);
    if (existing.ok) return existing.value;
    const created = parseInput(ProductPriceCreateInput, input, [PRODUCT_PRICE_CREATE_UNION_NAME]);
    if (created.ok) return created.value;
    for (const { loc, ...error } of [...existing.detail, ...created.detail]) report(error, loc);
    return INVALID;
  },
  { anyOf: [inputJsonSchema(ExistingProductPrice), inputJsonSchema(ProductPriceCreateInput)] },
);
