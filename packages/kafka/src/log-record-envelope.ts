import { canonicalMetadataJson, type LogRecord } from "@meterline/core";
import { z } from "zod";

/**
 * A record's value on the topic (`meterline.events.v1`): JSON, snake_case like the rest of the
 * wire format, with an explicit version so a consumer can refuse what it does not understand
 * instead of misreading it. The dedup key `(organization_id, external_id)` travels with it.
 */
export const LogRecordEnvelope = z.object({
  version: z.literal(1),
  id: z.string().min(1),
  organization_id: z.string().min(1),
  name: z.string().min(1),
  source: z.enum(["user", "system"]),
  timestamp: z.iso.datetime(),
  customer_id: z.string().min(1).nullable(),
  external_customer_id: z.string().nullable(),
  external_id: z.string().nullable(),
  // A plain JSON object, kept as parsed: z.record would copy it into a null-prototype object and
  // drop a `__proto__` key.
  metadata: z.custom<Record<string, unknown>>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    "metadata must be a JSON object",
  ),
});
export type LogRecordEnvelope = z.infer<typeof LogRecordEnvelope>;

/** A topic value that is not a valid envelope: its consumer cannot go past it (nothing is skipped). */
export class InvalidLogRecordError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidLogRecordError";
  }
}

/**
 * The record's envelope as JSON. Metadata is written in the core's canonical form (the same text
 * the Postgres log stores), which refuses a bigint, NaN or Infinity instead of JSON.stringify's
 * silent `null`: an append with such a value fails whole.
 */
export function encodeLogRecord(record: LogRecord): string {
  const fields = JSON.stringify({
    version: 1,
    id: record.id,
    organization_id: record.organizationId,
    name: record.name,
    source: record.source,
    timestamp: record.timestamp.toISOString(),
    customer_id: record.customerId,
    external_customer_id: record.externalCustomerId,
    external_id: record.externalId,
  } satisfies Omit<LogRecordEnvelope, "metadata">);
  return `${fields.slice(0, -1)},"metadata":${canonicalMetadataJson(record.metadata)}}`;
}

export function decodeLogRecord(value: Buffer | string | null): LogRecord {
  if (value === null) throw new InvalidLogRecordError("record has no value");
  let json: unknown;
  try {
    json = JSON.parse(typeof value === "string" ? value : value.toString("utf8"));
  } catch (error) {
    throw new InvalidLogRecordError("record value is not JSON", { cause: error });
  }
  const parsed = LogRecordEnvelope.safeParse(json);
  if (!parsed.success) {
    throw new InvalidLogRecordError(`record value is not a version 1 envelope: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const envelope = parsed.data;
  return {
    id: envelope.id,
    organizationId: envelope.organization_id,
    name: envelope.name,
    source: envelope.source,
    timestamp: new Date(envelope.timestamp),
    customerId: envelope.customer_id,
    externalCustomerId: envelope.external_customer_id,
    externalId: envelope.external_id,
    metadata: envelope.metadata,
  };
}
