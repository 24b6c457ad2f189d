import { DomainError } from "../errors/domain-error.js";
import type { RecurringInterval } from "../product/product.js";

export interface BillingPeriod {
  /** k: the anchor's own period is 0. */
  index: number;
  start: Date;
  end: Date;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** `month` is 0-based. */
function daysInMonth(year: number, month: number): number {
  if (month === 1) return isLeapYear(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month] ?? 31;
}

function assertValidDate(value: Date, what: string): void {
  if (Number.isNaN(value.getTime())) throw new DomainError("INVALID_DATE", "invalid", `${what} is not a valid date.`);
}

/**
 * The anchor moved by `count` months or years, counted from the ANCHOR rather than from the
 * previous period end, with the day clamped to the target month's length and the time of day kept.
 *
 * This is Meterline's anchor rule (ARCHITECTURE §7; Stripe's, spec §4.4 "June"): Jan 31 renews
 * Feb 28, then Mar 31 again, then Apr 30. Stepping from the previous end (Polar's Engine,
 * `relativedelta`) would drift to Mar 28 for ever. A yearly Feb 29 anchor lands on Feb 28 in
 * common years and on Feb 29 again in leap years.
 *
 * All in UTC, so the machine's time zone and DST never move a period boundary. `count` may be
 * negative (the periods before the anchor follow the same rule).
 */
export function addInterval(anchor: Date, count: number, interval: RecurringInterval): Date {
  assertValidDate(anchor, "The anchor");
  if (!Number.isSafeInteger(count)) throw new DomainError("INVALID_PERIOD", "invalid", `${count} is not an integer.`);
  const months = anchor.getUTCMonth() + (interval === "year" ? 12 * count : count);
  const year = anchor.getUTCFullYear() + Math.floor(months / 12);
  const month = ((months % 12) + 12) % 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(year, month));
  const result = new Date(anchor.getTime());
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  result.setUTCFullYear(year, month, day);
  assertValidDate(result, "The period boundary");
  return result;
}

/**
 * The end of period k, which runs from `addInterval(anchor, k)` (inclusive) to
 * `addInterval(anchor, k + 1)` (exclusive); its start is `addInterval(anchor, k)`.
 */
export function periodEnd(anchor: Date, periodIndex: number, interval: RecurringInterval): Date {
  return addInterval(anchor, periodIndex + 1, interval);
}

/**
 * The index k whose period holds `instant` (start ≤ instant < end); negative before the anchor.
 * Boundaries grow strictly with k (each lies in a later calendar month), so a guess from the
 * calendar-month difference is at most one off and is corrected by stepping.
 */
export function periodContaining(anchor: Date, instant: Date, interval: RecurringInterval): number {
  assertValidDate(anchor, "The anchor");
  assertValidDate(instant, "The instant");
  const monthDifference =
    (instant.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (instant.getUTCMonth() - anchor.getUTCMonth());
  let index = Math.floor(monthDifference / (interval === "year" ? 12 : 1));
  while (addInterval(anchor, index, interval).getTime() > instant.getTime()) index -= 1;
  while (addInterval(anchor, index + 1, interval).getTime() <= instant.getTime()) index += 1;
  return index;
}

/**
 * The period that follows the one ending at `currentEnd`: it starts exactly there (periods are
 * contiguous, and a late run never moves the anchor, spec §4.5) and ends at the next anchor step.
 * `currentEnd` must be one of the anchor's boundaries; anything else means the subscription's
 * stored period and its anchor disagree, which is a bug to surface, not to paper over.
 */
export function nextPeriod(anchor: Date, currentEnd: Date, interval: RecurringInterval): BillingPeriod {
  const index = periodContaining(anchor, currentEnd, interval);
  const start = addInterval(anchor, index, interval);
  if (start.getTime() !== currentEnd.getTime()) {
    throw new DomainError(
      "NOT_A_PERIOD_BOUNDARY",
      "invalid",
      `${currentEnd.toISOString()} is not a period boundary of the anchor ${anchor.toISOString()}.`,
    );
  }
  return { index, start, end: addInterval(anchor, index + 1, interval) };
}
