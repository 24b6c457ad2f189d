import { formatDateTime } from "@meterline/api-schema";
import {
  type Benefit,
  Decimal,
  type Discount,
  formatUnitAmount,
  type Product,
  type ProductPrice,
} from "@meterline/core";

const nullableDate = (date: Date | null) => (date === null ? null : formatDateTime(date));

export function serializePrice(
  price: ProductPrice,
  product: Pick<Product, "recurringInterval">,
  meterNames: ReadonlyMap<string, string>,
) {
  const base = {
    created_at: formatDateTime(price.createdAt),
    modified_at: nullableDate(price.modifiedAt),
    id: price.id,
    amount_type: price.amountType,
    is_archived: price.isArchived,
    product_id: price.productId,
    // Deprecated keys Polar still serializes (spec billing §2.2).
    type: product.recurringInterval === null ? "one_time" : "recurring",
    recurring_interval: product.recurringInterval,
  };
  switch (price.amountType) {
    case "fixed":
      return { ...base, price_currency: price.priceCurrency, price_amount: price.priceAmount };
    case "custom":
      return {
        ...base,
        price_currency: price.priceCurrency,
        minimum_amount: price.minimumAmount,
        maximum_amount: price.maximumAmount,
        preset_amount: price.presetAmount,
      };
    case "free":
      return base;
    case "metered_unit":
      return {
        ...base,
        price_currency: price.priceCurrency,
        unit_amount: formatUnitAmount(Decimal.parse(price.unitAmount)),
        cap_amount: price.capAmount,
        meter_id: price.meterId,
        meter: { id: price.meterId, name: meterNames.get(price.meterId) ?? "" },
      };
  }
}

export function serializeBenefit(benefit: Benefit) {
  const properties =
    benefit.properties.type === "meter_credit"
      ? { units: benefit.properties.units, rollover: benefit.properties.rollover, meter_id: benefit.properties.meterId }
      : { note: benefit.properties.note };
  return {
    id: benefit.id,
    created_at: formatDateTime(benefit.createdAt),
    modified_at: nullableDate(benefit.modifiedAt),
    type: benefit.properties.type,
    description: benefit.description,
    selectable: true,
    deletable: true,
    organization_id: benefit.organizationId,
    metadata: benefit.metadata,
    properties,
  };
}

/** The product fields embedded in orders and discounts (no prices or benefits). */
export function serializeProductSummary(product: Product) {
  return {
    metadata: product.metadata,
    created_at: formatDateTime(product.createdAt),
    modified_at: nullableDate(product.modifiedAt),
    id: product.id,
    name: product.name,
    description: product.description,
    recurring_interval: product.recurringInterval,
    is_recurring: product.recurringInterval !== null,
    is_archived: product.isArchived,
    organization_id: product.organizationId,
  };
}

export function serializeProduct(
  product: Product,
  benefits: readonly Benefit[],
  meterNames: ReadonlyMap<string, string>,
  prices: readonly ProductPrice[] = product.prices,
) {
  return {
    ...serializeProductSummary(product),
    prices: prices.map((price) => serializePrice(price, product, meterNames)),
    benefits: benefits.map(serializeBenefit),
    medias: [],
    attached_custom_fields: [],
  };
}

/** The minimal ("Base") discount embedded in orders and subscriptions. */
export function serializeDiscountBase(discount: Discount) {
  const terms =
    discount.terms.type === "fixed"
      ? { type: "fixed", amount: discount.terms.amount, currency: discount.terms.currency }
      : { type: "percentage", basis_points: discount.terms.basisPoints };
  return {
    duration: discount.duration,
    ...(discount.duration === "repeating" ? { duration_in_months: discount.durationInMonths ?? 1 } : {}),
    ...terms,
    created_at: formatDateTime(discount.createdAt),
    modified_at: nullableDate(discount.modifiedAt),
    id: discount.id,
    metadata: discount.metadata,
    name: discount.name,
    code: discount.code,
    starts_at: nullableDate(discount.startsAt),
    ends_at: nullableDate(discount.endsAt),
    max_redemptions: discount.maxRedemptions,
    redemptions_count: discount.redemptionsCount,
    organization_id: discount.organizationId,
  };
}

export function serializeDiscount(discount: Discount, products: readonly Product[]) {
  return { ...serializeDiscountBase(discount), products: products.map(serializeProductSummary) };
}
