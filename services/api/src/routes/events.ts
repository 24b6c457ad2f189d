import {
  EVENT_SOURCES,
  EventName as EventNameSchema,
  Event as EventSchema,
  formatDateTime,
  lastQueryValue,
  listResource,
  parseAwareDateTimeQuery,
  parseFilterQuery,
  parseMetadataQuery,
  parseMultiEnumQuery,
  parseMultiString,
  parseMultiUuid,
  parsePagination,
  parseSorting,
  parseUuidQuery,
  type QueryInput,
} from "@meterline/api-schema";
import { z } from "zod";
import type { ApiDeps } from "../deps.js";
import { defineRoute, type RouteDefinition } from "../http/route.js";
import { ValidationFailure } from "../http/validation-failure.js";
import { serializeEvent } from "../serializers/event.js";
import { resolveCustomerMatch } from "./customer-match.js";
import { resolveEventCustomers } from "./event-customers.js";
import { idParam, listResponse, notFound, pageWindow, readableOrganizations, toSortSpecs } from "./shared.js";

const READ = ["events:read", "events:write"];
const NAME_SORTABLE = ["name", "occurrences", "first_seen", "last_seen"] as const;

export function eventRoutes(deps: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      url: "/v1/events/",
      operationId: "events:list",
      summary: "List events",
      tag: "events",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          filter: parseFilterQuery(query, "filter", issues),
          start: parseAwareDateTimeQuery(query, "start_timestamp", {}, issues),
          end: parseAwareDateTimeQuery(query, "end_timestamp", {}, issues),
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          customerIds: parseMultiUuid(query, "customer_id", issues),
          externalCustomerIds: parseMultiString(query, "external_customer_id"),
          meterId: parseUuidQuery(query, "meter_id", {}, issues),
          names: parseMultiString(query, "name"),
          sources: parseMultiEnumQuery(query, "source", EVENT_SOURCES, issues),
          metadata: parseMetadataQuery(query),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, ["timestamp"] as const, ["-timestamp"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "filter", schema: z.string(), description: "A meter filter as JSON" },
          { name: "start_timestamp", schema: z.iso.datetime({ offset: true }), description: "Events strictly after" },
          { name: "end_timestamp", schema: z.iso.datetime({ offset: true }), description: "Events strictly before" },
          { name: "organization_id", schema: z.array(z.uuid()) },
          { name: "customer_id", schema: z.array(z.uuid()) },
          { name: "external_customer_id", schema: z.array(z.string()) },
          { name: "meter_id", schema: z.uuid(), description: "Events the meter counts (filter and aggregation)" },
          { name: "name", schema: z.array(z.string()) },
          { name: "source", schema: z.array(z.enum(EVENT_SOURCES)) },
          { name: "metadata", schema: z.record(z.string(), z.string()), style: "deepObject" },
          { name: "page", schema: z.int().positive() },
          { name: "limit", schema: z.int().positive() },
          { name: "sorting", schema: z.array(z.string()) },
        ],
        response: listResource(EventSchema),
      },
      handler: async ({ subject, query }) => {
        const scope = readableOrganizations(subject, query.organizationIds);
        let meter = null;
        if (query.meterId !== undefined) {
          meter = await deps.meters.get(scope, query.meterId);
          if (meter === null) {
            throw ValidationFailure.business({
              type: "meter_id",
              loc: ["query", "meter_id"],
              msg: "Meter not found.",
              input: query.meterId,
            });
          }
        }
        const { items, total } = await deps.store.list({
          organizationIds: meter === null ? scope : [meter.organizationId],
          filter:
            meter === null
              ? query.filter
              : query.filter === undefined
                ? meter.filter
                : { conjunction: "and", clauses: [meter.filter, query.filter] },
          aggregation: meter?.aggregation,
          startTimestamp: query.start,
          endTimestamp: query.end,
          customer: await resolveCustomerMatch(deps, scope, query.customerIds, query.externalCustomerIds),
          names: query.names.length > 0 ? query.names : undefined,
          sources: query.sources.length > 0 ? query.sources : undefined,
          metadata: Object.keys(query.metadata).length > 0 ? query.metadata : undefined,
          sort: query.sorting.map((criterion) => ({
            property: "timestamp" as const,
            direction: criterion.descending ? ("desc" as const) : ("asc" as const),
          })),
          ...pageWindow(query.page),
        });
        const customers = await resolveEventCustomers(deps, items);
        return listResponse(
          items.map((event) => serializeEvent(event, customers.get(event.id) ?? null)),
          total,
          query.page,
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/events/names",
      operationId: "events:list_names",
      summary: "List event names",
      tag: "events",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          customerIds: parseMultiUuid(query, "customer_id", issues),
          externalCustomerIds: parseMultiString(query, "external_customer_id"),
          sources: parseMultiEnumQuery(query, "source", EVENT_SOURCES, issues),
          query: lastQueryValue(query, "query"),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, NAME_SORTABLE, ["-last_seen"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "organization_id", schema: z.array(z.uuid()) },
          { name: "customer_id", schema: z.array(z.uuid()) },
          { name: "external_customer_id", schema: z.array(z.string()) },
          { name: "source", schema: z.array(z.enum(EVENT_SOURCES)) },
          { name: "query", schema: z.string() },
          { name: "page", schema: z.int().positive() },
          { name: "limit", schema: z.int().positive() },
          { name: "sorting", schema: z.array(z.string()) },
        ],
        response: listResource(EventNameSchema),
      },
      handler: async ({ subject, query }) => {
        const scope = readableOrganizations(subject, query.organizationIds);
        const { items, total } = await deps.store.names({
          organizationIds: scope,
          customer: await resolveCustomerMatch(deps, scope, query.customerIds, query.externalCustomerIds),
          sources: query.sources.length > 0 ? query.sources : undefined,
          query: query.query,
          sort: toSortSpecs(query.sorting),
          ...pageWindow(query.page),
        });
        return listResponse(
          items.map((row) => ({
            name: row.name,
            source: row.source,
            occurrences: row.occurrences,
            first_seen: formatDateTime(row.firstSeen),
            last_seen: formatDateTime(row.lastSeen),
          })),
          total,
          query.page,
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/events/:id",
      operationId: "events:get",
      summary: "Get event",
      tag: "events",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { params: { id: z.uuid() }, response: EventSchema },
      handler: async ({ subject, params }) => {
        const event = await deps.store.get(subject.organizationIds, params.id);
        if (event === null) throw notFound();
        const customers = await resolveEventCustomers(deps, [event]);
        return serializeEvent(event, customers.get(event.id) ?? null);
      },
    }),
  ];
}
