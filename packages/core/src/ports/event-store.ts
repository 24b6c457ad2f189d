import type { CustomerKeys, EventSource, LogPosition, StoredEvent } from "../event/event.js";
import type { Aggregation, Filter } from "../filter/filter.js";

/**
 * Events whose `customer_id` is one of `customerIds`, OR whose `external_customer_id` is one of
 * `externalCustomerIds` (in any organization queried), OR whose organization and external customer
 * id form one of `organizationExternalIds`.
 */
export interface CustomerMatch {
  customerIds: string[];
  externalCustomerIds: string[];
  /**
   * A customer's own external id: it names that customer only inside the customer's organization,
   * so it must not match another organization's events when a query spans several (ARCHITECTURE §7).
   */
  organizationExternalIds?: Array<{ organizationId: string; externalId: string }>;
}

/** `metadata[key]=value` query filters: values of a key are OR'ed, keys are AND'ed (spec §2.3). */
export type MetadataQuery = Record<string, string[]>;

export interface EventListQuery {
  organizationIds: string[];
  /** Meter semantics without the eligibility clause, unless `aggregation` is also given. */
  filter?: Filter;
  /** When set, the aggregation's eligibility clause is ANDed in (the `meter_id` filter). */
  aggregation?: Aggregation;
  /** Strict: `timestamp > startTimestamp`. */
  startTimestamp?: Date;
  /** Strict: `timestamp < endTimestamp`. */
  endTimestamp?: Date;
  customer?: CustomerMatch;
  names?: string[];
  sources?: EventSource[];
  metadata?: MetadataQuery;
  sort: Array<{ property: "timestamp"; direction: "asc" | "desc" }>;
  limit: number;
  offset: number;
}

export interface EventNameRow {
  name: string;
  source: EventSource;
  occurrences: number;
  firstSeen: Date;
  lastSeen: Date;
}

export type EventNameSortProperty = "name" | "occurrences" | "first_seen" | "last_seen";

export interface EventNameQuery {
  organizationIds: string[];
  customer?: CustomerMatch;
  sources?: EventSource[];
  /** Case-insensitive substring of the name. */
  query?: string;
  sort: Array<{ property: EventNameSortProperty; direction: "asc" | "desc" }>;
  limit: number;
  offset: number;
}

/**
 * Mergeable partial aggregate over a set of meter events. `count` counts events in the set;
 * `valueCount`/`sum`/`min`/`max` cover the numeric property values (absent for `count` meters).
 */
export interface AggregateState {
  count: number;
  valueCount: number;
  sum: number;
  min: number | null;
  max: number | null;
}

export interface QuantitiesQuery {
  organizationId: string;
  filter: Filter;
  aggregation: Aggregation;
  customer?: CustomerMatch;
  metadata?: MetadataQuery;
  /**
   * Ascending period boundaries b0 < b1 < … < bn. The answer has n partials, the i-th over
   * events with b(i) <= timestamp < b(i+1).
   */
  boundaries: Date[];
}

export interface MeterDefinition {
  id: string;
  filter: Filter;
  aggregation: Aggregation;
}

export interface CustomerWindowQuery {
  organizationId: string;
  customer: CustomerKeys;
  meters: MeterDefinition[];
  /**
   * Close the window here (exclusive): the window is then the events after the latest reset
   * before `until` and before `until` itself. Billing passes the position of the reset it just
   * appended, so it reads exactly the window that reset closed.
   */
  until?: LogPosition;
}

/** A customer's current window on one meter, recomputed from stored events (spec §6.2). */
export interface CustomerWindow {
  meterId: string;
  /** Position of the latest `meter.reset` for this customer and meter; null = all history. */
  windowStart: LogPosition | null;
  /** Whether the window holds any event (meter match, or a credit/reset for the meter). */
  hasEvents: boolean;
  /** Aggregate over the window's `user` events matching filter AND eligibility. */
  usage: AggregateState;
  /** Units of the window's system `meter.credited` events for the meter, in log order. */
  credits: Array<{ units: number; rollover: boolean }>;
  /** Position of the last window event, if any. */
  lastPosition: LogPosition | null;
  lastEventId: string | null;
}

export type InsertOutcome = "inserted" | "already_stored" | "duplicate_external_id";

export interface EventStore {
  /**
   * Idempotent: an id already stored is not stored again (first write wins), and a second
   * event with the same `(organizationId, externalId)` is not stored. Returns the outcome per
   * event id.
   */
  insert(events: StoredEvent[]): Promise<Map<string, InsertOutcome>>;
  get(organizationIds: string[], id: string): Promise<StoredEvent | null>;
  /** The stored events of an organization carrying these external ids (how billing finds its own records). */
  findByExternalIds(organizationId: string, externalIds: string[]): Promise<StoredEvent[]>;
  list(query: EventListQuery): Promise<{ items: StoredEvent[]; total: number }>;
  names(query: EventNameQuery): Promise<{ items: EventNameRow[]; total: number }>;
  quantities(query: QuantitiesQuery): Promise<AggregateState[]>;
  customerWindows(query: CustomerWindowQuery): Promise<CustomerWindow[]>;
  /**
   * Which of `customers` (by `id`) have any stored event of the organization — by customer id or
   * external customer id, user or system — at a log offset below `before`. One query for many
   * customers: the materializer asks it once per batch, so a customer seen for the first time
   * needs no window rebuild.
   */
  customersWithEventsBefore(
    organizationId: string,
    customers: readonly CustomerKeys[],
    before: LogPosition,
  ): Promise<Set<string>>;
  /** Whether any stored event of the organization matches filter AND eligibility. */
  anyMatching(organizationId: string, filter: Filter, aggregation: Aggregation): Promise<boolean>;
  count(organizationIds: string[]): Promise<number>;
  close(): Promise<void>;
}
