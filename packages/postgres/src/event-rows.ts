import { type AppendedRecord, canonicalMetadataJson, type LogRecord } from "@meterline/core";

/** The columns `event_log` and `events_v1` share, as PostgreSQL returns them. */
export interface EventRow {
  id: string;
  organization_id: string;
  name: string;
  source: "user" | "system";
  timestamp: Date;
  ingested_at: Date;
  customer_id: string | null;
  external_customer_id: string | null;
  external_id: string | null;
  metadata: Record<string, unknown>;
  log_offset: number;
}

/** A row back to a record; `partition` is the row's own or the embedded log's only one. */
export function toAppendedRecord(row: EventRow, partition: number): AppendedRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    source: row.source,
    timestamp: row.timestamp,
    ingestedAt: row.ingested_at,
    customerId: row.customer_id,
    externalCustomerId: row.external_customer_id,
    externalId: row.external_id,
    metadata: row.metadata,
    position: { partition, offset: row.log_offset },
  };
}

/**
 * The shared record columns as parallel arrays for one `unnest(...)` insert, in the order
 * id, organization_id, name, source, timestamp, customer_id, external_customer_id, external_id,
 * metadata (canonical JSON, so `metadata->>key` gives the reference evaluator's text form).
 */
export function recordColumns(records: readonly LogRecord[]): unknown[][] {
  return [
    records.map((r) => r.id),
    records.map((r) => r.organizationId),
    records.map((r) => r.name),
    records.map((r) => r.source),
    records.map((r) => r.timestamp),
    records.map((r) => r.customerId),
    records.map((r) => r.externalCustomerId),
    records.map((r) => r.externalId),
    records.map((r) => canonicalMetadataJson(r.metadata)),
  ];
}
