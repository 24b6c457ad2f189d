import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS } from "@meterline/core";
import { z } from "zod";
import { DateTimeString } from "./date-time-string.js";

/** Polar's `WebhookEndpoint` (spec api-conventions §8.1): the secret is never part of it. */
export const WebhookEndpoint = z.object({
  id: z.string(),
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  url: z.string(),
  format: z.enum(WEBHOOK_FORMATS),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  organization_id: z.string(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/**
 * The create response: the endpoint plus its `secret`. Meterline-only (Polar never returns the
 * secret); it lets a merchant copy what the receiver must verify with, and only this once.
 */
export const WebhookEndpointCreated = WebhookEndpoint.extend({ secret: z.string() });
export type WebhookEndpointCreated = z.infer<typeof WebhookEndpointCreated>;
