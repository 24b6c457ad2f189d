import {
  type CustomerWindow,
  finalizeAggregate,
  type LogRecord,
  type Meter,
  type MeteredPrice,
  nonNegativeRunningSum,
  type Subscription,
} from "@meterline/core";
import type { BillingDeps } from "./billing-deps.js";
import { systemKeys, systemRecord } from "./system-records.js";
import { waitForMaterialized } from "./wait-for-materialized.js";

/** What a subscription bills and credits: its metered prices and the meters it resets each period. */
export interface BillingMeters {
  meteredPrices: MeteredPrice[];
  /** Meters of metered prices and of meter_credit benefits granted by the subscription. */
  meters: Meter[];
}

export async function billingMetersOf(deps: BillingDeps, subscription: Subscription): Promise<BillingMeters> {
  const [prices, grants] = await Promise.all([
    deps.products.pricesByIds(subscription.prices.map((price) => price.priceId)),
    deps.benefits.grantsOfSubscription(subscription.id),
  ]);
  const meteredPrices = prices
    .filter((price): price is MeteredPrice => price.amountType === "metered_unit")
    // Polar orders metered lines by price id (UUID byte order = lower-case hex order).
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const benefits = await deps.benefits.getMany(
    [subscription.organizationId],
    grants.map((grant) => grant.benefitId),
    {
      includeDeleted: true,
    },
  );
  const meterIds = new Set(meteredPrices.map((price) => price.meterId));
  for (const benefit of benefits)
    if (benefit.properties.type === "meter_credit") meterIds.add(benefit.properties.meterId);
  const meters = await deps.meters.getMany([subscription.organizationId], [...meterIds]);
  return {
    meteredPrices,
    meters: meters.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)),
  };
}

export interface ClosedWindow {
  meter: Meter;
  window: CustomerWindow;
  consumedUnits: number;
  creditedUnits: number;
  /** The window holds usage or credits (not only the reset that opened it). */
  hasActivity: boolean;
}

/** The `meter.reset` records that close a subscription's windows (deterministic external ids). */
export function resetRecords(
  deps: BillingDeps,
  subscription: Subscription,
  meters: readonly Meter[],
  resetKey: (meterId: string) => string,
): LogRecord[] {
  return meters.map((meter) =>
    systemRecord(deps, {
      organizationId: subscription.organizationId,
      customerId: subscription.customerId,
      name: "meter.reset",
      metadata: { meter_id: meter.id },
      externalId: resetKey(meter.id),
    }),
  );
}

/**
 * Closes the subscription's windows for `periodIndex` and reads them (invariants 5–6): appends a
 * `meter.reset` per meter (deterministic external ids, so a retry appends nothing), waits until
 * the materializer has stored everything up to them, then computes each meter's window between
 * the previous reset and this one. A record that arrives later lands after the reset: it belongs
 * to the next window, never lost and never counted twice.
 */
export async function closeWindows(
  deps: BillingDeps,
  subscription: Subscription,
  periodIndex: number,
  meters: readonly Meter[],
  /** The resets' external ids; a product change closes its windows mid-period under its own keys. */
  resetKey: (meterId: string) => string = (meterId) => systemKeys.reset(subscription.id, periodIndex, meterId),
): Promise<Map<string, ClosedWindow>> {
  if (meters.length === 0) return new Map();
  await deps.log.append(resetRecords(deps, subscription, meters, resetKey));
  await waitForMaterialized(deps, subscription.organizationId);
  return readClosedWindows(deps, subscription, meters, resetKey);
}

/**
 * Reads windows whose resets are already appended and materialized (after `closeWindows`, or
 * after a batch appended the resets of many subscriptions and waited once for all of them).
 */
export async function readClosedWindows(
  deps: BillingDeps,
  subscription: Subscription,
  meters: readonly Meter[],
  resetKey: (meterId: string) => string,
): Promise<Map<string, ClosedWindow>> {
  const closed = new Map<string, ClosedWindow>();
  if (meters.length === 0) return closed;
  const keys = meters.map((meter) => resetKey(meter.id));
  const resets = await deps.store.findByExternalIds(subscription.organizationId, keys);
  const customer = (await deps.customers.getMany([subscription.organizationId], [subscription.customerId]))[0];
  if (customer === undefined) throw new Error(`Subscription ${subscription.id} has no customer`);
  for (const [index, meter] of meters.entries()) {
    const reset = resets.find((event) => event.externalId === keys[index]);
    if (reset === undefined) throw new Error(`The reset ${keys[index]} is not stored yet`);
    const [window] = await deps.store.customerWindows({
      organizationId: subscription.organizationId,
      customer: { id: customer.id, externalId: customer.externalId },
      meters: [{ id: meter.id, filter: meter.filter, aggregation: meter.aggregation }],
      until: reset.position,
    });
    if (window === undefined) continue;
    closed.set(meter.id, {
      meter,
      window,
      consumedUnits: finalizeAggregate(meter.aggregation.func, window.usage),
      creditedUnits: nonNegativeRunningSum(window.credits.map((credit) => credit.units)),
      hasActivity: window.usage.count > 0 || window.credits.length > 0,
    });
  }
  return closed;
}
