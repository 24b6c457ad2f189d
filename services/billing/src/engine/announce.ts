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

import { CYCLE_READS, memoizedReads } from "./memoized-reads.js";

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

function subjectOf(announcement: Announcement): object {
  if ("subscription" in announcement) return announcement.subscription;
  if ("order" in announcement) return announcement.order;
  if ("grant" in announcement) return announcement.grant;
  if ("product" in announcement) return announcement.product;
  return announcement.benefit;
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
  const reads = memoizedReads(repositories, CYCLE_READS);
  // `order.created` and `order.paid` of one order (or a subscription's `created` and `active`)
  // carry the same object: render it once.
  const rendered = new Map<object, Promise<{ data: unknown; organizationId: string }>>();
  const records = [];
  for (const announcement of announcements) {
    const subject = subjectOf(announcement);
    let payload = rendered.get(subject);
    if (payload === undefined) {
      payload = render(reads, announcement);
      rendered.set(subject, payload);
    }
    const { data, organizationId } = await payload;
    records.push({ id: deps.ids.uuid(), organizationId, createdAt: deps.now, type: announcement.type, data });
  }
  await repositories.outbox.insert(records);
}
