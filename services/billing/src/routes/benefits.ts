import {
  bodyOf,
  createRepositories,
  defineRoute,
  idParam,
  listResponse,
  notFound,
  organizationForCreate,
  pageWindow,
  presentGrants,
  type RouteDefinition,
  readableOrganizations,
  serializeBenefit,
  toSortSpecs,
  ValidationFailure,
} from "@meterline/api";
import {
  BENEFIT_TYPES,
  BenefitCreateInput,
  BenefitGrant as BenefitGrantSchema,
  Benefit as BenefitSchema,
  BenefitUpdateInput,
  lastQueryValue,
  listResource,
  parseBooleanQuery,
  parseMultiEnumQuery,
  parseMultiUuid,
  parsePagination,
  parseSorting,
  type QueryInput,
} from "@meterline/api-schema";
import { type AuthSubject, type Benefit, type BenefitProperties, DomainError } from "@meterline/core";
import { z } from "zod";
import { announce } from "../engine/announce.js";
import type { BillingDeps } from "../engine/billing-deps.js";
import { BY_ID_DOCS, listFilter, PAGE_QUERY_DOCS } from "./list-query-docs.js";

const READ = ["benefits:read", "benefits:write"];
const WRITE = ["benefits:write"];
const SORTABLE = ["created_at", "description"] as const;
const createBody = bodyOf(BenefitCreateInput);
const updateBody = bodyOf(BenefitUpdateInput);

async function findBenefit(deps: BillingDeps, subject: AuthSubject, id: string): Promise<Benefit> {
  const benefit = await deps.benefits.get(subject.organizationIds, id);
  if (benefit === null) throw notFound();
  return benefit;
}

/** The meter a meter_credit benefit credits must be one of the organization's (spec metering §7.1). */
async function checkMeter(deps: BillingDeps, organizationId: string, meterId: string): Promise<void> {
  if ((await deps.meters.get([organizationId], meterId)) !== null) return;
  throw ValidationFailure.business({
    type: "value_error",
    loc: ["meter_id"],
    msg: "This meter does not exist.",
    input: meterId,
  });
}

async function saveBenefit(deps: BillingDeps, benefit: Benefit, type: "benefit.created" | "benefit.updated") {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    if (type === "benefit.created") await repositories.benefits.insert(benefit);
    else await repositories.benefits.update(benefit);
    await announce(repositories, { ids: deps.ids, now }, [{ type, benefit }]);
  });
  return serializeBenefit(benefit);
}

async function createBenefit(deps: BillingDeps, subject: AuthSubject, body: BenefitCreateInput) {
  const organizationId = organizationForCreate(subject, body.organizationId);
  let properties: BenefitProperties;
  if (body.type === "meter_credit") {
    const organization = await deps.organizations.get(organizationId, [organizationId]);
    if (organization?.featureSettings.usageBasedBillingEnabled !== true) {
      throw ValidationFailure.business({
        type: "value_error",
        loc: ["body", "type"],
        msg: "Usage based billing is not enabled on your organization.",
        input: body.type,
      });
    }
    await checkMeter(deps, organizationId, body.properties.meterId);
    properties = { type: "meter_credit", ...body.properties };
  } else {
    properties = { type: "custom", note: body.properties.note };
  }
  return saveBenefit(
    deps,
    {
      id: deps.ids.uuid(),
      organizationId,
      createdAt: deps.clock.now(),
      modifiedAt: null,
      description: body.description,
      metadata: body.metadata,
      properties,
      deletedAt: null,
    },
    "benefit.created",
  );
}

/** New values apply to later grants, cycles and revokes; existing grants are left alone (metering §7.5). */
async function updateBenefit(deps: BillingDeps, benefit: Benefit, body: BenefitUpdateInput) {
  if (body.type !== benefit.properties.type) {
    throw new DomainError("BAD_REQUEST", "bad_request", "The type of a benefit can't be changed.");
  }
  const updated: Benefit = { ...benefit, modifiedAt: deps.clock.now() };
  if (body.description != null) updated.description = body.description;
  if (body.metadata !== undefined) updated.metadata = body.metadata;
  if (body.type === "meter_credit" && body.properties != null) {
    await checkMeter(deps, benefit.organizationId, body.properties.meterId);
    updated.properties = { type: "meter_credit", ...body.properties };
  } else if (body.type === "custom" && body.properties != null) {
    updated.properties = { type: "custom", note: body.properties.note };
  }
  return saveBenefit(deps, updated, "benefit.updated");
}

export function benefitRoutes(deps: BillingDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      url: "/v1/benefits/",
      operationId: "benefits:list",
      summary: "List benefits",
      tag: "benefits",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          types: parseMultiEnumQuery(query, "type", BENEFIT_TYPES, issues),
          query: lastQueryValue(query, "query"),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, SORTABLE, ["-created_at"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "organization_id", schema: z.array(z.uuid()) },
          { name: "type", schema: z.array(z.enum(BENEFIT_TYPES)) },
          { name: "query", schema: z.string(), description: "Case-insensitive search in the description" },
          ...PAGE_QUERY_DOCS,
        ],
        response: listResource(BenefitSchema),
      },
      handler: async ({ subject, query }) => {
        const { items, total } = await deps.benefits.list({
          scope: readableOrganizations(subject, query.organizationIds),
          types: listFilter(query.types),
          query: query.query,
          sort: toSortSpecs(query.sorting),
          page: pageWindow(query.page),
        });
        return listResponse(items.map(serializeBenefit), total, query.page);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/v1/benefits/",
      operationId: "benefits:create",
      summary: "Create benefit",
      tag: "benefits",
      auth: { scopes: WRITE },
      body: createBody,
      status: 201,
      docs: { body: BenefitCreateInput, response: BenefitSchema },
      handler: ({ subject, body }) => createBenefit(deps, subject, body),
    }),
    defineRoute({
      method: "GET",
      url: "/v1/benefits/:id",
      operationId: "benefits:get",
      summary: "Get benefit",
      tag: "benefits",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { ...BY_ID_DOCS, response: BenefitSchema },
      handler: async ({ subject, params }) => serializeBenefit(await findBenefit(deps, subject, params.id)),
    }),
    defineRoute({
      method: "PATCH",
      url: "/v1/benefits/:id",
      operationId: "benefits:update",
      summary: "Update benefit",
      tag: "benefits",
      auth: { scopes: WRITE },
      params: idParam,
      body: updateBody,
      status: 200,
      docs: { ...BY_ID_DOCS, body: BenefitUpdateInput, response: BenefitSchema },
      handler: async ({ subject, params, body }) =>
        updateBenefit(deps, await findBenefit(deps, subject, params.id), body),
    }),
    defineRoute({
      method: "DELETE",
      url: "/v1/benefits/:id",
      operationId: "benefits:delete",
      summary: "Delete benefit",
      tag: "benefits",
      auth: { scopes: WRITE },
      params: idParam,
      status: 204,
      docs: BY_ID_DOCS,
      handler: async ({ subject, params }) => {
        const benefit = await findBenefit(deps, subject, params.id);
        const now = deps.clock.now();
        // A soft delete: grants keep naming the benefit, products stop showing it.
        await deps.benefits.update({ ...benefit, deletedAt: now, modifiedAt: now });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/benefits/:id/grants",
      operationId: "benefits:grants",
      summary: "List benefit grants",
      tag: "benefits",
      auth: { scopes: READ },
      params: idParam,
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          isGranted: parseBooleanQuery(query, "is_granted", issues),
          customerIds: parseMultiUuid(query, "customer_id", issues),
          page: parsePagination(query, issues),
        };
      },
      status: 200,
      docs: {
        ...BY_ID_DOCS,
        query: [
          { name: "is_granted", schema: z.boolean() },
          { name: "customer_id", schema: z.array(z.uuid()) },
          { name: "page", schema: z.int().positive() },
          { name: "limit", schema: z.int().positive() },
        ],
        response: listResource(BenefitGrantSchema),
      },
      handler: async ({ subject, params, query }) => {
        const benefit = await findBenefit(deps, subject, params.id);
        const { items, total } = await deps.benefits.listGrants({
          benefitId: benefit.id,
          isGranted: query.isGranted,
          customerIds: listFilter(query.customerIds),
          page: pageWindow(query.page),
        });
        return listResponse(await presentGrants(deps, items), total, query.page);
      },
    }),
  ];
}
