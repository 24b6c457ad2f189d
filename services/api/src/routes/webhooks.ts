import {
  checkHttpUrl,
  isPlainObject,
  listResource,
  parseMultiUuid,
  parsePagination,
  type QueryInput,
  WebhookDelivery as WebhookDeliverySchema,
  WebhookEndpointCreated,
  WebhookEndpointCreateInput,
  WebhookEndpoint as WebhookEndpointSchema,
  WebhookEndpointUpdateInput,
} from "@meterline/api-schema";
import { type AuthSubject, WEBHOOK_DISPATCH_JOB, type WebhookEndpoint } from "@meterline/core";
import { z } from "zod";
import type { ApiDeps } from "../deps.js";
import { defineRoute, type Parser, type QueryParameterDoc, type RouteDefinition } from "../http/route.js";
import { webhookUrlProblem } from "../webhooks/webhook-url-policy.js";
import {
  bodyOf,
  idParam,
  listResponse,
  notFound,
  organizationForCreate,
  pageWindow,
  readableOrganizations,
} from "./shared.js";
import { serializeWebhookDelivery, serializeWebhookEndpoint } from "./webhook-serializers.js";

const READ = ["webhooks:read", "webhooks:write"];
const WRITE = ["webhooks:write"];
const BY_ID_DOCS = { params: { id: z.uuid() } };
const PAGE_DOCS: QueryParameterDoc[] = [
  { name: "page", schema: z.int().positive() },
  { name: "limit", schema: z.int().positive() },
];

/**
 * A body parser that also applies the deployment's URL policy (private addresses, allowed hosts)
 * to a `url` the schema accepted, so that problem is reported with the others in one 422.
 */
function withUrlPolicy<T>(parse: Parser<T>, deps: ApiDeps): Parser<T> {
  return (raw, issues) => {
    const body = parse(raw, issues);
    const url = isPlainObject(raw) ? raw.url : undefined;
    if (typeof url === "string" && checkHttpUrl(url).ok) {
      const problem = webhookUrlProblem(url, deps.webhookUrlPolicy);
      if (problem !== null) issues.push({ type: "value_error", loc: ["body", "url"], msg: problem, input: url });
    }
    return body;
  };
}

async function findEndpoint(deps: ApiDeps, subject: AuthSubject, id: string): Promise<WebhookEndpoint> {
  const endpoint = await deps.webhookEndpoints.get(subject.organizationIds, id);
  if (endpoint === null) throw notFound();
  return endpoint;
}

function sameEvents(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((type, index) => type === b[index]);
}

async function updateEndpoint(
  deps: ApiDeps,
  endpoint: WebhookEndpoint,
  body: WebhookEndpointUpdateInput,
): Promise<WebhookEndpoint> {
  const changed: WebhookEndpoint = {
    ...endpoint,
    url: body.url ?? endpoint.url,
    format: body.format ?? endpoint.format,
    secret: body.secret ?? endpoint.secret,
    events: body.events ?? endpoint.events,
  };
  const unchanged =
    changed.url === endpoint.url &&
    changed.format === endpoint.format &&
    changed.secret === endpoint.secret &&
    sameEvents(changed.events, endpoint.events);
  // Sending the current values is no change: `modified_at` keeps telling when something changed.
  if (unchanged) return endpoint;
  const updated = { ...changed, modifiedAt: deps.clock.now() };
  await deps.webhookEndpoints.update(updated);
  return updated;
}

/**
 * Queues a webhook event again, fresh retry budget, same `webhook-id` (spec api-conventions §8.6).
 * An event is only visible through a live endpoint of the caller: a deleted endpoint receives
 * nothing more, so its events are gone (404) as the endpoint is.
 */
async function redeliver(deps: ApiDeps, subject: AuthSubject, id: string): Promise<null> {
  const event = await deps.webhookEvents.get(id);
  if (event === null || !subject.organizationIds.includes(event.organizationId)) throw notFound();
  if ((await deps.webhookEndpoints.get(subject.organizationIds, event.endpointId)) === null) throw notFound();
  if ((await deps.webhookEvents.redeliver(subject.organizationIds, id, deps.clock.now())) === null) throw notFound();
  // The dispatcher also runs on a schedule; this makes the send prompt instead of up to a tick late.
  await deps.jobs.enqueue(WEBHOOK_DISPATCH_JOB, {});
  return null;
}

export function webhookRoutes(deps: ApiDeps): RouteDefinition[] {
  const createBody = withUrlPolicy(bodyOf(WebhookEndpointCreateInput), deps);
  const updateBody = withUrlPolicy(bodyOf(WebhookEndpointUpdateInput), deps);
  return [
    defineRoute({
      method: "GET",
      // No trailing slash on these collections, unlike every other (spec api-conventions §1.2).
      url: "/v1/webhooks/endpoints",
      operationId: "webhooks:list_webhook_endpoints",
      summary: "List webhook endpoints",
      tag: "webhooks",
      auth: { scopes: READ },
      query: (raw, issues) => ({
        organizationIds: parseMultiUuid(raw as QueryInput, "organization_id", issues),
        page: parsePagination(raw as QueryInput, issues),
      }),
      status: 200,
      docs: {
        query: [{ name: "organization_id", schema: z.array(z.uuid()) }, ...PAGE_DOCS],
        response: listResource(WebhookEndpointSchema),
        description: "Newest first.",
      },
      handler: async ({ subject, query }) => {
        const scope = readableOrganizations(subject, query.organizationIds);
        const { items, total } = await deps.webhookEndpoints.list(scope, pageWindow(query.page));
        return listResponse(items.map(serializeWebhookEndpoint), total, query.page);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/v1/webhooks/endpoints",
      operationId: "webhooks:create_webhook_endpoint",
      summary: "Create webhook endpoint",
      tag: "webhooks",
      auth: { scopes: WRITE },
      body: createBody,
      status: 201,
      docs: {
        body: WebhookEndpointCreateInput,
        response: WebhookEndpointCreated,
        description: "Unlike Polar, the response carries the `secret`; no later response shows it.",
      },
      handler: async ({ subject, body }) => {
        const endpoint: WebhookEndpoint = {
          id: deps.ids.uuid(),
          organizationId: organizationForCreate(subject, body.organizationId),
          createdAt: deps.clock.now(),
          modifiedAt: null,
          deletedAt: null,
          url: body.url,
          format: body.format,
          secret: body.secret,
          events: body.events,
        };
        await deps.webhookEndpoints.insert(endpoint);
        // Deliberate deviation from Polar, which never returns the secret: the create response
        // shows it (and only it does), so whoever set up the endpoint can configure the receiver
        // from this answer. Every other response goes through serializeWebhookEndpoint, without it.
        return { ...serializeWebhookEndpoint(endpoint), secret: endpoint.secret };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/webhooks/endpoints/:id",
      operationId: "webhooks:get_webhook_endpoint",
      summary: "Get webhook endpoint",
      tag: "webhooks",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { ...BY_ID_DOCS, response: WebhookEndpointSchema },
      handler: async ({ subject, params }) => serializeWebhookEndpoint(await findEndpoint(deps, subject, params.id)),
    }),
    defineRoute({
      method: "PATCH",
      url: "/v1/webhooks/endpoints/:id",
      operationId: "webhooks:update_webhook_endpoint",
      summary: "Update webhook endpoint",
      tag: "webhooks",
      auth: { scopes: WRITE },
      params: idParam,
      body: updateBody,
      status: 200,
      docs: {
        ...BY_ID_DOCS,
        body: WebhookEndpointUpdateInput,
        response: WebhookEndpointSchema,
        description: "Keys sent as null are ignored.",
      },
      handler: async ({ subject, params, body }) =>
        serializeWebhookEndpoint(await updateEndpoint(deps, await findEndpoint(deps, subject, params.id), body)),
    }),
    defineRoute({
      method: "DELETE",
      url: "/v1/webhooks/endpoints/:id",
      operationId: "webhooks:delete_webhook_endpoint",
      summary: "Delete webhook endpoint",
      tag: "webhooks",
      auth: { scopes: WRITE },
      params: idParam,
      status: 204,
      docs: BY_ID_DOCS,
      handler: async ({ subject, params }) => {
        const endpoint = await findEndpoint(deps, subject, params.id);
        // Soft delete: its events and deliveries keep pointing at it; it receives nothing more.
        const now = deps.clock.now();
        await deps.webhookEndpoints.update({ ...endpoint, deletedAt: now, modifiedAt: now });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/webhooks/deliveries",
      operationId: "webhooks:list_webhook_deliveries",
      summary: "List webhook deliveries",
      tag: "webhooks",
      auth: { scopes: READ },
      query: (raw, issues) => ({
        endpointIds: parseMultiUuid(raw as QueryInput, "endpoint_id", issues),
        page: parsePagination(raw as QueryInput, issues),
      }),
      status: 200,
      docs: {
        query: [{ name: "endpoint_id", schema: z.array(z.uuid()) }, ...PAGE_DOCS],
        response: listResource(WebhookDeliverySchema),
        description: "One item per attempt, newest first.",
      },
      handler: async ({ subject, query }) => {
        const endpointIds = query.endpointIds.length > 0 ? query.endpointIds : null;
        const { items, total } = await deps.webhookEvents.deliveries(
          subject.organizationIds,
          endpointIds,
          pageWindow(query.page),
        );
        const rendered = items.map(({ delivery, event }) => serializeWebhookDelivery(delivery, event));
        return listResponse(rendered, total, query.page);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/v1/webhooks/events/:id/redeliver",
      operationId: "webhooks:redeliver_webhook_event",
      summary: "Redeliver a webhook event",
      tag: "webhooks",
      auth: { scopes: WRITE },
      params: idParam,
      status: 202,
      docs: { ...BY_ID_DOCS, response: z.null() },
      handler: async ({ subject, params }) => redeliver(deps, subject, params.id),
    }),
  ];
}
