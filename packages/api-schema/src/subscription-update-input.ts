import { z } from "zod";
import { SUBSCRIPTION_PRORATION_BEHAVIORS, type SubscriptionProrationBehavior } from "./organization.js";
import { pyBool } from "./py-bool.js";
import { pyEnum } from "./py-enum.js";
import { pyScalar } from "./py-schema.js";
import { pySmartUnion } from "./py-smart-union.js";
import { pyString } from "./py-string.js";
import { CUSTOMER_CANCELLATION_REASONS, type CustomerCancellationReason } from "./subscription.js";
import { uuid4 } from "./uuid4.js";

interface Cancellation {
  /** null when not sent; uncancelling clears both anyway. */
  customerCancellationReason: CustomerCancellationReason | null;
  customerCancellationComment: string | null;
}

export type SubscriptionUpdateInput =
  /** Change product; null `prorationBehavior` means the organization's setting. */
  | { kind: "product"; productId: string; prorationBehavior: SubscriptionProrationBehavior | null }
  /** Apply a discount from the next cycle, or remove it with null (June server, absent from SDK 0.32.16). */
  | { kind: "discount"; discountId: string | null }
  /** Cancel at period end (true) or uncancel (false). */
  | ({ kind: "cancel"; cancelAtPeriodEnd: boolean } & Cancellation)
  /** Cancel and revoke now. */
  | ({ kind: "revoke" } & Cancellation);

const cancellationFields = {
  customer_cancellation_reason: pyEnum(CUSTOMER_CANCELLATION_REASONS).nullable().optional(),
  customer_cancellation_comment: pyString().nullable().optional(),
};

function cancellation(body: {
  customer_cancellation_reason?: CustomerCancellationReason | null;
  customer_cancellation_comment?: string | null;
}): Cancellation {
  return {
    customerCancellationReason: body.customer_cancellation_reason ?? null,
    customerCancellationComment: body.customer_cancellation_comment ?? null,
  };
}

/** `Literal[True]`: pydantic prints the expected value the Python way. */
const literalTrue = pyScalar(
  (input) =>
    input === true
      ? { ok: true, value: true as const }
      : {
          ok: false,
          error: { type: "literal_error", msg: "Input should be True", input, ctx: { expected: "True" } },
        },
  { const: true },
);

const SubscriptionUpdateProduct = z
  .object({
    product_id: uuid4,
    proration_behavior: pyEnum(SUBSCRIPTION_PRORATION_BEHAVIORS).nullable().optional(),
  })
  .transform(
    (body): SubscriptionUpdateInput => ({
      kind: "product",
      productId: body.product_id,
      prorationBehavior: body.proration_behavior ?? null,
    }),
  );

const SubscriptionUpdateDiscount = z
  .object({ discount_id: uuid4.nullable() })
  .transform((body): SubscriptionUpdateInput => ({ kind: "discount", discountId: body.discount_id }));

const SubscriptionCancel = z.object({ ...cancellationFields, cancel_at_period_end: pyBool() }).transform(
  (body): SubscriptionUpdateInput => ({
    kind: "cancel",
    cancelAtPeriodEnd: body.cancel_at_period_end,
    ...cancellation(body),
  }),
);

const SubscriptionRevoke = z
  .object({ ...cancellationFields, revoke: literalTrue })
  .transform((body): SubscriptionUpdateInput => ({ kind: "revoke", ...cancellation(body) }));

const cancellationKeys = ["customer_cancellation_reason", "customer_cancellation_comment"] as const;

/**
 * `PATCH /v1/subscriptions/{id}`: Polar's undiscriminated union of four models, tried in its
 * order. Among the members that validate, the one setting the most of its fields wins (the
 * first on a tie), so `{"revoke": true, "customer_cancellation_reason": "other"}` revokes.
 * When none validates, each member's errors come under its class name, e.g.
 * `["body","SubscriptionCancel","cancel_at_period_end"]`.
 */
export const SubscriptionUpdateInput: z.ZodType<SubscriptionUpdateInput, unknown> = pySmartUnion([
  {
    name: "SubscriptionUpdateProduct",
    schema: SubscriptionUpdateProduct,
    fields: ["product_id", "proration_behavior"],
  },
  { name: "SubscriptionUpdateDiscount", schema: SubscriptionUpdateDiscount, fields: ["discount_id"] },
  { name: "SubscriptionCancel", schema: SubscriptionCancel, fields: [...cancellationKeys, "cancel_at_period_end"] },
  { name: "SubscriptionRevoke", schema: SubscriptionRevoke, fields: [...cancellationKeys, "revoke"] },
]);
