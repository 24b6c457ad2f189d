import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, queryString } from "../support/api-client.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

// ARCHITECTURE §3.9: every query is scoped by the token's organization; another organization's
// object is a 404 (spec api-conventions §3.5), never a 403.
const NOT_FOUND = { error: "ResourceNotFound", detail: "Not found" };
const COUNT_ALL = { conjunction: "and", clauses: [] };

let t: TestEngine;
let a: ApiClient;
let b: ApiClient;
let organizationB: string;
const ownedByB = { meter: "", customer: "", event: "", customerMeter: "" };
let customerOfA = "";

beforeAll(async () => {
  t = await startTestEngine();
  a = t.api;
  const created = await t.createOrganization("organization-b");
  organizationB = created.id;
  b = created.api;

  // Both organizations use the external id "shared"; only B knows "only-in-b".
  customerOfA = (await a.createCustomer({ email: "shared@a.example", external_id: "shared" })).id;
  ownedByB.customer = (await b.createCustomer({ email: "shared@b.example", external_id: "shared" })).id;
  await b.createCustomer({ email: "only@b.example", external_id: "only-in-b" });
  ownedByB.meter = (await b.createMeter({ name: "B calls", filter: COUNT_ALL, aggregation: { func: "count" } })).id;
  await a.createMeter({ name: "A calls", filter: COUNT_ALL, aggregation: { func: "count" } });
  await b.ingest([
    { name: "b_call", customer_id: ownedByB.customer, timestamp: "2025-06-01T10:00:00Z" },
    { name: "b_call", external_customer_id: "only-in-b", timestamp: "2025-06-01T10:00:00Z" },
  ]);
  await a.ingest([{ name: "a_setup", customer_id: customerOfA, timestamp: "2025-06-01T09:00:00Z" }]);
  await t.caughtUp();
  ownedByB.event = (await b.get("/v1/events/")).body.items[0].id;
  ownedByB.customerMeter = (await b.get(`/v1/customer-meters/?customer_id=${ownedByB.customer}`)).body.items[0].id;
});
afterAll(() => t.stop());

describe("404", () => {
  it("hides every object of organization B from organization A's token", async () => {
    const paths = [
      `/v1/meters/${ownedByB.meter}`,
      `/v1/meters/${ownedByB.meter}/quantities?start_timestamp=2025-06-01T00:00:00Z&end_timestamp=2025-06-01T00:00:00Z&interval=day`,
      `/v1/customers/${ownedByB.customer}`,
      `/v1/customers/${ownedByB.customer}/state`,
      "/v1/customers/external/only-in-b",
      "/v1/customers/external/only-in-b/state",
      `/v1/events/${ownedByB.event}`,
      `/v1/customer-meters/${ownedByB.customerMeter}`,
      `/v1/organizations/${organizationB}`,
    ];
    for (const path of paths) {
      const response = await a.get(path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).toEqual(NOT_FOUND);
      // The same paths work for B, so the 404 is about the tenant and not about the path.
      expect((await b.get(path)).status, path).toBe(200);
    }
  });

  it("refuses to change or delete B's objects", async () => {
    expect((await a.patch(`/v1/meters/${ownedByB.meter}`, { name: "Stolen" })).status).toBe(404);
    expect((await a.patch(`/v1/customers/${ownedByB.customer}`, { name: "Stolen" })).status).toBe(404);
    expect((await a.patch("/v1/customers/external/only-in-b", { name: "Stolen" })).status).toBe(404);
    expect((await a.delete(`/v1/customers/${ownedByB.customer}`)).status).toBe(404);
    expect((await a.delete("/v1/customers/external/only-in-b")).status).toBe(404);
    expect((await a.patch(`/v1/organizations/${organizationB}`, { name: "Stolen" })).status).toBe(404);
    expect((await b.get(`/v1/meters/${ownedByB.meter}`)).body.name).toBe("B calls");
    expect((await b.get(`/v1/customers/${ownedByB.customer}`)).body).toMatchObject({ name: null, deleted_at: null });
    expect((await b.get("/v1/customers/external/only-in-b")).status).toBe(200);
  });

  it("resolves a shared external id to the caller's own customer only", async () => {
    const response = await a.get("/v1/customers/external/shared");
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(customerOfA);
  });
});

describe("200 lists", () => {
  it("never shows B's objects, even when A asks for B's organization_id", async () => {
    const idsOfB = Object.values(ownedByB);
    for (const path of ["/v1/meters/", "/v1/customers/", "/v1/events/", "/v1/customer-meters/"]) {
      const all = await a.get(`${path}?limit=100`);
      expect(all.status, path).toBe(200);
      expect(all.body.items.length, path).toBeGreaterThan(0);
      for (const item of all.body.items) {
        expect(idsOfB, path).not.toContain(item.id);
        expect(item.organization_id ?? item.meter.organization_id, path).toBe(t.organizationId);
      }
      const narrowed = await a.get(`${path}?organization_id=${organizationB}`);
      expect(narrowed.status, path).toBe(200);
      expect(narrowed.body, path).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
    }
    expect((await a.get("/v1/events/names")).body.items.map((row: { name: string }) => row.name)).not.toContain(
      "b_call",
    );
    const organizations = (await a.get("/v1/organizations/")).body.items.map(
      (organization: { id: string }) => organization.id,
    );
    expect(organizations).toEqual([t.organizationId]);
  });

  it("shows a personal token both organizations, OR-ing repeated organization_id values", async () => {
    const organizationsOf = async (query: string) =>
      new Set(
        (await t.admin.get(`/v1/meters/?limit=100${query}`)).body.items.map(
          (meter: { organization_id: string }) => meter.organization_id,
        ),
      );
    expect(await organizationsOf("")).toEqual(new Set([t.organizationId, organizationB]));
    expect(await organizationsOf(`&organization_id=${t.organizationId}&organization_id=${organizationB}`)).toEqual(
      new Set([t.organizationId, organizationB]),
    );
    expect(await organizationsOf(`&organization_id=${organizationB}`)).toEqual(new Set([organizationB]));
  });

  it("does not count B's events in A's quantities, even for B's customer id", async () => {
    const meterOfA = (await a.get("/v1/meters/")).body.items[0].id;
    const query = queryString({
      start_timestamp: "2025-06-01T00:00:00Z",
      end_timestamp: "2025-06-01T00:00:00Z",
      interval: "day",
      customer_id: ownedByB.customer,
    });
    const response = await a.get(`/v1/meters/${meterOfA}/quantities${query}`);
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(0);
  });

  it("keeps external-id matching inside the event's organization (ARCHITECTURE §7)", async () => {
    await a.ingest([
      { name: "a_call", external_customer_id: "only-in-b", timestamp: "2025-06-01T11:00:00Z" },
      { name: "a_call", external_customer_id: "shared", timestamp: "2025-06-01T11:00:00Z" },
    ]);
    await t.caughtUp();
    const events = (await a.get("/v1/events/?name=a_call")).body.items;
    const customers = Object.fromEntries(
      events.map((event: { external_customer_id: string; customer: { id: string } | null }) => [
        event.external_customer_id,
        event.customer?.id ?? null,
      ]),
    );
    expect(customers).toEqual({ "only-in-b": null, shared: customerOfA });
    // B's customer meters did not move: B's "shared" customer still has its one event.
    const meters = (await b.get(`/v1/customer-meters/?customer_id=${ownedByB.customer}`)).body.items;
    expect(meters.map((meter: { consumed_units: number }) => meter.consumed_units)).toEqual([1]);
    const onlyInB = (await b.get("/v1/customer-meters/?external_customer_id=only-in-b")).body.items;
    expect(onlyInB.map((meter: { consumed_units: number }) => meter.consumed_units)).toEqual([1]);
  });
});

describe("200 personal token over both organizations", () => {
  it("matches a customer's external id only inside the customer's own organization", async () => {
    // Both organizations have a customer with external id "shared" and events sent with it; the
    // personal token reads both, but A's customer owns only A's events (ARCHITECTURE §7).
    await a.ingest([{ name: "shared_a", external_customer_id: "shared", timestamp: "2025-06-01T12:00:00Z" }]);
    await b.ingest([{ name: "shared_b", external_customer_id: "shared", timestamp: "2025-06-01T12:00:00Z" }]);
    await t.caughtUp();
    const names = async (path: string) =>
      (await t.admin.get(path)).body.items.map((item: { name: string }) => item.name).sort();
    expect(await names(`/v1/events/?customer_id=${customerOfA}&limit=100`)).not.toContain("shared_b");
    expect(await names(`/v1/events/?customer_id=${customerOfA}&limit=100`)).toContain("shared_a");
    expect(await names(`/v1/events/?customer_id=${ownedByB.customer}&limit=100`)).not.toContain("shared_a");
    expect(await names(`/v1/events/?customer_id=${customerOfA}&external_customer_id=shared&limit=100`)).not.toContain(
      "shared_b",
    );
    expect(await names(`/v1/events/names?customer_id=${customerOfA}`)).not.toContain("shared_b");
    // The external id itself is a plain string filter: it matches in every readable organization.
    expect(await names("/v1/events/?external_customer_id=shared&limit=100")).toEqual(
      expect.arrayContaining(["shared_a", "shared_b"]),
    );
  });
});

describe("422", () => {
  it("rejects a batch naming a customer of B as Customer not found, and stores nothing", async () => {
    const before = await t.deps.log.head(0);
    const response = await a.post("/v1/events/ingest", {
      events: [
        { name: "fine", external_customer_id: "shared" },
        { name: "stolen", customer_id: ownedByB.customer },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "customer_id",
          loc: ["body", "events", 1, "customer_id"],
          msg: "Customer not found.",
          input: ownedByB.customer,
        },
      ],
    });
    expect(await t.deps.log.head(0)).toEqual(before);
    expect((await a.get("/v1/events/?name=fine")).body.items).toEqual([]);
  });

  it("checks the customer against the event's own organization for a personal token too", async () => {
    // Polar (June) only checked that the customer belonged to one of the user's organizations.
    const response = await t.admin.post("/v1/events/ingest", {
      events: [{ name: "crossed", organization_id: t.organizationId, customer_id: ownedByB.customer }],
    });
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      expect.objectContaining({ type: "customer_id", loc: ["body", "events", 0, "customer_id"] }),
    ]);
  });

  it("does not let A read events through B's meter", async () => {
    const response = await a.get(`/v1/events/?meter_id=${ownedByB.meter}`);
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [{ type: "meter_id", loc: ["query", "meter_id"], msg: "Meter not found.", input: ownedByB.meter }],
    });
  });

  it("does not let A create objects in B", async () => {
    const response = await a.post("/v1/customers/", { email: "x@b.example", organization_id: organizationB });
    expect(response.status).toBe(422);
    expect(response.body.detail[0]).toMatchObject({ type: "organization_token", loc: ["body", "organization_id"] });
    expect((await b.get("/v1/customers/?email=x@b.example")).body.items).toEqual([]);
  });
});
