import type { Order } from "../order/order.js";

/**
 * Collects an order's money. `test` settles every order at once (the sandbox default); `manual`
 * leaves it pending until an operator marks it paid through the API (money collected elsewhere).
 */
export interface PaymentProvider {
  readonly name: "test" | "manual";
  /** What happens to a new order with a positive total: paid now, or pending. */
  collect(order: Order): "paid" | "pending";
}

export const testPaymentProvider: PaymentProvider = { name: "test", collect: () => "paid" };
export const manualPaymentProvider: PaymentProvider = { name: "manual", collect: () => "pending" };
