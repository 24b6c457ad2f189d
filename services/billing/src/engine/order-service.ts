import { createRepositories } from "@meterline/api";
import { DomainError, type Order } from "@meterline/core";
import { announce } from "./announce.js";
import type { BillingDeps } from "./billing-deps.js";
import { settlePeriod } from "./subscription-cycle.js";

/** Orders whose payment makes their period's benefit credits due (spec billing §9). */
function creditsBenefits(order: Order): boolean {
  return (
    order.subscriptionId !== null &&
    (order.billingReason === "subscription_create" || order.billingReason === "subscription_cycle")
  );
}

/**
 * Settles a pending order (the `manual` payment provider's API call): `order.updated` then
 * `order.paid`, and a paid `subscription_create` or `subscription_cycle` order credits its
 * period's benefits (the grants of a new subscription are made then).
 */
function notPending(order: Order): DomainError {
  return new DomainError("ORDER_ALREADY_PAID", "invalid", "This order is not pending.", {
    loc: ["path", "id"],
    input: order.id,
  });
}

export async function markOrderPaid(deps: BillingDeps, order: Order): Promise<Order> {
  if (order.status !== "pending") throw notPending(order);
  const now = deps.clock.now();
  const paid: Order = { ...order, status: "paid", modifiedAt: now };
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    // Checked again in the transaction: two concurrent calls announce `order.paid` once.
    const current = await repositories.orders.getForUpdate(order.id);
    if (current?.status !== "pending") throw notPending(order);
    await repositories.orders.update(paid);
    // A paid cycle order makes its period's benefit credits due: the period is unsettled in the same
    // transaction, so the scheduler writes them even if this process stops right after.
    if (creditsBenefits(paid) && paid.subscriptionId !== null) {
      await repositories.subscriptions.markUnsettled(paid.subscriptionId);
    }
    await announce(repositories, { ids: deps.ids, now }, [
      { type: "order.updated", order: paid },
      { type: "order.paid", order: paid },
    ]);
  });
  if (creditsBenefits(paid) && paid.subscriptionId !== null) {
    const subscription = await deps.subscriptions.getById(paid.subscriptionId);
    if (subscription !== null && subscription.endedAt === null) {
      await settlePeriod(deps, subscription.id, subscription.periodIndex);
    }
  }
  return paid;
}
