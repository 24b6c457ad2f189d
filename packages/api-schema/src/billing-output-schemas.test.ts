import { Benefit$inboundSchema } from "@polar-sh/sdk/models/components/benefit.js";
import { BenefitCustom$inboundSchema } from "@polar-sh/sdk/models/components/benefitcustom.js";
import { BenefitGrant$inboundSchema } from "@polar-sh/sdk/models/components/benefitgrant.js";
import { BenefitGrantWebhook$inboundSchema } from "@polar-sh/sdk/models/components/benefitgrantwebhook.js";
import { BenefitMeterCredit$inboundSchema } from "@polar-sh/sdk/models/components/benefitmetercredit.js";
import { Discount$inboundSchema } from "@polar-sh/sdk/models/components/discount.js";
import { DiscountFixedOnceForeverDuration$inboundSchema } from "@polar-sh/sdk/models/components/discountfixedonceforeverduration.js";
import { DiscountFixedOnceForeverDurationBase$inboundSchema } from "@polar-sh/sdk/models/components/discountfixedonceforeverdurationbase.js";
import { DiscountFixedRepeatDuration$inboundSchema } from "@polar-sh/sdk/models/components/discountfixedrepeatduration.js";
import { DiscountFixedRepeatDurationBase$inboundSchema } from "@polar-sh/sdk/models/components/discountfixedrepeatdurationbase.js";
import { DiscountPercentageOnceForeverDuration$inboundSchema } from "@polar-sh/sdk/models/components/discountpercentageonceforeverduration.js";
import { DiscountPercentageOnceForeverDurationBase$inboundSchema } from "@polar-sh/sdk/models/components/discountpercentageonceforeverdurationbase.js";
import { DiscountPercentageRepeatDuration$inboundSchema } from "@polar-sh/sdk/models/components/discountpercentagerepeatduration.js";
import { DiscountPercentageRepeatDurationBase$inboundSchema } from "@polar-sh/sdk/models/components/discountpercentagerepeatdurationbase.js";
import { DiscountProduct$inboundSchema } from "@polar-sh/sdk/models/components/discountproduct.js";
import { ListResourceBenefit$inboundSchema } from "@polar-sh/sdk/models/components/listresourcebenefit.js";
import { ListResourceBenefitGrant$inboundSchema } from "@polar-sh/sdk/models/components/listresourcebenefitgrant.js";
import { ListResourceDiscount$inboundSchema } from "@polar-sh/sdk/models/components/listresourcediscount.js";
import { ListResourceOrder$inboundSchema } from "@polar-sh/sdk/models/components/listresourceorder.js";
import { ListResourceProduct$inboundSchema } from "@polar-sh/sdk/models/components/listresourceproduct.js";
import { ListResourceSubscription$inboundSchema } from "@polar-sh/sdk/models/components/listresourcesubscription.js";
import { Order$inboundSchema } from "@polar-sh/sdk/models/components/order.js";
import { OrderInvoice$inboundSchema } from "@polar-sh/sdk/models/components/orderinvoice.js";
import { OrderItemSchema$inboundSchema } from "@polar-sh/sdk/models/components/orderitemschema.js";
import { OrderProduct$inboundSchema } from "@polar-sh/sdk/models/components/orderproduct.js";
import { OrderSubscription$inboundSchema } from "@polar-sh/sdk/models/components/ordersubscription.js";
import { Product$inboundSchema } from "@polar-sh/sdk/models/components/product.js";
import { ProductPrice$inboundSchema } from "@polar-sh/sdk/models/components/productprice.js";
import { ProductPriceCustom$inboundSchema } from "@polar-sh/sdk/models/components/productpricecustom.js";
import { ProductPriceFixed$inboundSchema } from "@polar-sh/sdk/models/components/productpricefixed.js";
import { ProductPriceFree$inboundSchema } from "@polar-sh/sdk/models/components/productpricefree.js";
import { ProductPriceMeter$inboundSchema } from "@polar-sh/sdk/models/components/productpricemeter.js";
import { ProductPriceMeteredUnit$inboundSchema } from "@polar-sh/sdk/models/components/productpricemeteredunit.js";
import { Subscription$inboundSchema } from "@polar-sh/sdk/models/components/subscription.js";
import { SubscriptionMeter$inboundSchema } from "@polar-sh/sdk/models/components/subscriptionmeter.js";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  Benefit,
  BenefitCustom,
  type BenefitCustom as BenefitCustomType,
  BenefitMeterCredit,
  type BenefitMeterCredit as BenefitMeterCreditType,
  ListResourceBenefit,
} from "./benefit.js";
import { BenefitGrant, BenefitGrantWebhook, ListResourceBenefitGrant } from "./benefit-grant.js";
import type { Customer } from "./customer.js";
import {
  Discount,
  DiscountFixedOnceForeverDuration,
  DiscountFixedOnceForeverDurationBase,
  DiscountFixedRepeatDuration,
  DiscountFixedRepeatDurationBase,
  DiscountMinimal,
  DiscountPercentageOnceForeverDuration,
  DiscountPercentageOnceForeverDurationBase,
  DiscountPercentageRepeatDuration,
  DiscountPercentageRepeatDurationBase,
  DiscountProduct,
  ListResourceDiscount,
} from "./discount.js";
import type { Meter } from "./meter.js";
import { ListResourceOrder, Order, OrderItem, OrderProduct, OrderSubscription } from "./order.js";
import { OrderInvoice } from "./order-invoice.js";
import { ListResourceProduct, Product } from "./product.js";
import {
  ProductPrice,
  ProductPriceCustom,
  ProductPriceFixed,
  ProductPriceFree,
  ProductPriceMeter,
  ProductPriceMeteredUnit,
} from "./product-price.js";
import { ListResourceSubscription, Subscription, SubscriptionMeter } from "./subscription.js";

const ORGANIZATION_ID = "1dbfc517-0bbf-4301-9ba8-555ca42b9737";
const CUSTOMER_ID = "8e5ac3b4-6ec4-4c3a-9ed7-3ea2a8c2f0e1";
const METER_ID = "0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const PRODUCT_ID = "d8dd2de1-21b7-4a41-8bc3-ce909c0cfe23";
const FIXED_PRICE_ID = "196ca717-4d84-4d28-a1b8-777255797dbc";
const METERED_PRICE_ID = "2a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
const BENEFIT_ID = "397a17aa-15cf-4cb4-9333-18040203cf98";
const SUBSCRIPTION_ID = "e5149aae-e521-42b9-b24c-abb3d71eea2e";
const DISCOUNT_ID = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f";
const ORDER_ID = "57107b74-8400-4d80-a2fc-54c2b4239cb3";
const CREATED = "2025-06-01T00:00:00Z";
const MODIFIED = "2025-06-19T13:49:27.123000Z";

type SafeParser = { safeParse(value: unknown): { success: boolean; error?: unknown } };

/** Parses as the SDK does with a body it received: after a JSON round trip. */
function sdkAccepts(schema: SafeParser, value: unknown): void {
  const result = schema.safeParse(JSON.parse(JSON.stringify(value)));
  expect(result.error).toBeUndefined();
  expect(result.success).toBe(true);
}

/** The SDK's object keys (under its snake_case → camelCase transform). */
function sdkKeys(schema: unknown): string[] {
  let current = schema as { _zod: { def: { type: string; in?: unknown; shape?: Record<string, unknown> } } };
  while (current._zod.def.type === "pipe") current = current._zod.def.in as typeof current;
  return Object.keys(current._zod.def.shape ?? {});
}

function expectSameFieldsAsSdk(ours: z.ZodObject, sdk: unknown, ourExtras: string[] = []): void {
  expect(Object.keys(ours.shape).sort()).toEqual([...sdkKeys(sdk), ...ourExtras].sort());
}

const customer: Customer = {
  id: CUSTOMER_ID,
  created_at: CREATED,
  modified_at: null,
  metadata: {},
  external_id: "u1",
  email: "ada@example.com",
  email_verified: false,
  name: "Ada",
  billing_address: { line1: "1 Main St", line2: null, postal_code: "94107", city: "SF", state: "US-CA", country: "US" },
  tax_id: null,
  organization_id: ORGANIZATION_ID,
  deleted_at: null,
  avatar_url: "https://www.gravatar.com/avatar/0?d=404",
};

const meter: Meter = {
  metadata: {},
  created_at: CREATED,
  modified_at: null,
  id: METER_ID,
  name: "API Calls",
  filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
  aggregation: { func: "count" },
  organization_id: ORGANIZATION_ID,
};

const priceBase = {
  created_at: CREATED,
  modified_at: null,
  is_archived: false,
  product_id: PRODUCT_ID,
  type: "recurring" as const,
  recurring_interval: "month" as const,
};

const fixedPrice: ProductPriceFixed = {
  ...priceBase,
  id: FIXED_PRICE_ID,
  amount_type: "fixed",
  price_currency: "usd",
  price_amount: 2000,
};
const customPrice: ProductPriceCustom = {
  ...priceBase,
  id: FIXED_PRICE_ID,
  type: "one_time",
  recurring_interval: null,
  amount_type: "custom",
  price_currency: "usd",
  minimum_amount: 50,
  maximum_amount: null,
  preset_amount: 1000,
};
const freePrice: ProductPriceFree = { ...priceBase, id: FIXED_PRICE_ID, amount_type: "free" };
const meteredPrice: ProductPriceMeteredUnit = {
  ...priceBase,
  id: METERED_PRICE_ID,
  modified_at: MODIFIED,
  amount_type: "metered_unit",
  price_currency: "usd",
  unit_amount: "10.000000000000",
  cap_amount: 5000,
  meter_id: METER_ID,
  meter: { id: METER_ID, name: "API Calls" },
};

const creditBenefit: BenefitMeterCreditType = {
  id: BENEFIT_ID,
  created_at: CREATED,
  modified_at: null,
  type: "meter_credit",
  description: "200 API calls a month",
  selectable: true,
  deletable: true,
  organization_id: ORGANIZATION_ID,
  metadata: {},
  properties: { units: 200, rollover: false, meter_id: METER_ID },
};
const customBenefit: BenefitCustomType = {
  ...creditBenefit,
  type: "custom",
  description: "Priority support",
  metadata: { tier: "gold" },
  properties: { note: null },
};

const productBase = {
  metadata: {},
  created_at: CREATED,
  modified_at: null,
  id: PRODUCT_ID,
  name: "Pro",
  description: null,
  recurring_interval: "month" as const,
  is_recurring: true,
  is_archived: false,
  organization_id: ORGANIZATION_ID,
};

const product: Product = {
  ...productBase,
  prices: [fixedPrice, meteredPrice],
  benefits: [creditBenefit],
  medias: [],
  attached_custom_fields: [],
};

const discountBase = {
  created_at: CREATED,
  modified_at: null,
  id: DISCOUNT_ID,
  metadata: {},
  name: "Launch",
  code: null,
  starts_at: null,
  ends_at: null,
  max_redemptions: null,
  redemptions_count: 0,
  organization_id: ORGANIZATION_ID,
};
const percentageForever: DiscountPercentageOnceForeverDurationBase = {
  ...discountBase,
  duration: "forever",
  type: "percentage",
  basis_points: 3000,
};
const fixedOnce: DiscountFixedOnceForeverDurationBase = {
  ...discountBase,
  code: "LAUNCH30",
  starts_at: CREATED,
  ends_at: "2025-12-31T23:59:59Z",
  max_redemptions: 100,
  redemptions_count: 3,
  duration: "once",
  type: "fixed",
  amount: 5000,
  currency: "usd",
};
const percentageRepeat: DiscountPercentageRepeatDurationBase = {
  ...discountBase,
  duration: "repeating",
  duration_in_months: 3,
  type: "percentage",
  basis_points: 5000,
};
const fixedRepeat: DiscountFixedRepeatDurationBase = {
  ...discountBase,
  duration: "repeating",
  duration_in_months: 24,
  type: "fixed",
  amount: 1000,
  currency: "usd",
};

const subscriptionMeter: SubscriptionMeter = {
  created_at: CREATED,
  modified_at: MODIFIED,
  id: "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
  consumed_units: 1000,
  credited_units: 200,
  amount: 5000,
  meter_id: METER_ID,
  meter,
};

const subscriptionBase: OrderSubscription = {
  metadata: {},
  created_at: CREATED,
  modified_at: null,
  id: SUBSCRIPTION_ID,
  amount: 2000,
  currency: "usd",
  recurring_interval: "month",
  status: "active",
  current_period_start: CREATED,
  current_period_end: "2025-07-01T00:00:00Z",
  cancel_at_period_end: false,
  canceled_at: null,
  started_at: CREATED,
  ends_at: null,
  ended_at: null,
  customer_id: CUSTOMER_ID,
  user_id: CUSTOMER_ID,
  product_id: PRODUCT_ID,
  discount_id: null,
  checkout_id: null,
  customer_cancellation_reason: null,
  customer_cancellation_comment: null,
};

const legacyUser = {
  id: CUSTOMER_ID,
  email: "ada@example.com",
  public_name: "Ada",
  avatar_url: null,
  github_username: null,
};

const subscription: Subscription = {
  ...subscriptionBase,
  custom_field_data: {},
  customer,
  user: legacyUser,
  product,
  discount: null,
  price_id: FIXED_PRICE_ID,
  price: fixedPrice,
  prices: [fixedPrice, meteredPrice],
  meters: [subscriptionMeter],
};

const canceledSubscription: Subscription = {
  ...subscription,
  modified_at: MODIFIED,
  amount: 1400,
  status: "canceled",
  cancel_at_period_end: true,
  canceled_at: "2025-03-10T12:00:00Z",
  ends_at: "2025-04-01T00:00:00Z",
  ended_at: "2025-04-01T00:00:00Z",
  discount_id: DISCOUNT_ID,
  discount: percentageForever,
  customer_cancellation_reason: "too_expensive",
  customer_cancellation_comment: "Too pricey",
  metadata: { source: "api" },
  custom_field_data: { seats: 3, company: "Acme", vat: null },
};

const orderItems: OrderItem[] = [
  {
    created_at: CREATED,
    modified_at: null,
    id: "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
    label: "Pro — From Jul 1, 2025 to Aug 1, 2025",
    amount: 2000,
    tax_amount: 0,
    proration: false,
    product_price_id: FIXED_PRICE_ID,
  },
  {
    created_at: CREATED,
    modified_at: null,
    id: "1b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e",
    label: "API Calls — (1,000 consumed units) × $0.10— Capped at $50.00",
    amount: 5000,
    tax_amount: 0,
    proration: false,
    product_price_id: METERED_PRICE_ID,
  },
];

const order: Order = {
  id: ORDER_ID,
  created_at: "2025-07-01T00:00:00Z",
  modified_at: null,
  status: "pending",
  paid: false,
  subtotal_amount: 2000,
  discount_amount: 0,
  net_amount: 2000,
  amount: 2000,
  tax_amount: 0,
  total_amount: 2000,
  refunded_amount: 0,
  refunded_tax_amount: 0,
  currency: "usd",
  billing_reason: "purchase",
  billing_name: null,
  billing_address: null,
  is_invoice_generated: false,
  customer_id: CUSTOMER_ID,
  product_id: PRODUCT_ID,
  product_price_id: null,
  discount_id: null,
  subscription_id: null,
  checkout_id: null,
  metadata: {},
  custom_field_data: {},
  customer,
  user_id: CUSTOMER_ID,
  user: legacyUser,
  product: productBase,
  product_price: null,
  discount: null,
  subscription: null,
  items: [],
};

const cycleOrder: Order = {
  ...order,
  modified_at: MODIFIED,
  status: "partially_refunded",
  paid: true,
  subtotal_amount: 7000,
  discount_amount: 2100,
  net_amount: 4900,
  amount: 4900,
  total_amount: 4900,
  refunded_amount: 1000,
  billing_reason: "subscription_cycle",
  billing_name: "Acme Inc.",
  billing_address: { line1: null, line2: null, postal_code: null, city: null, state: null, country: "FR" },
  is_invoice_generated: true,
  product_price_id: FIXED_PRICE_ID,
  discount_id: DISCOUNT_ID,
  subscription_id: SUBSCRIPTION_ID,
  product_price: fixedPrice,
  discount: percentageForever,
  subscription: { ...subscriptionBase, discount_id: DISCOUNT_ID },
  items: orderItems,
};

const grant = {
  created_at: CREATED,
  modified_at: MODIFIED,
  id: "d322132c-a9d0-4e0d-b8d3-d81ad021a3a9",
  granted_at: CREATED,
  is_granted: true,
  revoked_at: null,
  is_revoked: false,
  subscription_id: SUBSCRIPTION_ID,
  order_id: null,
  customer_id: CUSTOMER_ID,
  user_id: CUSTOMER_ID,
  benefit_id: BENEFIT_ID,
  error: null,
  customer,
  properties: { last_credited_meter_id: METER_ID, last_credited_units: 200, last_credited_at: CREATED },
};
const revokedGrant = {
  ...grant,
  granted_at: null,
  is_granted: false,
  revoked_at: MODIFIED,
  is_revoked: true,
  subscription_id: null,
  order_id: ORDER_ID,
  properties: { last_credited_meter_id: METER_ID, last_credited_units: -200, last_credited_at: MODIFIED },
};
const customGrant = { ...grant, modified_at: null, properties: {} };

function full<T extends object>(base: T, products: unknown[]): T & { products: unknown[] } {
  return { ...base, products };
}

interface Case {
  name: string;
  ours: z.ZodType;
  sdk: SafeParser;
  samples: unknown[];
}

const cases: Case[] = [
  {
    name: "ProductPriceMeter",
    ours: ProductPriceMeter,
    sdk: ProductPriceMeter$inboundSchema,
    samples: [meteredPrice.meter],
  },
  {
    name: "ProductPriceFixed",
    ours: ProductPriceFixed,
    sdk: ProductPriceFixed$inboundSchema,
    samples: [fixedPrice, { ...fixedPrice, type: "one_time", recurring_interval: null, is_archived: true }],
  },
  {
    name: "ProductPriceCustom",
    ours: ProductPriceCustom,
    sdk: ProductPriceCustom$inboundSchema,
    samples: [customPrice, { ...customPrice, minimum_amount: null, maximum_amount: 1_000_000, preset_amount: null }],
  },
  { name: "ProductPriceFree", ours: ProductPriceFree, sdk: ProductPriceFree$inboundSchema, samples: [freePrice] },
  {
    name: "ProductPriceMeteredUnit",
    ours: ProductPriceMeteredUnit,
    sdk: ProductPriceMeteredUnit$inboundSchema,
    samples: [meteredPrice, { ...meteredPrice, unit_amount: "0.000000000001", cap_amount: null }],
  },
  {
    name: "ProductPrice",
    ours: ProductPrice,
    sdk: ProductPrice$inboundSchema,
    samples: [fixedPrice, customPrice, freePrice, meteredPrice],
  },
  {
    name: "Product",
    ours: Product,
    sdk: Product$inboundSchema,
    samples: [
      product,
      {
        ...product,
        modified_at: MODIFIED,
        name: "Lifetime",
        description: "One payment",
        recurring_interval: null,
        is_recurring: false,
        is_archived: true,
        metadata: { plan: "lifetime", seats: 5 },
        prices: [customPrice],
        benefits: [customBenefit, creditBenefit],
      },
      { ...product, prices: [meteredPrice], benefits: [] },
    ],
  },
  {
    name: "BenefitMeterCredit",
    ours: BenefitMeterCredit,
    sdk: BenefitMeterCredit$inboundSchema,
    samples: [creditBenefit, { ...creditBenefit, properties: { units: 1, rollover: true, meter_id: METER_ID } }],
  },
  {
    name: "BenefitCustom",
    ours: BenefitCustom,
    sdk: BenefitCustom$inboundSchema,
    samples: [customBenefit, { ...customBenefit, modified_at: MODIFIED, properties: { note: "Email us" } }],
  },
  { name: "Benefit", ours: Benefit, sdk: Benefit$inboundSchema, samples: [creditBenefit, customBenefit] },
  {
    name: "BenefitGrant",
    ours: BenefitGrant,
    sdk: BenefitGrant$inboundSchema,
    samples: [
      grant,
      revokedGrant,
      customGrant,
      { ...grant, properties: {} },
      { ...grant, error: { message: "Meter is gone", type: "BenefitActionRequiredError", timestamp: MODIFIED } },
    ],
  },
  {
    name: "BenefitGrantWebhook",
    ours: BenefitGrantWebhook,
    sdk: BenefitGrantWebhook$inboundSchema,
    samples: [
      { ...grant, benefit: creditBenefit, previous_properties: null },
      { ...grant, benefit: creditBenefit, previous_properties: { ...grant.properties, last_credited_at: CREATED } },
      { ...customGrant, benefit: customBenefit, previous_properties: {} },
    ],
  },
  {
    name: "DiscountFixedOnceForeverDurationBase",
    ours: DiscountFixedOnceForeverDurationBase,
    sdk: DiscountFixedOnceForeverDurationBase$inboundSchema,
    samples: [fixedOnce, { ...fixedOnce, duration: "forever", code: null }],
  },
  {
    name: "DiscountFixedRepeatDurationBase",
    ours: DiscountFixedRepeatDurationBase,
    sdk: DiscountFixedRepeatDurationBase$inboundSchema,
    samples: [fixedRepeat],
  },
  {
    name: "DiscountPercentageOnceForeverDurationBase",
    ours: DiscountPercentageOnceForeverDurationBase,
    sdk: DiscountPercentageOnceForeverDurationBase$inboundSchema,
    samples: [percentageForever, { ...percentageForever, duration: "once", basis_points: 10_000 }],
  },
  {
    name: "DiscountPercentageRepeatDurationBase",
    ours: DiscountPercentageRepeatDurationBase,
    sdk: DiscountPercentageRepeatDurationBase$inboundSchema,
    samples: [percentageRepeat],
  },
  { name: "DiscountProduct", ours: DiscountProduct, sdk: DiscountProduct$inboundSchema, samples: [productBase] },
  {
    name: "DiscountFixedOnceForeverDuration",
    ours: DiscountFixedOnceForeverDuration,
    sdk: DiscountFixedOnceForeverDuration$inboundSchema,
    samples: [full(fixedOnce, []), full(fixedOnce, [productBase])],
  },
  {
    name: "DiscountFixedRepeatDuration",
    ours: DiscountFixedRepeatDuration,
    sdk: DiscountFixedRepeatDuration$inboundSchema,
    samples: [full(fixedRepeat, [productBase])],
  },
  {
    name: "DiscountPercentageOnceForeverDuration",
    ours: DiscountPercentageOnceForeverDuration,
    sdk: DiscountPercentageOnceForeverDuration$inboundSchema,
    samples: [full(percentageForever, [])],
  },
  {
    name: "DiscountPercentageRepeatDuration",
    ours: DiscountPercentageRepeatDuration,
    sdk: DiscountPercentageRepeatDuration$inboundSchema,
    samples: [
      full(percentageRepeat, [productBase, { ...productBase, id: FIXED_PRICE_ID, recurring_interval: "year" }]),
    ],
  },
  {
    name: "Discount",
    ours: Discount,
    sdk: Discount$inboundSchema,
    samples: [fixedOnce, fixedRepeat, percentageForever, percentageRepeat].map((base) => full(base, [productBase])),
  },
  {
    name: "SubscriptionMeter",
    ours: SubscriptionMeter,
    sdk: SubscriptionMeter$inboundSchema,
    samples: [subscriptionMeter, { ...subscriptionMeter, consumed_units: 1234.5678, credited_units: 0, amount: 0 }],
  },
  {
    name: "Subscription",
    ours: Subscription,
    sdk: Subscription$inboundSchema,
    samples: [
      subscription,
      canceledSubscription,
      { ...canceledSubscription, discount: fixedRepeat, current_period_end: null, meters: [] },
    ],
  },
  { name: "OrderItem", ours: OrderItem, sdk: OrderItemSchema$inboundSchema, samples: orderItems },
  {
    name: "OrderItem (proration credit, placeholder line)",
    ours: OrderItem,
    sdk: OrderItemSchema$inboundSchema,
    samples: [
      { ...orderItems[0], amount: -1000, proration: true },
      { ...orderItems[0], amount: 0, product_price_id: null },
    ],
  },
  { name: "OrderProduct", ours: OrderProduct, sdk: OrderProduct$inboundSchema, samples: [productBase] },
  {
    name: "OrderSubscription",
    ours: OrderSubscription,
    sdk: OrderSubscription$inboundSchema,
    samples: [
      subscriptionBase,
      {
        ...subscriptionBase,
        status: "past_due",
        cancel_at_period_end: true,
        canceled_at: MODIFIED,
        ends_at: "2025-07-01T00:00:00Z",
        discount_id: DISCOUNT_ID,
        customer_cancellation_reason: "unused",
        customer_cancellation_comment: "Not using it",
      },
    ],
  },
  { name: "Order", ours: Order, sdk: Order$inboundSchema, samples: [order, cycleOrder] },
  {
    name: "OrderInvoice",
    ours: OrderInvoice,
    sdk: OrderInvoice$inboundSchema,
    samples: [{ url: "https://files.example/invoices/acme-0001.pdf?X-Amz-Signature=abc" }],
  },
];

describe("billing output schemas against SDK 0.32.16", () => {
  describe.each(cases)("$name", ({ ours, sdk, samples }) => {
    it.each(samples.map((sample, index) => [index, sample]))(
      "sample %i is accepted by our schema and the SDK",
      (_, sample) => {
        expect(ours.parse(sample)).toEqual(sample);
        sdkAccepts(sdk, sample);
      },
    );
  });

  it("list envelopes parse with the SDK's ListResource schemas", () => {
    const pagination = { total_count: 21, max_page: 3 };
    const lists: [z.ZodType, SafeParser, unknown][] = [
      [ListResourceProduct, ListResourceProduct$inboundSchema, product],
      [ListResourceBenefit, ListResourceBenefit$inboundSchema, creditBenefit],
      [ListResourceBenefitGrant, ListResourceBenefitGrant$inboundSchema, grant],
      [ListResourceSubscription, ListResourceSubscription$inboundSchema, canceledSubscription],
      [ListResourceOrder, ListResourceOrder$inboundSchema, cycleOrder],
      [ListResourceDiscount, ListResourceDiscount$inboundSchema, full(percentageRepeat, [])],
    ];
    for (const [ours, sdk, item] of lists) {
      const body = { items: [item], pagination };
      expect(ours.parse(body)).toEqual(body);
      sdkAccepts(sdk, body);
      const empty = { items: [], pagination: { total_count: 0, max_page: 0 } };
      expect(ours.parse(empty)).toEqual(empty);
      sdkAccepts(sdk, empty);
    }
  });

  it("declares every field of the SDK's schemas, plus the documented server-only ones", () => {
    expectSameFieldsAsSdk(ProductPriceMeter, ProductPriceMeter$inboundSchema);
    expectSameFieldsAsSdk(ProductPriceFixed, ProductPriceFixed$inboundSchema);
    expectSameFieldsAsSdk(ProductPriceCustom, ProductPriceCustom$inboundSchema);
    expectSameFieldsAsSdk(ProductPriceFree, ProductPriceFree$inboundSchema);
    expectSameFieldsAsSdk(ProductPriceMeteredUnit, ProductPriceMeteredUnit$inboundSchema);
    expectSameFieldsAsSdk(Product, Product$inboundSchema);
    expectSameFieldsAsSdk(BenefitMeterCredit, BenefitMeterCredit$inboundSchema);
    expectSameFieldsAsSdk(BenefitCustom, BenefitCustom$inboundSchema);
    expectSameFieldsAsSdk(BenefitGrant, BenefitGrant$inboundSchema, ["user_id"]);
    expectSameFieldsAsSdk(BenefitGrantWebhook, BenefitGrantWebhook$inboundSchema, ["user_id"]);
    expectSameFieldsAsSdk(DiscountFixedOnceForeverDurationBase, DiscountFixedOnceForeverDurationBase$inboundSchema);
    expectSameFieldsAsSdk(DiscountFixedRepeatDurationBase, DiscountFixedRepeatDurationBase$inboundSchema);
    expectSameFieldsAsSdk(
      DiscountPercentageOnceForeverDurationBase,
      DiscountPercentageOnceForeverDurationBase$inboundSchema,
    );
    expectSameFieldsAsSdk(DiscountPercentageRepeatDurationBase, DiscountPercentageRepeatDurationBase$inboundSchema);
    expectSameFieldsAsSdk(DiscountFixedOnceForeverDuration, DiscountFixedOnceForeverDuration$inboundSchema);
    expectSameFieldsAsSdk(DiscountFixedRepeatDuration, DiscountFixedRepeatDuration$inboundSchema);
    expectSameFieldsAsSdk(DiscountPercentageOnceForeverDuration, DiscountPercentageOnceForeverDuration$inboundSchema);
    expectSameFieldsAsSdk(DiscountPercentageRepeatDuration, DiscountPercentageRepeatDuration$inboundSchema);
    expectSameFieldsAsSdk(DiscountProduct, DiscountProduct$inboundSchema);
    expectSameFieldsAsSdk(SubscriptionMeter, SubscriptionMeter$inboundSchema);
    expectSameFieldsAsSdk(Subscription, Subscription$inboundSchema, ["user_id", "user", "price_id", "price"]);
    expectSameFieldsAsSdk(OrderItem, OrderItemSchema$inboundSchema);
    expectSameFieldsAsSdk(OrderProduct, OrderProduct$inboundSchema);
    expectSameFieldsAsSdk(OrderSubscription, OrderSubscription$inboundSchema, ["user_id"]);
    expectSameFieldsAsSdk(Order, Order$inboundSchema, [
      "billing_name",
      "is_invoice_generated",
      "product_price_id",
      "product_price",
      "user",
    ]);
    expectSameFieldsAsSdk(OrderInvoice, OrderInvoice$inboundSchema);
  });

  it("the SDK drops the meter_credit grant properties it does not know; the server sends them", () => {
    const parsed = BenefitGrant$inboundSchema.parse(JSON.parse(JSON.stringify(grant))) as { properties: unknown };
    expect(parsed.properties).toEqual({});
    expect(BenefitGrant.parse(grant).properties).toEqual(grant.properties);
  });

  it("rejects what the SDK would reject: a missing nullable field, an unknown enum value", () => {
    const { billing_name: _, ...withoutBillingName } = cycleOrder;
    expect(Order.safeParse(withoutBillingName).success).toBe(false);
    const { discount: __, ...withoutDiscount } = subscription;
    expect(Subscription.safeParse(withoutDiscount).success).toBe(false);
    expect(Subscription$inboundSchema.safeParse(JSON.parse(JSON.stringify(withoutDiscount))).success).toBe(false);
    const draft = { ...order, status: "draft" };
    expect(Order.safeParse(draft).success).toBe(false);
    expect(Order$inboundSchema.safeParse(draft).success).toBe(false);
  });

  it("refuses a unit amount that is not a plain non-negative decimal", () => {
    for (const unitAmount of ["1e-7", "-1", "", "1.", " 1"]) {
      expect(ProductPriceMeteredUnit.safeParse({ ...meteredPrice, unit_amount: unitAmount }).success).toBe(false);
    }
    expect(ProductPriceMeteredUnit.safeParse({ ...meteredPrice, unit_amount: 10 }).success).toBe(false);
  });

  it("embeds only minimal discounts in orders and subscriptions", () => {
    const parsed = DiscountMinimal.parse(full(fixedOnce, [productBase]));
    expect(parsed).not.toHaveProperty("products");
  });
});
