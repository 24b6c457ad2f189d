import { type ApiDeps, defineRoute, type RouteDefinition } from "@meterline/api";
import { EventsIngestResponse } from "@meterline/api-schema";
import { z } from "zod";
import { ingestEvents } from "./ingest-events.js";

const EventsIngestDoc = z.object({
  events: z.array(
    z.object({
      name: z.string().max(128),
      timestamp: z.iso.datetime({ offset: true }).optional(),
      customer_id: z.uuid().optional(),
      external_customer_id: z.string().optional(),
      external_id: z
        .string()
        .max(256)
        .nullable()
        .optional()
        .describe("Idempotency key: a second event with the same key is counted in `duplicates` and not stored"),
      organization_id: z.uuid().nullable().optional(),
      metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    }),
  ),
});

export function ingestRoutes(deps: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      url: "/v1/events/ingest",
      operationId: "events:ingest",
      summary: "Ingest events",
      tag: "events",
      auth: { scopes: ["events:write"] },
      body: (raw) => raw,
      status: 200,
      docs: {
        body: EventsIngestDoc,
        response: EventsIngestResponse,
        description: "All or nothing: one invalid event rejects the batch. Answers once the events are durable.",
      },
      handler: async ({ subject, body }) =>
        ingestEvents(
          {
            log: deps.log,
            clock: deps.clock,
            ids: deps.ids,
            existingCustomers: (scope, ids) => deps.customers.existingIds(scope, ids),
          },
          subject,
          body,
        ),
    }),
  ];
}
