import {
  type ApiDeps,
  presentGrants,
  presentOrder,
  presentProducts,
  presentSubscription,
  serializeBenefit,
} from "@meterline/api";
import type {
  Benefit,
  BenefitGrant,
  IdGenerator,
  Order,
  Product,
  Subscription,
  WebhookEventType,
} from "@meterline/core";

export type Announcement =
  | { type: Extract<WebhookEventType, `subscription.${string}`>; subscription: Subscription }
  | { type: Extract<WebhookEventType, `order.${string}`>; order: Order }
  | { type: Extract<WebhookEventType, `benefit_grant.${string}`>; grant: BenefitGrant }
  | { type: Extract<WebhookEventType, `product.${string}`>; product: Product }
  | { type: Extract<WebhookEventType, `benefit.${string}`>; benefit: Benefit };

async function render(
  repositories: Parameters<typeof announce>[0],
  announcement: Announcement,
): Promise<{ data: unknown; organizationId: string }> {
  if ("subscription" in announcement) {
    const { subscription } = announcement;
    return { data: await presentSubscription(repositories, subscription), organizationId: subscription.organizationId };
  }
  if ("order" in announcement) {
    return {
      data: await presentOrder(repositories, announcement.order),
      organizationId: announcement.order.organizationId,
    };
  }
  if ("grant" in announcement) {
    const { grant } = announcement;
    return { data: (await presentGrants(repositories, [grant]))[0], organizationId: grant.organizationId };
  }
  if ("product" in announcement) {
    const { product } = announcement;
    return { data: (await presentProducts(repositories, [product]))[0], organizationId: product.organizationId };
  }
  return { data: serializeBenefit(announcement.benefit), organizationId: announcement.benefit.organizationId };
}

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
    const { data, organizationId } = await render(repositories, announcement);
    records.push({ id: deps.ids.uuid(), organizationId, createdAt: deps.now, type: announcement.type, data });
  }
  await repositories.outbox.insert(records);
}
