import type { Address } from "../customer/customer.js";
import type { Metadata } from "../event/event.js";

export type OrderStatus = "pending" | "paid" | "refunded" | "partially_refunded";
export type BillingReason = "purchase" | "subscription_create" | "subscription_cycle" | "subscription_update";

export interface OrderItem {
  id: string;
  label: string;
  /** Cents, before discount and tax. */
  amount: number;
  taxAmount: number;
  proration: boolean;
  productPriceId: string | null;
}

export interface Order {
  id: string;
  organizationId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  status: OrderStatus;
  subtotalAmount: number;
  discountAmount: number;
  netAmount: number;
  taxAmount: number;
  totalAmount: number;
  refundedAmount: number;
  refundedTaxAmount: number;
  currency: "usd";
  billingReason: BillingReason;
  billingName: string | null;
  billingAddress: Address | null;
  isInvoiceGenerated: boolean;
  customerId: string;
  productId: string;
  discountId: string | null;
  subscriptionId: string | null;
  metadata: Metadata;
  items: OrderItem[];
}
