import { DomainError } from "../errors/domain-error.js";
import type { QuantityInterval } from "./quantity-interval.js";

/** Longest `end_date − start_date`, in calendar days, accepted per interval (spec §5.1). */
export const QUANTITIES_MAX_RANGE_DAYS: Readonly<Record<QuantityInterval, number>> = {
  hour: 7,
  day: 366,
  week: 365,
  month: 1460,
  year: 3650,
};

export const QUANTITIES_RANGE_ERROR_MESSAGE =
  "The interval is too big. Try to change the interval or reduce the date range.";

/** `start_timestamp` must be at or after this instant (spec §5.1, 422 `greater_than_equal`). */
export const QUANTITIES_MIN_START_TIMESTAMP = "2023-01-01T00:00:00Z";
const MIN_START_TIME = Date.parse(QUANTITIES_MIN_START_TIMESTAMP);

export function isQuantitiesStartAllowed(start: Date): boolean {
  return start.getTime() >= MIN_START_TIME;
}

const WRITTEN_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/**
 * Whether `[startInput, endInput]` is within the interval's range limit (spec §5.1). Polar
 * subtracts the dates as written, each in its own offset, so `2025-01-01T23:00:00-05:00` counts
 * as January 1 even though it is January 2 in UTC; the raw ISO 8601 inputs are needed for that.
 * A negative difference (end before start) passes; that query has an empty series.
 */
export function checkQuantitiesRange(startInput: string, endInput: string, interval: QuantityInterval): boolean {
  const days = (writtenDate(endInput) - writtenDate(startInput)) / 86_400_000;
  return days <= QUANTITIES_MAX_RANGE_DAYS[interval];
}

function writtenDate(input: string): number {
  const match = WRITTEN_DATE.exec(input.trim());
  // The edge validates timestamps first; reaching this is a caller bug, reported as bad input.
  if (!match) {
    throw new DomainError("INVALID_TIMESTAMP", "invalid", `Not an ISO 8601 timestamp: ${input}`, {
      loc: ["query"],
      input,
    });
  }
  const [, year, month, day] = match;
  return new Date(0).setUTCFullYear(Number(year), Number(month) - 1, Number(day));
}
