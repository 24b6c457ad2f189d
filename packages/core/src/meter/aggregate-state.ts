import type { AggregationFunction } from "../filter/filter.js";
import type { AggregateState } from "../ports/event-store.js";

export function emptyAggregateState(): AggregateState {
  return { count: 0, valueCount: 0, sum: 0, min: null, max: null };
}

/** Adds one meter event; `value` is its numeric property value (undefined for count meters or a missing value). */
export function addToAggregateState(state: AggregateState, value: number | undefined): AggregateState {
  if (value === undefined) return { ...state, count: state.count + 1 };
  return {
    count: state.count + 1,
    valueCount: state.valueCount + 1,
    sum: state.sum + value,
    min: state.min === null || value < state.min ? value : state.min,
    max: state.max === null || value > state.max ? value : state.max,
  };
}

export function mergeAggregateStates(states: readonly AggregateState[]): AggregateState {
  let merged = emptyAggregateState();
  for (const state of states) {
    merged = {
      count: merged.count + state.count,
      valueCount: merged.valueCount + state.valueCount,
      sum: merged.sum + state.sum,
      min: state.min === null ? merged.min : merged.min === null ? state.min : Math.min(merged.min, state.min),
      max: state.max === null ? merged.max : merged.max === null ? state.max : Math.max(merged.max, state.max),
    };
  }
  return merged;
}

/** The meter's number for a set of events; an empty set is 0 for every function (spec §4.6). */
export function finalizeAggregate(func: AggregationFunction, state: AggregateState): number {
  switch (func) {
    case "count":
      return state.count;
    case "sum":
      return state.valueCount === 0 ? 0 : state.sum;
    case "avg":
      return state.valueCount === 0 ? 0 : state.sum / state.valueCount;
    case "min":
      return state.min ?? 0;
    case "max":
      return state.max ?? 0;
  }
}
