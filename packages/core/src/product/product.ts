import type { Metadata } from "../event/event.js";

export type RecurringInterval = "month" | "year";

interface PriceBase {
  id: string;
  productId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  isArchived: boolean;
}

/** Static prices bill in advance, one per period; metered prices bill the closed window in arrears. */
export type ProductPrice =
  | (PriceBase & { amountType: "fixed"; priceCurrency: "usd"; priceAmount: number })
  | (PriceBase & {
      amountType: "custom";
      priceCurrency: "usd";
      minimumAmount: number | null;
      maximumAmount: number | null;
      presetAmount: number | null;
    })
  | (PriceBase & { amountType: "free" })
  | (PriceBase & {
      amountType: "metered_unit";
      priceCurrency: "usd";
      /** Cents per unit, an exact decimal string (up to 12 fractional digits). */
      unitAmount: string;
      capAmount: number | null;
      meterId: string;
    });

export type MeteredPrice = Extract<ProductPrice, { amountType: "metered_unit" }>;

export function isStaticPrice(price: ProductPrice): boolean {
  return price.amountType !== "metered_unit";
}

export interface Product {
  id: string;
  organizationId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  name: string;
  description: string | null;
  /** null = one-time product. */
  recurringInterval: RecurringInterval | null;
  isArchived: boolean;
  metadata: Metadata;
  /** Active prices first (static before metered, then by creation), archived ones excluded. */
  prices: ProductPrice[];
  /** Benefit ids in display order. */
  benefitIds: string[];
}
