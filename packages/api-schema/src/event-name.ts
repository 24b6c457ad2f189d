import { z } from "zod";
import { DateTimeString } from "./date-time-string.js";

export const EVENT_SOURCES = ["system", "user"] as const;
export const EventSource = z.enum(EVENT_SOURCES);
export type EventSource = z.infer<typeof EventSource>;

/** One distinct (name, source) of `GET /v1/events/names`; first/last seen are min/max `timestamp`. */
export const EventName = z.object({
  name: z.string(),
  source: EventSource,
  occurrences: z.number().int(),
  first_seen: DateTimeString,
  last_seen: DateTimeString,
});
export type EventName = z.infer<typeof EventName>;
