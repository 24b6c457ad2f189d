import {
  type ApiDeps,
  presentCustomerState,
  presentGrants,
  presentOrder,
  presentProducts,
  presentSubscription,
  serializeBenefit,
  serializeCustomer,
  serializeOrganization,
} from "@meterline/api";
import type {
  Benefit,
  BenefitGrant,
  Customer,
  IdGenerator,
  Order,
  Organization,
  Product,
  Subscription,
  WebhookEventType,
} from "@meterline/core";

import { CYCLE_READS, memoizedReads } from "./memoized-reads.js";

/** The customer whose state changed, named by anything that carries it (a subscription, a grant). */
export interface CustomerOf {
  customerId: string;
  organizationId: string;
}

export type Announcement =
  | { type: Extract<WebhookEventType, `subscription.${string}`>; subscription: Subscription }
  | { type: Extract<WebhookEventType, `order.${string}`>; order: Order }
  | { type: Extract<WebhookEventType, `benefit_grant.${string}`>; grant: BenefitGrant }
  | { type: Extract<WebhookEventType, `product.${string}`>; product: Product }
  | { type: Extract<WebhookEventType, `benefit.${string}`>; benefit: Benefit }
  | { type: "customer.created" | "customer.updated" | "customer.deleted"; customer: Customer }
  | { type: "customer.state_changed"; stateOf: CustomerOf }
  | { type: "organization.updated"; organization: Organization };

/**
 * `customer.state_changed` for the customer of `subject`. Polar queues it after every change to
 * what the state shows (the customer, a subscription, a grant), once the change's own events are
 * out (spec billing §10): append it after them, once per change. Where Polar sends one per grant,
 * a change granting or revoking several at once sends one, after them all: each would carry the
 * same state, rendered in the change's transaction (usage the materializer has not folded into
 * the customer meters yet is not in it).
 */
export function customerStateChanged(subject: CustomerOf): Announcement {
  return {
    type: "customer.state_changed",
    stateOf: { customerId: subject.customerId, organizationId: subject.organizationId },
  };
}

type Repositories = Parameters<typeof announce>[0];

/** The state as `GET /v1/customers/{id}/state` shows it now (a deleted customer's too: Polar sends it). */
async function renderState(repositories: Repositories, { customerId, organizationId }: CustomerOf) {
  const [customer] = await repositories.customers.getMany([organizationId], [customerId]);
  if (customer === undefined) throw new Error(`Customer ${customerId} does not exist`);
  return presentCustomerState(repositories, customer);
}

async function render(
  repositories: Repositories,
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
  if ("customer" in announcement) {
    const { customer } = announcement;
    return { data: serializeCustomer(customer), organizationId: customer.organizationId };
  }
  if ("stateOf" in announcement) {
    const { stateOf } = announcement;
    return { data: await renderState(repositories, stateOf), organizationId: stateOf.organizationId };
  }
  if ("organization" in announcement) {
    const { organization } = announcement;
    return { data: serializeOrganization(organization), organizationId: organization.id };
  }
  return { data: serializeBenefit(announcement.benefit), organizationId: announcement.benefit.organizationId };
}

/** What an announcement's payload is rendered from: announcements of one subject share it. */
function subjectOf(announcement: Announcement): object {
  if ("subscription" in announcement) return announcement.subscription;
  if ("order" in announcement) return announcement.order;
  if ("grant" in announcement) return announcement.grant;
  if ("product" in announcement) return announcement.product;
  if ("customer" in announcement) return announcement.customer;
  if ("organization" in announcement) return announcement.organization;
  // A state is rendered for itself: its customer's own announcements carry the Customer object.
  if ("stateOf" in announcement) return announcement;
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
