import { type DiscountAmountRule, discountAmount } from "./discount-amount.js";
import { assertCents } from "./safe-cents.js";

export interface OrderTotals {
  subtotalAmount: number;
  discountAmount: number;
  netAmount: number;
  taxAmount: number;
  totalAmount: number;
}

/**
 * An order's amounts (spec §6.3) with no tax service: Meterline computes no tax yet, so tax is 0
 * and total = net.
 *
 *   subtotal = Σ line amounts            proration credits may make it smaller, even negative
 *   discount = discountAmount(subtotal)  once, on the whole subtotal, usage lines included;
 *                                        0 without a discount or when subtotal ≤ 0
 *   net      = subtotal − discount
 *
 * The lines are already whole cents (each was rounded once when priced), so nothing here rounds.
 */
export function orderTotals(
  items: ReadonlyArray<{ amount: number }>,
  discount?: DiscountAmountRule | null,
): OrderTotals {
  let subtotalAmount = 0;
  for (const item of items) {
    assertCents(item.amount, "An order line amount");
    subtotalAmount += item.amount;
  }
  assertCents(subtotalAmount, "The order subtotal");
  const discounted = discount ? discountAmount(discount, subtotalAmount) : 0;
  const netAmount = subtotalAmount - discounted;
  const taxAmount = 0;
  return { subtotalAmount, discountAmount: discounted, netAmount, taxAmount, totalAmount: netAmount + taxAmount };
}
