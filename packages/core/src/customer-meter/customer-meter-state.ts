import type { AppendedRecord, LogPosition } from "../event/event.js";
import { aggregationValue, matchesMeter } from "../filter/evaluate-filter.js";
import { addToAggregateState, emptyAggregateState, finalizeAggregate } from "../meter/aggregate-state.js";
import type { AggregateState, CustomerWindow, MeterDefinition } from "../ports/event-store.js";
import { nonNegativeRunningSum } from "./running-credit.js";

/**
 * The incremental state behind one customer meter: everything needed to fold the next log record
 * in without reading history again. Equivalent to recomputing the window (spec §6.2) because
 * records arrive in log order and are immutable.
 */
export interface CustomerMeterState {
  /** The window holds at least one event (only then is the customer meter shown). */
  visible: boolean;
  /** Position of the latest `meter.reset`; null = all history. */
  windowStart: LogPosition | null;
  usage: AggregateState;
  credited: number;
  lastEventId: string | null;
}

export function emptyCustomerMeterState(): CustomerMeterState {
  return { visible: false, windowStart: null, usage: emptyAggregateState(), credited: 0, lastEventId: null };
}

function systemMeterId(record: AppendedRecord): string | undefined {
  if (record.source !== "system") return undefined;
  const meterId = record.metadata.meter_id;
  return typeof meterId === "string" ? meterId : undefined;
}

/**
 * Folds one record of the customer into the state. Returns the same object when the record is
 * not part of the meter's window (nothing changed).
 */
export function applyToCustomerMeter(
  state: CustomerMeterState,
  meter: MeterDefinition,
  record: AppendedRecord,
): CustomerMeterState {
  if (systemMeterId(record) === meter.id) {
    if (record.name === "meter.reset") {
      return { ...emptyCustomerMeterState(), visible: true, windowStart: record.position, lastEventId: record.id };
    }
    if (record.name === "meter.credited") {
      const units = Number(record.metadata.units);
      const credited = Number.isFinite(units) ? Math.max(0, state.credited + units) : state.credited;
      return { ...state, visible: true, credited, lastEventId: record.id };
    }
  }
  if (!matchesMeter(meter.filter, meter.aggregation, record)) return state;
  const usage =
    record.source === "user"
      ? addToAggregateState(state.usage, aggregationValue(meter.aggregation, record))
      : state.usage;
  return { ...state, visible: true, usage, lastEventId: record.id };
}

/** The same state, rebuilt from a window the EventStore recomputed. */
export function customerMeterStateFromWindow(window: CustomerWindow): CustomerMeterState {
  return {
    visible: window.hasEvents,
    windowStart: window.windowStart,
    usage: window.usage,
    credited: nonNegativeRunningSum(window.credits.map((credit) => credit.units)),
    lastEventId: window.lastEventId,
  };
}

export interface CustomerMeterFigures {
  consumedUnits: number;
  creditedUnits: number;
  balance: number;
}

/** consumed = the meter's aggregation over the window's usage; balance = credited − consumed. */
export function customerMeterFigures(meter: MeterDefinition, state: CustomerMeterState): CustomerMeterFigures {
  const consumedUnits = finalizeAggregate(meter.aggregation.func, state.usage);
  return { consumedUnits, creditedUnits: state.credited, balance: state.credited - consumedUnits };
}
