import {
  formatDateTime,
  lastQueryValue,
  listResource,
  MeterCreateInput,
  MeterQuantities as MeterQuantitiesSchema,
  Meter as MeterSchema,
  MeterUpdateInput,
  parseAwareDateTimeQuery,
  parseEnumQuery,
  parseMetadataQuery,
  parseMultiString,
  parseMultiUuid,
  parsePagination,
  parseSorting,
  type QueryInput,
} from "@meterline/api-schema";
import {
  assembleQuantities,
  checkQuantitiesRange,
  DEFAULT_QUANTITIES_TIME_ZONE,
  isValidTimeZone,
  type Meter,
  QUANTITIES_MIN_START_TIMESTAMP,
  QUANTITIES_RANGE_ERROR_MESSAGE,
  QUANTITY_INTERVALS,
  quantityBoundaries,
  quantitySeries,
} from "@meterline/core";
import { z } from "zod";
import type { ApiDeps } from "../deps.js";
import { defineRoute, type RouteDefinition } from "../http/route.js";
import { ValidationFailure, type ValidationIssue } from "../http/validation-failure.js";
import { serializeMeter } from "../serializers/meter.js";
import { resolveCustomerMatch } from "./customer-match.js";
import {
  bodyOf,
  idParam,
  listResponse,
  notFound,
  organizationForCreate,
  pageWindow,
  readableOrganizations,
  toSortSpecs,
} from "./shared.js";

const READ = ["meters:read", "meters:write"];
const WRITE = ["meters:write"];
const SORTABLE = ["name", "created_at"] as const;
const createBody = bodyOf(MeterCreateInput);
const updateBody = bodyOf(MeterUpdateInput);
const LOCKED_MESSAGE = "This field can't be updated because the meter is already aggregating events.";

/**
 * A meter locks once any stored event of its organization matches it: from then on its filter
 * and aggregation are what past quantities and balances mean, so they are frozen (spec §4.1).
 */
async function isLocked(deps: ApiDeps, meter: Meter): Promise<boolean> {
  if (meter.lockedAt !== null) return true;
  if (!(await deps.store.anyMatching(meter.organizationId, meter.filter, meter.aggregation))) return false;
  await deps.meters.update({ ...meter, lockedAt: deps.clock.now() });
  return true;
}

/**
 * The range limit compares the dates as written (spec §5.1). A Unix time has no written date and
 * is read as UTC, so its UTC form stands in; passing the digits on would fail as "not ISO 8601".
 */
function writtenForm(text: string, parsed: Date): string {
  return /^\s*\d{4}-/.test(text) ? text : formatDateTime(parsed);
}

export function meterRoutes(deps: ApiDeps): RouteDefinition[] {
  const byId = { params: { id: z.uuid() } };
  return [
    defineRoute({
      method: "GET",
      url: "/v1/meters/",
      operationId: "meters:list",
      summary: "List meters",
      tag: "meters",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          query: lastQueryValue(query, "query"),
          metadata: parseMetadataQuery(query),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, SORTABLE, ["name"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "organization_id", schema: z.array(z.uuid()) },
          { name: "query", schema: z.string(), description: "Case-insensitive search in the name" },
          { name: "metadata", schema: z.record(z.string(), z.string()), style: "deepObject" },
          { name: "page", schema: z.int().positive() },
          { name: "limit", schema: z.int().positive() },
          { name: "sorting", schema: z.array(z.string()) },
        ],
        response: listResource(MeterSchema),
      },
      handler: async ({ subject, query }) => {
        const { items, total } = await deps.meters.list({
          scope: readableOrganizations(subject, query.organizationIds),
          query: query.query,
          metadata: Object.keys(query.metadata).length > 0 ? query.metadata : undefined,
          sort: toSortSpecs(query.sorting),
          page: pageWindow(query.page),
        });
        return listResponse(items.map(serializeMeter), total, query.page);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/v1/meters/",
      operationId: "meters:create",
      summary: "Create meter",
      tag: "meters",
      auth: { scopes: WRITE },
      body: createBody,
      status: 201,
      docs: { body: MeterCreateInput, response: MeterSchema },
      handler: async ({ subject, body }) => {
        const meter: Meter = {
          id: deps.ids.uuid(),
          organizationId: organizationForCreate(subject, body.organizationId),
          createdAt: deps.clock.now(),
          modifiedAt: null,
          name: body.name,
          filter: body.filter,
          aggregation: body.aggregation,
          metadata: body.metadata,
          lockedAt: null,
        };
        await deps.meters.insert(meter);
        return serializeMeter(meter);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/meters/:id",
      operationId: "meters:get",
      summary: "Get meter",
      tag: "meters",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { ...byId, response: MeterSchema },
      handler: async ({ subject, params }) => {
        const meter = await deps.meters.get(subject.organizationIds, params.id);
        if (meter === null) throw notFound();
        return serializeMeter(meter);
      },
    }),
    defineRoute({
      method: "PATCH",
      url: "/v1/meters/:id",
      operationId: "meters:update",
      summary: "Update meter",
      tag: "meters",
      auth: { scopes: WRITE },
      params: idParam,
      body: updateBody,
      status: 200,
      docs: { ...byId, body: MeterUpdateInput, response: MeterSchema },
      handler: async ({ subject, params, body, request }) => {
        const meter = await deps.meters.get(subject.organizationIds, params.id);
        if (meter === null) throw notFound();
        const present = new Set(body.presentKeys);
        const frozen = (["filter", "aggregation"] as const).filter((key) => present.has(key));
        if (frozen.length > 0 && (await isLocked(deps, meter))) {
          const raw = request.body as Record<string, unknown>;
          const issues: ValidationIssue[] = frozen.map((key) => ({
            type: "forbidden",
            loc: ["body", key],
            msg: LOCKED_MESSAGE,
            input: raw[key],
          }));
          throw new ValidationFailure(issues, "PolarRequestValidationError");
        }
        const updated: Meter = { ...meter, modifiedAt: deps.clock.now() };
        if (body.name != null) updated.name = body.name;
        if (body.metadata !== undefined) updated.metadata = body.metadata;
        if (body.filter != null) updated.filter = body.filter;
        if (body.aggregation != null) updated.aggregation = body.aggregation;
        await deps.meters.update(updated);
        const definitionChanged =
          JSON.stringify([updated.filter, updated.aggregation]) !== JSON.stringify([meter.filter, meter.aggregation]);
        if (definitionChanged) await deps.customerMeters.markStaleForMeter(meter.id);
        return serializeMeter(updated);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/meters/:id/quantities",
      operationId: "meters:quantities",
      summary: "Get meter quantities",
      tag: "meters",
      auth: { scopes: READ },
      params: idParam,
      query: (raw, issues) => {
        const query = raw as QueryInput;
        const timeZone = lastQueryValue(query, "timezone") ?? DEFAULT_QUANTITIES_TIME_ZONE;
        if (!isValidTimeZone(timeZone)) {
          issues.push({
            type: "value_error",
            loc: ["query", "timezone"],
            msg: "Value error, Invalid time zone.",
            input: timeZone,
          });
        }
        return {
          start: parseAwareDateTimeQuery(
            query,
            "start_timestamp",
            { required: true, min: new Date(QUANTITIES_MIN_START_TIMESTAMP) },
            issues,
          ),
          end: parseAwareDateTimeQuery(query, "end_timestamp", { required: true }, issues),
          startText: lastQueryValue(query, "start_timestamp") ?? "",
          endText: lastQueryValue(query, "end_timestamp") ?? "",
          interval: parseEnumQuery(query, "interval", QUANTITY_INTERVALS, { required: true }, issues),
          customerIds: parseMultiUuid(query, "customer_id", issues),
          externalCustomerIds: parseMultiString(query, "external_customer_id"),
          metadata: parseMetadataQuery(query),
          timeZone,
        };
      },
      status: 200,
      docs: {
        ...byId,
        query: [
          { name: "start_timestamp", schema: z.iso.datetime({ offset: true }), required: true },
          { name: "end_timestamp", schema: z.iso.datetime({ offset: true }), required: true },
          { name: "interval", schema: z.enum(QUANTITY_INTERVALS), required: true },
          { name: "customer_id", schema: z.array(z.uuid()) },
          { name: "external_customer_id", schema: z.array(z.string()) },
          { name: "metadata", schema: z.record(z.string(), z.string()), style: "deepObject" },
          { name: "timezone", schema: z.string(), description: "IANA time zone of the buckets (default UTC)" },
        ],
        response: MeterQuantitiesSchema,
      },
      handler: async ({ subject, params, query }) => {
        const meter = await deps.meters.get(subject.organizationIds, params.id);
        if (meter === null) throw notFound();
        // The parser reported any missing value, so all three are present here.
        const start = query.start as Date;
        const end = query.end as Date;
        const interval = query.interval as NonNullable<typeof query.interval>;
        if (!checkQuantitiesRange(writtenForm(query.startText, start), writtenForm(query.endText, end), interval)) {
          throw ValidationFailure.business({
            type: "value_error",
            loc: ["query"],
            msg: QUANTITIES_RANGE_ERROR_MESSAGE,
            input: [query.startText, query.endText, interval],
          });
        }
        const series = quantitySeries(start, end, interval, query.timeZone);
        if (series.length === 0) return { quantities: [], total: 0 };
        const boundaries = quantityBoundaries(start, end, interval, query.timeZone);
        const partials = await deps.store.quantities({
          organizationId: meter.organizationId,
          filter: meter.filter,
          aggregation: meter.aggregation,
          customer: await resolveCustomerMatch(
            deps,
            [meter.organizationId],
            query.customerIds,
            query.externalCustomerIds,
          ),
          metadata: Object.keys(query.metadata).length > 0 ? query.metadata : undefined,
          boundaries,
        });
        const result = assembleQuantities({ series, boundaries, partials, func: meter.aggregation.func });
        return {
          quantities: result.quantities.map((bucket) => ({
            timestamp: formatDateTime(bucket.timestamp),
            quantity: bucket.quantity,
          })),
          total: result.total,
        };
      },
    }),
  ];
}
