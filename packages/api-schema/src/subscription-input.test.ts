import { describe, expect, it } from "vitest";
import { parseInput } from "./parse-input.js";
import { SubscriptionCreateInput } from "./subscription-create-input.js";
import { SubscriptionUpdateInput } from "./subscription-update-input.js";

const PRODUCT_ID = "d8dd2de1-21b7-4a41-8bc3-ce909c0cfe23";
const CUSTOMER_ID = "992fae2a-2a17-4b7a-8d9e-e287cf90131b";
const DISCOUNT_ID = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f";

describe("SubscriptionCreateInput", () => {
  it("creates for a customer id or an external customer id", () => {
    expect(parseInput(SubscriptionCreateInput, { customer_id: CUSTOMER_ID, product_id: PRODUCT_ID }, ["body"])).toEqual(
      {
        ok: true,
        value: {
          customerId: CUSTOMER_ID,
          externalCustomerId: null,
          productId: PRODUCT_ID,
          discountId: null,
          metadata: {},
        },
      },
    );
    expect(
      parseInput(
        SubscriptionCreateInput,
        { external_customer_id: "u1", product_id: PRODUCT_ID, discount_id: DISCOUNT_ID, metadata: { plan: "pro" } },
        ["body"],
      ),
    ).toEqual({
      ok: true,
      value: {
        customerId: null,
        externalCustomerId: "u1",
        productId: PRODUCT_ID,
        discountId: DISCOUNT_ID,
        metadata: { plan: "pro" },
      },
    });
  });

  it("prefers the customer id when both are sent", () => {
    expect(
      parseInput(
        SubscriptionCreateInput,
        { customer_id: CUSTOMER_ID, external_customer_id: "u1", product_id: PRODUCT_ID },
        [],
      ),
    ).toMatchObject({ ok: true, value: { customerId: CUSTOMER_ID, externalCustomerId: null } });
    expect(
      parseInput(
        SubscriptionCreateInput,
        { customer_id: "nope", external_customer_id: "u1", product_id: PRODUCT_ID },
        [],
      ),
    ).toMatchObject({ ok: true, value: { customerId: null, externalCustomerId: "u1" } });
  });

  it("reports both members when neither fits", () => {
    expect(parseInput(SubscriptionCreateInput, { product_id: "x" }, ["body"])).toMatchObject({
      ok: false,
      detail: [
        { type: "uuid_parsing", loc: ["body", "SubscriptionCreateCustomer", "product_id"] },
        { type: "missing", loc: ["body", "SubscriptionCreateCustomer", "customer_id"] },
        { type: "uuid_parsing", loc: ["body", "SubscriptionCreateExternalCustomer", "product_id"] },
        { type: "missing", loc: ["body", "SubscriptionCreateExternalCustomer", "external_customer_id"] },
      ],
    });
  });
});

describe("SubscriptionUpdateInput: the union the server accepts", () => {
  it.each([
    [{ product_id: PRODUCT_ID }, { kind: "product", productId: PRODUCT_ID, prorationBehavior: null }],
    [
      { product_id: PRODUCT_ID, proration_behavior: "invoice" },
      { kind: "product", productId: PRODUCT_ID, prorationBehavior: "invoice" },
    ],
    [{ discount_id: DISCOUNT_ID }, { kind: "discount", discountId: DISCOUNT_ID }],
    [{ discount_id: null }, { kind: "discount", discountId: null }],
    [
      { cancel_at_period_end: true, customer_cancellation_reason: "too_expensive" },
      {
        kind: "cancel",
        cancelAtPeriodEnd: true,
        customerCancellationReason: "too_expensive",
        customerCancellationComment: null,
      },
    ],
    [
      { cancel_at_period_end: false },
      { kind: "cancel", cancelAtPeriodEnd: false, customerCancellationReason: null, customerCancellationComment: null },
    ],
    [{ revoke: true }, { kind: "revoke", customerCancellationReason: null, customerCancellationComment: null }],
    [
      { revoke: true, customer_cancellation_reason: "other", customer_cancellation_comment: "Bye" },
      { kind: "revoke", customerCancellationReason: "other", customerCancellationComment: "Bye" },
    ],
    // Both members validate with two fields set each: the first one in Polar's order wins.
    [
      { revoke: true, cancel_at_period_end: false, customer_cancellation_reason: "other" },
      {
        kind: "cancel",
        cancelAtPeriodEnd: false,
        customerCancellationReason: "other",
        customerCancellationComment: null,
      },
    ],
    // One field set each: the product change comes first.
    [
      { product_id: PRODUCT_ID, cancel_at_period_end: true },
      { kind: "product", productId: PRODUCT_ID, prorationBehavior: null },
    ],
    // The member setting more of its fields wins over an earlier one.
    [
      { discount_id: null, cancel_at_period_end: true, customer_cancellation_comment: "x" },
      { kind: "cancel", cancelAtPeriodEnd: true, customerCancellationReason: null, customerCancellationComment: "x" },
    ],
  ])("reads %j", (body, expected) => {
    expect(parseInput(SubscriptionUpdateInput, body, ["body"])).toEqual({ ok: true, value: expected });
  });

  it("reports every member's errors under its class name when none matches", () => {
    expect(parseInput(SubscriptionUpdateInput, {}, ["body"])).toEqual({
      ok: false,
      detail: [
        { type: "missing", loc: ["body", "SubscriptionUpdateProduct", "product_id"], msg: "Field required", input: {} },
        {
          type: "missing",
          loc: ["body", "SubscriptionUpdateDiscount", "discount_id"],
          msg: "Field required",
          input: {},
        },
        {
          type: "missing",
          loc: ["body", "SubscriptionCancel", "cancel_at_period_end"],
          msg: "Field required",
          input: {},
        },
        { type: "missing", loc: ["body", "SubscriptionRevoke", "revoke"], msg: "Field required", input: {} },
      ],
    });
  });

  it.each([
    [{ revoke: false }, "literal_error", ["SubscriptionRevoke", "revoke"], "Input should be True"],
    [{ cancel_at_period_end: "maybe" }, "bool_parsing", ["SubscriptionCancel", "cancel_at_period_end"], undefined],
    [
      { cancel_at_period_end: true, customer_cancellation_reason: "bored" },
      "enum",
      ["SubscriptionCancel", "customer_cancellation_reason"],
      undefined,
    ],
    [{ product_id: "x" }, "uuid_parsing", ["SubscriptionUpdateProduct", "product_id"], undefined],
    [
      { product_id: PRODUCT_ID, proration_behavior: "now" },
      "enum",
      ["SubscriptionUpdateProduct", "proration_behavior"],
      "Input should be 'invoice' or 'prorate'",
    ],
    [{ discount_id: 5 }, "uuid_type", ["SubscriptionUpdateDiscount", "discount_id"], undefined],
  ])("locates the error of %j under its member", (body, type, loc, msg) => {
    const result = parseInput(SubscriptionUpdateInput, body, ["body"]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(new Set(result.detail.map((detail) => detail.loc[1])).size).toBe(4);
      const item = result.detail.find((detail) => detail.loc[1] === loc[0]);
      expect(item).toMatchObject({ type, loc: ["body", ...loc] });
      if (msg !== undefined) expect(item?.msg).toBe(msg);
    }
  });

  it("reports a body that is not an object once per member", () => {
    const result = parseInput(SubscriptionUpdateInput, [], ["body"]);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.detail.map((item) => [item.type, item.loc])).toEqual([
        ["model_attributes_type", ["body", "SubscriptionUpdateProduct"]],
        ["model_attributes_type", ["body", "SubscriptionUpdateDiscount"]],
        ["model_attributes_type", ["body", "SubscriptionCancel"]],
        ["model_attributes_type", ["body", "SubscriptionRevoke"]],
      ]);
  });
});
