import type { Metadata } from "@meterline/core";
import { z } from "zod";
import { SUBSCRIPTION_RECURRING_INTERVALS, type SubscriptionRecurringInterval } from "./customer-state-subscription.js";
import { MetadataInput } from "./metadata-input.js";
import { parseInput } from "./parse-input.js";
import { ProductPriceCreateInput } from "./product-price-create-input.js";
import { pyEnum } from "./py-enum.js";
import { pyError } from "./py-error.js";
import { INVALID, pyScalar, pySchema } from "./py-schema.js";
import { checkPyString, pyString } from "./py-string.js";
import { inputJsonSchema } from "./py-tagged-union.js";
import { uuid4 } from "./uuid4.js";

export const PRODUCT_NAME_MIN_LENGTH = 3;
export const AT_LEAST_ONE_PRICE_MESSAGE = "At least one price is required.";

export const productName = pyString({ minLength: PRODUCT_NAME_MIN_LENGTH });

/** Trimmed; blank means no description (Polar's `EmptyStrToNoneValidator`). */
export const productDescription = pyScalar(
  (input) => {
    if (input === null) return { ok: true, value: null };
    const text = checkPyString(input);
    if (!text.ok) return text;
    const trimmed = text.value.trim();
    return { ok: true, value: trimmed === "" ? null : trimmed };
  },
  { type: ["string", "null"] },
);

export const recurringInterval = pyEnum(SUBSCRIPTION_RECURRING_INTERVALS);

/**
 * A `prices` list of `element`, errors located at the index. An empty list is Polar's
 * `too_short` "At least one price is required." (a check of its product service, reported
 * with the list as input).
 */
export function priceList<Element extends z.ZodType>(element: Element) {
  return pySchema(
    (input, report): z.output<Element>[] | typeof INVALID => {
      if (input === undefined) {
        report(pyError.missing());
        return INVALID;
      }
      if (!Array.isArray(input)) {
        report(pyError.listType(input));
        return INVALID;
      }
      if (input.length === 0) {
        report(pyError.custom("too_short", AT_LEAST_ONE_PRICE_MESSAGE, input));
        return INVALID;
      }
      const prices: z.output<Element>[] = [];
      let failed = false;
      input.forEach((item: unknown, index) => {
        const parsed = parseInput(element, item, [index]);
        if (parsed.ok) prices.push(parsed.value);
        else {
          failed = true;
          for (const { loc, ...error } of parsed.detail) report(error, loc);
        }
      });
      return failed ? INVALID : prices;
    },
    { type: "array", minItems: 1, items: inputJsonSchema(element) },
  );
}

/**
 * Media files and custom fields Meterline does not have: accepted so SDK calls that send them
 * succeed, and ignored.
 */
export const ignoredProductFields = {
  medias: z.unknown().optional(),
  attached_custom_fields: z.unknown().optional(),
};

export interface ProductCreateInput {
  name: string;
  description: string | null;
  /** null = a one-time product. */
  recurringInterval: SubscriptionRecurringInterval | null;
  prices: ProductPriceCreateInput[];
  metadata: Metadata;
  organizationId: string | null;
}

/**
 * `POST /v1/products/`, fields in Polar's order. `recurring_interval` is required but nullable.
 * The rules across prices that need the stored meters are `checkProductPriceRules`.
 */
export const ProductCreateInput = z
  .object({
    metadata: MetadataInput.optional(),
    name: productName,
    description: productDescription.optional(),
    recurring_interval: recurringInterval.nullable(),
    prices: priceList(ProductPriceCreateInput),
    ...ignoredProductFields,
    organization_id: uuid4.nullable().optional(),
  })
  .transform(
    (body): ProductCreateInput => ({
      name: body.name,
      description: body.description ?? null,
      recurringInterval: body.recurring_interval,
      prices: body.prices,
      metadata: body.metadata ?? {},
      organizationId: body.organization_id ?? null,
    }),
  );
