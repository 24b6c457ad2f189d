/**
 * Credits never go below zero while they accumulate: `acc = max(0, acc + x)` in log order
 * (spec §6.2 step 7). A revoke arriving in a fresh window therefore clamps to 0, not a debt.
 */
export function nonNegativeRunningSum(units: Iterable<number>): number {
  let accumulated = 0;
  for (const unit of units) accumulated = Math.max(0, accumulated + unit);
  return accumulated;
}
