import type { ApiClient, Json } from "./api-client.js";

/** Spec billing §13 fixtures over HTTP: meter M, product PRO (PF 2000 + PM "10" capped 5000), benefit CR200. */
export const API_CALLS_FILTER = {
  conjunction: "and",
  clauses: [{ property: "name", operator: "eq", value: "api_call" }],
};

export function createApiCallsMeter(api: ApiClient, name = "API Calls"): Promise<Json> {
  return api.createMeter({ name, filter: API_CALLS_FILTER, aggregation: { func: "count" } });
}

export function createProProduct(
  api: ApiClient,
  meterId: string,
  options: { name?: string; fixed?: number; interval?: "month" | "year" } = {},
): Promise<Json> {
  return api.expectStatus(201, "POST", "/v1/products/", {
    name: options.name ?? "Pro",
    recurring_interval: options.interval ?? "month",
    prices: [
      { amount_type: "fixed", price_amount: options.fixed ?? 2000 },
      { amount_type: "metered_unit", meter_id: meterId, unit_amount: "10", cap_amount: 5000 },
    ],
  });
}

export function createCreditBenefit(api: ApiClient, meterId: string, units = 200, rollover = false): Promise<Json> {
  return api.expectStatus(201, "POST", "/v1/benefits/", {
    type: "meter_credit",
    description: `${units} API calls`,
    properties: { meter_id: meterId, units, rollover },
  });
}

export function attachBenefits(api: ApiClient, productId: string, benefitIds: string[]): Promise<Json> {
  return api.expectStatus(200, "POST", `/v1/products/${productId}/benefits`, { benefits: benefitIds });
}

export function subscribe(api: ApiClient, body: Record<string, unknown>): Promise<Json> {
  return api.expectStatus(201, "POST", "/v1/subscriptions/", body);
}

/** Moves the sandbox clock to `to` and runs the billing that became due. */
export function moveClock(api: ApiClient, to: string): Promise<Json> {
  return api.expectStatus(200, "POST", "/v1/sandbox/clock", { to });
}

/** A subscription's orders, oldest first. */
export async function ordersOf(api: ApiClient, subscriptionId: string): Promise<Json[]> {
  const body = await api.expectStatus(
    200,
    "GET",
    `/v1/orders/?subscription_id=${subscriptionId}&sorting=created_at&limit=100`,
  );
  return body.items;
}

/** `[label | amount]` of each line, the spec's notation without the proration flag. */
export function lines(order: Json): Array<[string, number]> {
  return order.items.map((item: Json) => [item.label, item.amount]);
}

/** `subtotal / discount / net / tax / total`. */
export function totals(order: Json): number[] {
  return [order.subtotal_amount, order.discount_amount, order.net_amount, order.tax_amount, order.total_amount];
}

/** `count` usage events for a customer, all at `timestamp`. */
export async function ingestCalls(api: ApiClient, customerId: string, count: number, timestamp: string): Promise<void> {
  const events = Array.from({ length: count }, () => ({ name: "api_call", customer_id: customerId, timestamp }));
  for (let start = 0; start < events.length; start += 500) await api.ingest(events.slice(start, start + 500));
}
