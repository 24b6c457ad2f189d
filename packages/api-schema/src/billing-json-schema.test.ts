import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BenefitCreateInput } from "./benefit-create-input.js";
import { DiscountCreateInput } from "./discount-create-input.js";
import { Order } from "./order.js";
import { Product } from "./product.js";
import { ProductCreateInput } from "./product-create-input.js";
import { SubscriptionUpdateInput } from "./subscription-update-input.js";

type Json = Record<string, unknown> & {
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  oneOf?: Json[];
  anyOf?: Json[];
  items?: Json;
};

function inputJsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as unknown as Json;
}

describe("JSON Schema of the billing bodies for the OpenAPI document", () => {
  it("describes a product create with its four price variants", () => {
    const product = inputJsonSchema(ProductCreateInput);
    expect(product.required).toEqual(["name", "recurring_interval", "prices"]);
    const prices = product.properties.prices as Json;
    expect(prices).toMatchObject({ type: "array", minItems: 1 });
    expect(prices.items?.oneOf?.map((variant) => variant.properties.amount_type)).toEqual(
      ["fixed", "custom", "free", "metered_unit"].map((tag) => ({ type: "string", enum: [tag] })),
    );
    expect(prices.items?.oneOf?.[3]?.properties.unit_amount).toMatchObject({
      anyOf: [{ type: "number", exclusiveMinimum: 0 }, { type: "string" }],
    });
  });

  it("describes the unions member by member", () => {
    expect(inputJsonSchema(BenefitCreateInput).oneOf).toHaveLength(2);
    expect(inputJsonSchema(DiscountCreateInput).oneOf).toHaveLength(4);
    const update = inputJsonSchema(SubscriptionUpdateInput);
    expect(update.anyOf?.map((member) => member.required)).toEqual([
      ["product_id"],
      ["discount_id"],
      ["cancel_at_period_end"],
      ["revoke"],
    ]);
  });

  it("renders the output schemas with every field required", () => {
    const product = z.toJSONSchema(Product) as unknown as Json;
    expect(product.required).toContain("medias");
    const order = z.toJSONSchema(Order) as unknown as Json;
    expect(order.required).toEqual(expect.arrayContaining(["billing_name", "is_invoice_generated", "discount"]));
  });
});
