import type { BillingDeps } from "./billing-deps.js";
import { cycleSubscription, finalizeSubscription, settlePeriod } from "./subscription-cycle.js";

const JOB_OPTIONS = { maxAttempts: 20, backoffMs: 1000 };

/**
 * Enqueues the work the subscriptions need now, with deterministic ids so a subscription is
 * cycled once per period however often this runs: `billing.cycle:<S>:<k>` for a period that has
 * ended (one period per run — a subscription behind catches up run after run, keeping its
 * anchor), `billing.settle:<S>:<k>` for a period whose records were interrupted, and
 * `billing.finalize:<S>` for an ended subscription without its final settlement.
 */
export async function scheduleDue(deps: BillingDeps, limit = 500): Promise<number> {
  const now = deps.clock.now();
  const subscriptions = await deps.subscriptions.needingWork(now, limit);
  let enqueued = 0;
  for (const subscription of subscriptions) {
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
  return enqueued;
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
      else await cycleSubscription(deps, subscription.id, subscription.periodIndex);
      done += 1;
    }
  }
  return done;
}
