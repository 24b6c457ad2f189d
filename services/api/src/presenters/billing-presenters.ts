import {
  type Benefit,
  type BenefitGrant,
  type Customer,
  type Discount,
  isActive,
  type MeteredPrice,
  type Order,
  type Product,
  type ProductPrice,
  priceMeteredLine,
  type Subscription,
} from "@meterline/core";
import type { Repositories } from "../deps.js";
import {
  type OrderView,
  type SubscriptionMeterView,
  serializeBenefitGrant,
  serializeCustomerStateGrant,
  serializeCustomerStateSubscription,
  serializeOrder,
  serializeSubscription,
} from "../serializers/billing.js";
import { serializeBenefit, serializeDiscount, serializeProduct } from "../serializers/catalog.js";
import { serializeCustomer } from "../serializers/customer.js";
import { serializeCustomerStateMeter } from "../serializers/customer-meter.js";

/**
 * Presenters load what a wire object embeds (customer, product, benefits, meters…) and render it
 * with the serializers. The API answers with them, and the billing engine renders outbox payloads
 * with them, so a webhook's `data` is exactly what the API returns.
 */
type PresenterDeps = Pick<
  Repositories,
  "customers" | "products" | "benefits" | "discounts" | "meters" | "subscriptions" | "customerMeters" | "orders"
>;

async function meterNamesOf(deps: PresenterDeps, scope: readonly string[], prices: readonly ProductPrice[]) {
  const ids = [...new Set(prices.flatMap((price) => (price.amountType === "metered_unit" ? [price.meterId] : [])))];
  const meters = await deps.meters.getMany(scope, ids);
  return new Map(meters.map((meter) => [meter.id, meter.name]));
}

export async function presentProducts(deps: PresenterDeps, products: readonly Product[]) {
  if (products.length === 0) return [];
  const scope = [...new Set(products.map((product) => product.organizationId))];
  const benefits = await deps.benefits.getMany(scope, [...new Set(products.flatMap((product) => product.benefitIds))]);
  const benefitById = new Map(benefits.map((benefit) => [benefit.id, benefit]));
  const meterNames = await meterNamesOf(
    deps,
    scope,
    products.flatMap((product) => product.prices),
  );
  return products.map((product) =>
    serializeProduct(
      product,
      product.benefitIds.flatMap((id) => benefitById.get(id) ?? []),
      meterNames,
    ),
  );
}

export async function presentDiscounts(deps: PresenterDeps, discounts: readonly Discount[]) {
  const scope = [...new Set(discounts.map((discount) => discount.organizationId))];
  const products = await deps.products.getMany(scope, [
    ...new Set(discounts.flatMap((discount) => discount.productIds)),
  ]);
  const byId = new Map(products.map((product) => [product.id, product]));
  return discounts.map((discount) =>
    serializeDiscount(
      discount,
      discount.productIds.flatMap((id) => byId.get(id) ?? []),
    ),
  );
}

/**
 * A subscription's meters: the customer meter's current window (it restarts at each cycle's
 * reset) priced with the subscription's metered price on that meter — what the pending usage
 * would be invoiced at right now.
 */
export async function subscriptionMeters(
  deps: PresenterDeps,
  subscription: Subscription,
  prices: readonly ProductPrice[],
): Promise<SubscriptionMeterView[]> {
  const metered = prices.filter((price): price is MeteredPrice => price.amountType === "metered_unit");
  if (metered.length === 0) return [];
  const [rows, figures, meters] = await Promise.all([
    deps.subscriptions.meters([subscription.id]),
    deps.customerMeters.listForCustomer(subscription.customerId),
    deps.meters.getMany(
      [subscription.organizationId],
      metered.map((price) => price.meterId),
    ),
  ]);
  const meterById = new Map(meters.map((meter) => [meter.id, meter]));
  return rows.flatMap((row) => {
    const meter = meterById.get(row.meterId);
    const price = metered.find((candidate) => candidate.meterId === row.meterId);
    if (meter === undefined || price === undefined) return [];
    const current = figures.find((figure) => figure.meterId === row.meterId);
    const consumedUnits = current?.consumedUnits ?? 0;
    const creditedUnits = current?.creditedUnits ?? 0;
    const line = priceMeteredLine({
      unitAmount: price.unitAmount,
      capAmount: price.capAmount,
      consumedUnits,
      creditedUnits,
      meterName: meter.name,
    });
    return [
      {
        id: row.id,
        createdAt: row.createdAt,
        modifiedAt: current?.modifiedAt ?? null,
        consumedUnits,
        creditedUnits,
        amount: line.amount,
        meter,
      },
    ];
  });
}

export async function presentSubscriptions(deps: PresenterDeps, subscriptions: readonly Subscription[]) {
  return Promise.all(subscriptions.map((subscription) => presentSubscription(deps, subscription)));
}

export async function presentSubscription(deps: PresenterDeps, subscription: Subscription) {
  const scope = [subscription.organizationId];
  const [customers, product, discount, prices] = await Promise.all([
    deps.customers.getMany(scope, [subscription.customerId]),
    deps.products.get(scope, subscription.productId),
    subscription.discountId === null
      ? null
      : deps.discounts.get(scope, subscription.discountId, { includeDeleted: true }),
    deps.products.pricesByIds(subscription.prices.map((price) => price.priceId)),
  ]);
  const customer = customers[0];
  if (customer === undefined || product === null)
    throw new Error(`Subscription ${subscription.id} lost its customer or product`);
  const ordered = subscription.prices.flatMap((own) => prices.find((price) => price.id === own.priceId) ?? []);
  const [productBenefits, meterNames, meters] = await Promise.all([
    deps.benefits.getMany(scope, product.benefitIds),
    meterNamesOf(deps, scope, [...ordered, ...product.prices]),
    subscriptionMeters(deps, subscription, ordered),
  ]);
  return serializeSubscription({
    subscription,
    customer,
    product,
    productBenefits,
    discount,
    prices: ordered,
    meters,
    meterNames,
  });
}

export async function presentOrders(deps: PresenterDeps, orders: readonly Order[]) {
  return Promise.all(orders.map((order) => presentOrder(deps, order)));
}

export async function presentOrder(deps: PresenterDeps, order: Order) {
  const scope = [order.organizationId];
  const [customers, product, discount, subscription] = await Promise.all([
    deps.customers.getMany(scope, [order.customerId]),
    deps.products.get(scope, order.productId),
    order.discountId === null ? null : deps.discounts.get(scope, order.discountId, { includeDeleted: true }),
    order.subscriptionId === null ? null : deps.subscriptions.get(scope, order.subscriptionId),
  ]);
  const customer = customers[0];
  if (customer === undefined || product === null) throw new Error(`Order ${order.id} lost its customer or product`);
  const view: OrderView = { order, customer, product, discount, subscription };
  return serializeOrder(view);
}

export async function presentGrants(deps: PresenterDeps, grants: readonly BenefitGrant[]) {
  const scope = [...new Set(grants.map((grant) => grant.organizationId))];
  const [customers, benefits] = await Promise.all([
    deps.customers.getMany(scope, [...new Set(grants.map((grant) => grant.customerId))]),
    benefitsIncludingDeleted(deps, scope, [...new Set(grants.map((grant) => grant.benefitId))]),
  ]);
  return grants.flatMap((grant) => {
    const customer = customers.find((candidate) => candidate.id === grant.customerId);
    const benefit = benefits.find((candidate) => candidate.id === grant.benefitId);
    if (customer === undefined || benefit === undefined) return [];
    return [{ ...serializeBenefitGrant(grant, customer, benefit), benefit: serializeBenefit(benefit) }];
  });
}

async function benefitsIncludingDeleted(
  deps: PresenterDeps,
  scope: readonly string[],
  ids: readonly string[],
): Promise<Benefit[]> {
  return deps.benefits.getMany(scope, ids, { includeDeleted: true });
}

/** Customer state (spec metering §9): the customer plus its active subscriptions, granted benefits and meters. */
export async function presentCustomerState(deps: PresenterDeps, customer: Customer) {
  const [subscriptions, grants, meters] = await Promise.all([
    deps.subscriptions.forCustomer(customer.id),
    deps.benefits.grantedToCustomer(customer.id),
    deps.customerMeters.listForCustomer(customer.id),
  ]);
  const active = subscriptions.filter((subscription) => isActive(subscription.status) && subscription.endedAt === null);
  const activeSubscriptions = await Promise.all(
    active.map(async (subscription) => {
      const prices = await deps.products.pricesByIds(subscription.prices.map((price) => price.priceId));
      return serializeCustomerStateSubscription(subscription, await subscriptionMeters(deps, subscription, prices));
    }),
  );
  const benefits = await benefitsIncludingDeleted(
    deps,
    [customer.organizationId],
    [...new Set(grants.map((grant) => grant.benefitId))],
  );
  return {
    ...serializeCustomer(customer),
    active_subscriptions: activeSubscriptions,
    granted_benefits: grants.flatMap((grant) => {
      const benefit = benefits.find((candidate) => candidate.id === grant.benefitId);
      return benefit === undefined ? [] : [serializeCustomerStateGrant(grant, benefit)];
    }),
    active_meters: meters.map(serializeCustomerStateMeter),
  };
}
