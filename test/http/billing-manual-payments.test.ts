import { CustomerState$inboundSchema } from "@polar-sh/sdk/models/components/customerstate.js";
import { Order$inboundSchema } from "@polar-sh/sdk/models/components/order.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../support/api-client.js";
import {
  attachBenefits,
  createApiCallsMeter,
  createCreditBenefit,
  createProProduct,
  ingestCalls,
  lines,
  moveClock,
  ordersOf,
  subscribe,
} from "../support/billing-fixtures.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

/** The `manual` payment provider: orders wait for `POST /v1/orders/{id}/mark_paid`, and so do the benefits. */
let t: TestEngine;
let meter: Json;
let product: Json;
let benefit: Json;
let customer: Json;
let subscription: Json;

beforeAll(async () => {
  t = await startTestEngine({ sandbox: true, payments: "manual", now: "2025-06-01T00:00:00Z" });
  meter = await createApiCallsMeter(t.api);
  product = await createProProduct(t.api, meter.id);
  benefit = await createCreditBenefit(t.api, meter.id);
  await attachBenefits(t.api, product.id, [benefit.id]);
  customer = await t.api.createCustomer({ email: "manual@example.com", name: "Manual Ltd" });
  subscription = await subscribe(t.api, { customer_id: customer.id, product_id: product.id });
});
afterAll(() => t.stop());

async function state(): Promise<Json> {
  await t.caughtUp();
  const body = await t.api.expectStatus(200, "GET", `/v1/customers/${customer.id}/state`);
  parseWithSdk(CustomerState$inboundSchema, body);
  return body;
}

function credited(customerState: Json): number {
  return customerState.active_meters.find((entry: Json) => entry.meter_id === meter.id)?.credited_units ?? 0;
}

async function outboxTypes(): Promise<string[]> {
  return (await t.deps.outbox.ofOrganization(t.organizationId)).map((record) => record.type);
}

describe("subscription_create order", () => {
  it("stays pending, and the benefit is neither granted nor credited", async () => {
    const [order] = await ordersOf(t.api, subscription.id);
    expect(order).toMatchObject({ billing_reason: "subscription_create", status: "pending", paid: false });
    const current = await state();
    expect(current.active_subscriptions.map((entry: Json) => entry.id)).toEqual([subscription.id]);
    expect(current.granted_benefits).toEqual([]);
    expect(credited(current)).toBe(0);
    const grants = await t.api.get(`/v1/benefits/${benefit.id}/grants?is_granted=true`);
    expect(grants.body.pagination.total_count).toBe(0);
  });

  it("cannot be invoiced while pending (422 NotPaidOrder with a string detail)", async () => {
    const [order] = await ordersOf(t.api, subscription.id);
    const response = await t.api.post(`/v1/orders/${order.id}/invoice`);
    expect(response.status).toBe(422);
    expect(response.body).toEqual({ error: "NotPaidOrder", detail: expect.any(String) });
  });

  it("mark_paid settles it: order.updated then order.paid, the grant and 200 credits", async () => {
    const [order] = await ordersOf(t.api, subscription.id);
    const before = (await outboxTypes()).length;
    const response = await t.api.post(`/v1/orders/${order.id}/mark_paid`);
    expect(response.status).toBe(200);
    parseWithSdk(Order$inboundSchema, response.body);
    expect(response.body).toMatchObject({ id: order.id, status: "paid", paid: true });
    expect((await outboxTypes()).slice(before)).toEqual([
      "order.updated",
      "order.paid",
      "benefit_grant.created",
      "customer.state_changed",
    ]);
    const current = await state();
    expect(current.granted_benefits.map((grant: Json) => grant.benefit_id)).toEqual([benefit.id]);
    expect(credited(current)).toBe(200);
  });

  it("refuses to mark a paid order paid again (422), and a stranger's order is a 404", async () => {
    const [order] = await ordersOf(t.api, subscription.id);
    const again = await t.api.post(`/v1/orders/${order.id}/mark_paid`);
    expect(again.status).toBe(422);
    expect(again.body.detail[0]).toMatchObject({ loc: ["path", "id"], msg: "This order is not pending." });
    const other = await t.createOrganization("manual-other", ["orders:read", "orders:write"]);
    expect((await other.api.post(`/v1/orders/${order.id}/mark_paid`)).status).toBe(404);
    const readOnly = await t.createOrganization("manual-read", ["orders:read"]);
    expect((await readOnly.api.post(`/v1/orders/${order.id}/mark_paid`)).status).toBe(403);
  });
});

describe("subscription_cycle order", () => {
  it("is pending after the renewal; the new period's credits wait for the payment", async () => {
    await moveClock(t.api, "2025-06-20T00:00:00Z");
    await ingestCalls(t.api, customer.id, 500, "2025-06-20T00:00:00Z");
    await moveClock(t.api, "2025-07-01T00:00:00Z");
    const orders = await ordersOf(t.api, subscription.id);
    expect(orders).toHaveLength(2);
    const cycle = orders[1];
    expect(cycle).toMatchObject({ billing_reason: "subscription_cycle", status: "pending" });
    expect(lines(cycle)).toEqual([
      ["Pro — From Jul 1, 2025 to Aug 1, 2025", 2000],
      ["API Calls — (300 consumed units) × $0.10", 3000],
    ]);
    expect(credited(await state())).toBe(0);

    const paid = await t.api.post(`/v1/orders/${cycle.id}/mark_paid`);
    expect(paid.status).toBe(200);
    expect(credited(await state())).toBe(200);
    expect((await outboxTypes()).slice(-4)).toEqual([
      "order.updated",
      "order.paid",
      "benefit_grant.cycled",
      "customer.state_changed",
    ]);
  });
});
