import { createRepositories } from "@meterline/api";
import {
  addInterval,
  type CancellationReason,
  type Customer,
  type Discount,
  DomainError,
  isBillable,
  isRedeemable,
  isStaticPrice,
  type Metadata,
  type Product,
  type ProductPrice,
  type Subscription,
  subscriptionAmount,
} from "@meterline/core";
import { type Announcement, announce, customerStateChanged } from "./announce.js";
import { newGrants } from "./benefit-grants.js";
import type { BillingDeps } from "./billing-deps.js";
import { buildOrder, staticLines } from "./order-builder.js";
import { endSubscription, finalizeSubscription, settlePeriod } from "./subscription-cycle.js";

function invalid(field: string, message: string, input: unknown): DomainError {
  return new DomainError("INVALID_SUBSCRIPTION_INPUT", "invalid", message, {
    loc: ["body", field],
    input,
    type: "value_error",
  });
}

/** A subscription's amount for one static price; metered and free prices are 0 (billed by usage, or free). */
function staticAmount(price: ProductPrice): number {
  switch (price.amountType) {
    case "fixed":
      return price.priceAmount;
    case "custom":
      // No checkout chooses an amount here: the preset, else the minimum.
      return price.presetAmount ?? price.minimumAmount ?? 0;
    default:
      return 0;
  }
}

export function subscriptionPrices(prices: readonly ProductPrice[]): Subscription["prices"] {
  return prices.map((price) => ({ priceId: price.id, amount: staticAmount(price) }));
}

function meterIdsOf(prices: readonly ProductPrice[]): string[] {
  return [...new Set(prices.flatMap((price) => (price.amountType === "metered_unit" ? [price.meterId] : [])))];
}

/** The discount must be the organization's, apply to the product, and be redeemable now (spec billing §4.8). */
export async function applicableDiscount(
  deps: BillingDeps,
  organizationId: string,
  discountId: string,
  product: Product,
): Promise<Discount> {
  const discount = await deps.discounts.get([organizationId], discountId);
  const now = deps.clock.now();
  if (
    discount === null ||
    !isRedeemable(discount, now) ||
    (discount.productIds.length > 0 && !discount.productIds.includes(product.id)) ||
    !product.prices.some((price) => price.amountType !== "free")
  ) {
    throw invalid(
      "discount_id",
      "Discount does not exist, is not applicable to this product or is not redeemable.",
      discountId,
    );
  }
  return discount;
}

export interface CreateSubscriptionInput {
  organizationId: string;
  customer: Customer;
  product: Product;
  discountId: string | null;
  metadata: Metadata;
}

/**
 * Creates an active subscription directly (later Polar's `POST /v1/subscriptions/`): period 0
 * starts now and is billed in advance by a `subscription_create` order; the usage windows start now
 * (ARCHITECTURE §7) and the product's benefits are granted.
 */
export async function createSubscription(deps: BillingDeps, input: CreateSubscriptionInput): Promise<Subscription> {
  const { product, customer } = input;
  if (product.isArchived) throw invalid("product_id", "Product is archived.", product.id);
  if (product.recurringInterval === null) throw invalid("product_id", "Product is not recurring.", product.id);
  const organization = await deps.organizations.get(input.organizationId, [input.organizationId]);
  if (organization !== null && !organization.subscriptionSettings.allowMultipleSubscriptions) {
    const existing = await deps.subscriptions.forCustomer(customer.id);
    if (existing.some((subscription) => isBillable(subscription.status) && subscription.endedAt === null)) {
      throw invalid("customer_id", "The customer already has an active subscription.", customer.id);
    }
  }
  const discount =
    input.discountId === null ? null : await applicableDiscount(deps, input.organizationId, input.discountId, product);
  const now = deps.clock.now();
  const prices = subscriptionPrices(product.prices);
  const staticTotal = product.prices.filter(isStaticPrice).reduce((sum, price) => sum + staticAmount(price), 0);
  const subscription: Subscription = {
    id: deps.ids.uuid(),
    organizationId: input.organizationId,
    customerId: customer.id,
    productId: product.id,
    createdAt: now,
    modifiedAt: null,
    status: "active",
    amount: subscriptionAmount(staticTotal, discount?.terms ?? null),
    currency: "usd",
    recurringInterval: product.recurringInterval,
    anchor: now,
    periodIndex: 0,
    currentPeriodStart: now,
    currentPeriodEnd: addInterval(now, 1, product.recurringInterval),
    cancelAtPeriodEnd: false,
    canceledAt: null,
    startedAt: now,
    endsAt: null,
    endedAt: null,
    discountId: discount?.id ?? null,
    cancellationReason: null,
    cancellationComment: null,
    metadata: input.metadata,
    prices,
    settledPeriodIndex: null,
    finalizedAt: null,
  };
  const order = buildOrder({
    ids: deps.ids,
    now,
    payments: deps.payments,
    subscription,
    billingReason: "subscription_create",
    items: staticLines(deps.ids, subscription, product, product.prices, null),
    discount,
    customer,
  });
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    await repositories.subscriptions.insert(subscription);
    await repositories.subscriptions.ensureMeters(
      subscription.id,
      meterIdsOf(product.prices),
      () => deps.ids.uuid(),
      now,
    );
    if (
      discount !== null &&
      !(await repositories.discounts.redeem(discount.id, subscription.id, deps.ids.uuid(), now))
    ) {
      throw invalid(
        "discount_id",
        "Discount does not exist, is not applicable to this product or is not redeemable.",
        discount.id,
      );
    }
    const { order: stored } = await repositories.orders.insert(order, `create:${subscription.id}`);
    for (const grant of newGrants(deps, subscription, product.benefitIds, now))
      await repositories.benefits.insertGrant(grant);
    await announce(repositories, { ids: deps.ids, now }, [
      { type: "subscription.created", subscription },
      { type: "subscription.active", subscription },
      customerStateChanged(subscription),
      { type: "order.created", order: stored },
      ...(stored.status === "paid" ? [{ type: "order.paid" as const, order: stored }] : []),
    ]);
  });
  // The window opens and the benefits credit now; if this is interrupted, the scheduler resumes it.
  await settlePeriod(deps, subscription.id, 0);
  return (await deps.subscriptions.getById(subscription.id)) ?? subscription;
}

/**
 * Applies a change to a live subscription under its row lock and announces it, then the
 * customer's state (spec billing §4.6, §10).
 */
async function mutate(
  deps: BillingDeps,
  subscription: Subscription,
  change: (locked: Subscription) => Subscription,
  types: Announcement["type"][],
): Promise<Subscription> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    const locked = await repositories.subscriptions.getForUpdate(subscription.id);
    if (locked === null) throw new DomainError("NOT_FOUND", "not_found", "Not found");
    const changed = { ...change(locked), modifiedAt: now };
    await repositories.subscriptions.update(changed);
    await announce(repositories, { ids: deps.ids, now }, [
      ...types.map((type) => ({ type, subscription: changed }) as Announcement),
      customerStateChanged(changed),
    ]);
    return changed;
  });
}

export function alreadyCanceled(): DomainError {
  return new DomainError(
    "ALREADY_CANCELED_SUBSCRIPTION",
    "forbidden",
    "This subscription is already canceled or will be at the end of the period.",
  );
}

export async function cancelAtPeriodEnd(
  deps: BillingDeps,
  subscription: Subscription,
  reason: CancellationReason | null,
  comment: string | null,
): Promise<Subscription> {
  checkCancelable(subscription);
  const now = deps.clock.now();
  return mutate(
    deps,
    subscription,
    // Checked again under the row lock: of two concurrent cancels, the second gets the 403.
    (locked) => ({
      ...checkCancelable(locked),
      cancelAtPeriodEnd: true,
      canceledAt: now,
      endsAt: locked.currentPeriodEnd,
      cancellationReason: reason ?? locked.cancellationReason,
      cancellationComment: comment ?? locked.cancellationComment,
    }),
    ["subscription.updated", "subscription.canceled"],
  );
}

function checkCancelable(subscription: Subscription): Subscription {
  if (
    !isBillable(subscription.status) ||
    subscription.endedAt !== null ||
    subscription.cancelAtPeriodEnd ||
    subscription.endsAt !== null
  ) {
    throw alreadyCanceled();
  }
  return subscription;
}

function checkUncancelable(subscription: Subscription): Subscription {
  if (subscription.endedAt !== null) {
    throw new DomainError("RESOURCE_UNAVAILABLE", "gone", "This subscription has ended.");
  }
  if (!(subscription.status === "active" && subscription.cancelAtPeriodEnd)) {
    throw new DomainError("BAD_REQUEST", "bad_request", "This subscription is not canceled.");
  }
  return subscription;
}

export async function uncancel(deps: BillingDeps, subscription: Subscription): Promise<Subscription> {
  checkUncancelable(subscription);
  return mutate(
    deps,
    subscription,
    (locked) => ({
      ...checkUncancelable(locked),
      cancelAtPeriodEnd: false,
      canceledAt: null,
      endsAt: null,
      cancellationReason: null,
      cancellationComment: null,
    }),
    ["subscription.updated", "subscription.uncanceled"],
  );
}

/**
 * Ends the subscription now; the usage since the last cycle is billed by a final order, written
 * once the window is materialized (ARCHITECTURE §7: revoking bills pending usage).
 */
export async function revoke(
  deps: Pick<BillingDeps, "db" | "clock" | "ids" | "jobs">,
  subscription: Subscription,
  reason: CancellationReason | null,
  comment: string | null,
): Promise<Subscription> {
  if (!isBillable(subscription.status) || subscription.endedAt !== null) throw alreadyCanceled();
  const now = deps.clock.now();
  const ended = await endSubscription(
    deps,
    subscription,
    now,
    ["subscription.updated", "subscription.canceled", "subscription.revoked"],
    {
      cancellationReason: reason ?? subscription.cancellationReason,
      cancellationComment: comment ?? subscription.cancellationComment,
    },
  );
  if (ended === null) throw alreadyCanceled();
  await deps.jobs.enqueue(
    "billing.finalizeSubscription",
    { subscriptionId: ended.id },
    { id: `billing.finalize:${ended.id}`, maxAttempts: 20 },
  );
  return ended;
}

/** Runs a revoke's final settlement right away (tests and the sandbox clock do not wait for the worker). */
export async function finalizeNow(deps: BillingDeps, subscriptionId: string): Promise<void> {
  await finalizeSubscription(deps, subscriptionId);
}

export async function changeDiscount(
  deps: BillingDeps,
  subscription: Subscription,
  discountId: string | null,
): Promise<Subscription> {
  if (discountId !== null && discountId === subscription.discountId) {
    throw invalid("discount_id", "This discount is already applied to the subscription.", discountId);
  }
  const product = await deps.products.get([subscription.organizationId], subscription.productId);
  if (product === null) throw new DomainError("NOT_FOUND", "not_found", "Not found");
  const discount =
    discountId === null ? null : await applicableDiscount(deps, subscription.organizationId, discountId, product);
  const now = deps.clock.now();
  if (discount !== null && !(await deps.discounts.redeem(discount.id, subscription.id, deps.ids.uuid(), now))) {
    throw invalid(
      "discount_id",
      "Discount does not exist, is not applicable to this product or is not redeemable.",
      discountId,
    );
  }
  const staticTotal = subscription.prices.reduce((sum, price) => sum + price.amount, 0);
  return mutate(
    deps,
    subscription,
    (locked) => ({
      ...locked,
      discountId: discount?.id ?? null,
      amount: subscriptionAmount(staticTotal, discount?.terms ?? null),
    }),
    ["subscription.updated"],
  );
}
