import { createRepositories } from "@meterline/api";
import {
  DomainError,
  isActive,
  isStaticPrice,
  type LogRecord,
  type MeteredPrice,
  type OrderItem,
  type Product,
  rolloverUnits,
  type Subscription,
  subscriptionAmount,
} from "@meterline/core";
import { type Announcement, announce, customerStateChanged } from "./announce.js";
import { syncGrants } from "./benefit-grants.js";
import type { BillingDeps } from "./billing-deps.js";
import { buildOrder, meteredLines, orderLines, shortDate } from "./order-builder.js";
import { cycleSubscription } from "./subscription-cycle.js";
import { alreadyCanceled, subscriptionPrices } from "./subscription-service.js";
import { systemKeys, systemRecord } from "./system-records.js";
import { type ClosedWindow, closeWindows } from "./usage-windows.js";

export type ProrationBehavior = "invoice" | "prorate";

function invalidProduct(message: string, productId: string): DomainError {
  return new DomainError("INVALID_SUBSCRIPTION_INPUT", "invalid", message, {
    loc: ["body", "product_id"],
    input: productId,
    type: "value_error",
  });
}

/** `amount × remaining / total` rounded half up (Meterline rounds money half up; Polar half-even). */
function prorated(amount: number, remainingMs: number, totalMs: number): number {
  if (amount <= 0 || remainingMs <= 0 || totalMs <= 0) return 0;
  const total = BigInt(totalMs);
  return Number((2n * BigInt(amount) * BigInt(Math.min(remainingMs, totalMs)) + total) / (2n * total));
}

/** Where the target product is refused (spec billing §4.7): 422 at `product_id`. */
function checkTarget(subscription: Subscription, product: Product): void {
  if (product.id === subscription.productId)
    throw invalidProduct("The subscription is already on this product.", product.id);
  if (product.isArchived) throw invalidProduct("Product is archived.", product.id);
  if (product.recurringInterval === null) throw invalidProduct("Product is not recurring.", product.id);
  if (product.prices.some((price) => price.amountType === "custom")) {
    throw invalidProduct("Pay what you want prices are not supported when changing a subscription.", product.id);
  }
}

/**
 * The old metered prices' usage up to the change, billed at the old prices: the windows of every
 * meter either product bills close now (resets under the change's keys), each old price's window
 * with usage becomes a line, and the credits left in a window are carried into the new one (the
 * rollover part stays rollover), so a change neither loses nor doubles what the customer was
 * credited. A meter only the new product bills closes too, unbilled: its usage before the change
 * was not priced by the product the customer was on, and the new price starts counting now.
 */
async function closeOldUsage(
  deps: BillingDeps,
  subscription: Subscription,
  meteredPrices: MeteredPrice[],
  newMeterIds: readonly string[],
  change: string,
): Promise<OrderItem[]> {
  const meterIds = [...new Set([...meteredPrices.map((price) => price.meterId), ...newMeterIds])];
  if (meterIds.length === 0) return [];
  const meters = await deps.meters.getMany([subscription.organizationId], meterIds);
  const windows = await closeWindows(deps, subscription, subscription.periodIndex, meters, (meterId) =>
    systemKeys.changeReset(subscription.id, change, meterId),
  );
  const carries: LogRecord[] = [];
  const used = new Map<string, ClosedWindow>();
  for (const closed of windows.values()) {
    if (closed.consumedUnits > 0) used.set(closed.meter.id, closed);
    const carried = Math.max(0, Math.trunc(closed.creditedUnits - closed.consumedUnits));
    const rollover = Math.min(carried, rolloverUnits({ usage: closed.consumedUnits, credits: closed.window.credits }));
    for (const [units, isRollover] of [
      [rollover, true],
      [carried - rollover, false],
    ] as const) {
      if (units <= 0) continue;
      carries.push(
        systemRecord(deps, {
          organizationId: subscription.organizationId,
          customerId: subscription.customerId,
          name: "meter.credited",
          metadata: { meter_id: closed.meter.id, units, rollover: isRollover },
          externalId: systemKeys.changeCarry(subscription.id, change, closed.meter.id, isRollover),
        }),
      );
    }
  }
  await deps.log.append(carries);
  return meteredLines(deps.ids, { meteredPrices, meters }, used);
}

/**
 * Moves a live subscription to another recurring product (spec billing §4.7, Engine rules with
 * Meterline's half-up rounding): its prices are replaced by the product's, its amount and interval
 * recomputed and its meters completed. Proration: a credit for each old static price and — when
 * the interval is unchanged — a debit for each new one, `(price − discount) × remaining fraction`
 * of the current period. `invoice` bills them (and any earlier pending lines) in an immediate
 * `subscription_update` order; `prorate` leaves them for the next cycle order. A change of
 * interval restarts the period now and cycles at once, so the new period is billed in advance
 * right away (with the credits). The benefits are re-evaluated for the new product.
 */
export async function changeProduct(
  deps: BillingDeps,
  subscription: Subscription,
  product: Product,
  requestedBehavior: ProrationBehavior | null,
): Promise<Subscription> {
  if (!isActive(subscription.status) || subscription.endedAt !== null || subscription.cancelAtPeriodEnd) {
    throw alreadyCanceled();
  }
  checkTarget(subscription, product);
  const scope = [subscription.organizationId];
  const [organization, oldProduct, oldPrices, customers, discount] = await Promise.all([
    deps.organizations.get(subscription.organizationId, scope),
    deps.products.get(scope, subscription.productId),
    deps.products.pricesByIds(subscription.prices.map((price) => price.priceId)),
    deps.customers.getMany(scope, [subscription.customerId]),
    subscription.discountId === null
      ? null
      : deps.discounts.get(scope, subscription.discountId, { includeDeleted: true }),
  ]);
  const customer = customers[0];
  if (oldProduct === null || customer === undefined)
    throw new Error(`Subscription ${subscription.id} lost its product or customer`);
  const behavior = requestedBehavior ?? organization?.subscriptionSettings.prorationBehavior ?? "prorate";
  const interval = product.recurringInterval ?? subscription.recurringInterval;
  const intervalChanged = interval !== subscription.recurringInterval;

  const now = deps.clock.now();
  const change = `${subscription.periodIndex}-${now.getTime()}`;
  const end = subscription.currentPeriodEnd;
  const remaining = end.getTime() - now.getTime();
  const total = end.getTime() - subscription.currentPeriodStart.getTime();
  const terms = discount?.terms ?? null;
  const span = `From ${shortDate(now)} to ${shortDate(end)}`;
  const line = (label: string, amount: number, priceId: string): OrderItem => ({
    id: deps.ids.uuid(),
    label,
    amount,
    taxAmount: 0,
    proration: true,
    productPriceId: priceId,
  });
  const credits = subscription.prices.flatMap((own) => {
    const price = oldPrices.find((candidate) => candidate.id === own.priceId);
    const amount = prorated(subscriptionAmount(own.amount, terms), remaining, total);
    if (price === undefined || !isStaticPrice(price) || amount === 0) return [];
    return [line(`Remaining time on ${oldProduct.name} — ${span}`, -amount, price.id)];
  });
  const newPrices = subscriptionPrices(product.prices);
  const debits = intervalChanged
    ? []
    : newPrices.flatMap((own) => {
        const price = product.prices.find((candidate) => candidate.id === own.priceId);
        const amount = prorated(subscriptionAmount(own.amount, terms), remaining, total);
        if (price === undefined || !isStaticPrice(price) || amount === 0) return [];
        return [line(`${product.name} — ${span}`, amount, price.id)];
      });
  const oldMetered = oldPrices
    .filter((price): price is MeteredPrice => price.amountType === "metered_unit")
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const meterIds = [
    ...new Set(product.prices.flatMap((price) => (price.amountType === "metered_unit" ? [price.meterId] : []))),
  ];
  const usage = await closeOldUsage(deps, subscription, oldMetered, meterIds, change);
  const prorations = [...credits, ...debits];

  const staticTotal = newPrices.reduce((sum, price) => sum + price.amount, 0);
  const changed: Subscription = {
    ...subscription,
    modifiedAt: now,
    productId: product.id,
    prices: newPrices,
    recurringInterval: interval,
    amount: subscriptionAmount(staticTotal, terms),
    // A new interval restarts the anchor now; the period ends now and is cycled right away.
    ...(intervalChanged && { anchor: now, currentPeriodEnd: now }),
  };
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    const locked = await repositories.subscriptions.getForUpdate(subscription.id);
    if (
      locked === null ||
      locked.productId !== subscription.productId ||
      locked.periodIndex !== subscription.periodIndex ||
      locked.endedAt !== null ||
      locked.cancelAtPeriodEnd
    ) {
      throw new DomainError("SUBSCRIPTION_UPDATE_PENDING", "conflict", "The subscription was updated meanwhile.");
    }
    await repositories.subscriptions.update(changed);
    await repositories.subscriptions.setPrices(changed.id, changed.prices);
    await repositories.subscriptions.ensureMeters(changed.id, meterIds, () => deps.ids.uuid(), now);
    const announcements: Announcement[] = [
      { type: "subscription.updated", subscription: changed },
      customerStateChanged(changed),
    ];
    if (behavior === "invoice" && !intervalChanged) {
      // The update order takes every pending line (an earlier `prorate` change's too).
      const pending = await repositories.subscriptions.pendingItems(changed.id);
      const order = buildOrder({
        ids: deps.ids,
        now,
        payments: deps.payments,
        subscription: changed,
        billingReason: "subscription_update",
        items: orderLines([], [...pending.map((item) => ({ ...item, taxAmount: 0 })), ...prorations], usage),
        discount,
        customer,
      });
      const { order: stored, created } = await repositories.orders.insert(order, `update:${changed.id}:${change}`);
      if (created) {
        await repositories.subscriptions.takePendingItems(
          pending.map((item) => item.id),
          stored.id,
        );
        announcements.push({ type: "order.created", order: stored });
        if (stored.status === "paid") announcements.push({ type: "order.paid", order: stored });
      }
    } else {
      await repositories.subscriptions.addPendingItems(
        changed.id,
        [...prorations, ...usage].map((item, index) => ({
          ...item,
          key: `change:${change}:${String(index).padStart(4, "0")}`,
        })),
        now,
      );
    }
    await announce(repositories, { ids: deps.ids, now }, announcements);
  });
  if (intervalChanged) await cycleSubscription(deps, changed.id, changed.periodIndex);
  // After the immediate cycle, so new benefits credit the new period once.
  const current = (await deps.subscriptions.getById(changed.id)) ?? changed;
  await syncGrants(deps, current, product.benefitIds);
  return (await deps.subscriptions.getById(changed.id)) ?? current;
}
