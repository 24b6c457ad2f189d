import { z } from "zod";

/** `duplicates` is Meterline's: events whose `(organization_id, external_id)` was already stored. */
export const EventsIngestResponse = z.object({
  inserted: z.number().int(),
  duplicates: z.number().int(),
});
export type EventsIngestResponse = z.infer<typeof EventsIngestResponse>;
