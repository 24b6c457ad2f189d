import type { AggregateState } from "@meterline/core";

/**
 * An AggregateState from ClickHouse's count, value count, sum, min and max. An empty sum is NULL
 * there and 0 in the port. ClickHouse's JSON output writes an infinite sum as null too, so a null
 * sum over values is an overflow: it fails loudly, as Postgres does, instead of reading as 0.
 */
export function toAggregateState(
  count: number,
  valueCount: number,
  sum: number | null,
  min: number | null,
  max: number | null,
): AggregateState {
  if (sum === null && valueCount > 0) throw new RangeError(`The sum of ${valueCount} values overflows a double`);
  return { count, valueCount, sum: sum ?? 0, min, max };
}
