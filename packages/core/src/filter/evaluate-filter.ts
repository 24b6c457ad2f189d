import type { EventSource } from "../event/event.js";
import { addToAggregateState, emptyAggregateState } from "../meter/aggregate-state.js";
import type { AggregateState } from "../ports/event-store.js";
import { compareCodePoints } from "./compare-code-points.js";
import {
  type Aggregation,
  type Filter,
  type FilterClause,
  type FilterOperator,
  type FilterValue,
  isFilter,
  stripMetadataPrefix,
} from "./filter.js";
import { formatNumberPlain, textForm } from "./text-form.js";

/**
 * The reference semantics of meter filters and aggregations (ARCHITECTURE §7, spec §4.3–4.6).
 * Both SQL compilers are held to this file by differential tests, so a change here is a change
 * of billing behaviour and must be mirrored there.
 */
export interface EvaluableEvent {
  name: string;
  source: EventSource;
  timestamp: Date;
  metadata: Record<string, unknown>;
}

/** An empty clause list is TRUE at any depth, so `{and, []}` is the match-everything filter. */
export function evaluateFilter(filter: Filter, event: EvaluableEvent): boolean {
  const holds = (clause: Filter | FilterClause) =>
    isFilter(clause) ? evaluateFilter(clause, event) : evaluateClause(clause, event);
  if (filter.clauses.length === 0) return true;
  return filter.conjunction === "and" ? filter.clauses.every(holds) : filter.clauses.some(holds);
}

/**
 * Two-valued: where Polar's SQL yields UNKNOWN this yields false. The filter language has no
 * negation, so an UNKNOWN can never turn into a match and the two agree on every filter.
 */
export function evaluateClause(clause: FilterClause, event: EvaluableEvent): boolean {
  const property = stripMetadataPrefix(clause.property);
  const { operator, value } = clause;
  switch (property) {
    case "name":
    case "source":
      return typeof value === "string" && stringClause(event[property], operator, value);
    case "timestamp":
      return typeof value === "number" && timestampClause(epochSecondsRounded(event.timestamp), operator, value);
    default:
      return metadataClause(metadataValue(event.metadata, property), operator, value);
  }
}

/** An aggregation's eligibility clause, ANDed into the meter's event set (spec §4.6). */
export function isEligible(aggregation: Aggregation, event: EvaluableEvent): boolean {
  if (aggregation.func === "count") return true;
  const property = stripMetadataPrefix(aggregation.property);
  if (property === "name" || property === "source") return false;
  // Polar quirk kept for compatibility: every event is eligible, the value comes from metadata.
  if (property === "timestamp") return true;
  return typeof metadataValue(event.metadata, property) === "number";
}

/** The number an eligible event contributes; undefined for count meters and for a missing value. */
export function aggregationValue(aggregation: Aggregation, event: EvaluableEvent): number | undefined {
  if (aggregation.func === "count") return undefined;
  const value = metadataValue(event.metadata, stripMetadataPrefix(aggregation.property));
  return typeof value === "number" ? value : undefined;
}

/** Whether the event is in the meter's event set: filter AND eligibility. */
export function matchesMeter(filter: Filter, aggregation: Aggregation, event: EvaluableEvent): boolean {
  return evaluateFilter(filter, event) && isEligible(aggregation, event);
}

/** Folds events the filter already selected; eligibility is applied here. */
export function aggregateEvents(aggregation: Aggregation, events: Iterable<EvaluableEvent>): AggregateState {
  let state = emptyAggregateState();
  for (const event of events) {
    if (isEligible(aggregation, event)) state = addToAggregateState(state, aggregationValue(aggregation, event));
  }
  return state;
}

/**
 * A flat JSON value under that exact own key, or undefined for anything a filter must treat as
 * missing: absent (inherited names like `toString` included), null, arrays, objects, and numbers
 * no JSON document can hold.
 */
function metadataValue(metadata: Record<string, unknown>, key: string): string | number | boolean | undefined {
  if (!Object.hasOwn(metadata, key)) return undefined;
  const value = metadata[key];
  if (typeof value === "string" || typeof value === "boolean") return value;
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** `like` is a literal, case-sensitive substring test: `%` and `_` are ordinary characters. */
function stringClause(column: string, operator: FilterOperator, value: string): boolean {
  if (operator === "like") return column.includes(value);
  if (operator === "not_like") return !column.includes(value);
  return orderHolds(operator, compareCodePoints(column, value));
}

function timestampClause(seconds: number, operator: FilterOperator, value: number): boolean {
  if (operator === "like") return formatNumberPlain(seconds).includes(formatNumberPlain(value));
  if (operator === "not_like") return !formatNumberPlain(seconds).includes(formatNumberPlain(value));
  return orderHolds(operator, compareNumbers(seconds, value));
}

function metadataClause(
  stored: string | number | boolean | undefined,
  operator: FilterOperator,
  value: FilterValue,
): boolean {
  if (stored === undefined) return false;
  // A boolean clause value matches only a stored boolean, whatever the operator.
  if (typeof value === "boolean" && typeof stored !== "boolean") return false;
  if (operator === "like") return textForm(stored).includes(textForm(value));
  if (operator === "not_like") return !textForm(stored).includes(textForm(value));
  if (typeof stored === "string") return orderHolds(operator, compareCodePoints(stored, textForm(value)));
  if (typeof stored === "number")
    return typeof value === "number" && orderHolds(operator, compareNumbers(stored, value));
  return typeof value === "boolean" && orderHolds(operator, Number(stored) - Number(value));
}

/**
 * Epoch seconds rounded half away from zero, as Postgres `round(extract(epoch from ts))` does
 * (`Math.round` rounds -0.5 up to 0 instead). Integer milliseconds avoid binary-fraction error.
 */
function epochSecondsRounded(timestamp: Date): number {
  const milliseconds = timestamp.getTime();
  const whole = Math.trunc(milliseconds / 1000);
  const remainder = milliseconds - whole * 1000;
  if (remainder >= 500) return whole + 1;
  if (remainder <= -500) return whole - 1;
  return whole + 0; // normalizes -0 so it prints and compares like the database's 0
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function orderHolds(operator: Exclude<FilterOperator, "like" | "not_like">, order: number): boolean {
  switch (operator) {
    case "eq":
      return order === 0;
    case "ne":
      return order !== 0;
    case "gt":
      return order > 0;
    case "gte":
      return order >= 0;
    case "lt":
      return order < 0;
    case "lte":
      return order <= 0;
  }
}
