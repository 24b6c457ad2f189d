import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS, type WebhookEventType, type WebhookFormat } from "@meterline/core";
import { z } from "zod";
import { httpUrl } from "./http-url.js";
import { pyEnum } from "./py-enum.js";
import { pyString } from "./py-string.js";
import { uuid4 } from "./uuid4.js";

const format = pyEnum(WEBHOOK_FORMATS);
/** Any non-empty string the merchant chooses: the HMAC key, used as its UTF-8 bytes (spec §8.4). */
const secret = pyString({ minLength: 1 });
/** May be empty: an endpoint that listens to nothing yet. */
const events = z.array(pyEnum(WEBHOOK_EVENT_TYPES));

export interface WebhookEndpointCreateInput {
  /** Normalized (pydantic's `HttpUrl` form); the network policy is checked by the route. */
  url: string;
  format: WebhookFormat;
  secret: string;
  events: WebhookEventType[];
  organizationId: string | null;
}

/** `POST /v1/webhooks/endpoints` (spec api-conventions §8.1). */
export const WebhookEndpointCreateInput = z
  .object({
    url: httpUrl,
    format,
    secret,
    events,
    organization_id: uuid4.nullable().optional(),
  })
  .transform(
    (body): WebhookEndpointCreateInput => ({
      url: body.url,
      format: body.format,
      secret: body.secret,
      events: body.events,
      organizationId: body.organization_id ?? null,
    }),
  );

/** Absent and `null` both keep the current value (Polar ignores nulls here, spec §8.1). */
export interface WebhookEndpointUpdateInput {
  url?: string;
  format?: WebhookFormat;
  secret?: string;
  events?: WebhookEventType[];
}

/** `PATCH /v1/webhooks/endpoints/{id}`. */
export const WebhookEndpointUpdateInput = z
  .object({
    url: httpUrl.nullable().optional(),
    format: format.nullable().optional(),
    secret: secret.nullable().optional(),
    events: events.nullable().optional(),
  })
  .transform(
    (body): WebhookEndpointUpdateInput => ({
      ...(body.url != null && { url: body.url }),
      ...(body.format != null && { format: body.format }),
      ...(body.secret != null && { secret: body.secret }),
      ...(body.events != null && { events: body.events }),
    }),
  );
