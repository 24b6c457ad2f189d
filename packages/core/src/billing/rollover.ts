import { DomainError } from "../errors/domain-error.js";
import { Decimal } from "./decimal.js";
import { toSafeCents } from "./safe-cents.js";

export interface RolloverWindow {
  /** The meter's aggregate over the window's user events (a double). */
  usage: number;
  /** The window's `meter.credited` events in log order. */
  credits: ReadonlyArray<{ units: number; rollover: boolean }>;
}

function nonNegativeAdd(accumulated: Decimal, units: number): Decimal {
  return Decimal.max(Decimal.ZERO, accumulated.add(Decimal.fromNumber(units)));
}

/**
 * The units to re-credit with `rollover: true` when a window closes (spec metering §7.6, billing
 * §5.5):
 *
 *   nonRollover = non-negative running sum of the non-rollover credits
 *   rollover    = non-negative running sum of the rollover credits
 *   balance     = nonRollover + rollover − usage
 *   carry       = max(0, min(trunc(balance), rollover))
 *
 * Usage eats non-rollover credits first; only rollover credits survive, never more than them, in
 * whole units (69.4 carries 69). Computed exactly from each number's shortest form, so usage 0.3
 * against credits 0.1 + 0.2 leaves 0, not a double's −5.6e-17.
 * Credits are whole units on the wire; should a fractional one appear, the rollover sum is
 * truncated as well, so the carry stays a whole number that never exceeds the rollover credits.
 */
export function rolloverUnits(window: RolloverWindow): number {
  if (!Number.isFinite(window.usage)) {
    throw new DomainError("INVALID_USAGE", "invalid", `Usage ${window.usage} is not a finite number.`);
  }
  let nonRollover = Decimal.ZERO;
  let rollover = Decimal.ZERO;
  for (const credit of window.credits) {
    if (credit.rollover) rollover = nonNegativeAdd(rollover, credit.units);
    else nonRollover = nonNegativeAdd(nonRollover, credit.units);
  }
  const balance = nonRollover.add(rollover).sub(Decimal.fromNumber(window.usage));
  const carry = Decimal.max(Decimal.ZERO, Decimal.min(balance.round(0, "trunc"), rollover.round(0, "trunc")));
  return toSafeCents(carry.toInteger("trunc"), "A rollover");
}
