import { Order$inboundSchema } from "@polar-sh/sdk/models/components/order.js";
import { Subscription$inboundSchema } from "@polar-sh/sdk/models/components/subscription.js";
import { expect } from "vitest";
import { type ApiClient, type Json, queryString } from "./api-client.js";
import { moveClock, ordersOf } from "./billing-fixtures.js";
import { outboxSince } from "./outbox-records.js";
import { parseWithSdk } from "./parse-with-sdk.js";
import type { TestEngine } from "./test-engine.js";

/**
 * What the billing stories of test/scenarios share (spec billing §13 notation): order lines as
 * `[label | amount | proration | product_price_id]`, the webhooks announced about one customer,
 * customer-meter figures, and a subscription or its orders read back and checked against the SDK.
 */

/** `[label | amount | proration | product_price_id]`, the spec's line notation. */
export type Line = [label: string, amount: number, proration: boolean, productPriceId: string | null];

export function items(order: Json): Line[] {
  return order.items.map((item: Json): Line => [item.label, item.amount, item.proration, item.product_price_id]);
}

/** The subscription as the API shows it now (the SDK must accept it). */
export async function subscriptionNow(api: ApiClient, id: string): Promise<Json> {
  const response = await api.get(`/v1/subscriptions/${id}`);
  expect(response.status, response.text).toBe(200);
  parseWithSdk(Subscription$inboundSchema, response.body);
  return response.body;
}

/** A subscription's orders, oldest first, each accepted by the SDK. */
export async function checkedOrders(api: ApiClient, subscriptionId: string): Promise<Json[]> {
  const orders = await ordersOf(api, subscriptionId);
  for (const order of orders) parseWithSdk(Order$inboundSchema, order);
  return orders;
}

export { outboxMark } from "./outbox-records.js";

/**
 * The webhook types announced about one customer (its own `customer.*` events included) after
 * `since`, in emission order. Stories run side by side in one organization, so each reads only
 * its own customer's.
 */
export async function webhooksOf(t: TestEngine, customerId: string, since = 0): Promise<string[]> {
  return (await outboxSince(t, since, customerId)).map((record) => record.type);
}

/** The payloads of one customer's webhooks of `type` after `since`. */
export async function webhookPayloads(t: TestEngine, customerId: string, type: string, since = 0): Promise<Json[]> {
  return (await outboxSince(t, since, customerId))
    .filter((record) => record.type === type)
    .map((record) => record.data);
}

/** Customer meter (customer, meter) as `credited / consumed / balance` (spec metering TV notation), or null. */
export async function customerMeter(
  t: TestEngine,
  customerId: string,
  meterId: string,
): Promise<[credited: number, consumed: number, balance: number] | null> {
  await t.caughtUp();
  const response = await t.api.get(
    `/v1/customer-meters/${queryString({ customer_id: customerId, meter_id: meterId })}`,
  );
  expect(response.status, response.text).toBe(200);
  const [row] = response.body.items;
  return row === undefined ? null : [row.credited_units, row.consumed_units, row.balance];
}

/** `consumed_units / credited_units / amount` of the subscription's meter on `meterId`. */
export async function subscriptionMeter(
  t: TestEngine,
  subscriptionId: string,
  meterId: string,
): Promise<[consumed: number, credited: number, amount: number] | null> {
  await t.caughtUp();
  const subscription = await subscriptionNow(t.api, subscriptionId);
  const meter = subscription.meters.find((entry: Json) => entry.meter_id === meterId);
  return meter === undefined ? null : [meter.consumed_units, meter.credited_units, meter.amount];
}

export function createDiscount(api: ApiClient, body: Record<string, unknown>): Promise<Json> {
  return api.expectStatus(201, "POST", "/v1/discounts/", body);
}

/** The product's static price (fixed, custom or free). */
export function staticPriceOf(product: Json): Json {
  const price = product.prices.find((entry: Json) => entry.amount_type !== "metered_unit");
  if (price === undefined) throw new Error(`product ${product.name} has no static price`);
  return price;
}

/** The product's metered price on `meterId` (its only metered price when omitted). */
export function meteredPriceOf(product: Json, meterId?: string): Json {
  const price = product.prices.find(
    (entry: Json) => entry.amount_type === "metered_unit" && (meterId === undefined || entry.meter_id === meterId),
  );
  if (price === undefined) throw new Error(`product ${product.name} has no metered price`);
  return price;
}

/** User events with metadata (a sum meter's values), all at `timestamp`, in batches of 500. */
export async function ingestWithMetadata(
  api: ApiClient,
  customerId: string,
  name: string,
  metadata: ReadonlyArray<Record<string, unknown>>,
  timestamp: string,
): Promise<void> {
  const events = metadata.map((entry) => ({ name, customer_id: customerId, timestamp, metadata: entry }));
  for (let start = 0; start < events.length; start += 500) await api.ingest(events.slice(start, start + 500));
}

/** `count` calls (`api_call` events) for a customer at `timestamp`, in large batches (yearly volumes). */
export async function ingestManyCalls(api: ApiClient, customerId: string, count: number, timestamp: string) {
  const batch = 4000;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    await api.ingest(Array.from({ length: size }, () => ({ name: "api_call", customer_id: customerId, timestamp })));
  }
}

/** A meter's total quantity for one customer over the day of `day` (spec metering §5). */
export async function quantityTotal(t: TestEngine, meterId: string, customerId: string, day: string): Promise<number> {
  await t.caughtUp();
  const query = queryString({
    start_timestamp: day,
    end_timestamp: day,
    interval: "day",
    customer_id: customerId,
  });
  const response = await t.api.get(`/v1/meters/${meterId}/quantities${query}`);
  expect(response.status, response.text).toBe(200);
  return response.body.total;
}

/** Moves the sandbox clock (never back) and returns the new instant as the API prints it. */
export async function clockTo(t: TestEngine, to: string): Promise<string> {
  return (await moveClock(t.api, to)).now as string;
}

export function markPaid(api: ApiClient, orderId: string): Promise<Json> {
  return api.expectStatus(200, "POST", `/v1/orders/${orderId}/mark_paid`);
}

/** `current_period_start → current_period_end` of a subscription. */
export function period(subscription: Json): [string, string] {
  return [subscription.current_period_start, subscription.current_period_end];
}
