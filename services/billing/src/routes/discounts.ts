import {
  bodyOf,
  defineRoute,
  idParam,
  listResponse,
  notFound,
  organizationForCreate,
  pageWindow,
  presentDiscounts,
  type RouteDefinition,
  readableOrganizations,
  toSortSpecs,
  ValidationFailure,
  type ValidationIssue,
} from "@meterline/api";
import {
  DiscountCreateInput,
  Discount as DiscountSchema,
  DiscountUpdateInput,
  lastQueryValue,
  listResource,
  parseMultiUuid,
  parsePagination,
  parseSorting,
  type QueryInput,
  STARTS_BEFORE_ENDS_MESSAGE,
  startsBeforeEnds,
} from "@meterline/api-schema";
import type { AuthSubject, Discount } from "@meterline/core";
import { uniqueViolation } from "@meterline/postgres";
import { z } from "zod";
import type { BillingDeps } from "../engine/billing-deps.js";
import { BY_ID_DOCS, PAGE_QUERY_DOCS } from "./list-query-docs.js";

const READ = ["discounts:read", "discounts:write"];
const WRITE = ["discounts:write"];
const SORTABLE = ["created_at", "name", "code", "redemptions_count"] as const;
const createBody = bodyOf(DiscountCreateInput);
const updateBody = bodyOf(DiscountUpdateInput);
const CODE_TAKEN = "Discount with this code already exists.";
const REDEEMED = "This field can't be updated because the discount has already been redeemed.";

async function findDiscount(deps: BillingDeps, subject: AuthSubject, id: string): Promise<Discount> {
  const discount = await deps.discounts.get(subject.organizationIds, id);
  if (discount === null) throw notFound();
  return discount;
}

async function present(deps: BillingDeps, discount: Discount) {
  const [rendered] = await presentDiscounts(deps, [discount]);
  return rendered;
}

function codeTaken(code: string | null): ValidationFailure {
  return ValidationFailure.business({ type: "value_error", loc: ["body", "code"], msg: CODE_TAKEN, input: code });
}

/** Codes are unique per organization, case-insensitively (spec billing §7.1), and products are the organization's. */
async function checkReferences(deps: BillingDeps, discount: Discount, checkProducts: boolean): Promise<void> {
  if (discount.code !== null) {
    const holder = await deps.discounts.getByCode(discount.organizationId, discount.code);
    if (holder !== null && holder.id !== discount.id) throw codeTaken(discount.code);
  }
  if (!checkProducts) return;
  const products = await deps.products.getMany([discount.organizationId], discount.productIds);
  const issues: ValidationIssue[] = discount.productIds.flatMap((id, index) =>
    products.some((product) => product.id === id)
      ? []
      : [{ type: "value_error", loc: ["body", "products", index], msg: "Product does not exist.", input: id }],
  );
  if (issues.length > 0) throw new ValidationFailure(issues, "PolarRequestValidationError");
}

/** The unique index decides when two requests race past the code check. */
async function save(deps: BillingDeps, discount: Discount, write: (discount: Discount) => Promise<void>) {
  try {
    await write(discount);
  } catch (error) {
    if (uniqueViolation(error) !== null) throw codeTaken(discount.code);
    throw error;
  }
  return present(deps, (await deps.discounts.get([discount.organizationId], discount.id)) ?? discount);
}

/**
 * `type` and `duration` never change; the amount terms not once redeemed (spec billing §7.5). A
 * value equal to the stored one is no change (the SDK sends `currency: "usd"` on every update).
 */
function immutabilityIssues(discount: Discount, body: DiscountUpdateInput, raw: Record<string, unknown>) {
  const issues: ValidationIssue[] = [];
  const refuse = (key: string, msg: string) =>
    issues.push({ type: "forbidden", loc: ["body", key], msg, input: raw[key] });
  if (body.type != null && body.type !== discount.terms.type)
    refuse("type", "The type of a discount can't be changed.");
  if (body.duration != null && body.duration !== discount.duration)
    refuse("duration", "The duration of a discount can't be changed.");
  if (discount.redemptionsCount > 0) {
    const terms = discount.terms;
    if (terms.type === "fixed" && body.amount != null && body.amount !== terms.amount) refuse("amount", REDEEMED);
    if (terms.type === "fixed" && body.currency != null && body.currency !== terms.currency)
      refuse("currency", REDEEMED);
    if (terms.type === "percentage" && body.basisPoints != null && body.basisPoints !== terms.basisPoints)
      refuse("basis_points", REDEEMED);
  }
  return issues;
}

async function updateDiscount(deps: BillingDeps, discount: Discount, body: DiscountUpdateInput, raw: unknown) {
  const issues = immutabilityIssues(discount, body, (raw ?? {}) as Record<string, unknown>);
  if (issues.length > 0) throw new ValidationFailure(issues, "PolarRequestValidationError");
  const present = new Set(body.presentKeys);
  const updated: Discount = { ...discount, modifiedAt: deps.clock.now() };
  if (body.name != null) updated.name = body.name;
  if (present.has("code")) updated.code = body.code ?? null;
  if (body.metadata !== undefined) updated.metadata = body.metadata;
  if (present.has("startsAt")) updated.startsAt = body.startsAt ?? null;
  if (present.has("endsAt")) updated.endsAt = body.endsAt ?? null;
  if (present.has("maxRedemptions")) updated.maxRedemptions = body.maxRedemptions ?? null;
  if (discount.duration === "repeating" && body.durationInMonths != null)
    updated.durationInMonths = body.durationInMonths;
  if (updated.terms.type === "fixed" && body.amount != null) updated.terms = { ...updated.terms, amount: body.amount };
  if (updated.terms.type === "percentage" && body.basisPoints != null)
    updated.terms = { ...updated.terms, basisPoints: body.basisPoints };
  if (body.products != null) updated.productIds = [...new Set(body.products)];
  if (!startsBeforeEnds(updated.startsAt, updated.endsAt)) {
    throw ValidationFailure.business({
      type: "value_error",
      loc: ["body"],
      msg: STARTS_BEFORE_ENDS_MESSAGE,
      input: raw,
    });
  }
  await checkReferences(deps, updated, body.products != null);
  return save(deps, updated, (discount) => deps.discounts.update(discount));
}

export function discountRoutes(deps: BillingDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      url: "/v1/discounts/",
      operationId: "discounts:list",
      summary: "List discounts",
      tag: "discounts",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          query: lastQueryValue(query, "query"),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, SORTABLE, ["-created_at"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "organization_id", schema: z.array(z.uuid()) },
          { name: "query", schema: z.string(), description: "Case-insensitive search in name and code" },
          ...PAGE_QUERY_DOCS,
        ],
        response: listResource(DiscountSchema),
      },
      handler: async ({ subject, query }) => {
        const { items, total } = await deps.discounts.list({
          scope: readableOrganizations(subject, query.organizationIds),
          query: query.query,
          sort: toSortSpecs(query.sorting),
          page: pageWindow(query.page),
        });
        return listResponse(await presentDiscounts(deps, items), total, query.page);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/v1/discounts/",
      operationId: "discounts:create",
      summary: "Create discount",
      tag: "discounts",
      auth: { scopes: WRITE },
      body: createBody,
      status: 201,
      docs: { body: DiscountCreateInput, response: DiscountSchema },
      handler: async ({ subject, body }) => {
        const discount: Discount = {
          id: deps.ids.uuid(),
          organizationId: organizationForCreate(subject, body.organizationId),
          createdAt: deps.clock.now(),
          modifiedAt: null,
          deletedAt: null,
          name: body.name,
          code: body.code,
          terms:
            body.type === "fixed"
              ? { type: "fixed", amount: body.amount, currency: body.currency }
              : { type: "percentage", basisPoints: body.basisPoints },
          duration: body.duration,
          durationInMonths: body.duration === "repeating" ? body.durationInMonths : null,
          startsAt: body.startsAt,
          endsAt: body.endsAt,
          maxRedemptions: body.maxRedemptions,
          redemptionsCount: 0,
          productIds: [...new Set(body.products)],
          metadata: body.metadata,
        };
        await checkReferences(deps, discount, true);
        return save(deps, discount, (discount) => deps.discounts.insert(discount));
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/discounts/:id",
      operationId: "discounts:get",
      summary: "Get discount",
      tag: "discounts",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { ...BY_ID_DOCS, response: DiscountSchema },
      handler: async ({ subject, params }) => present(deps, await findDiscount(deps, subject, params.id)),
    }),
    defineRoute({
      method: "PATCH",
      url: "/v1/discounts/:id",
      operationId: "discounts:update",
      summary: "Update discount",
      tag: "discounts",
      auth: { scopes: WRITE },
      params: idParam,
      body: updateBody,
      status: 200,
      docs: { ...BY_ID_DOCS, body: DiscountUpdateInput, response: DiscountSchema },
      handler: async ({ subject, params, body, request }) =>
        updateDiscount(deps, await findDiscount(deps, subject, params.id), body, request.body),
    }),
    defineRoute({
      method: "DELETE",
      url: "/v1/discounts/:id",
      operationId: "discounts:delete",
      summary: "Delete discount",
      tag: "discounts",
      auth: { scopes: WRITE },
      params: idParam,
      status: 204,
      docs: BY_ID_DOCS,
      handler: async ({ subject, params }) => {
        const discount = await findDiscount(deps, subject, params.id);
        const now = deps.clock.now();
        // Soft delete: subscriptions that have it keep it (spec billing §7.5); its code is free again.
        await deps.discounts.update({ ...discount, deletedAt: now, modifiedAt: now });
      },
    }),
  ];
}
