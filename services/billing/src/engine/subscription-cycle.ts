import { createRepositories } from "@meterline/api";
import {
  type Discount,
  discountRepetitionExpired,
  nextPeriod,
  type Order,
  rolloverUnits,
  type Subscription,
  subscriptionAmount,
} from "@meterline/core";
import { type Announcement, announce, customerStateChanged } from "./announce.js";
import { creditGrants, revokeGrants } from "./benefit-grants.js";
import type { BillingDeps } from "./billing-deps.js";
import { CYCLE_READS, memoizedReads } from "./memoized-reads.js";
import { buildOrder, meteredLines, orderLines, staticLines } from "./order-builder.js";
import { systemKeys, systemRecord } from "./system-records.js";
import { billingMetersOf, type ClosedWindow, closeWindows, readClosedWindows } from "./usage-windows.js";

/**
 * Whether a subscription's discount still applies to a cycle starting at `periodStart`
 * (spec billing §7.4: once → only the first order; repeating N → while the new period starts
 * within N − 1 months of the start; forever → always).
 */
function discountStillApplies(discount: Discount | null, subscription: Subscription, periodStart: Date): boolean {
  if (discount === null) return false;
  return !discountRepetitionExpired({
    duration: discount.duration,
    durationInMonths: discount.durationInMonths ?? undefined,
    subscriptionStartedAt: subscription.startedAt,
    newPeriodStart: periodStart,
  });
}

async function loadCycleContext(deps: BillingDeps, subscription: Subscription) {
  const scope = [subscription.organizationId];
  const [product, prices, customers, discount] = await Promise.all([
    deps.products.get(scope, subscription.productId),
    deps.products.pricesByIds(subscription.prices.map((price) => price.priceId)),
    deps.customers.getMany(scope, [subscription.customerId]),
    subscription.discountId === null
      ? null
      : deps.discounts.get(scope, subscription.discountId, { includeDeleted: true }),
  ]);
  const customer = customers[0];
  if (product === null || customer === undefined)
    throw new Error(`Subscription ${subscription.id} lost its product or customer`);
  return { product, prices, customer, discount };
}

/**
 * Cycles subscription S out of period `periodIndex` (the job `billing.cycle:<S>:<k>`), in steps
 * that are each idempotent so a crash anywhere is resumed by running the job again (ADR 0004):
 * close the windows → one order and the period advance in one transaction → settle the new
 * period (rollover and benefit credits). A subscription set to cancel ends here instead, with a
 * final usage order.
 */
export async function cycleSubscription(
  deps: BillingDeps,
  subscriptionId: string,
  periodIndex: number,
  /** A batch already appended and materialized this cycle's resets (`cycleDue`): only read them. */
  options: { resetsClosed?: boolean } = {},
): Promise<void> {
  const subscription = await deps.subscriptions.getById(subscriptionId);
  if (subscription === null) return;
  if (subscription.endedAt !== null) return finalizeSubscription(deps, subscriptionId);
  // The catalog and the customer do not change during a cycle: read each once.
  deps = { ...deps, ...memoizedReads(deps, CYCLE_READS) };
  if (subscription.periodIndex > periodIndex) return settlePeriod(deps, subscriptionId, subscription.periodIndex);
  if (subscription.periodIndex < periodIndex || subscription.currentPeriodEnd > deps.clock.now()) return;
  if (subscription.cancelAtPeriodEnd) {
    await endSubscription(deps, subscription, subscription.currentPeriodEnd, [
      "subscription.updated",
      "subscription.revoked",
    ]);
    return finalizeSubscription(deps, subscriptionId);
  }

  const nextIndex = periodIndex + 1;
  // The period after the one ending now, by the anchor rule. The anchor's own count, not
  // `nextIndex`: a product change to another interval restarts the anchor mid-way.
  const next = nextPeriod(subscription.anchor, subscription.currentPeriodEnd, subscription.recurringInterval);
  const meters = await billingMetersOf(deps, subscription);
  const windows = options.resetsClosed
    ? await readClosedWindows(deps, subscription, meters.meters, (meterId) =>
        systemKeys.reset(subscription.id, nextIndex, meterId),
      )
    : await closeWindows(deps, subscription, nextIndex, meters.meters);
  const { product, prices, customer, discount } = await loadCycleContext(deps, subscription);
  // The discount is re-evaluated for the new period before the order is built (spec billing §7.4).
  const applies = discountStillApplies(discount, subscription, next.start);
  // Static lines for the coming period, then lines left by a product change, then usage.
  const pending = await deps.subscriptions.pendingItems(subscription.id);
  const items = orderLines(
    staticLines(deps.ids, subscription, product, prices, next),
    pending.map((item) => ({ ...item, taxAmount: 0 })),
    meteredLines(deps.ids, meters, windows),
  );
  const now = deps.clock.now();
  const order = buildOrder({
    ids: deps.ids,
    now,
    payments: deps.payments,
    subscription,
    billingReason: "subscription_cycle",
    items,
    discount: applies ? discount : null,
    customer,
  });
  const staticTotal = subscription.prices.reduce((sum, price) => sum + price.amount, 0);
  const advanced: Subscription = {
    ...subscription,
    modifiedAt: now,
    periodIndex: nextIndex,
    currentPeriodStart: next.start,
    currentPeriodEnd: next.end,
    discountId: applies ? subscription.discountId : null,
    amount: subscriptionAmount(staticTotal, applies && discount !== null ? discount.terms : null),
  };
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    const locked = await repositories.subscriptions.getForUpdate(subscription.id);
    if (locked === null || locked.periodIndex !== periodIndex || locked.endedAt !== null) return;
    const { order: stored, created } = await repositories.orders.insert(order, `cycle:${subscription.id}:${nextIndex}`);
    if (created)
      await repositories.subscriptions.takePendingItems(
        pending.map((item) => item.id),
        stored.id,
      );
    await repositories.subscriptions.update(advanced, { expectedPeriodIndex: periodIndex });
    // The state follows the subscription's events; the order's come after it (spec billing §10).
    const announcements: Announcement[] = [
      { type: "subscription.updated", subscription: advanced },
      customerStateChanged(advanced),
    ];
    if (created) announcements.push(...orderAnnouncements(stored));
    await announce(repositories, { ids: deps.ids, now }, announcements);
  });
  // The new period's resets are the ones just read: settle from the same windows, no second close.
  await settlePeriod(deps, subscriptionId, nextIndex, windows);
}

function orderAnnouncements(order: Order): Announcement[] {
  const created: Announcement = { type: "order.created", order };
  return order.status === "paid" ? [created, { type: "order.paid", order }] : [created];
}

/**
 * Writes the records that start period `periodIndex` and marks it settled: its resets (period 0:
 * the window starts when the subscription does), the rollover of credits out of the window the
 * resets closed, and — once the period's order is paid — the benefit credits.
 */
export async function settlePeriod(
  deps: BillingDeps,
  subscriptionId: string,
  periodIndex: number,
  /** The windows the period's resets closed, when the caller just read them. */
  closed?: Map<string, ClosedWindow>,
): Promise<void> {
  const subscription = await deps.subscriptions.getById(subscriptionId);
  if (subscription === null || subscription.endedAt !== null || subscription.periodIndex !== periodIndex) return;
  if (subscription.settledPeriodIndex === periodIndex) return;
  const windows =
    closed ?? (await closeWindows(deps, subscription, periodIndex, (await billingMetersOf(deps, subscription)).meters));
  if (periodIndex > 0) {
    const rollovers = [...windows.values()].flatMap(({ meter, consumedUnits, window }) => {
      const units = rolloverUnits({ usage: consumedUnits, credits: window.credits });
      if (units <= 0) return [];
      return [
        systemRecord(deps, {
          organizationId: subscription.organizationId,
          customerId: subscription.customerId,
          name: "meter.credited",
          metadata: { meter_id: meter.id, units, rollover: true },
          externalId: systemKeys.rollover(subscription.id, periodIndex, meter.id),
        }),
      ];
    });
    await deps.log.append(rollovers);
  }
  const order =
    periodIndex === 0
      ? await deps.orders.getByIdempotencyKey(subscription.organizationId, `create:${subscription.id}`)
      : await deps.orders.getByIdempotencyKey(subscription.organizationId, `cycle:${subscription.id}:${periodIndex}`);
  // Benefits credit at activation and at each cycle, once the period's order is paid (spec billing
  // §9): with the manual payment provider that is when the order is marked paid.
  if (order?.status === "paid") await creditGrants(deps, subscription, periodIndex);
  await deps.subscriptions.markSettled(subscription.id, periodIndex);
}

/** Ends a live subscription at `at` (status canceled) and announces it, then the customer's state, in one transaction. */
export async function endSubscription(
  deps: Pick<BillingDeps, "db" | "clock" | "ids">,
  subscription: Subscription,
  at: Date,
  announcements: Array<"subscription.updated" | "subscription.canceled" | "subscription.revoked">,
  changes: Partial<Subscription> = {},
): Promise<Subscription | null> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    const locked = await repositories.subscriptions.getForUpdate(subscription.id);
    if (locked === null || locked.endedAt !== null) return null;
    const ended: Subscription = {
      ...locked,
      ...changes,
      modifiedAt: now,
      status: "canceled",
      endedAt: at,
      endsAt: at,
      canceledAt: locked.canceledAt ?? now,
    };
    await repositories.subscriptions.update(ended);
    await announce(repositories, { ids: deps.ids, now }, [
      ...announcements.map((type) => ({ type, subscription: ended })),
      customerStateChanged(ended),
    ]);
    return ended;
  });
}

/**
 * Settles an ended subscription: the window since the last cycle is closed and billed in a final
 * usage order (none when nothing happened in it), and its benefit grants are revoked
 * (ARCHITECTURE §7: ending and revoking both bill pending usage).
 */
export async function finalizeSubscription(deps: BillingDeps, subscriptionId: string): Promise<void> {
  const subscription = await deps.subscriptions.getById(subscriptionId);
  if (subscription === null || subscription.endedAt === null || subscription.finalizedAt !== null) return;
  const meters = await billingMetersOf(deps, subscription);
  const windows = await closeWindows(deps, subscription, subscription.periodIndex + 1, meters.meters);
  const pending = await deps.subscriptions.pendingItems(subscription.id);
  const billed =
    pending.length > 0 || meters.meteredPrices.some((price) => windows.get(price.meterId)?.hasActivity === true);
  if (billed) {
    const { customer, discount } = await loadCycleContext(deps, subscription);
    const applies = discountStillApplies(discount, subscription, subscription.endedAt);
    const now = deps.clock.now();
    const order = buildOrder({
      ids: deps.ids,
      now,
      payments: deps.payments,
      subscription,
      billingReason: "subscription_cycle",
      items: orderLines(
        [],
        pending.map((item) => ({ ...item, taxAmount: 0 })),
        meteredLines(deps.ids, meters, windows),
      ),
      discount: applies ? discount : null,
      customer,
    });
    await deps.db.transaction(async (tx) => {
      const repositories = createRepositories(tx);
      // Under the row lock: a revoke's own call and the worker's job may both get here.
      await repositories.subscriptions.getForUpdate(subscription.id);
      const { order: stored, created } = await repositories.orders.insert(order, `final:${subscription.id}`);
      if (created) {
        await repositories.subscriptions.takePendingItems(
          pending.map((item) => item.id),
          stored.id,
        );
        await announce(repositories, { ids: deps.ids, now }, orderAnnouncements(stored));
      }
    });
  }
  await revokeGrants(deps, subscription);
  await deps.subscriptions.markFinalized(subscription.id, deps.clock.now());
}
