import { Benefit$inboundSchema } from "@polar-sh/sdk/models/components/benefit.js";
import { ListResourceBenefit$inboundSchema } from "@polar-sh/sdk/models/components/listresourcebenefit.js";
import { ListResourceBenefitGrant$inboundSchema } from "@polar-sh/sdk/models/components/listresourcebenefitgrant.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient, Json } from "../support/api-client.js";
import {
  attachBenefits,
  createApiCallsMeter,
  createCreditBenefit,
  createProProduct,
  subscribe,
} from "../support/billing-fixtures.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

let t: TestEngine;
let meter: Json;
let listing: ApiClient;

beforeAll(async () => {
  t = await startTestEngine();
  meter = await createApiCallsMeter(t.api);
  listing = (await t.createOrganization("benefit-list", ["benefits:write", "meters:write"])).api;
  const listingMeter = await createApiCallsMeter(listing);
  for (const [type, description] of [
    ["custom", "Priority support"],
    ["meter_credit", "Monthly credits"],
    ["custom", "Onboarding call"],
  ] as const) {
    t.clock.advance(1000);
    await listing.expectStatus(201, "POST", "/v1/benefits/", {
      type,
      description,
      properties: type === "custom" ? { note: "Ask us" } : { meter_id: listingMeter.id, units: 100, rollover: true },
    });
  }
});
afterAll(() => t.stop());

function descriptions(response: { body: Json }): string[] {
  return response.body.items.map((benefit: Json) => benefit.description);
}

describe("201", () => {
  it("creates a meter_credit benefit the SDK can read", async () => {
    const response = await t.api.post("/v1/benefits/", {
      type: "meter_credit",
      description: "200 API calls",
      metadata: { kind: "credits" },
      properties: { meter_id: meter.id, units: 200, rollover: false },
    });
    expect(response.status).toBe(201);
    const benefit = parseWithSdk(Benefit$inboundSchema, response.body);
    expect(benefit).toMatchObject({
      type: "meter_credit",
      description: "200 API calls",
      organizationId: t.organizationId,
    });
    expect(response.body.properties).toEqual({ units: 200, rollover: false, meter_id: meter.id });
    expect(response.body.metadata).toEqual({ kind: "credits" });
    expect((await t.api.get(`/v1/benefits/${benefit.id}`)).body).toEqual(response.body);
  });

  it("creates a custom benefit, the note optional", async () => {
    const response = await t.api.post("/v1/benefits/", {
      type: "custom",
      description: "A custom perk",
      properties: {},
    });
    expect(response.status).toBe(201);
    parseWithSdk(Benefit$inboundSchema, response.body);
    expect(response.body.properties).toEqual({ note: null });
  });
});

describe("200 list", () => {
  it("lists newest first, filters by type and text, sorts by description", async () => {
    const all = await listing.get("/v1/benefits/");
    expect(parseWithSdk(ListResourceBenefit$inboundSchema, all.body).pagination.totalCount).toBe(3);
    expect(descriptions(all)).toEqual(["Onboarding call", "Monthly credits", "Priority support"]);
    expect(descriptions(await listing.get("/v1/benefits/?type=meter_credit"))).toEqual(["Monthly credits"]);
    expect(descriptions(await listing.get("/v1/benefits/?type=custom&sorting=description"))).toEqual([
      "Onboarding call",
      "Priority support",
    ]);
    expect(descriptions(await listing.get("/v1/benefits/?query=CALL"))).toEqual(["Onboarding call"]);
    const badType = await listing.get("/v1/benefits/?type=bogus");
    expect(badType.status).toBe(422);
    expect(badType.body.detail[0].loc).toEqual(["query", "type", 0]);
  });
});

describe("200 update and grants", () => {
  it("changes description and properties without touching existing grants", async () => {
    const benefit = await createCreditBenefit(t.api, meter.id, 200);
    const product = await createProProduct(t.api, meter.id, { name: "Granting" });
    await attachBenefits(t.api, product.id, [benefit.id]);
    const customer = await t.api.createCustomer({ email: "grant@example.com" });
    await subscribe(t.api, { customer_id: customer.id, product_id: product.id });

    const updated = await t.api.patch(`/v1/benefits/${benefit.id}`, {
      type: "meter_credit",
      description: "500 API calls",
      properties: { meter_id: meter.id, units: 500, rollover: true },
    });
    expect(updated.status).toBe(200);
    parseWithSdk(Benefit$inboundSchema, updated.body);
    expect(updated.body).toMatchObject({ description: "500 API calls", properties: { units: 500, rollover: true } });

    const grants = await t.api.get(`/v1/benefits/${benefit.id}/grants`);
    expect(grants.status).toBe(200);
    const list = parseWithSdk(ListResourceBenefitGrant$inboundSchema, grants.body);
    expect(list.pagination.totalCount).toBe(1);
    expect(grants.body.items[0]).toMatchObject({
      customer_id: customer.id,
      benefit_id: benefit.id,
      is_granted: true,
      is_revoked: false,
      properties: { last_credited_meter_id: meter.id, last_credited_units: 200 },
    });
    expect((await t.api.get(`/v1/benefits/${benefit.id}/grants?is_granted=false`)).body.items).toEqual([]);
    const other = "6c1f0ae4-2f6b-4a0a-9c4f-3f8a1e0e8b11";
    expect((await t.api.get(`/v1/benefits/${benefit.id}/grants?customer_id=${other}`)).body.items).toEqual([]);
    expect((await t.api.get(`/v1/benefits/${benefit.id}/grants?customer_id=${customer.id}`)).body.items).toHaveLength(
      1,
    );
  });

  it("refuses to change the type (400)", async () => {
    const benefit = await createCreditBenefit(t.api, meter.id, 5);
    const response = await t.api.patch(`/v1/benefits/${benefit.id}`, { type: "custom", description: "Now custom" });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: "BadRequest", detail: "The type of a benefit can't be changed." });
  });
});

describe("204 delete", () => {
  it("soft-deletes: gone from get, list and the products that had it", async () => {
    const benefit = await createCreditBenefit(t.api, meter.id, 7);
    const product = await createProProduct(t.api, meter.id, { name: "Losing a benefit" });
    await attachBenefits(t.api, product.id, [benefit.id]);
    const response = await t.api.delete(`/v1/benefits/${benefit.id}`);
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    expect((await t.api.get(`/v1/benefits/${benefit.id}`)).status).toBe(404);
    expect((await t.api.delete(`/v1/benefits/${benefit.id}`)).status).toBe(404);
    expect((await t.api.get(`/v1/products/${product.id}`)).body.benefits).toEqual([]);
    const list = await t.api.get("/v1/benefits/?limit=100");
    expect(list.body.items.some((item: Json) => item.id === benefit.id)).toBe(false);
  });
});

describe("422", () => {
  it("refuses a meter the organization does not have", async () => {
    const foreign = await createApiCallsMeter(listing);
    const response = await t.api.post("/v1/benefits/", {
      type: "meter_credit",
      description: "Foreign credits",
      properties: { meter_id: foreign.id, units: 1, rollover: false },
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [{ type: "value_error", loc: ["meter_id"], msg: "This meter does not exist.", input: foreign.id }],
    });
  });

  it("needs usage-based billing enabled on the organization for meter credits", async () => {
    const organization = await t.createOrganization("no-ubb", [
      "organizations:write",
      "benefits:write",
      "meters:write",
    ]);
    const ownMeter = await createApiCallsMeter(organization.api);
    await organization.api.expectStatus(200, "PATCH", `/v1/organizations/${organization.id}`, {
      feature_settings: { usage_based_billing_enabled: false },
    });
    const response = await organization.api.post("/v1/benefits/", {
      type: "meter_credit",
      description: "Credits",
      properties: { meter_id: ownMeter.id, units: 1, rollover: false },
    });
    expect(response.status).toBe(422);
    expect(response.body.detail[0]).toMatchObject({
      type: "value_error",
      loc: ["body", "type"],
      msg: "Usage based billing is not enabled on your organization.",
    });
    const custom = await organization.api.post("/v1/benefits/", { type: "custom", description: "Still fine" });
    expect(custom.status).toBe(422);
    expect(custom.body.detail[0].loc).toEqual(["body", "custom", "properties"]);
  });

  it("validates the body under its type: short description, units ≤ 0, unknown type", async () => {
    const response = await t.api.post("/v1/benefits/", {
      type: "meter_credit",
      description: "ab",
      properties: { meter_id: meter.id, units: 0, rollover: false },
    });
    expect(response.status).toBe(422);
    const locs = response.body.detail.map((item: Json) => item.loc);
    expect(locs).toContainEqual(["body", "meter_credit", "description"]);
    expect(locs).toContainEqual(["body", "meter_credit", "properties", "units"]);
    expect((await t.api.post("/v1/benefits/", { type: "discord", description: "Discord" })).status).toBe(422);
  });
});

describe("401, 403, 404", () => {
  it("needs a token, the write scope to change, and hides other organizations' benefits", async () => {
    expect((await t.api.withToken(null).get("/v1/benefits/")).status).toBe(401);
    const readOnly = (await t.createOrganization("benefit-read", ["benefits:read"])).api;
    expect((await readOnly.get("/v1/benefits/")).status).toBe(200);
    const denied = await readOnly.post("/v1/benefits/", { type: "custom", description: "Nope", properties: {} });
    expect(denied.status).toBe(403);
    const foreign = (await listing.get("/v1/benefits/")).body.items[0];
    for (const path of [`/v1/benefits/${foreign.id}`, `/v1/benefits/${foreign.id}/grants`]) {
      const response = await t.api.get(path);
      expect(response.status).toBe(404);
      expect(response.body.error).toBe("ResourceNotFound");
    }
    expect((await t.api.delete(`/v1/benefits/${foreign.id}`)).status).toBe(404);
  });
});
