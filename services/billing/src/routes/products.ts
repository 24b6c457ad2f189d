import {
  bodyOf,
  createRepositories,
  defineRoute,
  idParam,
  listResponse,
  notFound,
  organizationForCreate,
  pageWindow,
  presentProducts,
  type RouteDefinition,
  readableOrganizations,
  toSortSpecs,
  ValidationFailure,
} from "@meterline/api";
import {
  isExistingProductPrice,
  lastQueryValue,
  listResource,
  ProductBenefitsUpdateInput,
  ProductCreateInput,
  Product as ProductSchema,
  ProductUpdateInput,
  parseBooleanQuery,
  parseMetadataQuery,
  parseMultiUuid,
  parsePagination,
  parseSorting,
  type QueryInput,
} from "@meterline/api-schema";
import { type AuthSubject, DomainError, type Product } from "@meterline/core";
import { z } from "zod";
import { announce } from "../engine/announce.js";
import { syncGrants } from "../engine/benefit-grants.js";
import type { BillingDeps } from "../engine/billing-deps.js";
import { BY_ID_DOCS, listFilter, METADATA_QUERY_DOC, metadataFilter, PAGE_QUERY_DOCS } from "./list-query-docs.js";
import { checkPrices, newPrice } from "./product-prices.js";

const READ = ["products:read", "products:write"];
const WRITE = ["products:write"];
const SORTABLE = ["created_at", "name", "price_amount_type", "price_amount"] as const;
const createBody = bodyOf(ProductCreateInput);
const updateBody = bodyOf(ProductUpdateInput);
const benefitsBody = bodyOf(ProductBenefitsUpdateInput);

async function findProduct(deps: BillingDeps, subject: AuthSubject, id: string): Promise<Product> {
  const product = await deps.products.get(subject.organizationIds, id);
  if (product === null) throw notFound();
  return product;
}

async function present(deps: BillingDeps, product: Product) {
  const [rendered] = await presentProducts(deps, [product]);
  return rendered;
}

/** Writes a product change and its `product.updated` in one transaction. */
async function saveProduct(
  deps: BillingDeps,
  product: Product,
  changes: { newPrices?: Product["prices"]; archivedPriceIds?: string[]; benefitIds?: string[] },
): Promise<Product> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    await repositories.products.update(product);
    if (changes.newPrices !== undefined)
      await repositories.products.insertPrices(product.organizationId, changes.newPrices);
    if (changes.archivedPriceIds !== undefined)
      await repositories.products.archivePrices(changes.archivedPriceIds, now);
    if (changes.benefitIds !== undefined) await repositories.products.setBenefits(product.id, changes.benefitIds);
    const stored = (await repositories.products.get([product.organizationId], product.id)) ?? product;
    await announce(repositories, { ids: deps.ids, now }, [{ type: "product.updated", product: stored }]);
  });
  return (await deps.products.get([product.organizationId], product.id)) ?? product;
}

async function updateProduct(deps: BillingDeps, product: Product, body: ProductUpdateInput, rawBody: unknown) {
  const present = new Set(body.presentKeys);
  if (present.has("recurringInterval") && body.recurringInterval !== product.recurringInterval) {
    throw ValidationFailure.business({
      type: "value_error",
      loc: ["body", "recurring_interval"],
      msg: "Recurring interval cannot be changed.",
      input: body.recurringInterval ?? null,
    });
  }
  const now = deps.clock.now();
  const updated: Product = { ...product, modifiedAt: now };
  if (body.name != null) updated.name = body.name;
  if (present.has("description")) updated.description = body.description ?? null;
  if (body.metadata != null) updated.metadata = body.metadata;
  if (body.isArchived != null) updated.isArchived = body.isArchived;
  if (body.prices == null) return saveProduct(deps, updated, {});
  const prices = body.prices;
  const referenced = prices.flatMap((price) => (isExistingProductPrice(price) ? [price.id] : []));
  const existing = (await deps.products.pricesByIds(referenced)).filter((price) => price.productId === product.id);
  await checkPrices(deps, {
    organizationId: product.organizationId,
    recurring: product.recurringInterval !== null,
    prices,
    rawPrices: (rawBody as { prices?: unknown }).prices,
    existing,
  });
  // `{id}` keeps a price, anything else is a new one, and every active price not kept is archived.
  const newPrices = prices.flatMap((price) =>
    isExistingProductPrice(price) ? [] : [newPrice(deps.ids, product.id, price, now)],
  );
  const archivedPriceIds = product.prices.filter((price) => !referenced.includes(price.id)).map((price) => price.id);
  return saveProduct(deps, updated, { newPrices, archivedPriceIds });
}

/**
 * Replaces the product's benefits (deduplicated, in the given order); each must be a live benefit
 * of the product's organization. The live subscriptions of the product follow: grants of removed
 * benefits are revoked, new benefits are granted and credited for the current period.
 */
async function updateBenefits(deps: BillingDeps, product: Product, benefitIds: string[]) {
  const unique = [...new Set(benefitIds)];
  const benefits = await deps.benefits.getMany([product.organizationId], unique);
  const missing = benefitIds.flatMap((id, index) =>
    benefits.some((benefit) => benefit.id === id)
      ? []
      : [{ type: "value_error", loc: ["body", "benefits", index], msg: "Benefit does not exist.", input: id }],
  );
  if (missing.length > 0) throw new ValidationFailure(missing, "PolarRequestValidationError");
  const saved = await saveProduct(deps, { ...product, modifiedAt: deps.clock.now() }, { benefitIds: unique });
  for (const subscription of await deps.subscriptions.liveOfProduct(product.id)) {
    await syncGrants(deps, subscription, saved.benefitIds);
  }
  return saved;
}

export function productRoutes(deps: BillingDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      url: "/v1/products/",
      operationId: "products:list",
      summary: "List products",
      tag: "products",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          ids: parseMultiUuid(query, "id", issues),
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          query: lastQueryValue(query, "query"),
          isArchived: parseBooleanQuery(query, "is_archived", issues),
          isRecurring: parseBooleanQuery(query, "is_recurring", issues),
          benefitIds: parseMultiUuid(query, "benefit_id", issues),
          metadata: parseMetadataQuery(query),
          page: parsePagination(query, issues),
          sorting: parseSorting(query, SORTABLE, ["-created_at"], issues),
        };
      },
      status: 200,
      docs: {
        query: [
          { name: "id", schema: z.array(z.uuid()) },
          { name: "organization_id", schema: z.array(z.uuid()) },
          { name: "query", schema: z.string(), description: "Case-insensitive search in name and description" },
          { name: "is_archived", schema: z.boolean() },
          { name: "is_recurring", schema: z.boolean() },
          { name: "benefit_id", schema: z.array(z.uuid()) },
          METADATA_QUERY_DOC,
          ...PAGE_QUERY_DOCS,
        ],
        response: listResource(ProductSchema),
      },
      handler: async ({ subject, query }) => {
        const { items, total } = await deps.products.list({
          scope: readableOrganizations(subject, query.organizationIds),
          ids: listFilter(query.ids),
          query: query.query,
          isArchived: query.isArchived,
          isRecurring: query.isRecurring,
          benefitIds: listFilter(query.benefitIds),
          metadata: metadataFilter(query.metadata),
          sort: toSortSpecs(query.sorting),
          page: pageWindow(query.page),
        });
        return listResponse(await presentProducts(deps, items), total, query.page);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/v1/products/",
      operationId: "products:create",
      summary: "Create product",
      tag: "products",
      auth: { scopes: WRITE },
      body: createBody,
      status: 201,
      docs: { body: ProductCreateInput, response: ProductSchema },
      handler: async ({ subject, body, request }) => {
        const organizationId = organizationForCreate(subject, body.organizationId);
        await checkPrices(deps, {
          organizationId,
          recurring: body.recurringInterval !== null,
          prices: body.prices,
          rawPrices: (request.body as { prices?: unknown }).prices,
        });
        const now = deps.clock.now();
        const id = deps.ids.uuid();
        const product: Product = {
          id,
          organizationId,
          createdAt: now,
          modifiedAt: null,
          name: body.name,
          description: body.description,
          recurringInterval: body.recurringInterval,
          isArchived: false,
          metadata: body.metadata,
          prices: body.prices.map((price) => newPrice(deps.ids, id, price, now)),
          benefitIds: [],
        };
        await deps.db.transaction(async (tx) => {
          const repositories = createRepositories(tx);
          await repositories.products.insert(product);
          await announce(repositories, { ids: deps.ids, now }, [{ type: "product.created", product }]);
        });
        return present(deps, (await deps.products.get([organizationId], id)) ?? product);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/products/:id",
      operationId: "products:get",
      summary: "Get product",
      tag: "products",
      auth: { scopes: READ },
      params: idParam,
      status: 200,
      docs: { ...BY_ID_DOCS, response: ProductSchema },
      handler: async ({ subject, params }) => present(deps, await findProduct(deps, subject, params.id)),
    }),
    defineRoute({
      method: "PATCH",
      url: "/v1/products/:id",
      operationId: "products:update",
      summary: "Update product",
      tag: "products",
      auth: { scopes: WRITE },
      params: idParam,
      body: updateBody,
      status: 200,
      docs: { ...BY_ID_DOCS, body: ProductUpdateInput, response: ProductSchema },
      handler: async ({ subject, params, body, request }) =>
        present(deps, await updateProduct(deps, await findProduct(deps, subject, params.id), body, request.body)),
    }),
    defineRoute({
      method: "POST",
      url: "/v1/products/:id/benefits",
      operationId: "products:update_benefits",
      summary: "Update product benefits",
      tag: "products",
      auth: { scopes: WRITE },
      params: idParam,
      body: benefitsBody,
      status: 200,
      docs: { ...BY_ID_DOCS, body: ProductBenefitsUpdateInput, response: ProductSchema },
      handler: async ({ subject, params, body }) =>
        present(deps, await updateBenefits(deps, await findProduct(deps, subject, params.id), body.benefits)),
    }),
  ];
}

/** A product of the caller's organizations by id, or a 422 at `loc` (a reference in a body). */
export async function referencedProduct(
  deps: BillingDeps,
  organizationId: string,
  id: string,
  loc: (string | number)[],
): Promise<Product> {
  const product = await deps.products.get([organizationId], id);
  if (product === null) {
    throw new DomainError("PRODUCT_DOES_NOT_EXIST", "invalid", "Product does not exist.", {
      loc,
      input: id,
      type: "value_error",
    });
  }
  return product;
}
