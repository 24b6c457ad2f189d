import {
  bodyOf,
  defineRoute,
  idParam,
  listResponse,
  notFound,
  pageWindow,
  presentSubscription,
  presentSubscriptions,
  type RouteDefinition,
  readableOrganizations,
  toSortSpecs,
  ValidationFailure,
} from "@meterline/api";
import {
  listResource,
  parseBooleanQuery,
  parseMetadataQuery,
  parseMultiString,
  parseMultiUuid,
  parsePagination,
  parseSorting,
  type QueryInput,
  SubscriptionCreateInput,
  Subscription as SubscriptionSchema,
  SubscriptionUpdateInput,
} from "@meterline/api-schema";
import type { AuthSubject, Customer, Subscription } from "@meterline/core";
import { z } from "zod";
import type { BillingDeps } from "../engine/billing-deps.js";
import { changeProduct } from "../engine/product-change.js";
import {
  cancelAtPeriodEnd,
  changeDiscount,
  createSubscription,
  finalizeNow,
  revoke,
  uncancel,
} from "../engine/subscription-service.js";
import { BY_ID_DOCS, listFilter, METADATA_QUERY_DOC, metadataFilter, PAGE_QUERY_DOCS } from "./list-query-docs.js";
import { referencedProduct } from "./products.js";

const READ = ["subscriptions:read", "subscriptions:write"];
const WRITE = ["subscriptions:write"];
const SORTABLE = ["customer", "status", "started_at", "current_period_end", "amount", "product", "discount"] as const;
const createBody = bodyOf(SubscriptionCreateInput);
const updateBody = bodyOf(SubscriptionUpdateInput);

async function findSubscription(deps: BillingDeps, subject: AuthSubject, id: string): Promise<Subscription> {
  const subscription = await deps.subscriptions.get(subject.organizationIds, id);
  if (subscription === null) throw notFound();
  return subscription;
}

/** The customer a create body names, by id or external id, among the caller's organizations. */
async function namedCustomer(
  deps: BillingDeps,
  subject: AuthSubject,
  body: SubscriptionCreateInput,
): Promise<Customer> {
  const customer =
    body.customerId !== null
      ? await deps.customers.get(subject.organizationIds, body.customerId)
      : await deps.customers.getByExternalId(subject.organizationIds, body.externalCustomerId ?? "");
  if (customer !== null) return customer;
  const field = body.customerId !== null ? "customer_id" : "external_customer_id";
  throw ValidationFailure.business({
    type: "value_error",
    loc: ["body", field],
    msg: "Customer does not exist.",
    input: body.customerId ?? body.externalCustomerId,
  });
}

/** Revokes now and bills the pending usage in the final order before answering (ARCHITECTURE §7). */
async function revokeNow(
  deps: BillingDeps,
  subscription: Subscription,
  reason: Parameters<typeof revoke>[2],
  comment: string | null,
) {
  const revoked = await revoke(deps, subscription, reason, comment);
  await finalizeNow(deps, revoked.id);
  return revoked;
}

async function updateSubscription(deps: BillingDeps, subscription: Subscription, body: SubscriptionUpdateInput) {
  switch (body.kind) {
    case "cancel":
      return body.cancelAtPeriodEnd
        ? cancelAtPeriodEnd(deps, subscription, body.customerCancellationReason, body.customerCancellationComment)
        : uncancel(deps, subscription);
    case "revoke":
      return revokeNow(deps, subscription, body.customerCancellationReason, body.customerCancellationComment);
    case "discount":
      return changeDiscount(deps, subscription, body.discountId);
    case "product": {
      const product = await referencedProduct(deps, subscription.organizationId, body.productId, [
        "body",
        "product_id",
      ]);
      return changeProduct(deps, subscription, product, body.prorationBehavior);
    }
  }
}

export function subscriptionRoutes(deps: BillingDeps): RouteDefinition[] {
  const render = async (subscription: Subscription) =>
    presentSubscription(deps, (await deps.subscriptions.getById(subscription.id)) ?? subscription);
  return [
    defineRoute({
      method: "GET",
      url: "/v1/subscriptions/",
      operationId: "subscriptions:list",
      summary: "List subscriptions",
      tag: "subscriptions",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          productIds: parseMultiUuid(query, "product_id", issues),
          customerIds: parseMultiUuid(query, "customer_id", issues),
          externalCustomerIds: parseMultiString(query, "external_customer_id"),
          discountIds: parseMultiUuid(query, "discount_id", issues),
          active: parseBooleanQuery(query, "active", issues),
          metadata: parseMetadataQuery(query),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, SORTABLE, ["-started_at"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "organization_id", schema: z.array(z.uuid()) },
          { name: "product_id", schema: z.array(z.uuid()) },
          { name: "customer_id", schema: z.array(z.uuid()) },
          { name: "external_customer_id", schema: z.array(z.string()) },
          { name: "discount_id", schema: z.array(z.uuid()) },
          { name: "active", schema: z.boolean(), description: "true: trialing or active; false: revoked" },
          METADATA_QUERY_DOC,
          ...PAGE_QUERY_DOCS,
        ],
        response: listResource(SubscriptionSchema),
      },
      handler: async ({ subject, query }) => {
        const { items, total } = await deps.subscriptions.list({
          scope: readableOrganizations(subject, query.organizationIds),
          productIds: listFilter(query.productIds),
          customerIds: listFilter(query.customerIds),
          externalCustomerIds: listFilter(query.externalCustomerIds),
          discountIds: listFilter(query.discountIds),
          active: query.active,
          metadata: metadataFilter(query.metadata),
          sort: toSortSpecs(query.sorting),
          page: pageWindow(query.page),
        });
        return listResponse(await presentSubscriptions(deps, items), total, query.page);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/v1/subscriptions/",
      operationId: "subscriptions:create",
      summary: "Create subscription",
      tag: "subscriptions",
      auth: { scopes: WRITE },
      body: createBody,
      status: 201,
      docs: {
        body: SubscriptionCreateInput,
        response: SubscriptionSchema,
        description: "Starts a subscription directly, billed by Meterline (payments are collected outside it).",
      },
      handler: async ({ subject, body }) => {
        const customer = await namedCustomer(deps, subject, body);
        const product = await referencedProduct(deps, customer.organizationId, body.productId, ["body", "product_id"]);
        const subscription = await createSubscription(deps, {
          organizationId: customer.organizationId,
          customer,
          product,
          discountId: body.discountId,
          metadata: body.metadata,
        });
        return render(subscription);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/subscriptions/:id",
      operationId: "subscriptions:get",
      summary: "Get subscription",
      tag: "subscriptions",
      // The docs accept read or write (the server and SDK only write): the superset (api-conventions §2.1).
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { ...BY_ID_DOCS, response: SubscriptionSchema },
      handler: async ({ subject, params }) =>
        presentSubscription(deps, await findSubscription(deps, subject, params.id)),
    }),
    defineRoute({
      method: "PATCH",
      url: "/v1/subscriptions/:id",
      operationId: "subscriptions:update",
      summary: "Update subscription",
      tag: "subscriptions",
      auth: { scopes: WRITE },
      params: idParam,
      body: updateBody,
      status: 200,
      docs: { ...BY_ID_DOCS, body: SubscriptionUpdateInput, response: SubscriptionSchema },
      handler: async ({ subject, params, body }) =>
        render(await updateSubscription(deps, await findSubscription(deps, subject, params.id), body)),
    }),
    defineRoute({
      method: "DELETE",
      url: "/v1/subscriptions/:id",
      operationId: "subscriptions:revoke",
      summary: "Revoke subscription",
      tag: "subscriptions",
      auth: { scopes: WRITE },
      params: idParam,
      // Polar answers a revoke with the subscription, not 204 (api-conventions §1.5).
      status: 200,
      docs: { ...BY_ID_DOCS, response: SubscriptionSchema },
      handler: async ({ subject, params }) =>
        render(await revokeNow(deps, await findSubscription(deps, subject, params.id), null, null)),
    }),
  ];
}
