import { formatDateTime } from "@meterline/api-schema";
import type { Customer, StoredEvent } from "@meterline/core";
import { serializeCustomer } from "./customer.js";

/**
 * `customer` is resolved at read time (spec §3.3): by the stored `customer_id`, or by an external
 * id matching a live customer of the same organization. `customer_id` stays as ingested.
 */
export function serializeEvent(event: StoredEvent, customer: Customer | null) {
  return {
    id: event.id,
    timestamp: formatDateTime(event.timestamp),
    organization_id: event.organizationId,
    customer_id: event.customerId,
    customer: customer === null ? null : serializeCustomer(customer),
    external_customer_id: event.externalCustomerId,
    source: event.source,
    name: event.name,
    metadata: event.metadata,
  };
}
