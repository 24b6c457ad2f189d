import { z } from "zod";
import { AddressInput } from "./address-input.js";
import { pyString } from "./py-string.js";

export interface OrderUpdateInput {
  billingName: string | null;
  billingAddress: AddressInput | null;
}

const billingName = pyString().nullable();

/**
 * `PATCH /v1/orders/{id}` (and the customer portal's): the invoice's name and address. Both keys
 * are declared without a default in Polar, so both must be sent; null is allowed. Changing a
 * value after the invoice is generated is refused later.
 */
export const OrderUpdateInput = z
  .object({ billing_name: billingName, billing_address: AddressInput.nullable() })
  .transform((body): OrderUpdateInput => ({ billingName: body.billing_name, billingAddress: body.billing_address }));
