import {
  formatDateTime,
  type WebhookDelivery as WebhookDeliveryWire,
  type WebhookEndpoint as WebhookEndpointWire,
} from "@meterline/api-schema";
import type { WebhookDelivery, WebhookEndpoint, WebhookEvent } from "@meterline/core";

function nullableDateTime(date: Date | null): string | null {
  return date === null ? null : formatDateTime(date);
}

/** Polar's `WebhookEndpoint`: everything but the secret, which no read ever shows. */
export function serializeWebhookEndpoint(endpoint: WebhookEndpoint): WebhookEndpointWire {
  return {
    id: endpoint.id,
    created_at: formatDateTime(endpoint.createdAt),
    modified_at: nullableDateTime(endpoint.modifiedAt),
    url: endpoint.url,
    format: endpoint.format,
    events: endpoint.events,
    organization_id: endpoint.organizationId,
  };
}

/** One attempt with the event it sent (spec api-conventions §8.6, plus Meterline's diagnostics). */
export function serializeWebhookDelivery(delivery: WebhookDelivery, event: WebhookEvent): WebhookDeliveryWire {
  return {
    id: delivery.id,
    created_at: formatDateTime(delivery.createdAt),
    // An attempt is written once and never changes.
    modified_at: null,
    http_code: delivery.httpCode,
    succeeded: delivery.succeeded,
    webhook_event: {
      id: event.id,
      created_at: formatDateTime(event.createdAt),
      modified_at: nullableDateTime(event.modifiedAt),
      last_http_code: event.lastHttpCode,
      succeeded: event.succeeded,
      payload: event.payload,
      type: event.type,
    },
    attempt: delivery.attempt,
    response: delivery.response,
    duration_ms: delivery.durationMs,
    error: delivery.error,
  };
}
