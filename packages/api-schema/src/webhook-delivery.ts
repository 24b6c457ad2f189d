import { WEBHOOK_EVENT_TYPES } from "@meterline/core";
import { z } from "zod";
import { DateTimeString } from "./date-time-string.js";

/** Polar's `WebhookEvent` as a delivery embeds it, plus its `type`. */
export const WebhookEventSummary = z.object({
  id: z.string(),
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  /** The status code of the latest attempt; null before the first or when none answered. */
  last_http_code: z.int().nullable(),
  /** null until the first attempt. */
  succeeded: z.boolean().nullable(),
  /** The exact body sent on every attempt. */
  payload: z.string(),
  type: z.enum(WEBHOOK_EVENT_TYPES),
});
export type WebhookEventSummary = z.infer<typeof WebhookEventSummary>;

/**
 * One attempt to send a webhook event (spec api-conventions §8.6): Polar's fields, then
 * Meterline's `attempt`, `response` (the start of the body), `duration_ms` and `error`.
 */
export const WebhookDelivery = z.object({
  id: z.string(),
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  /** null when no response came (timeout, refused connection, blocked address). */
  http_code: z.int().nullable(),
  succeeded: z.boolean(),
  webhook_event: WebhookEventSummary,
  /** 1 for the first attempt of the current retry budget (a redelivery starts a new one). */
  attempt: z.int(),
  response: z.string().nullable(),
  duration_ms: z.int(),
  /** Why the attempt failed without a response. */
  error: z.string().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
