/** Every change Polar announces by webhook (spec billing §10). */
export const WEBHOOK_EVENT_TYPES = [
  "checkout.created",
  "checkout.updated",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "customer.state_changed",
  "order.created",
  "order.updated",
  "order.paid",
  "order.refunded",
  "subscription.created",
  "subscription.updated",
  "subscription.active",
  "subscription.canceled",
  "subscription.uncanceled",
  "subscription.revoked",
  "refund.created",
  "refund.updated",
  "product.created",
  "product.updated",
  "benefit.created",
  "benefit.updated",
  "benefit_grant.created",
  "benefit_grant.cycled",
  "benefit_grant.updated",
  "benefit_grant.revoked",
  "organization.updated",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * A change to announce, written in the same transaction as the change itself (transactional
 * outbox). `data` is the wire payload as the API returns it, rendered at the moment of the change.
 */
export interface OutboxRecord {
  id: string;
  organizationId: string;
  createdAt: Date;
  type: WebhookEventType;
  data: unknown;
}
