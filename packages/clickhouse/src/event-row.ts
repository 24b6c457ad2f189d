import { canonicalMetadataJson, formatNumberPlain, type StoredEvent } from "@meterline/core";
import { z } from "zod";
import { wellFormed } from "./sql-literal.js";

/**
 * How a metadata value is typed in `metadata_types`. 0 is what `metadata_types[0]` reads for a
 * missing key (`indexOf` gives 0), so "missing" needs no separate test. Values the reference
 * evaluator treats as missing (null, arrays, objects) get no entry at all.
 */
export const METADATA_TYPE = { string: 1, number: 2, boolean: 3 } as const;

/** One `events_v1` row as written (JSONEachRow); `metadata_numbers` is derived by the server. */
export interface EventInsertRow {
  id: string;
  organization_id: string;
  name: string;
  source: string;
  timestamp_ms: number;
  ingested_at_ms: number;
  customer_id: string | null;
  external_customer_id: string | null;
  external_id: string | null;
  customer_key: string;
  metadata: string;
  metadata_keys: string[];
  metadata_types: number[];
  metadata_texts: string[];
  /** IEEE-754 bits as decimal text: 18.16 parses JSON floats inexactly, integers exactly. */
  metadata_number_bits: string[];
  log_partition: number;
  log_offset: number;
}

/**
 * The identifier an event carried (ARCHITECTURE §6), the second key column: a customer lookup
 * reads `customer_key IN (id, external id)`. Ingest keeps only the customer id when an event has
 * both (spec metering §3.2); an event that still carries both is filed under its customer id, and
 * `external_customer_aliases_v1` records its external id so external-id lookups find it too.
 */
export function customerKey(event: Pick<StoredEvent, "customerId" | "externalCustomerId">): string {
  return wellFormed(event.customerId ?? event.externalCustomerId ?? "");
}

export function toInsertRow(event: StoredEvent): EventInsertRow {
  const keys: string[] = [];
  const types: number[] = [];
  const texts: string[] = [];
  const bits: string[] = [];
  for (const [key, value] of Object.entries(event.metadata)) {
    const slot = flatSlot(value);
    if (slot === undefined) continue;
    keys.push(wellFormed(key));
    types.push(slot.type);
    texts.push(wellFormed(slot.text));
    bits.push(float64Bits(slot.number));
  }
  const nullable = (value: string | null) => (value === null ? null : wellFormed(value));
  return {
    id: wellFormed(event.id),
    organization_id: wellFormed(event.organizationId),
    name: wellFormed(event.name),
    source: event.source,
    timestamp_ms: epochMilliseconds(event.timestamp),
    ingested_at_ms: epochMilliseconds(event.ingestedAt),
    customer_id: nullable(event.customerId),
    external_customer_id: nullable(event.externalCustomerId),
    external_id: nullable(event.externalId),
    customer_key: customerKey(event),
    // Full fidelity for reading back (nested values included); the arrays serve the filters.
    metadata: canonicalMetadataJson(event.metadata),
    metadata_keys: keys,
    metadata_types: types,
    metadata_texts: texts,
    metadata_number_bits: bits,
    log_partition: event.position.partition,
    log_offset: event.position.offset,
  };
}

/** Booleans also get a number (1/0), so boolean clauses compare numbers as the reference does. */
function flatSlot(value: unknown): { type: number; text: string; number: number } | undefined {
  if (typeof value === "string") return { type: METADATA_TYPE.string, text: value, number: 0 };
  if (typeof value === "boolean") return { type: METADATA_TYPE.boolean, text: String(value), number: Number(value) };
  if (typeof value === "number" && Number.isFinite(value)) {
    // formatNumberPlain writes -0 as "0", and the JSON column holds 0: the number must agree.
    return { type: METADATA_TYPE.number, text: formatNumberPlain(value), number: value + 0 };
  }
  return undefined;
}

export function float64Bits(value: number): string {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return bytes.readBigUInt64LE().toString();
}

function epochMilliseconds(date: Date): number {
  const milliseconds = date.getTime();
  if (!Number.isFinite(milliseconds)) throw new RangeError("An event time is an Invalid Date");
  return milliseconds;
}

/** UInt64/Int64 arrive as JSON strings (`output_format_json_quote_64bit_integers`), small ints as numbers. */
export const Int64 = z
  .union([z.string().regex(/^-?\d+$/), z.number().int()])
  .transform(Number)
  .refine(Number.isSafeInteger, "beyond 2^53");

/**
 * JSON.parse keeps an own `__proto__` key as data; rebuilding the object (as a zod record would)
 * would turn it into a prototype, so the parsed object is checked, not copied.
 */
const MetadataJson = z.string().transform((text, context): Record<string, unknown> => {
  const value: unknown = JSON.parse(text);
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  context.addIssue({ code: "custom", message: "metadata is not a JSON object" });
  return z.NEVER;
});

/** The columns `EVENT_COLUMNS` selects, validated and mapped to the port's type. */
export const EventRow = z
  .object({
    id: z.string(),
    organization_id: z.string(),
    name: z.string(),
    source: z.enum(["user", "system"]),
    timestamp_ms: Int64,
    ingested_at_ms: Int64,
    customer_id: z.string().nullable(),
    external_customer_id: z.string().nullable(),
    external_id: z.string().nullable(),
    metadata: MetadataJson,
    log_partition: z.number().int(),
    log_offset: Int64,
  })
  .transform(
    (row): StoredEvent => ({
      id: row.id,
      organizationId: row.organization_id,
      name: row.name,
      source: row.source,
      timestamp: new Date(row.timestamp_ms),
      ingestedAt: new Date(row.ingested_at_ms),
      customerId: row.customer_id,
      externalCustomerId: row.external_customer_id,
      externalId: row.external_id,
      metadata: row.metadata,
      position: { partition: row.log_partition, offset: row.log_offset },
    }),
  );

export const EVENT_COLUMNS =
  "id, organization_id, name, source, timestamp_ms, ingested_at_ms, customer_id, external_customer_id, external_id, metadata, log_partition, log_offset";
