import type { LogRecord, Subscription } from "@meterline/core";
import type { BillingDeps } from "./billing-deps.js";
import { cycleSubscription, finalizeSubscription, settlePeriod } from "./subscription-cycle.js";
import { systemKeys } from "./system-records.js";
import { billingMetersOf, resetRecords } from "./usage-windows.js";
import { waitForMaterialized } from "./wait-for-materialized.js";

const JOB_OPTIONS = { maxAttempts: 20, backoffMs: 1000 };

/**
 * Enqueues the work the subscriptions need now, with deterministic ids so a subscription is
 * cycled once per period however often this runs: `billing.cycle:<S>:<k>` for a period that has
 * ended (one period per run — a subscription behind catches up run after run, keeping its
 * anchor), `billing.settle:<S>:<k>` for a period whose records were interrupted, and
 * `billing.finalize:<S>` for an ended subscription without its final settlement. Plain cycles
 * (live, settled, not ending) are run here in batches (`cycleDue`); one that fails there is handed
 * to its `billing.cycle:<S>:<k>` job. Returns the jobs enqueued plus the cycles attempted.
 */
export async function scheduleDue(deps: BillingDeps, limit = 500): Promise<number> {
  const now = deps.clock.now();
  const subscriptions = await deps.subscriptions.needingWork(now, limit);
  let enqueued = 0;
  for (const subscription of subscriptions) {
    // Plain cycles are done in batches below: one append and one wait for many subscriptions.
    if (isPlainCycle(subscription)) continue;
    const payload = { subscriptionId: subscription.id, periodIndex: subscription.periodIndex };
    let result: { created: boolean };
    if (subscription.endedAt !== null) {
      result = await deps.jobs.enqueue(
        "billing.finalizeSubscription",
        { subscriptionId: subscription.id },
        {
          id: `billing.finalize:${subscription.id}`,
          ...JOB_OPTIONS,
        },
      );
    } else if (subscription.settledPeriodIndex !== subscription.periodIndex) {
      result = await deps.jobs.enqueue("billing.settlePeriod", payload, {
        id: `billing.settle:${subscription.id}:${subscription.periodIndex}`,
        ...JOB_OPTIONS,
      });
    } else {
      result = await deps.jobs.enqueue("billing.cycleSubscription", payload, {
        id: `billing.cycle:${subscription.id}:${subscription.periodIndex}`,
        ...JOB_OPTIONS,
      });
    }
    if (result.created) enqueued += 1;
  }
  const cycles = subscriptions.filter(isPlainCycle);
  await cycleInBatches(deps, cycles);
  return enqueued + cycles.length;
}

const CYCLE_BATCH = 200;

/** Live, settled and not ending at this period's end: its cycle can join a batch (`cycleDue`). */
function isPlainCycle(subscription: Subscription): boolean {
  return (
    subscription.endedAt === null &&
    subscription.settledPeriodIndex === subscription.periodIndex &&
    !subscription.cancelAtPeriodEnd
  );
}

async function cycleInBatches(deps: BillingDeps, subscriptions: readonly Subscription[]): Promise<void> {
  for (let start = 0; start < subscriptions.length; start += CYCLE_BATCH)
    await cycleDue(deps, subscriptions.slice(start, start + CYCLE_BATCH));
}

/**
 * Cycles many due subscriptions together. Closing a window means appending a reset and waiting for
 * the materializer; done one subscription at a time that wait dominates. Here every reset of the
 * batch goes into one append and one wait per organization, then each subscription is cycled from
 * its already-closed windows. Each step stays idempotent, so a crash is resumed by the next run;
 * a subscription that fails is left to it.
 */
export async function cycleDue(deps: BillingDeps, subscriptions: readonly Subscription[]): Promise<void> {
  const due = subscriptions.filter((subscription) => subscription.currentPeriodEnd <= deps.clock.now());
  const records: LogRecord[] = [];
  for (const subscription of due) {
    const { meters } = await billingMetersOf(deps, subscription);
    const nextIndex = subscription.periodIndex + 1;
    records.push(
      ...resetRecords(deps, subscription, meters, (meterId) => systemKeys.reset(subscription.id, nextIndex, meterId)),
    );
  }
  for (let start = 0; start < records.length; start += 1000) await deps.log.append(records.slice(start, start + 1000));
  for (const organizationId of new Set(due.map((subscription) => subscription.organizationId))) {
    await waitForMaterialized(deps, organizationId);
  }
  for (const subscription of due) {
    try {
      await cycleSubscription(deps, subscription.id, subscription.periodIndex, { resetsClosed: true });
    } catch {
      // Handed to a job of its own, which retries with backoff and reports its error.
      await deps.jobs.enqueue(
        "billing.cycleSubscription",
        { subscriptionId: subscription.id, periodIndex: subscription.periodIndex },
        { id: `billing.cycle:${subscription.id}:${subscription.periodIndex}`, ...JOB_OPTIONS },
      );
    }
  }
}

/**
 * Does, right here, everything that is due by the clock — cycles (one period at a time, so a
 * subscription several periods behind catches up), settlements and final orders — until nothing
 * is left or `maxRounds` is reached. The sandbox clock runs this after moving time, so its answer
 * already reflects the billing it caused.
 */
export async function runDueWork(deps: BillingDeps, maxRounds = 100): Promise<number> {
  let done = 0;
  for (let round = 0; round < maxRounds; round++) {
    const subscriptions = await deps.subscriptions.needingWork(deps.clock.now(), 500);
    if (subscriptions.length === 0) return done;
    for (const subscription of subscriptions) {
      if (subscription.endedAt !== null) await finalizeSubscription(deps, subscription.id);
      else if (subscription.settledPeriodIndex !== subscription.periodIndex)
        await settlePeriod(deps, subscription.id, subscription.periodIndex);
      else if (subscription.cancelAtPeriodEnd) await cycleSubscription(deps, subscription.id, subscription.periodIndex);
    }
    await cycleInBatches(deps, subscriptions.filter(isPlainCycle));
    done += subscriptions.length;
  }
  return done;
}
