import { createRepositories } from "@meterline/api";
import { announce, customerStateChanged } from "./announce.js";
import type { BillingDeps } from "./billing-deps.js";

const BATCH = 200;

/**
 * Announces subscriptions whose metered usage changed since they were last announced:
 * `subscription.updated` (its meters recomputed) then `customer.state_changed`, as Polar does after
 * its periodic usage job (spec billing §10, item 2). A subscription is announced at most once per
 * run, however many events arrived; resets and credits alone announce nothing (the cycle that
 * wrote them has announced already). Returns how many subscriptions it announced.
 */
export async function announceUsage(deps: BillingDeps): Promise<number> {
  let announced = 0;
  for (;;) {
    const changed = await deps.subscriptions.withUnannouncedUsage(BATCH);
    for (const { id, usageAt } of changed) {
      await deps.db.transaction(async (tx) => {
        const repositories = createRepositories(tx);
        const subscription = await repositories.subscriptions.getForUpdate(id);
        await repositories.subscriptions.markUsageAnnounced(id, usageAt);
        if (subscription === null || subscription.endedAt !== null) return;
        await announce(repositories, { ids: deps.ids, now: deps.clock.now() }, [
          { type: "subscription.updated", subscription },
          customerStateChanged(subscription),
        ]);
        announced++;
      });
    }
    if (changed.length < BATCH) return announced;
  }
}
