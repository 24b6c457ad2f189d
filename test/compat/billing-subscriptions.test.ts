import { randomUUID } from "node:crypto";
import type { Polar } from "@polar-sh/sdk";
import type { Benefit } from "@polar-sh/sdk/models/components/benefit.js";
import type { Customer } from "@polar-sh/sdk/models/components/customer.js";
import type { Discount } from "@polar-sh/sdk/models/components/discount.js";
import type { Meter } from "@polar-sh/sdk/models/components/meter.js";
import { type Order, Order$inboundSchema } from "@polar-sh/sdk/models/components/order.js";
import type { Product } from "@polar-sh/sdk/models/components/product.js";
import { type Subscription, Subscription$inboundSchema } from "@polar-sh/sdk/models/components/subscription.js";
import { AlreadyCanceledSubscription } from "@polar-sh/sdk/models/errors/alreadycanceledsubscription.js";
import {
  HTTPValidationError,
  HTTPValidationError$inboundSchema,
} from "@polar-sh/sdk/models/errors/httpvalidationerror.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { SDKError } from "@polar-sh/sdk/models/errors/sdkerror.js";
import { SDKValidationError } from "@polar-sh/sdk/models/errors/sdkvalidationerror.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectPages, parseAsSdk, polarClient, type RawResponse, rejection, requestWithoutSdk } from "./sdk.js";
import { ORGANIZATION_TOKEN, type RunningServer, startServer } from "./server.js";

const DISTRIBUTED = process.env.METERLINE_COMPAT_TARGET === "distributed";
/** Usage and credits reach the customer meters through the event pipeline (Kafka and ClickHouse when distributed). */
const SETTLED = { timeout: 30_000, interval: 200 };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

let server: RunningServer;
let polar: Polar;
let meter: Meter;
let pro: Product;
let basic: Product;
let oneTime: Product;
let credits: Benefit;
let support: Benefit;
let thirtyOff: Discount;
let basicOnly: Discount;

beforeAll(async () => {
  // The sandbox clock exists only on the standalone engine; the distributed services ignore this.
  server = await startServer({ sandbox: true });
  polar = polarClient(server.url, ORGANIZATION_TOKEN);
  meter = await polar.meters.create({
    name: "API Calls",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
    aggregation: { func: "count" },
  });
  credits = await polar.benefits.create({
    type: "meter_credit",
    description: "200 API calls",
    properties: { meterId: meter.id, units: 200, rollover: false },
  });
  support = await polar.benefits.create({ type: "custom", description: "Priority support", properties: {} });
  pro = await polar.products.create({
    name: "Pro",
    recurringInterval: "month",
    prices: [
      { amountType: "fixed", priceAmount: 2000 },
      { amountType: "metered_unit", meterId: meter.id, unitAmount: "10", capAmount: 5000 },
    ],
  });
  pro = await polar.products.updateBenefits({
    id: pro.id,
    productBenefitsUpdate: { benefits: [credits.id, support.id] },
  });
  basic = await polar.products.create({
    name: "Basic",
    recurringInterval: "month",
    prices: [
      { amountType: "fixed", priceAmount: 1000 },
      { amountType: "metered_unit", meterId: meter.id, unitAmount: "5" },
    ],
  });
  oneTime = await polar.products.create({
    name: "Workshop",
    recurringInterval: null,
    prices: [{ amountType: "fixed", priceAmount: 1500 }],
  });
  thirtyOff = await polar.discounts.create({
    name: "Thirty",
    type: "percentage",
    basisPoints: 3000,
    duration: "forever",
  });
  basicOnly = await polar.discounts.create({
    name: "Basic only",
    type: "fixed",
    amount: 500,
    duration: "once",
    products: [basic.id],
  });
});

afterAll(async () => {
  await server?.stop();
});

/** Calls SDK 0.32.16 has no method for (spec billing §12.3), with the organization token. */
const withoutSdk = (method: "POST" | "PATCH", path: string, body?: unknown): Promise<RawResponse> =>
  requestWithoutSdk(server.url, ORGANIZATION_TOKEN, method, path, body);

/** `POST /v1/subscriptions/`: later Polar's direct creation, absent from the SDK; read with its schema. */
async function subscribe(body: Record<string, unknown>): Promise<Subscription> {
  const response = await withoutSdk("POST", "/v1/subscriptions/", body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return parseAsSdk<Subscription>(Subscription$inboundSchema, response, "subscriptions.create");
}

/** The `{discount_id}` variant of `PATCH /v1/subscriptions/{id}`, which the SDK's union lacks. */
function changeDiscount(subscriptionId: string, discountId: string | null): Promise<RawResponse> {
  return withoutSdk("PATCH", `/v1/subscriptions/${subscriptionId}`, { discount_id: discountId });
}

/** A 422 read the way the SDK reads one: an HTTPValidationError with its `detail` array. */
function validationError(response: RawResponse, operation: string): HTTPValidationError {
  expect(response.status, JSON.stringify(response.body)).toBe(422);
  return parseAsSdk<HTTPValidationError>(HTTPValidationError$inboundSchema, response, operation);
}

function newCustomer(name: string, extra: { externalId?: string; billingAddress?: Customer["billingAddress"] } = {}) {
  return polar.customers.create({ email: `${name.toLowerCase()}@subscriptions.example`, name, ...extra });
}

/** The end of period `months` after an anchor, clamped to the month's last day (ARCHITECTURE §7). */
function monthsAfter(anchor: Date, months: number): Date {
  const target = new Date(anchor);
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(anchor.getUTCDate(), lastDay));
  return target;
}

/** The date notation of order line labels ("Jun 16, 2025", UTC). */
function shortDate(date: Date): string {
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** A customer's orders, oldest first (each customer here has a single subscription). */
async function ordersOf(customer: Customer): Promise<Order[]> {
  const { items } = await collectPages(await polar.orders.list({ customerId: customer.id, sorting: ["created_at"] }));
  return items;
}

const totals = (order: Order) => [
  order.subtotalAmount,
  order.discountAmount,
  order.netAmount,
  order.taxAmount,
  order.totalAmount,
];

let alice: Customer;
let bob: Customer;
let aliceSubscription: Subscription;
let bobSubscription: Subscription;

describe("create (POST /v1/subscriptions/, over fetch: the SDK has no method for it)", () => {
  it("starts an active monthly subscription billed in advance, and the SDK reads it", async () => {
    alice = await newCustomer("Alice", {
      externalId: "sub_alice",
      billingAddress: { line1: "1 Main St", postalCode: "75001", city: "Paris", country: "FR" },
    });
    const created = await subscribe({ customer_id: alice.id, product_id: pro.id, metadata: { seat: 3 } });
    expect(created).toMatchObject({
      status: "active",
      amount: 2000,
      currency: "usd",
      recurringInterval: "month",
      cancelAtPeriodEnd: false,
      canceledAt: null,
      endsAt: null,
      endedAt: null,
      customerId: alice.id,
      productId: pro.id,
      discountId: null,
      discount: null,
      checkoutId: null,
      customerCancellationReason: null,
      customerCancellationComment: null,
      metadata: { seat: 3 },
      customer: { id: alice.id, email: "alice@subscriptions.example", externalId: "sub_alice" },
      product: { id: pro.id, name: "Pro", recurringInterval: "month" },
    });
    expect(created.startedAt).toBeInstanceOf(Date);
    expect(created.currentPeriodStart).toEqual(created.startedAt);
    expect(created.currentPeriodEnd).toEqual(monthsAfter(created.currentPeriodStart, 1));
    expect(created.prices.map((price) => price.id)).toEqual(pro.prices.map((price) => price.id));
    expect(created.product.benefits.map((benefit) => benefit.id)).toEqual([credits.id, support.id]);
    expect(created.meters).toEqual([
      expect.objectContaining({
        meterId: meter.id,
        consumedUnits: 0,
        amount: 0,
        meter: expect.objectContaining({ id: meter.id }),
      }),
    ]);
    // The credit benefit is granted at creation; its units reach the subscription meter.
    await vi.waitFor(async () => {
      const current = await polar.subscriptions.get({ id: created.id });
      expect(current.meters.map((entry) => [entry.consumedUnits, entry.creditedUnits, entry.amount])).toEqual([
        [0, 200, 0],
      ]);
    }, SETTLED);
    aliceSubscription = await polar.subscriptions.get({ id: created.id });
  });

  it("by external customer id, with a discount: the amount is discounted", async () => {
    bob = await newCustomer("Bob", { externalId: "sub_bob" });
    bobSubscription = await subscribe({
      external_customer_id: "sub_bob",
      product_id: pro.id,
      discount_id: thirtyOff.id,
    });
    expect(bobSubscription).toMatchObject({
      customerId: bob.id,
      amount: 1400,
      discountId: thirtyOff.id,
      discount: { id: thirtyOff.id, name: "Thirty", type: "percentage", basisPoints: 3000, duration: "forever" },
    });
    expect((await polar.discounts.get({ id: thirtyOff.id })).redemptionsCount).toBe(1);
  });

  it("refuses an unknown customer or product, a one-time product and a second subscription (422)", async () => {
    const noCustomer = validationError(
      await withoutSdk("POST", "/v1/subscriptions/", { customer_id: randomUUID(), product_id: pro.id }),
      "subscriptions.create",
    );
    expect(noCustomer.detail?.[0]).toMatchObject({ loc: ["body", "customer_id"], msg: "Customer does not exist." });
    const noProduct = validationError(
      await withoutSdk("POST", "/v1/subscriptions/", { customer_id: alice.id, product_id: randomUUID() }),
      "subscriptions.create",
    );
    expect(noProduct.detail?.[0]).toMatchObject({ loc: ["body", "product_id"], msg: "Product does not exist." });
    const carol = await newCustomer("Once");
    const notRecurring = validationError(
      await withoutSdk("POST", "/v1/subscriptions/", { customer_id: carol.id, product_id: oneTime.id }),
      "subscriptions.create",
    );
    expect(notRecurring.detail?.[0]).toMatchObject({ loc: ["body", "product_id"], msg: "Product is not recurring." });
    const second = validationError(
      await withoutSdk("POST", "/v1/subscriptions/", { customer_id: alice.id, product_id: basic.id }),
      "subscriptions.create",
    );
    expect(second.detail?.[0]?.loc).toEqual(["body", "customer_id"]);
  });
});

describe("get and list", () => {
  it("get returns the subscription; unknown ids are ResourceNotFound, malformed ones HTTPValidationError", async () => {
    expect(await polar.subscriptions.get({ id: aliceSubscription.id })).toEqual(aliceSubscription);
    const missing = await rejection(polar.subscriptions.get({ id: randomUUID() }), ResourceNotFound);
    expect(missing.detail).toBe("Not found");
    const malformed = await rejection(polar.subscriptions.get({ id: "nope" }), HTTPValidationError);
    expect(malformed.detail?.[0]?.loc).toEqual(["path", "id"]);
  });

  it("list filters by customer, product, discount, active and metadata, and sorts", async () => {
    const ids = (page: { result: { items: Subscription[] } }) => page.result.items.map((item) => item.id);
    expect(ids(await polar.subscriptions.list({ customerId: alice.id }))).toEqual([aliceSubscription.id]);
    expect(ids(await polar.subscriptions.list({ productId: pro.id, sorting: ["started_at"] }))).toEqual([
      aliceSubscription.id,
      bobSubscription.id,
    ]);
    expect(ids(await polar.subscriptions.list({ discountId: thirtyOff.id }))).toEqual([bobSubscription.id]);
    expect(ids(await polar.subscriptions.list({ productId: basic.id }))).toEqual([]);
    expect(ids(await polar.subscriptions.list({ metadata: { seat: "3" } }))).toEqual([aliceSubscription.id]);
    expect(ids(await polar.subscriptions.list({ active: false }))).toEqual([]);
    const byAmount = await polar.subscriptions.list({ active: true, sorting: ["-amount"] });
    expect(byAmount.result.items.map((item) => item.amount)).toEqual([2000, 1400]);
    expect(byAmount.result.pagination).toEqual({ totalCount: 2, maxPage: 1 });
    const { pageCount, items } = await collectPages(await polar.subscriptions.list({ limit: 1 }));
    expect(pageCount).toBe(2);
    expect(items.map((item) => item.id).sort()).toEqual([aliceSubscription.id, bobSubscription.id].sort());
  });
});

describe("update", () => {
  let revokedSubscription: Subscription;

  it("cancel at period end: still active until its end; a second cancel is AlreadyCanceledSubscription", async () => {
    const canceled = await polar.subscriptions.update({
      id: aliceSubscription.id,
      subscriptionUpdate: {
        cancelAtPeriodEnd: true,
        customerCancellationReason: "too_expensive",
        customerCancellationComment: "Over budget",
      },
    });
    expect(canceled).toMatchObject({
      id: aliceSubscription.id,
      status: "active",
      cancelAtPeriodEnd: true,
      endsAt: aliceSubscription.currentPeriodEnd,
      endedAt: null,
      customerCancellationReason: "too_expensive",
      customerCancellationComment: "Over budget",
    });
    expect(canceled.canceledAt).toBeInstanceOf(Date);
    expect(canceled.modifiedAt).toBeInstanceOf(Date);

    const twice = await rejection(
      polar.subscriptions.update({ id: aliceSubscription.id, subscriptionUpdate: { cancelAtPeriodEnd: true } }),
      AlreadyCanceledSubscription,
    );
    expect(twice.detail).toBe("This subscription is already canceled or will be at the end of the period.");
    await rejection(
      polar.subscriptions.update({ id: aliceSubscription.id, subscriptionUpdate: { productId: basic.id } }),
      AlreadyCanceledSubscription,
    );
  });

  it("uncancel clears the cancellation; uncanceling an uncanceled subscription is a 400 SDKError", async () => {
    const uncanceled = await polar.subscriptions.update({
      id: aliceSubscription.id,
      subscriptionUpdate: { cancelAtPeriodEnd: false },
    });
    expect(uncanceled).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: false,
      canceledAt: null,
      endsAt: null,
      customerCancellationReason: null,
      customerCancellationComment: null,
      currentPeriodEnd: aliceSubscription.currentPeriodEnd,
    });
    const again = await rejection(
      polar.subscriptions.update({ id: aliceSubscription.id, subscriptionUpdate: { cancelAtPeriodEnd: false } }),
      SDKError,
    );
    expect(again.statusCode).toBe(400);
    expect(JSON.parse(again.body)).toMatchObject({ error: "BadRequest" });
  });

  it("discount change (over fetch, the SDK's union has no discount variant): apply, refuse twice, remove", async () => {
    const applied = parseAsSdk<Subscription>(
      Subscription$inboundSchema,
      await changeDiscount(aliceSubscription.id, thirtyOff.id),
      "subscriptions.update (discount)",
    );
    expect(applied).toMatchObject({ discountId: thirtyOff.id, amount: 1400, discount: { id: thirtyOff.id } });
    const listed = await polar.subscriptions.list({ discountId: thirtyOff.id, sorting: ["started_at"] });
    expect(listed.result.items.map((item) => item.id)).toEqual([aliceSubscription.id, bobSubscription.id]);

    const same = validationError(await changeDiscount(aliceSubscription.id, thirtyOff.id), "subscriptions.update");
    expect(same.detail?.[0]).toMatchObject({
      loc: ["body", "discount_id"],
      msg: "This discount is already applied to the subscription.",
    });
    const notForPro = validationError(await changeDiscount(aliceSubscription.id, basicOnly.id), "subscriptions.update");
    expect(notForPro.detail?.[0]?.loc).toEqual(["body", "discount_id"]);

    const removed = parseAsSdk<Subscription>(
      Subscription$inboundSchema,
      await changeDiscount(aliceSubscription.id, null),
      "subscriptions.update (discount)",
    );
    expect(removed).toMatchObject({ discountId: null, discount: null, amount: 2000 });
    aliceSubscription = removed;
  });

  it("product change with proration_behavior invoice: new prices now, a subscription_update order", async () => {
    const carol = await newCustomer("Carol");
    const started = await subscribe({ customer_id: carol.id, product_id: basic.id });
    expect(started).toMatchObject({ productId: basic.id, amount: 1000 });

    const changed = await polar.subscriptions.update({
      id: started.id,
      subscriptionUpdate: { productId: pro.id, prorationBehavior: "invoice" },
    });
    expect(changed).toMatchObject({
      id: started.id,
      productId: pro.id,
      amount: 2000,
      recurringInterval: "month",
      status: "active",
      currentPeriodStart: started.currentPeriodStart,
      currentPeriodEnd: started.currentPeriodEnd,
      product: { id: pro.id },
    });
    expect(changed.prices.map((price) => price.id)).toEqual(pro.prices.map((price) => price.id));
    expect(changed.meters.map((entry) => entry.meterId)).toEqual([meter.id]);

    const orders = await ordersOf(carol);
    expect(orders.map((order) => order.billingReason)).toEqual(["subscription_create", "subscription_update"]);
    expect(totals(orders[0]!)).toEqual([1000, 0, 1000, 0, 1000]);
    const update = orders[1]!;
    // Seconds after the start the remaining fraction rounds to the whole period on both lines.
    const period = `From ${shortDate(changed.modifiedAt!)} to ${shortDate(changed.currentPeriodEnd!)}`;
    expect(update.items.map((item) => [item.label, item.amount, item.proration])).toEqual([
      [`Remaining time on Basic — ${period}`, -1000, true],
      [`Pro — ${period}`, 2000, true],
    ]);
    expect(totals(update)).toEqual([1000, 0, 1000, 0, 1000]);
    expect(update).toMatchObject({ productId: pro.id, subscriptionId: started.id, status: "paid", paid: true });

    // Pro's benefits follow the change: granted, and the credits reach Carol's meter.
    await vi.waitFor(async () => {
      const state = await polar.customers.getState({ id: carol.id });
      expect(state.grantedBenefits.map((grant) => grant.benefitId).sort()).toEqual([credits.id, support.id].sort());
      expect(state.activeMeters).toEqual([expect.objectContaining({ meterId: meter.id, creditedUnits: 200 })]);
    }, SETTLED);
  });

  it("product change: the same, an unknown or a one-time product is HTTPValidationError at product_id", async () => {
    for (const productId of [pro.id, randomUUID(), oneTime.id]) {
      const error = await rejection(
        polar.subscriptions.update({ id: aliceSubscription.id, subscriptionUpdate: { productId } }),
        HTTPValidationError,
      );
      expect(error.detail?.[0]?.loc, productId).toEqual(["body", "product_id"]);
    }
    await rejection(
      polar.subscriptions.update({ id: randomUUID(), subscriptionUpdate: { cancelAtPeriodEnd: true } }),
      ResourceNotFound,
    );
  });

  it("revoke (DELETE): canceled and ended now, the pending usage billed in a final order", async () => {
    const dave = await newCustomer("Dave");
    const started = await subscribe({ customer_id: dave.id, product_id: basic.id });
    await polar.events.ingest({
      events: Array.from({ length: 10 }, () => ({ name: "api_call", customerId: dave.id })),
    });
    await vi.waitFor(async () => {
      const current = await polar.subscriptions.get({ id: started.id });
      expect(current.meters.map((entry) => [entry.consumedUnits, entry.amount])).toEqual([[10, 50]]);
    }, SETTLED);

    const revoked = await polar.subscriptions.revoke({ id: started.id });
    revokedSubscription = revoked;
    expect(revoked).toMatchObject({ id: started.id, status: "canceled", cancelAtPeriodEnd: false });
    expect(revoked.endedAt).toBeInstanceOf(Date);
    expect(revoked.canceledAt).toBeInstanceOf(Date);
    expect(revoked.endsAt).toEqual(revoked.endedAt);
    expect(await polar.subscriptions.get({ id: started.id })).toEqual(revoked);
    expect((await polar.subscriptions.list({ active: false })).result.items.map((item) => item.id)).toEqual([
      started.id,
    ]);
    // ARCHITECTURE §7: revoking bills the usage since the last cycle (10 calls at $0.05), nothing more.
    const orders = await ordersOf(dave);
    expect(orders.map((order) => order.billingReason)).toEqual(["subscription_create", "subscription_cycle"]);
    expect(orders[1]!.items.map((item) => [item.label, item.amount, item.proration])).toEqual([
      ["API Calls — (10 consumed units) × $0.05", 50, false],
    ]);
    expect(totals(orders[1]!)).toEqual([50, 0, 50, 0, 50]);
  });

  it("after a revoke, uncancel is 410 (an SDKError) and every change AlreadyCanceledSubscription", async () => {
    const started = revokedSubscription;

    const gone = await rejection(
      polar.subscriptions.update({ id: started.id, subscriptionUpdate: { cancelAtPeriodEnd: false } }),
      SDKError,
    );
    expect(gone.statusCode).toBe(410);
    expect(JSON.parse(gone.body)).toMatchObject({ error: "ResourceUnavailable" });
    await rejection(
      polar.subscriptions.update({ id: started.id, subscriptionUpdate: { cancelAtPeriodEnd: true } }),
      AlreadyCanceledSubscription,
    );
    await rejection(polar.subscriptions.revoke({ id: started.id }), AlreadyCanceledSubscription);
    await rejection(polar.subscriptions.revoke({ id: randomUUID() }), ResourceNotFound);
  });

  it("revoke (PATCH {revoke: true}) keeps the reason and comment", async () => {
    const erin = await newCustomer("Erin");
    const started = await subscribe({ customer_id: erin.id, product_id: pro.id });
    const revoked = await polar.subscriptions.update({
      id: started.id,
      subscriptionUpdate: { revoke: true, customerCancellationReason: "unused", customerCancellationComment: "Idle" },
    });
    expect(revoked).toMatchObject({
      status: "canceled",
      customerCancellationReason: "unused",
      customerCancellationComment: "Idle",
    });
    expect(revoked.endedAt).toBeInstanceOf(Date);
    const state = await polar.customers.getState({ id: erin.id });
    expect(state).toMatchObject({ id: erin.id, activeSubscriptions: [], grantedBenefits: [] });
    const grants = await polar.benefits.grants({ id: credits.id, customerId: erin.id });
    expect(grants.result.items).toEqual([
      expect.objectContaining({ subscriptionId: started.id, isGranted: false, isRevoked: true }),
    ]);
    expect(grants.result.items[0]?.revokedAt).toBeInstanceOf(Date);
  });
});

describe("orders", () => {
  let aliceOrder: Order;

  it("list: the subscription_create order, paid at once (test payments), in cents", async () => {
    const orders = await ordersOf(alice);
    expect(orders).toHaveLength(1);
    aliceOrder = orders[0]!;
    const fixedPrice = pro.prices.find((price) => price.amountType === "fixed")!;
    expect(aliceOrder).toMatchObject({
      status: "paid",
      paid: true,
      billingReason: "subscription_create",
      currency: "usd",
      refundedAmount: 0,
      refundedTaxAmount: 0,
      customerId: alice.id,
      productId: pro.id,
      subscriptionId: aliceSubscription.id,
      discountId: null,
      discount: null,
      checkoutId: null,
      metadata: { seat: 3 },
      billingAddress: { line1: "1 Main St", postalCode: "75001", city: "Paris", country: "FR" },
      customer: { id: alice.id },
      product: { id: pro.id, name: "Pro" },
      subscription: { id: aliceSubscription.id },
    });
    expect(totals(aliceOrder)).toEqual([2000, 0, 2000, 0, 2000]);
    // The Engine labels a creation's static line with the product name alone (spec billing §6.2).
    expect(aliceOrder.items).toEqual([
      expect.objectContaining({
        label: "Pro",
        amount: 2000,
        taxAmount: 0,
        proration: false,
        productPriceId: fixedPrice.id,
      }),
    ]);
  });

  it("list: a discounted order; filters by product, billing type and discount", async () => {
    const [bobOrder] = await ordersOf(bob);
    expect(bobOrder).toMatchObject({ discountId: thirtyOff.id, discount: { id: thirtyOff.id, basisPoints: 3000 } });
    expect(totals(bobOrder!)).toEqual([2000, 600, 1400, 0, 1400]);

    const byDiscount = await polar.orders.list({ discountId: thirtyOff.id });
    expect(byDiscount.result.items.map((order) => order.id)).toEqual([bobOrder!.id]);
    const oneTimeOrders = await polar.orders.list({ productBillingType: "one_time" });
    expect(oneTimeOrders.result.pagination.totalCount).toBe(0);
    const recurring = await collectPages(await polar.orders.list({ productBillingType: "recurring", limit: 2 }));
    const all = await collectPages(await polar.orders.list({ limit: 100 }));
    expect(recurring.items.map((order) => order.id).sort()).toEqual(all.items.map((order) => order.id).sort());
    const byProduct = await polar.orders.list({ productId: pro.id, customerId: [alice.id, bob.id] });
    expect(byProduct.result.items.map((order) => order.customerId).sort()).toEqual([alice.id, bob.id].sort());
    const largestFirst = await polar.orders.list({ customerId: [alice.id, bob.id], sorting: ["-net_amount"] });
    expect(largestFirst.result.items.map((order) => order.netAmount)).toEqual([2000, 1400]);
  });

  it("get returns the listed order; unknown ids are ResourceNotFound", async () => {
    expect(await polar.orders.get({ id: aliceOrder.id })).toEqual(aliceOrder);
    await rejection(polar.orders.get({ id: randomUUID() }), ResourceNotFound);
  });

  it("invoice before generation: SDK 0.32.16 cannot read Polar's 404 InvoiceDoesNotExist (known incompatibility)", async () => {
    // The server sends Polar's own body (spec billing §6.5), but the SDK reads every 404 of
    // orders.invoice as ResourceNotFound, whose `error` is the literal "ResourceNotFound", so the
    // caller gets an SDKValidationError instead of a typed 404. Pinned here, reported, not hidden:
    // this test must change with whichever side is fixed.
    const error = await rejection(polar.orders.invoice({ id: aliceOrder.id }), SDKValidationError);
    const raw = error.rawValue as { HttpMeta: { Response: Response }; error: string; detail: string };
    expect(raw.HttpMeta.Response.status).toBe(404);
    expect(raw).toMatchObject({
      error: "InvoiceDoesNotExist",
      detail: `No invoice exists for order ${aliceOrder.id}.`,
    });
    await rejection(polar.orders.invoice({ id: randomUUID() }), ResourceNotFound);
  });

  it("update (over fetch): billing name and address before the invoice; generation needs both", async () => {
    const [bobOrder] = await ordersOf(bob);
    const missing = await withoutSdk("POST", `/v1/orders/${bobOrder!.id}/invoice`);
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ error: "MissingInvoiceBillingDetails" });

    const response = await withoutSdk("PATCH", `/v1/orders/${aliceOrder.id}`, {
      billing_name: "Alice SARL",
      billing_address: { line1: "2 Rue de Rivoli", postal_code: "75004", city: "Paris", country: "FR" },
    });
    expect(response.status).toBe(200);
    const updated = parseAsSdk<Order>(Order$inboundSchema, response, "orders.update");
    expect(updated).toMatchObject({
      id: aliceOrder.id,
      billingAddress: { line1: "2 Rue de Rivoli", line2: null, postalCode: "75004", city: "Paris", country: "FR" },
    });
    expect(totals(updated)).toEqual(totals(aliceOrder));
    expect(updated.modifiedAt).toBeInstanceOf(Date);
    // billing_name and is_invoice_generated are not in SDK 0.32.16's Order (spec billing §12.3).
    expect(response.body).toMatchObject({ billing_name: "Alice SARL", is_invoice_generated: false });
    expect((await polar.orders.get({ id: aliceOrder.id })).billingAddress).toEqual(updated.billingAddress);
  });

  it("generate invoice (202), then orders.invoice gives its URL; a second generation is 409", async () => {
    const generated = await withoutSdk("POST", `/v1/orders/${aliceOrder.id}/invoice`);
    expect(generated).toEqual({ status: 202, body: null });
    const invoice = await polar.orders.invoice({ id: aliceOrder.id });
    expect(invoice.url).toBe(`${server.url}/v1/orders/${aliceOrder.id}/invoice.html`);
    const page = await fetch(invoice.url, { headers: { authorization: `Bearer ${ORGANIZATION_TOKEN}` } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("Alice SARL");
    expect(html).toContain("$20.00");

    const again = await withoutSdk("POST", `/v1/orders/${aliceOrder.id}/invoice`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: "InvoiceAlreadyExists" });
  });

  it("update after generation: the same values only, a change is 422 at the field", async () => {
    const address = { line1: "2 Rue de Rivoli", postal_code: "75004", city: "Paris", country: "FR" };
    const same = await withoutSdk("PATCH", `/v1/orders/${aliceOrder.id}`, {
      billing_name: "Alice SARL",
      billing_address: address,
    });
    expect(same.status).toBe(200);
    parseAsSdk<Order>(Order$inboundSchema, same, "orders.update");
    const changed = validationError(
      await withoutSdk("PATCH", `/v1/orders/${aliceOrder.id}`, { billing_name: "Someone", billing_address: address }),
      "orders.update",
    );
    expect(changed.detail).toEqual([
      expect.objectContaining({
        loc: ["body", "billing_name"],
        msg: "This field cannot be updated after the invoice is generated.",
      }),
    ]);
  });
});

describe("customer state", () => {
  it("getState: the active subscription with its meter, the granted benefits and the credited meter", async () => {
    const state = await polar.customers.getState({ id: alice.id });
    expect(state).toMatchObject({ id: alice.id, email: "alice@subscriptions.example", externalId: "sub_alice" });
    expect(state.activeSubscriptions).toEqual([
      expect.objectContaining({
        id: aliceSubscription.id,
        status: "active",
        amount: 2000,
        currency: "usd",
        recurringInterval: "month",
        productId: pro.id,
        discountId: null,
        cancelAtPeriodEnd: false,
        currentPeriodStart: aliceSubscription.currentPeriodStart,
        currentPeriodEnd: aliceSubscription.currentPeriodEnd,
        metadata: { seat: 3 },
        meters: [expect.objectContaining({ meterId: meter.id, consumedUnits: 0, creditedUnits: 200, amount: 0 })],
      }),
    ]);
    const granted = [...state.grantedBenefits].sort((a, b) => a.benefitType.localeCompare(b.benefitType));
    expect(granted.map((grant) => [grant.benefitId, grant.benefitType])).toEqual([
      [support.id, "custom"],
      [credits.id, "meter_credit"],
    ]);
    expect(granted[0]?.grantedAt).toBeInstanceOf(Date);
    expect(state.activeMeters).toEqual([
      expect.objectContaining({ meterId: meter.id, consumedUnits: 0, creditedUnits: 200, balance: 200 }),
    ]);
    expect(await polar.customers.getStateExternal({ externalId: "sub_alice" })).toEqual(state);
  });

  it("usage past the credits: the meters and the pending usage amount follow (50 units × $0.10)", async () => {
    const response = await polar.events.ingest({
      events: Array.from({ length: 250 }, () => ({ name: "api_call", externalCustomerId: "sub_alice" })),
    });
    expect(response.inserted).toBe(250);
    await vi.waitFor(async () => {
      const state = await polar.customers.getState({ id: alice.id });
      expect(state.activeMeters).toEqual([
        expect.objectContaining({ meterId: meter.id, consumedUnits: 250, creditedUnits: 200, balance: -50 }),
      ]);
      expect(state.activeSubscriptions[0]?.meters).toEqual([
        expect.objectContaining({ consumedUnits: 250, creditedUnits: 200, amount: 500 }),
      ]);
    }, SETTLED);
    const subscription = await polar.subscriptions.get({ id: aliceSubscription.id });
    expect(subscription.meters).toEqual([
      expect.objectContaining({ meterId: meter.id, consumedUnits: 250, creditedUnits: 200, amount: 500 }),
    ]);
  });

  it("events: billing's system events (meter.reset, meter.credited) parse as the SDK's SystemEvent variants", async () => {
    const page = await polar.events.list({ customerId: alice.id, source: "system", limit: 100 });
    const system = page.result.items.filter((event) => event.source === "system");
    // The subscription opened its window (a reset) and its benefit credited 200 units.
    const reset = system.find((event) => event.name === "meter.reset");
    const credited = system.find((event) => event.name === "meter.credited");
    expect(reset).toMatchObject({ source: "system", customerId: alice.id, metadata: { meterId: meter.id } });
    expect(credited).toMatchObject({
      source: "system",
      customerId: alice.id,
      metadata: { meterId: meter.id, units: 200, rollover: false },
    });
    expect(await polar.events.get({ id: (credited as { id: string }).id })).toEqual(credited);
  });

  it("a customer with no subscription has empty lists; unknown ids are ResourceNotFound", async () => {
    const frank = await newCustomer("Frank");
    expect(await polar.customers.getState({ id: frank.id })).toMatchObject({
      activeSubscriptions: [],
      grantedBenefits: [],
      activeMeters: [],
    });
    await rejection(polar.customers.getState({ id: randomUUID() }), ResourceNotFound);
  });
});

describe("renewal on the sandbox clock", () => {
  // POST /v1/sandbox/clock exists only on the standalone engine started with METERLINE_SANDBOX=1.
  it.skipIf(DISTRIBUTED)("a cycle order bills the next period and the usage; a canceled one ends", async () => {
    const gina = await newCustomer("Gina");
    const ending = await subscribe({ customer_id: gina.id, product_id: basic.id });
    await polar.subscriptions.update({ id: ending.id, subscriptionUpdate: { cancelAtPeriodEnd: true } });

    const periodEnd = aliceSubscription.currentPeriodEnd!;
    const to = new Date(Math.max(periodEnd.getTime(), ending.currentPeriodEnd!.getTime()) + 1000);
    const moved = await withoutSdk("POST", "/v1/sandbox/clock", { to: to.toISOString() });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);

    const renewed = await polar.subscriptions.get({ id: aliceSubscription.id });
    expect(renewed).toMatchObject({ status: "active", currentPeriodStart: periodEnd });
    expect(renewed.currentPeriodEnd).toEqual(monthsAfter(aliceSubscription.currentPeriodStart, 2));
    const orders = await ordersOf(alice);
    expect(orders.map((order) => order.billingReason)).toEqual(["subscription_create", "subscription_cycle"]);
    const cycle = orders[1]!;
    // The next period in advance, then the closed window: 250 calls − 200 credits at $0.10.
    expect(cycle.items.map((item) => [item.label, item.amount, item.proration])).toEqual([
      [`Pro — From ${shortDate(periodEnd)} to ${shortDate(renewed.currentPeriodEnd!)}`, 2000, false],
      ["API Calls — (50 consumed units) × $0.10", 500, false],
    ]);
    expect(totals(cycle)).toEqual([2500, 0, 2500, 0, 2500]);
    expect(cycle).toMatchObject({ status: "paid", subscriptionId: aliceSubscription.id });

    const ended = await polar.subscriptions.get({ id: ending.id });
    expect(ended).toMatchObject({ status: "canceled", cancelAtPeriodEnd: true, endsAt: ending.currentPeriodEnd });
    expect(ended.endedAt).toEqual(ending.currentPeriodEnd);
    expect((await polar.customers.getState({ id: gina.id })).activeSubscriptions).toEqual([]);
  });
});
