import { z } from "zod";
import { pyDecimal } from "./py-decimal.js";
import { pyLiteral } from "./py-enum.js";
import { pyError } from "./py-error.js";
import { pyInt } from "./py-int.js";
import { pyScalar } from "./py-schema.js";
import { pyTaggedUnion } from "./py-tagged-union.js";
import { uuid4 } from "./uuid4.js";

/** Stripe's payment-intent bounds, which Polar kept for fixed prices (cents). */
export const PRICE_AMOUNT_MIN = 50;
export const PRICE_AMOUNT_MAX = 99_999_999;
/** A pay-what-you-want maximum or preset is at most $10,000. */
export const CUSTOM_PRICE_AMOUNT_MAX = 1_000_000;
/** `cap_amount` and `units` are PostgreSQL `integer` columns. */
export const INT32_MAX = 2_147_483_647;
/** `unit_amount` is numeric(17,12). */
export const UNIT_AMOUNT_MAX_DIGITS = 17;
export const UNIT_AMOUNT_DECIMAL_PLACES = 12;

/**
 * Only `usd`, defaulting to it. Polar's pattern `usd` is unanchored (it would let `"xusdx"`
 * through and store it); Meterline accepts exactly `"usd"` and reports Polar's error otherwise.
 */
export const priceCurrency = pyScalar(
  (input) => {
    if (typeof input !== "string") return { ok: false, error: pyError.stringType(input) };
    if (input !== "usd") return { ok: false, error: pyError.stringPatternMismatch("usd", input) };
    return { ok: true, value: "usd" as const };
  },
  { type: "string", enum: ["usd"], default: "usd" },
);

export interface ProductPriceFixedCreateInput {
  amountType: "fixed";
  priceAmount: number;
  priceCurrency: "usd";
}

export interface ProductPriceCustomCreateInput {
  amountType: "custom";
  priceCurrency: "usd";
  minimumAmount: number | null;
  maximumAmount: number | null;
  presetAmount: number | null;
}

export interface ProductPriceFreeCreateInput {
  amountType: "free";
}

export interface ProductPriceMeteredUnitCreateInput {
  amountType: "metered_unit";
  meterId: string;
  priceCurrency: "usd";
  /** Cents per unit, an exact decimal string in plain notation (`"0.000000000001"`). */
  unitAmount: string;
  capAmount: number | null;
}

export type ProductPriceCreateInput =
  | ProductPriceFixedCreateInput
  | ProductPriceCustomCreateInput
  | ProductPriceFreeCreateInput
  | ProductPriceMeteredUnitCreateInput;

const priceAmount = pyInt({ ge: PRICE_AMOUNT_MIN, le: PRICE_AMOUNT_MAX });
const customBound = pyInt({ ge: PRICE_AMOUNT_MIN, le: CUSTOM_PRICE_AMOUNT_MAX });

/** Members in Polar's field order, so errors come out in its order. */
const ProductPriceFixedCreate = z
  .object({ amount_type: pyLiteral(["fixed"]), price_amount: priceAmount, price_currency: priceCurrency.optional() })
  .transform(
    (price): ProductPriceFixedCreateInput => ({
      amountType: "fixed",
      priceAmount: price.price_amount,
      priceCurrency: "usd",
    }),
  );

const ProductPriceCustomCreate = z
  .object({
    amount_type: pyLiteral(["custom"]),
    price_currency: priceCurrency.optional(),
    minimum_amount: priceAmount.nullable().optional(),
    maximum_amount: customBound.nullable().optional(),
    preset_amount: customBound.nullable().optional(),
  })
  .transform(
    (price): ProductPriceCustomCreateInput => ({
      amountType: "custom",
      priceCurrency: "usd",
      minimumAmount: price.minimum_amount ?? null,
      maximumAmount: price.maximum_amount ?? null,
      presetAmount: price.preset_amount ?? null,
    }),
  );

const ProductPriceFreeCreate = z
  .object({ amount_type: pyLiteral(["free"]) })
  .transform((): ProductPriceFreeCreateInput => ({ amountType: "free" }));

const ProductPriceMeteredUnitCreate = z
  .object({
    amount_type: pyLiteral(["metered_unit"]),
    meter_id: uuid4,
    price_currency: priceCurrency.optional(),
    unit_amount: pyDecimal({
      gt: 0,
      maxDigits: UNIT_AMOUNT_MAX_DIGITS,
      decimalPlaces: UNIT_AMOUNT_DECIMAL_PLACES,
    }),
    cap_amount: pyInt({ ge: 0, le: INT32_MAX }).nullable().optional(),
  })
  .transform(
    (price): ProductPriceMeteredUnitCreateInput => ({
      amountType: "metered_unit",
      meterId: price.meter_id,
      priceCurrency: "usd",
      unitAmount: price.unit_amount,
      capAmount: price.cap_amount ?? null,
    }),
  );

/**
 * Polar's class names, in its union order: `ProductUpdate` reports a failed price create under
 * pydantic's name for this union.
 */
export const PRODUCT_PRICE_CREATE_UNION_NAME =
  "tagged-union[ProductPriceFixedCreate,ProductPriceCustomCreate,ProductPriceFreeCreate,ProductPriceMeteredUnitCreate]";

/**
 * A new price, discriminated by `amount_type` (errors under the tag: `["fixed","price_amount"]`).
 * fixed: 50 ≤ `price_amount` ≤ 99 999 999; custom: each bound 50…(99 999 999 | 1 000 000);
 * metered_unit: `unit_amount` > 0 with ≤ 17 digits and ≤ 12 decimals, `cap_amount` ≥ 0 or null.
 * Rules across prices (one static price, metered only on recurring products, distinct meters)
 * need the product and its meters: see `checkProductPriceRules`.
 */
export const ProductPriceCreateInput: z.ZodType<ProductPriceCreateInput, unknown> = pyTaggedUnion(
  { key: "amount_type" },
  {
    fixed: ProductPriceFixedCreate,
    custom: ProductPriceCustomCreate,
    free: ProductPriceFreeCreate,
    metered_unit: ProductPriceMeteredUnitCreate,
  },
);
