import {
  lastQueryValue,
  listResource,
  OrganizationCreateInput,
  Organization as OrganizationSchema,
  OrganizationUpdateInput,
  parsePagination,
  parseSorting,
  type QueryInput,
} from "@meterline/api-schema";
import { z } from "zod";
import { createOrganization } from "../admin/organizations.js";
import { type ApiDeps, createRepositories } from "../deps.js";
import { defineRoute, type RouteDefinition } from "../http/route.js";
import { announceChange } from "../outbox/announce-change.js";
import { serializeOrganization } from "../serializers/organization.js";
import { bodyOf, idParam, listResponse, notFound, pageWindow, toSortSpecs } from "./shared.js";

const SORTABLE = ["created_at", "slug", "name"] as const;
const READ = ["organizations:read", "organizations:write"];
const WRITE = ["organizations:write"];
const createBody = bodyOf(OrganizationCreateInput);
const updateBody = bodyOf(OrganizationUpdateInput);

export function organizationRoutes(deps: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      url: "/v1/organizations/",
      operationId: "organizations:list",
      summary: "List organizations",
      tag: "organizations",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          slug: lastQueryValue(query, "slug"),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, SORTABLE, ["created_at"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "slug", schema: z.string() },
          { name: "page", schema: z.int().positive() },
          { name: "limit", schema: z.int().positive() },
          { name: "sorting", schema: z.array(z.string()) },
        ],
        response: listResource(OrganizationSchema),
      },
      handler: async ({ subject, query }) => {
        const { items, total } = await deps.organizations.list({
          scope: subject.organizationIds,
          slug: query.slug,
          sort: toSortSpecs(query.sorting),
          page: pageWindow(query.page),
        });
        return listResponse(items.map(serializeOrganization), total, query.page);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/v1/organizations/",
      operationId: "organizations:create",
      summary: "Create organization (personal access tokens only)",
      tag: "organizations",
      auth: { scopes: WRITE, subjects: ["user"] },
      body: createBody,
      status: 201,
      docs: { body: OrganizationCreateInput, response: OrganizationSchema },
      handler: async ({ subject, body }) => {
        if (subject.type !== "user") throw notFound();
        const organization = await createOrganization(deps, body, subject.userId);
        return serializeOrganization(organization);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/organizations/:id",
      operationId: "organizations:get",
      summary: "Get organization",
      tag: "organizations",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { params: { id: z.uuid() }, response: OrganizationSchema },
      handler: async ({ subject, params }) => {
        const organization = await deps.organizations.get(params.id, subject.organizationIds);
        if (organization === null) throw notFound();
        return serializeOrganization(organization);
      },
    }),
    defineRoute({
      method: "PATCH",
      url: "/v1/organizations/:id",
      operationId: "organizations:update",
      summary: "Update organization",
      tag: "organizations",
      auth: { scopes: WRITE },
      params: idParam,
      body: updateBody,
      status: 200,
      docs: { params: { id: z.uuid() }, body: OrganizationUpdateInput, response: OrganizationSchema },
      handler: async ({ subject, params, body }) => {
        const organization = await deps.organizations.get(params.id, subject.organizationIds);
        if (organization === null) throw notFound();
        const present = new Set(body.presentKeys);
        const now = deps.clock.now();
        const updated = { ...organization, modifiedAt: now };
        if (present.has("name") && body.name != null) updated.name = body.name;
        if (present.has("avatarUrl")) updated.avatarUrl = body.avatarUrl ?? null;
        if (present.has("email")) updated.email = body.email ?? null;
        if (present.has("website")) updated.website = body.website ?? null;
        if (present.has("socials") && body.socials != null) updated.socials = body.socials;
        if (present.has("details") && body.details != null) {
          updated.details = body.details as Record<string, unknown>;
          updated.detailsSubmittedAt = now;
        }
        if (present.has("featureSettings") && body.featureSettings != null) {
          updated.featureSettings = { ...organization.featureSettings, ...body.featureSettings };
        }
        if (present.has("subscriptionSettings") && body.subscriptionSettings != null) {
          updated.subscriptionSettings = { ...organization.subscriptionSettings, ...body.subscriptionSettings };
        }
        await deps.db.transaction(async (tx) => {
          const repositories = createRepositories(tx);
          await repositories.organizations.update(updated);
          await announceChange(repositories, { ids: deps.ids, now }, [
            { type: "organization.updated", organization: updated },
          ]);
        });
        return serializeOrganization(updated);
      },
    }),
  ];
}
