import { createRepositories } from "@meterline/api";
import { DomainError, type Order } from "@meterline/core";
import { announce } from "./announce.js";
import type { BillingDeps } from "./billing-deps.js";
import { settlePeriod } from "./subscription-cycle.js";

/**
 * Settles a pending order (the `manual` payment provider's API call): `order.updated` then
 * `order.paid`, and a paid `subscription_cycle` order credits its period's benefits.
 */
export async function markOrderPaid(deps: BillingDeps, order: Order): Promise<Order> {
  if (order.status !== "pending") {
    throw new DomainError("ORDER_ALREADY_PAID", "invalid", "This order is not pending.", {
      loc: ["path", "id"],
      input: order.id,
    });
  }
  const now = deps.clock.now();
  const paid: Order = { ...order, status: "paid", modifiedAt: now };
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    await repositories.orders.update(paid);
    // A paid cycle order makes its period's benefit credits due: the period is unsettled in the same
    // transaction, so the scheduler writes them even if this process stops right after.
    if (paid.subscriptionId !== null && paid.billingReason === "subscription_cycle") {
      await repositories.subscriptions.markUnsettled(paid.subscriptionId);
    }
    await announce(repositories, { ids: deps.ids, now }, [
      { type: "order.updated", order: paid },
      { type: "order.paid", order: paid },
    ]);
  });
  if (paid.subscriptionId !== null && paid.billingReason === "subscription_cycle") {
    const subscription = await deps.subscriptions.getById(paid.subscriptionId);
    if (subscription !== null && subscription.endedAt === null) {
      await settlePeriod(deps, subscription.id, subscription.periodIndex);
    }
  }
  return paid;
}
