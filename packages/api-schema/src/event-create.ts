import type { Metadata } from "@meterline/core";
import { z } from "zod";
import { awareDateTime, checkAwareDateTime } from "./aware-date-time.js";
import { MetadataInput } from "./metadata-input.js";
import { pyError } from "./py-error.js";
import { pyScalar } from "./py-schema.js";
import { pyString } from "./py-string.js";
import { uuid4 } from "./uuid4.js";

/** The event-name column's width; Polar answered a longer name with a 500, Meterline with a 422. */
export const EVENT_NAME_MAX_LENGTH = 128;
/** How far ahead of the server clock a client's timestamp may be (clock skew). */
export const EVENT_TIMESTAMP_MAX_SKEW_MS = 5 * 60_000;
export const EVENT_EXTERNAL_ID_MAX_LENGTH = 256;

/** One validated ingest event; exactly one of `customerId` / `externalCustomerId` is set. */
export interface EventCreate {
  name: string;
  /** Absent when the client sent none; ingest stamps the time then. */
  timestamp?: Date;
  metadata: Metadata;
  organizationId: string | null;
  customerId: string | null;
  externalCustomerId: string | null;
  /** Idempotency key, unique per organization. */
  externalId: string | null;
}

function eventTimestamp(now: Date) {
  const latest = now.getTime() + EVENT_TIMESTAMP_MAX_SKEW_MS;
  return pyScalar((input) => {
    const parsed = checkAwareDateTime(input);
    if (parsed.ok && parsed.value.getTime() > latest) {
      return { ok: false, error: pyError.valueError("Timestamp must be in the past.", input) };
    }
    return parsed;
  }, awareDateTime.meta());
}

/** Fields both union members share, in Polar's order (errors are reported in this order). */
function eventFields(now: Date) {
  return {
    metadata: MetadataInput.optional(),
    timestamp: eventTimestamp(now).optional(),
    name: pyString({ maxLength: EVENT_NAME_MAX_LENGTH }),
    organization_id: uuid4.nullable().optional(),
    external_id: pyString({ minLength: 1, maxLength: EVENT_EXTERNAL_ID_MAX_LENGTH }).nullable().optional(),
  };
}

interface EventFields {
  name: string;
  metadata?: Metadata;
  timestamp?: Date;
  organization_id?: string | null;
  external_id?: string | null;
}

function toEventCreate(fields: EventFields, customerId: string | null, externalCustomerId: string | null): EventCreate {
  const event: EventCreate = {
    name: fields.name,
    metadata: fields.metadata ?? {},
    organizationId: fields.organization_id ?? null,
    customerId,
    externalCustomerId,
    externalId: fields.external_id ?? null,
  };
  if (fields.timestamp !== undefined) event.timestamp = fields.timestamp;
  return event;
}

/** Union member `EventCreateCustomer`: the event names a customer by id (UUID4). */
export function eventCreateCustomerInput(now: Date) {
  return z
    .object({ ...eventFields(now), customer_id: uuid4 })
    .transform((event) => toEventCreate(event, event.customer_id, null));
}

/** Union member `EventCreateExternalCustomer`: any string, the customer need not exist yet. */
export function eventCreateExternalCustomerInput(now: Date) {
  return z
    .object({ ...eventFields(now), external_customer_id: pyString() })
    .transform((event) => toEventCreate(event, null, event.external_customer_id));
}
