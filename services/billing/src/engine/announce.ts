import { type ApiDeps, presentGrants, presentOrder, presentSubscription } from "@meterline/api";
import type { BenefitGrant, IdGenerator, Order, Subscription, WebhookEventType } from "@meterline/core";

export type Announcement =
  | { type: Extract<WebhookEventType, `subscription.${string}`>; subscription: Subscription }
  | { type: Extract<WebhookEventType, `order.${string}`>; order: Order }
  | { type: Extract<WebhookEventType, `benefit_grant.${string}`>; grant: BenefitGrant };

/**
 * Writes outbox records for changes made in the same transaction (`repositories` must be bound to
 * it): the payload is rendered now, by the same presenters the API answers with.
 */
export async function announce(
  repositories: Pick<
    ApiDeps,
    | "customers"
    | "products"
    | "benefits"
    | "discounts"
    | "meters"
    | "subscriptions"
    | "customerMeters"
    | "orders"
    | "outbox"
  >,
  deps: { ids: IdGenerator; now: Date },
  announcements: readonly Announcement[],
): Promise<void> {
  const records = [];
  for (const announcement of announcements) {
    let data: unknown;
    let organizationId: string;
    if ("subscription" in announcement) {
      data = await presentSubscription(repositories, announcement.subscription);
      organizationId = announcement.subscription.organizationId;
    } else if ("order" in announcement) {
      data = await presentOrder(repositories, announcement.order);
      organizationId = announcement.order.organizationId;
    } else {
      data = (await presentGrants(repositories, [announcement.grant]))[0];
      organizationId = announcement.grant.organizationId;
    }
    records.push({ id: deps.ids.uuid(), organizationId, createdAt: deps.now, type: announcement.type, data });
  }
  await repositories.outbox.insert(records);
}
