import type { AggregationFunction } from "../filter/filter.js";
import { finalizeAggregate, mergeAggregateStates } from "../meter/aggregate-state.js";
import type { AggregateState } from "../ports/event-store.js";

export interface AssembleQuantitiesInput {
  /** Bucket labels from `quantitySeries`. */
  series: readonly Date[];
  /** Period boundaries from `quantityBoundaries` for the same query. */
  boundaries: readonly Date[];
  /** The store's answer: `partials[i]` covers `boundaries[i] <= timestamp < boundaries[i + 1]`. */
  partials: readonly AggregateState[];
  func: AggregationFunction;
}

export interface QuantityBucket {
  timestamp: Date;
  quantity: number;
}

export interface AssembledQuantities {
  quantities: QuantityBucket[];
  total: number;
}

/**
 * The quantities response (spec §5.2 steps 2–3). Each label gets the aggregate of the whole
 * period containing it. The total is one aggregation over the merged partials, never a sum of
 * buckets: avg/min/max must see every event, and periods that no label falls in still count.
 */
export function assembleQuantities(input: AssembleQuantitiesInput): AssembledQuantities {
  const { series, boundaries, partials, func } = input;
  if (series.length === 0) return { quantities: [], total: 0 };
  if (partials.length !== boundaries.length - 1) {
    // A mismatch means the store answered a different query; guessing would misattribute usage.
    throw new Error(`Expected ${boundaries.length - 1} partial aggregates, got ${partials.length}`);
  }

  const quantities: QuantityBucket[] = [];
  let period = 0;
  for (const point of series) {
    const time = point.getTime();
    while (period < partials.length && boundaries[period + 1]!.getTime() <= time) period += 1;
    const partial = partials[period];
    if (partial === undefined || boundaries[period]!.getTime() > time) {
      throw new Error(`Series point ${point.toISOString()} lies outside the period boundaries`);
    }
    quantities.push({ timestamp: new Date(time), quantity: finalizeAggregate(func, partial) });
  }
  return { quantities, total: finalizeAggregate(func, mergeAggregateStates(partials)) };
}
