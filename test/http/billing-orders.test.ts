import { ListResourceOrder$inboundSchema } from "@polar-sh/sdk/models/components/listresourceorder.js";
import { Order$inboundSchema } from "@polar-sh/sdk/models/components/order.js";
import { OrderInvoice$inboundSchema } from "@polar-sh/sdk/models/components/orderinvoice.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../support/api-client.js";
import { createApiCallsMeter, createProProduct, ordersOf, subscribe } from "../support/billing-fixtures.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

let t: TestEngine;
let product: Json;
let named: Json;
let unnamed: Json;
let namedOrder: Json;
let unnamedOrder: Json;

const ADDRESS = { line1: "1 Main St", line2: null, postal_code: "75001", city: "Paris", state: null, country: "FR" };

beforeAll(async () => {
  t = await startTestEngine();
  product = await createProProduct(t.api, (await createApiCallsMeter(t.api)).id);
  const namedCustomer = await t.api.createCustomer({
    email: "billing@example.com",
    name: "Billing SARL",
    external_id: "billing-1",
    billing_address: ADDRESS,
  });
  named = await subscribe(t.api, { customer_id: namedCustomer.id, product_id: product.id, metadata: { ref: "A1" } });
  t.clock.advance(1000);
  const unnamedCustomer = await t.api.createCustomer({ email: "anonymous@example.com" });
  unnamed = await subscribe(t.api, { customer_id: unnamedCustomer.id, product_id: product.id });
  [namedOrder] = await ordersOf(t.api, named.id);
  [unnamedOrder] = await ordersOf(t.api, unnamed.id);
});
afterAll(() => t.stop());

function ids(response: { body: Json }): string[] {
  return response.body.items.map((order: Json) => order.id);
}

describe("200 list and get", () => {
  it("lists newest first with the filters; the SDK reads it", async () => {
    const all = await t.api.get("/v1/orders/");
    expect(all.status).toBe(200);
    expect(parseWithSdk(ListResourceOrder$inboundSchema, all.body).pagination.totalCount).toBe(2);
    expect(ids(all)).toEqual([unnamedOrder.id, namedOrder.id]);
    expect(ids(await t.api.get("/v1/orders/?sorting=created_at"))).toEqual([namedOrder.id, unnamedOrder.id]);
    expect(ids(await t.api.get(`/v1/orders/?customer_id=${named.customer_id}`))).toEqual([namedOrder.id]);
    expect(ids(await t.api.get("/v1/orders/?external_customer_id=billing-1"))).toEqual([namedOrder.id]);
    expect(ids(await t.api.get(`/v1/orders/?subscription_id=${unnamed.id}`))).toEqual([unnamedOrder.id]);
    expect(ids(await t.api.get(`/v1/orders/?product_id=${product.id}`))).toHaveLength(2);
    expect(ids(await t.api.get("/v1/orders/?product_billing_type=recurring"))).toHaveLength(2);
    expect(ids(await t.api.get("/v1/orders/?product_billing_type=one_time"))).toEqual([]);
    expect(ids(await t.api.get("/v1/orders/?metadata[ref]=A1"))).toEqual([namedOrder.id]);
    expect(ids(await t.api.get(`/v1/orders/?checkout_id=${named.id}`))).toEqual([]);
  });

  it("gets an order with its billing details copied from the customer", async () => {
    const response = await t.api.get(`/v1/orders/${namedOrder.id}`);
    expect(response.status).toBe(200);
    parseWithSdk(Order$inboundSchema, response.body);
    expect(response.body).toMatchObject({
      billing_name: "Billing SARL",
      billing_address: ADDRESS,
      is_invoice_generated: false,
      subscription: { id: named.id },
      product: { id: product.id },
    });
  });
});

describe("invoice", () => {
  it("is missing before generation (404 InvoiceDoesNotExist)", async () => {
    for (const path of [`/v1/orders/${namedOrder.id}/invoice`, `/v1/orders/${namedOrder.id}/invoice.html`]) {
      const response = await t.api.get(path);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        error: "InvoiceDoesNotExist",
        detail: `No invoice exists for order ${namedOrder.id}.`,
      });
    }
  });

  it("needs billing details (422 MissingInvoiceBillingDetails)", async () => {
    const response = await t.api.post(`/v1/orders/${unnamedOrder.id}/invoice`);
    expect(response.status).toBe(422);
    expect(response.body).toEqual({ error: "MissingInvoiceBillingDetails", detail: expect.any(String) });
  });

  it("generates (202 null, order.updated), serves its page, and refuses a second one (409)", async () => {
    const before = (await t.deps.outbox.ofOrganization(t.organizationId)).length;
    const generated = await t.api.post(`/v1/orders/${namedOrder.id}/invoice`);
    expect(generated.status).toBe(202);
    expect(generated.text).toBe("null");
    const records = (await t.deps.outbox.ofOrganization(t.organizationId)).slice(before);
    expect(records.map((record) => record.type)).toEqual(["order.updated"]);
    expect((records[0]?.data as Json | undefined)?.is_invoice_generated).toBe(true);

    const invoice = await t.api.get(`/v1/orders/${namedOrder.id}/invoice`);
    expect(invoice.status).toBe(200);
    const { url } = parseWithSdk(OrderInvoice$inboundSchema, invoice.body);
    expect(url).toMatch(new RegExp(`^http://.+/v1/orders/${namedOrder.id}/invoice\\.html$`));
    const page = await t.api.get(new URL(url).pathname);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.text).toContain("Billing SARL");
    expect(page.text).toContain("Pro");
    expect(page.text).toContain("$20.00");
    expect(page.text).toMatch(/Invoice [A-Z0-9-]+-0001/);

    const again = await t.api.post(`/v1/orders/${namedOrder.id}/invoice`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: "InvoiceAlreadyExists", detail: expect.any(String) });
    expect((await t.api.get(`/v1/orders/${namedOrder.id}`)).body.is_invoice_generated).toBe(true);
  });
});

describe("200 update", () => {
  it("changes the billing details before generation and announces order.updated", async () => {
    const before = (await t.deps.outbox.ofOrganization(t.organizationId)).length;
    const response = await t.api.patch(`/v1/orders/${unnamedOrder.id}`, {
      billing_name: "Anonymous GmbH",
      billing_address: { country: "DE", city: "Berlin" },
    });
    expect(response.status).toBe(200);
    parseWithSdk(Order$inboundSchema, response.body);
    expect(response.body).toMatchObject({
      billing_name: "Anonymous GmbH",
      billing_address: { country: "DE", city: "Berlin", line1: null },
    });
    expect(response.body.items).toHaveLength(1);
    const records = (await t.deps.outbox.ofOrganization(t.organizationId)).slice(before);
    expect(records.map((record) => record.type)).toEqual(["order.updated"]);
    expect((await t.api.post(`/v1/orders/${unnamedOrder.id}/invoice`)).status).toBe(202);
  });

  it("after generation accepts the same values only (422 at the changed field)", async () => {
    const same = await t.api.patch(`/v1/orders/${namedOrder.id}`, {
      billing_name: "Billing SARL",
      billing_address: ADDRESS,
    });
    expect(same.status).toBe(200);
    const changed = await t.api.patch(`/v1/orders/${namedOrder.id}`, {
      billing_name: "Someone else",
      billing_address: ADDRESS,
    });
    expect(changed.status).toBe(422);
    expect(changed.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "billing_name"],
          msg: "This field cannot be updated after the invoice is generated.",
          input: "Someone else",
        },
      ],
    });
  });

  it("validates the body: both keys are required", async () => {
    const response = await t.api.patch(`/v1/orders/${namedOrder.id}`, { billing_name: "Only the name" });
    expect(response.status).toBe(422);
    expect(response.body.detail[0]).toMatchObject({ type: "missing", loc: ["body", "billing_address"] });
  });
});

describe("401, 403, 404, 422", () => {
  it("reads need orders:read (write alone is not enough) and changes orders:write", async () => {
    expect((await t.api.withToken(null).get("/v1/orders/")).status).toBe(401);
    const writeOnly = (await t.createOrganization("orders-write", ["orders:write"])).api;
    expect((await writeOnly.get("/v1/orders/")).status).toBe(403);
    const readOnly = (await t.createOrganization("orders-read", ["orders:read"])).api;
    expect((await readOnly.get("/v1/orders/")).body.items).toEqual([]);
    const patch = await readOnly.patch(`/v1/orders/${namedOrder.id}`, { billing_name: null, billing_address: null });
    expect(patch.status).toBe(403);
    expect((await readOnly.get(`/v1/orders/${namedOrder.id}`)).status).toBe(404);
    expect((await readOnly.get(`/v1/orders/${namedOrder.id}/invoice`)).status).toBe(404);
    expect((await readOnly.post(`/v1/orders/${namedOrder.id}/invoice`)).status).toBe(404);
  });

  it("answers 404 for an unknown order and 422 for a paid one marked paid", async () => {
    const unknown = "6c1f0ae4-2f6b-4a0a-9c4f-3f8a1e0e8b11";
    expect((await t.api.get(`/v1/orders/${unknown}`)).body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    expect((await t.api.post(`/v1/orders/${unknown}/mark_paid`)).status).toBe(404);
    expect((await t.api.post(`/v1/orders/${namedOrder.id}/mark_paid`)).status).toBe(422);
    expect((await t.api.get("/v1/orders/?sorting=bogus")).status).toBe(422);
  });
});
