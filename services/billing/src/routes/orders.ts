import {
  bodyOf,
  createRepositories,
  defineRoute,
  idParam,
  listResponse,
  notFound,
  pageWindow,
  presentOrder,
  presentOrders,
  type RouteContext,
  type RouteDefinition,
  readableOrganizations,
  toSortSpecs,
  ValidationFailure,
  type ValidationIssue,
} from "@meterline/api";
import {
  listResource,
  OrderInvoice,
  Order as OrderSchema,
  OrderUpdateInput,
  parseMetadataQuery,
  parseMultiEnumQuery,
  parseMultiString,
  parseMultiUuid,
  parsePagination,
  parseSorting,
  type QueryInput,
} from "@meterline/api-schema";
import { type Address, type AuthSubject, type BillingReason, DomainError, type Order } from "@meterline/core";
import type { StoredOrder } from "@meterline/postgres";
import { z } from "zod";
import { announce } from "../engine/announce.js";
import type { BillingDeps } from "../engine/billing-deps.js";
import { markOrderPaid } from "../engine/order-service.js";
import { renderInvoiceHtml } from "./invoice-html.js";
import { BY_ID_DOCS, listFilter, METADATA_QUERY_DOC, metadataFilter, PAGE_QUERY_DOCS } from "./list-query-docs.js";

/** Orders' read endpoints accept only the read scope (api-conventions §3.4). */
const READ = ["orders:read"];
const WRITE = ["orders:write"];
const SORTABLE = ["created_at", "amount", "net_amount", "customer", "product", "discount", "subscription"] as const;
const BILLING_TYPES = ["one_time", "recurring"] as const;
const updateBody = bodyOf(OrderUpdateInput);
const LOCKED_FIELD = "This field cannot be updated after the invoice is generated.";

type FastifyReply = RouteContext<unknown, unknown, unknown>["reply"];
type FastifyRequest = RouteContext<unknown, unknown, unknown>["request"];

async function findOrder(deps: BillingDeps, subject: AuthSubject, id: string): Promise<StoredOrder> {
  const order = await deps.orders.get(subject.organizationIds, id);
  if (order === null) throw notFound();
  return order;
}

/** The product's billing type as billing reasons: Meterline's recurring orders are its subscriptions'. */
function billingReasonsOf(types: ReadonlyArray<(typeof BILLING_TYPES)[number]>): BillingReason[] | undefined {
  if (types.length === 0) return undefined;
  return types.flatMap((type): BillingReason[] =>
    type === "one_time" ? ["purchase"] : ["subscription_create", "subscription_cycle", "subscription_update"],
  );
}

function sameAddress(first: Address | null, second: Address | null): boolean {
  if (first === null || second === null) return first === second;
  return (["line1", "line2", "postalCode", "city", "state", "country"] as const).every(
    (key) => first[key] === second[key],
  );
}

/** Loads the order under its row lock, applies `change`, writes it and announces `order.updated`. */
async function changeOrder(deps: BillingDeps, order: Order, change: (locked: Order) => Order): Promise<Order> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    const locked = await repositories.orders.getForUpdate(order.id);
    if (locked === null) throw notFound();
    const changed = { ...order, ...change({ ...order, ...locked, items: order.items }), modifiedAt: now };
    await repositories.orders.update(changed);
    await announce(repositories, { ids: deps.ids, now }, [{ type: "order.updated", order: changed }]);
    return changed;
  });
}

/**
 * Billing details may change until the invoice is generated; after that only to the same values
 * (spec billing §6.5). Every call announces `order.updated`.
 */
async function updateOrder(deps: BillingDeps, order: Order, body: OrderUpdateInput, raw: unknown) {
  return changeOrder(deps, order, (locked) => {
    if (locked.isInvoiceGenerated) {
      const input = (raw ?? {}) as Record<string, unknown>;
      const issues: ValidationIssue[] = [];
      if (body.billingName !== locked.billingName)
        issues.push({
          type: "value_error",
          loc: ["body", "billing_name"],
          msg: LOCKED_FIELD,
          input: input.billing_name,
        });
      if (!sameAddress(body.billingAddress, locked.billingAddress))
        issues.push({
          type: "value_error",
          loc: ["body", "billing_address"],
          msg: LOCKED_FIELD,
          input: input.billing_address,
        });
      if (issues.length > 0) throw new ValidationFailure(issues, "PolarRequestValidationError");
    }
    return { ...locked, billingName: body.billingName, billingAddress: body.billingAddress };
  });
}

/** A Polar error whose `detail` is a string although the status is 422 (`NotPaidOrder` and the like). */
function unprocessable(reply: FastifyReply, error: string, detail: string): FastifyReply {
  return reply.code(422).send({ error, detail });
}

/**
 * Generates the invoice at once (Meterline renders it on demand, so nothing is queued): the flag is
 * set and `order.updated` announced before the 202.
 */
async function generateInvoice(deps: BillingDeps, order: Order, reply: FastifyReply): Promise<unknown> {
  if (order.isInvoiceGenerated) {
    throw new DomainError("INVOICE_ALREADY_EXISTS", "conflict", `An invoice already exists for order ${order.id}.`);
  }
  if (order.status === "pending") return unprocessable(reply, "NotPaidOrder", "The order is not paid.");
  if (order.billingName === null || order.billingAddress === null) {
    return unprocessable(
      reply,
      "MissingInvoiceBillingDetails",
      "Billing name and address are required to generate an invoice.",
    );
  }
  await changeOrder(deps, order, (locked) => {
    if (locked.isInvoiceGenerated) {
      throw new DomainError("INVOICE_ALREADY_EXISTS", "conflict", `An invoice already exists for order ${order.id}.`);
    }
    return { ...locked, isInvoiceGenerated: true };
  });
  return null;
}

function invoiceMissing(order: Order): DomainError {
  return new DomainError("INVOICE_DOES_NOT_EXIST", "not_found", `No invoice exists for order ${order.id}.`);
}

/** The public address of this server as the client reached it (behind a proxy too). */
function baseUrl(request: FastifyRequest): string {
  const host = request.headers["x-forwarded-host"] ?? request.headers.host ?? "127.0.0.1";
  const protocol = request.headers["x-forwarded-proto"] ?? request.protocol;
  const prefix = request.originalUrl.startsWith("/api/v1") ? "/api" : "";
  return `${protocol}://${host}${prefix}`;
}

export function orderRoutes(deps: BillingDeps): RouteDefinition[] {
  const render = async (order: Order) =>
    presentOrder(deps, (await deps.orders.get([order.organizationId], order.id)) ?? order);
  return [
    defineRoute({
      method: "GET",
      url: "/v1/orders/",
      operationId: "orders:list",
      summary: "List orders",
      tag: "orders",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          productIds: parseMultiUuid(query, "product_id", issues),
          billingTypes: parseMultiEnumQuery(query, "product_billing_type", BILLING_TYPES, issues),
          discountIds: parseMultiUuid(query, "discount_id", issues),
          customerIds: parseMultiUuid(query, "customer_id", issues),
          externalCustomerIds: parseMultiString(query, "external_customer_id"),
          subscriptionIds: parseMultiUuid(query, "subscription_id", issues),
          checkoutIds: parseMultiUuid(query, "checkout_id", issues),
          metadata: parseMetadataQuery(query),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, SORTABLE, ["-created_at"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "organization_id", schema: z.array(z.uuid()) },
          { name: "product_id", schema: z.array(z.uuid()) },
          { name: "product_billing_type", schema: z.array(z.enum(BILLING_TYPES)) },
          { name: "discount_id", schema: z.array(z.uuid()) },
          { name: "customer_id", schema: z.array(z.uuid()) },
          { name: "external_customer_id", schema: z.array(z.string()) },
          { name: "subscription_id", schema: z.array(z.uuid()) },
          {
            name: "checkout_id",
            schema: z.array(z.uuid()),
            description: "Meterline has no checkouts: matches nothing",
          },
          METADATA_QUERY_DOC,
          ...PAGE_QUERY_DOCS,
        ],
        response: listResource(OrderSchema),
      },
      handler: async ({ subject, query }) => {
        // No order comes from a checkout here, so a checkout filter selects none.
        const scope = query.checkoutIds.length > 0 ? [] : readableOrganizations(subject, query.organizationIds);
        const { items, total } = await deps.orders.list({
          scope,
          productIds: listFilter(query.productIds),
          customerIds: listFilter(query.customerIds),
          externalCustomerIds: listFilter(query.externalCustomerIds),
          subscriptionIds: listFilter(query.subscriptionIds),
          discountIds: listFilter(query.discountIds),
          billingReasons: billingReasonsOf(query.billingTypes),
          metadata: metadataFilter(query.metadata),
          sort: toSortSpecs(query.sorting),
          page: pageWindow(query.page),
        });
        return listResponse(await presentOrders(deps, items), total, query.page);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/orders/:id",
      operationId: "orders:get",
      summary: "Get order",
      tag: "orders",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { ...BY_ID_DOCS, response: OrderSchema },
      handler: async ({ subject, params }) => presentOrder(deps, await findOrder(deps, subject, params.id)),
    }),
    defineRoute({
      method: "PATCH",
      url: "/v1/orders/:id",
      operationId: "orders:update",
      summary: "Update order",
      tag: "orders",
      auth: { scopes: WRITE },
      params: idParam,
      body: updateBody,
      status: 200,
      docs: { ...BY_ID_DOCS, body: OrderUpdateInput, response: OrderSchema },
      handler: async ({ subject, params, body, request }) =>
        render(await updateOrder(deps, await findOrder(deps, subject, params.id), body, request.body)),
    }),
    defineRoute({
      method: "POST",
      url: "/v1/orders/:id/invoice",
      operationId: "orders:generate_invoice",
      summary: "Generate order invoice",
      tag: "orders",
      // Polar's table lists the read scope for this POST (api-conventions §2.1).
      auth: { scopes: READ },
      params: idParam,
      status: 202,
      docs: { ...BY_ID_DOCS, response: z.null() },
      handler: async ({ subject, params, reply }) =>
        generateInvoice(deps, await findOrder(deps, subject, params.id), reply),
    }),
    defineRoute({
      method: "GET",
      url: "/v1/orders/:id/invoice",
      operationId: "orders:invoice",
      summary: "Get order invoice",
      tag: "orders",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: {
        ...BY_ID_DOCS,
        response: OrderInvoice,
        description: "The URL of the invoice page, served by `GET /v1/orders/{id}/invoice.html` with the same token.",
      },
      handler: async ({ subject, params, request }) => {
        const order = await findOrder(deps, subject, params.id);
        if (!order.isInvoiceGenerated) throw invoiceMissing(order);
        return { url: `${baseUrl(request)}/v1/orders/${order.id}/invoice.html` };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/orders/:id/invoice.html",
      operationId: "orders:invoice_html",
      summary: "Order invoice page",
      tag: "orders",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { ...BY_ID_DOCS, description: "The invoice as an HTML page (Meterline's own)." },
      handler: async ({ subject, params, reply }) => {
        const order = await findOrder(deps, subject, params.id);
        if (!order.isInvoiceGenerated) throw invoiceMissing(order);
        const organization = await deps.organizations.get(order.organizationId, subject.organizationIds);
        if (organization === null) throw notFound();
        return reply.type("text/html; charset=utf-8").send(renderInvoiceHtml(order, organization));
      },
    }),
    defineRoute({
      method: "POST",
      url: "/v1/orders/:id/mark_paid",
      operationId: "orders:mark_paid",
      summary: "Mark order paid",
      tag: "orders",
      auth: { scopes: WRITE },
      params: idParam,
      status: 200,
      docs: {
        ...BY_ID_DOCS,
        response: OrderSchema,
        description: "Meterline: settles a pending order of the `manual` payment provider (money collected elsewhere).",
      },
      handler: async ({ subject, params }) =>
        render(await markOrderPaid(deps, await findOrder(deps, subject, params.id))),
    }),
  ];
}
