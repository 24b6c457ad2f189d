import {
  CustomerCreateInput,
  Customer as CustomerSchema,
  CustomerState as CustomerStateSchema,
  CustomerUpdateInput,
  lastQueryValue,
  listResource,
  parseMetadataQuery,
  parseMultiUuid,
  parsePagination,
  parseSorting,
  type QueryInput,
} from "@meterline/api-schema";
import { type AuthSubject, type Customer, isBillable } from "@meterline/core";
import { uniqueViolation } from "@meterline/postgres";
import { z } from "zod";
import { type ApiDeps, createRepositories, type Repositories } from "../deps.js";
import { defineRoute, type RouteDefinition } from "../http/route.js";
import { ValidationFailure, type ValidationIssue } from "../http/validation-failure.js";
import { announceChange } from "../outbox/announce-change.js";
import { presentCustomerState } from "../presenters/billing-presenters.js";
import { serializeCustomer } from "../serializers/customer.js";
import {
  bodyOf,
  idParam,
  listResponse,
  notFound,
  organizationForCreate,
  pageWindow,
  readableOrganizations,
  stringParam,
  toSortSpecs,
} from "./shared.js";

const READ = ["customers:read", "customers:write"];
const WRITE = ["customers:write"];
const SORTABLE = ["created_at", "email", "name"] as const;
const createBody = bodyOf(CustomerCreateInput);
const updateBody = bodyOf(CustomerUpdateInput);
const externalIdParam = stringParam("external_id");

const EMAIL_TAKEN = "A customer with this email address already exists.";
const EXTERNAL_ID_TAKEN = "A customer with this external ID already exists.";

function conflict(field: "email" | "external_id", input: unknown): ValidationIssue {
  return { type: "value_error", loc: ["body", field], msg: field === "email" ? EMAIL_TAKEN : EXTERNAL_ID_TAKEN, input };
}

async function checkUniqueness(deps: ApiDeps, customer: Customer, exceptId?: string): Promise<void> {
  const taken = await deps.customers.findConflicts(
    customer.organizationId,
    customer.email,
    customer.externalId,
    exceptId,
  );
  const issues: ValidationIssue[] = [];
  if (taken.email) issues.push(conflict("email", customer.email));
  if (taken.externalId) issues.push(conflict("external_id", customer.externalId));
  if (issues.length > 0) throw new ValidationFailure(issues, "PolarRequestValidationError");
}

/** Unique indexes are the last word when two requests race past the check above. */
function mapUniqueViolation(error: unknown, customer: Customer): never {
  const violation = uniqueViolation(error);
  if (violation !== null) {
    const field = violation.constraint?.includes("external") ? "external_id" : "email";
    throw ValidationFailure.business(conflict(field, field === "email" ? customer.email : customer.externalId));
  }
  throw error;
}

/**
 * `customer.created`, `.updated` or `.deleted`, then the customer's `customer.state_changed`, as
 * Polar sends them after each of these (spec billing §10), in the change's transaction.
 */
function announceCustomer(
  repositories: Repositories,
  deps: ApiDeps,
  now: Date,
  type: "customer.created" | "customer.updated" | "customer.deleted",
  customer: Customer,
): Promise<void> {
  return announceChange(repositories, { ids: deps.ids, now }, [
    { type, customer },
    { type: "customer.state_changed", stateOf: { customerId: customer.id, organizationId: customer.organizationId } },
  ]);
}

async function findCustomer(
  deps: ApiDeps,
  subject: AuthSubject,
  key: { id?: string; externalId?: string },
): Promise<Customer> {
  const customer =
    key.id !== undefined
      ? await deps.customers.get(subject.organizationIds, key.id)
      : await deps.customers.getByExternalId(subject.organizationIds, key.externalId ?? "");
  if (customer === null) throw notFound();
  return customer;
}

async function updateCustomer(deps: ApiDeps, customer: Customer, body: CustomerUpdateInput): Promise<Customer> {
  const present = new Set(body.presentKeys);
  const now = deps.clock.now();
  const updated: Customer = { ...customer, modifiedAt: now };
  if (present.has("metadata") && body.metadata !== undefined) updated.metadata = body.metadata;
  if (present.has("email") && body.email != null) updated.email = body.email;
  if (present.has("name")) updated.name = body.name ?? null;
  if (present.has("billingAddress")) updated.billingAddress = body.billingAddress ?? null;
  if (present.has("taxId")) updated.taxId = body.taxId ?? null;
  let externalIdSet = false;
  if (present.has("externalId") && body.externalId != null && body.externalId !== customer.externalId) {
    if (customer.externalId !== null) {
      throw ValidationFailure.business({
        type: "value_error",
        loc: ["body", "external_id"],
        msg: "Customer external ID cannot be updated.",
        input: body.externalId,
      });
    }
    updated.externalId = body.externalId;
    externalIdSet = true;
  }
  await checkUniqueness(deps, updated, customer.id);
  try {
    await deps.db.transaction(async (tx) => {
      const repositories = createRepositories(tx);
      await repositories.customers.update(updated);
      // Past events sent with this external id now belong to the customer: rebuild its meters on
      // its next event (spec §3.3).
      if (externalIdSet) await repositories.customerMeters.markStaleForCustomer(customer.id);
      await announceCustomer(repositories, deps, now, "customer.updated", updated);
    });
  } catch (error) {
    mapUniqueViolation(error, updated);
  }
  return updated;
}

/**
 * Deleting a customer revokes its live subscriptions first (spec billing §4.6), each with its final
 * usage order queued, as a revoke does. The billing engine is loaded on first use: it imports this
 * package, so a static import would close a cycle at module load.
 */
async function revokeSubscriptions(deps: ApiDeps, customer: Customer): Promise<void> {
  const live = (await deps.subscriptions.forCustomer(customer.id)).filter(
    (subscription) => isBillable(subscription.status) && subscription.endedAt === null,
  );
  if (live.length === 0) return;
  const { revoke } = await import("@meterline/billing");
  for (const subscription of live) await revoke(deps, subscription, null, null);
}

async function deleteCustomer(deps: ApiDeps, customer: Customer): Promise<void> {
  await revokeSubscriptions(deps, customer);
  const now = deps.clock.now();
  const deleted: Customer = { ...customer, deletedAt: now, modifiedAt: now };
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    await repositories.customers.update(deleted);
    await repositories.customerMeters.deleteForCustomer(customer.id, now);
    // Polar sends the deleted customer (`deleted_at` set) and its state, as they are now.
    await announceCustomer(repositories, deps, now, "customer.deleted", deleted);
  });
}

function customerState(deps: ApiDeps, customer: Customer) {
  return presentCustomerState(deps, customer);
}

export function customerRoutes(deps: ApiDeps): RouteDefinition[] {
  const byId = { params: { id: z.uuid() } };
  const byExternalId = { params: { external_id: z.string() } };
  return [
    defineRoute({
      method: "GET",
      url: "/v1/customers/",
      operationId: "customers:list",
      summary: "List customers",
      tag: "customers",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          email: lastQueryValue(query, "email"),
          query: lastQueryValue(query, "query"),
          metadata: parseMetadataQuery(query),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, SORTABLE, ["-created_at"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "organization_id", schema: z.array(z.uuid()) },
          { name: "email", schema: z.string() },
          { name: "query", schema: z.string(), description: "Case-insensitive search in email, name and external id" },
          { name: "metadata", schema: z.record(z.string(), z.string()), style: "deepObject" },
          { name: "page", schema: z.int().positive() },
          { name: "limit", schema: z.int().positive() },
          { name: "sorting", schema: z.array(z.string()) },
        ],
        response: listResource(CustomerSchema),
      },
      handler: async ({ subject, query }) => {
        const { items, total } = await deps.customers.list({
          scope: readableOrganizations(subject, query.organizationIds),
          email: query.email,
          query: query.query,
          metadata: Object.keys(query.metadata).length > 0 ? query.metadata : undefined,
          sort: toSortSpecs(query.sorting),
          page: pageWindow(query.page),
        });
        return listResponse(items.map(serializeCustomer), total, query.page);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/v1/customers/",
      operationId: "customers:create",
      summary: "Create customer",
      tag: "customers",
      auth: { scopes: WRITE },
      body: createBody,
      status: 201,
      docs: { body: CustomerCreateInput, response: CustomerSchema },
      handler: async ({ subject, body }) => {
        const now = deps.clock.now();
        const customer: Customer = {
          id: deps.ids.uuid(),
          organizationId: organizationForCreate(subject, body.organizationId),
          createdAt: now,
          modifiedAt: null,
          deletedAt: null,
          email: body.email,
          emailVerified: false,
          name: body.name,
          externalId: body.externalId,
          billingAddress: body.billingAddress,
          taxId: body.taxId,
          metadata: body.metadata,
        };
        await checkUniqueness(deps, customer);
        try {
          await deps.db.transaction(async (tx) => {
            const repositories = createRepositories(tx);
            await repositories.customers.insert(customer);
            await announceCustomer(repositories, deps, now, "customer.created", customer);
          });
        } catch (error) {
          mapUniqueViolation(error, customer);
        }
        return serializeCustomer(customer);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/customers/:id",
      operationId: "customers:get",
      summary: "Get customer",
      tag: "customers",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { ...byId, response: CustomerSchema },
      handler: async ({ subject, params }) => serializeCustomer(await findCustomer(deps, subject, { id: params.id })),
    }),
    defineRoute({
      method: "PATCH",
      url: "/v1/customers/:id",
      operationId: "customers:update",
      summary: "Update customer",
      tag: "customers",
      auth: { scopes: WRITE },
      params: idParam,
      body: updateBody,
      status: 200,
      docs: { ...byId, body: CustomerUpdateInput, response: CustomerSchema },
      handler: async ({ subject, params, body }) =>
        serializeCustomer(await updateCustomer(deps, await findCustomer(deps, subject, { id: params.id }), body)),
    }),
    defineRoute({
      method: "DELETE",
      url: "/v1/customers/:id",
      operationId: "customers:delete",
      summary: "Delete customer",
      tag: "customers",
      auth: { scopes: WRITE },
      params: idParam,
      status: 204,
      docs: byId,
      handler: async ({ subject, params }) =>
        deleteCustomer(deps, await findCustomer(deps, subject, { id: params.id })),
    }),
    defineRoute({
      method: "GET",
      url: "/v1/customers/:id/state",
      operationId: "customers:get_state",
      summary: "Get customer state",
      tag: "customers",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { ...byId, response: CustomerStateSchema },
      handler: async ({ subject, params }) => customerState(deps, await findCustomer(deps, subject, { id: params.id })),
    }),
    defineRoute({
      method: "GET",
      url: "/v1/customers/external/:external_id",
      operationId: "customers:get_external",
      summary: "Get customer by external ID",
      tag: "customers",
      auth: { scopes: READ },
      params: externalIdParam,
      status: 200,
      docs: { ...byExternalId, response: CustomerSchema },
      handler: async ({ subject, params }) =>
        serializeCustomer(await findCustomer(deps, subject, { externalId: params.external_id })),
    }),
    defineRoute({
      method: "PATCH",
      url: "/v1/customers/external/:external_id",
      operationId: "customers:update_external",
      summary: "Update customer by external ID",
      tag: "customers",
      auth: { scopes: WRITE },
      params: externalIdParam,
      body: updateBody,
      status: 200,
      docs: { ...byExternalId, body: CustomerUpdateInput, response: CustomerSchema },
      handler: async ({ subject, params, body }) =>
        serializeCustomer(
          await updateCustomer(deps, await findCustomer(deps, subject, { externalId: params.external_id }), body),
        ),
    }),
    defineRoute({
      method: "DELETE",
      url: "/v1/customers/external/:external_id",
      operationId: "customers:delete_external",
      summary: "Delete customer by external ID",
      tag: "customers",
      auth: { scopes: WRITE },
      params: externalIdParam,
      status: 204,
      docs: byExternalId,
      handler: async ({ subject, params }) =>
        deleteCustomer(deps, await findCustomer(deps, subject, { externalId: params.external_id })),
    }),
    defineRoute({
      method: "GET",
      url: "/v1/customers/external/:external_id/state",
      operationId: "customers:get_state_external",
      summary: "Get customer state by external ID",
      tag: "customers",
      auth: { scopes: READ },
      params: externalIdParam,
      status: 200,
      docs: { ...byExternalId, response: CustomerStateSchema },
      handler: async ({ subject, params }) =>
        customerState(deps, await findCustomer(deps, subject, { externalId: params.external_id })),
    }),
  ];
}
