/** A metadata value as users send it: flat, typed, no nulls. */
export type MetadataValue = string | number | boolean;
export type Metadata = Record<string, MetadataValue>;

export type EventSource = "user" | "system";

/** System event names Meterline writes through the same log as usage. */
export const SYSTEM_EVENT_NAMES = [
  "meter.credited",
  "meter.reset",
  "benefit.granted",
  "benefit.cycled",
  "benefit.updated",
  "benefit.revoked",
] as const;
export type SystemEventName = (typeof SYSTEM_EVENT_NAMES)[number];

/**
 * Where the EventLog put a record. One organization's records share a partition, so within an
 * organization `offset` totally orders them (ARCHITECTURE §3.5).
 */
export interface LogPosition {
  partition: number;
  offset: number;
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.partition !== b.partition) return a.partition - b.partition;
  return a.offset - b.offset;
}

/** What ingest (or the billing worker) hands to the EventLog. Immutable from here on. */
export interface LogRecord {
  id: string;
  organizationId: string;
  name: string;
  source: EventSource;
  timestamp: Date;
  customerId: string | null;
  externalCustomerId: string | null;
  /** Client-chosen idempotency key, unique per organization. */
  externalId: string | null;
  metadata: Record<string, unknown>;
}

/** A record once durable in the log: the log stamps its position and append time. */
export interface AppendedRecord extends LogRecord {
  position: LogPosition;
  ingestedAt: Date;
}

/** An event as the EventStore keeps it. */
export type StoredEvent = AppendedRecord;

/** The customer a stored event belongs to, resolved at read time (spec §3.3). */
export interface CustomerKeys {
  id: string;
  externalId: string | null;
}

export function eventBelongsTo(
  event: Pick<LogRecord, "customerId" | "externalCustomerId">,
  customer: CustomerKeys,
): boolean {
  if (event.customerId !== null && event.customerId === customer.id) return true;
  return customer.externalId !== null && event.externalCustomerId === customer.externalId;
}
