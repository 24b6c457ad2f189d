import {
  CustomerMeter as CustomerMeterSchema,
  listResource,
  parseMultiString,
  parseMultiUuid,
  parsePagination,
  parseSorting,
  type QueryInput,
} from "@meterline/api-schema";
import type { CustomerMeter } from "@meterline/postgres";
import { z } from "zod";
import type { ApiDeps } from "../deps.js";
import { defineRoute, type RouteDefinition } from "../http/route.js";
import { serializeCustomerMeter } from "../serializers/customer-meter.js";
import { idParam, listResponse, notFound, pageWindow, readableOrganizations, toSortSpecs } from "./shared.js";

const READ = ["customer_meters:read"];
const SORTABLE = [
  "created_at",
  "modified_at",
  "customer_id",
  "customer_name",
  "meter_id",
  "meter_name",
  "consumed_units",
  "credited_units",
  "balance",
] as const;

/** Customer meters embed their full customer and meter: fetch both sets in two queries. */
async function serializeAll(deps: ApiDeps, scope: readonly string[], rows: CustomerMeter[]) {
  const [customers, meters] = await Promise.all([
    deps.customers.getMany(scope, [...new Set(rows.map((row) => row.customerId))]),
    deps.meters.getMany(scope, [...new Set(rows.map((row) => row.meterId))]),
  ]);
  const customerById = new Map(customers.map((customer) => [customer.id, customer]));
  const meterById = new Map(meters.map((meter) => [meter.id, meter]));
  return rows.flatMap((row) => {
    const customer = customerById.get(row.customerId);
    const meter = meterById.get(row.meterId);
    return customer === undefined || meter === undefined ? [] : [serializeCustomerMeter(row, customer, meter)];
  });
}

export function customerMeterRoutes(deps: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      url: "/v1/customer-meters/",
      operationId: "customer_meters:list",
      summary: "List customer meters",
      tag: "customer_meters",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          customerIds: parseMultiUuid(query, "customer_id", issues),
          externalCustomerIds: parseMultiString(query, "external_customer_id"),
          meterIds: parseMultiUuid(query, "meter_id", issues),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, SORTABLE, ["-modified_at"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "organization_id", schema: z.array(z.uuid()) },
          { name: "customer_id", schema: z.array(z.uuid()) },
          { name: "external_customer_id", schema: z.array(z.string()) },
          { name: "meter_id", schema: z.array(z.uuid()) },
          { name: "page", schema: z.int().positive() },
          { name: "limit", schema: z.int().positive() },
          { name: "sorting", schema: z.array(z.string()) },
        ],
        response: listResource(CustomerMeterSchema),
      },
      handler: async ({ subject, query }) => {
        const scope = readableOrganizations(subject, query.organizationIds);
        const { items, total } = await deps.customerMeters.list({
          scope,
          customerIds: query.customerIds.length > 0 ? query.customerIds : undefined,
          externalCustomerIds: query.externalCustomerIds.length > 0 ? query.externalCustomerIds : undefined,
          meterIds: query.meterIds.length > 0 ? query.meterIds : undefined,
          sort: toSortSpecs(query.sorting),
          page: pageWindow(query.page),
        });
        return listResponse(await serializeAll(deps, scope, items), total, query.page);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/customer-meters/:id",
      operationId: "customer_meters:get",
      summary: "Get customer meter",
      tag: "customer_meters",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { params: { id: z.uuid() }, response: CustomerMeterSchema },
      handler: async ({ subject, params }) => {
        const row = await deps.customerMeters.get(subject.organizationIds, params.id);
        if (row === null) throw notFound();
        const [serialized] = await serializeAll(deps, subject.organizationIds, [row]);
        if (serialized === undefined) throw notFound();
        return serialized;
      },
    }),
  ];
}
