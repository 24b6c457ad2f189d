import { DomainError } from "../errors/domain-error.js";
import { QUANTITIES_RANGE_ERROR_MESSAGE } from "./quantities-range.js";
import { addQuantityInterval, nextPeriodStart, periodStart, type QuantityInterval } from "./quantity-interval.js";

/**
 * Ceiling on series points and boundaries. The range limit allows at most about 220 hour buckets
 * (7 days as written, plus up to 26 h of offsets), so this only trips when a caller skipped the
 * range check; it keeps such a call from building an unbounded array.
 */
export const MAX_QUANTITY_POINTS = 10_000;

/**
 * The bucket labels (spec §5.2 step 1): `start`, then each element plus one interval, while
 * `<= end`. Each step is applied to the previous element, so month series drift after a short
 * month and day steps across a DST change last 23 or 25 hours.
 */
export function quantitySeries(start: Date, end: Date, interval: QuantityInterval, timeZone: string): Date[] {
  const series: Date[] = [];
  // Copies `start` so callers never share a mutable Date with the result.
  let point = new Date(start.getTime());
  while (point.getTime() <= end.getTime()) {
    series.push(point);
    guardSize(series.length);
    point = addQuantityInterval(point, interval, timeZone);
  }
  return series;
}

/**
 * Contiguous period boundaries b0 < … < bn for the store: b0 = periodStart(start) and
 * bn = nextPeriodStart(periodStart(end)), so the periods cover exactly the events with
 * trunc(start) <= trunc(timestamp) <= trunc(end), which is what the total aggregates over.
 */
export function quantityBoundaries(start: Date, end: Date, interval: QuantityInterval, timeZone: string): Date[] {
  if (end.getTime() < start.getTime()) return [];
  const last = nextPeriodStart(end, interval, timeZone).getTime();
  const boundaries = [periodStart(start, interval, timeZone)];
  for (let boundary = boundaries[0]!; boundary.getTime() < last; ) {
    boundary = nextPeriodStart(boundary, interval, timeZone);
    boundaries.push(boundary);
    guardSize(boundaries.length);
  }
  return boundaries;
}

function guardSize(length: number): void {
  if (length > MAX_QUANTITY_POINTS) {
    throw new DomainError("QUANTITIES_RANGE_TOO_LARGE", "invalid", QUANTITIES_RANGE_ERROR_MESSAGE, {
      loc: ["query"],
    });
  }
}
