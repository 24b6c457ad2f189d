import { randomUUID } from "node:crypto";
import { CustomerMeter$inboundSchema } from "@polar-sh/sdk/models/components/customermeter.js";
import { ListResourceCustomerMeter$inboundSchema } from "@polar-sh/sdk/models/components/listresourcecustomermeter.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, type Json, queryString } from "../support/api-client.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

// spec §6 and test vectors TV-01, TV-12, TV-13, TV-14 (customer-meter parts) and TV-17.
//
// System events (`meter.credited`, `meter.reset`, `benefit.granted`) cannot be created through the
// API yet (benefits and billing come later): these tests append them straight to the EventLog as
// `source: "system"` records of the customer, as the billing worker will.
let t: TestEngine;

interface Organization {
  id: string;
  api: ApiClient;
}

async function organization(slug: string): Promise<Organization> {
  return t.createOrganization(slug);
}

/** The customer meter of (customer, meter) as [credited, consumed, balance], or null when none is shown. */
async function figures(api: ApiClient, customerId: string, meterId: string): Promise<[number, number, number] | null> {
  await t.caughtUp();
  const response = await api.get(`/v1/customer-meters/${queryString({ customer_id: customerId, meter_id: meterId })}`);
  expect(response.status).toBe(200);
  parseWithSdk(ListResourceCustomerMeter$inboundSchema, response.body);
  const [row] = response.body.items;
  return row === undefined ? null : [row.credited_units, row.consumed_units, row.balance];
}

function credit(org: Organization, customerId: string, meterId: string, units: number, rollover = false) {
  return t.appendSystemEvent({
    organizationId: org.id,
    customerId,
    name: "meter.credited",
    metadata: { meter_id: meterId, units, rollover },
  });
}

function reset(org: Organization, customerId: string, meterId: string) {
  return t.appendSystemEvent({
    organizationId: org.id,
    customerId,
    name: "meter.reset",
    metadata: { meter_id: meterId },
  });
}

beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t.stop());

describe("TV-01 customer meters per aggregation", () => {
  it("shows consumed = the aggregation, no credits, balance = −consumed", async () => {
    const org = await organization("tv-01-meters");
    const customer = await org.api.createCustomer({ email: "c@tv01.example", external_id: "u1" });
    const filter = { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "ai_usage" }] };
    const meters: Record<string, string> = {};
    for (const func of ["count", "sum", "avg", "min", "max"]) {
      const aggregation = func === "count" ? { func } : { func, property: "total_tokens" };
      meters[func] = (await org.api.createMeter({ name: `TV-01 ${func}`, filter, aggregation })).id;
    }
    await org.api.ingest(
      [10, 20, 30].map((tokens) => ({
        name: "ai_usage",
        external_customer_id: "u1",
        timestamp: "2025-06-01T00:00:00Z",
        metadata: { total_tokens: tokens },
      })),
    );
    const expected: Record<string, number> = { count: 3, sum: 60, avg: 20, min: 10, max: 30 };
    for (const [func, consumed] of Object.entries(expected)) {
      expect(await figures(org.api, customer.id, meters[func] as string), func).toEqual([0, consumed, -consumed]);
    }
  });
});

describe("TV-12 window and reset in log order", () => {
  it("computes the window after the latest reset by log position, timestamps ignored", async () => {
    const org = await organization("tv-12");
    const customer = await org.api.createCustomer({ email: "c@tv12.example", external_id: "u1" });
    const meter = await org.api.createMeter({
      name: "Lite tokens",
      filter: { conjunction: "and", clauses: [{ property: "model", operator: "eq", value: "lite" }] },
      aggregation: { func: "sum", property: "tokens" },
    });
    const other = await org.api.createMeter({
      name: "Other",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "none" }] },
      aggregation: { func: "count" },
    });
    const usage = (tokens: number, model = "lite", timestamp = "2025-06-02T00:00:00Z") =>
      org.api.ingest([{ name: "ai_usage", external_customer_id: "u1", timestamp, metadata: { tokens, model } }]);

    await usage(20); // 1
    expect(await figures(org.api, customer.id, meter.id)).toEqual([0, 20, -20]);
    await reset(org, customer.id, meter.id); // 2
    expect(await figures(org.api, customer.id, meter.id)).toEqual([0, 0, 0]);
    await usage(10); // 3
    await usage(10); // 4
    await usage(0); // 5
    await credit(org, customer.id, meter.id, 10); // 6
    await usage(100, "pro"); // 7
    await credit(org, customer.id, other.id, 10); // 8: another meter's credit
    expect(await figures(org.api, customer.id, meter.id)).toEqual([10, 20, -10]);

    // Ingested after the reset but dated before it: it belongs to the current window.
    await usage(5, "lite", "2025-06-01T00:00:00Z");
    expect(await figures(org.api, customer.id, meter.id)).toEqual([10, 25, -15]);

    // Quantities ignore resets: every lite event of the organization counts.
    const query = queryString({
      start_timestamp: "2025-06-01T00:00:00Z",
      end_timestamp: "2025-06-02T00:00:00Z",
      interval: "day",
    });
    const quantities = await org.api.get(`/v1/meters/${meter.id}/quantities${query}`);
    expect(quantities.body.total).toBe(45);
  });
});

describe("TV-13 non-negative running sum of credits", () => {
  it.each([
    [[100, -100, 50], 50, 20],
    [[-100, 100, 50], 150, 120],
    [[-100], 0, -30],
  ])("credits %j give credited %d and balance %d", async (credits, credited, balance) => {
    const org = await organization(`tv-13-${credits.map((units) => (units < 0 ? `m${-units}` : units)).join("-")}`);
    const customer = await org.api.createCustomer({ email: "c@tv13.example", external_id: "u1" });
    const meter = await org.api.createMeter({
      name: "Usage",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "use" }] },
      aggregation: { func: "sum", property: "n" },
    });
    await org.api.ingest([{ name: "use", external_customer_id: "u1", metadata: { n: 30 } }]);
    for (const units of credits) await credit(org, customer.id, meter.id, units);
    expect(await figures(org.api, customer.id, meter.id)).toEqual([credited, 30, balance]);
  });
});

describe("TV-14 rollover through benefit cycles (customer-meter part)", () => {
  // The events the meter_credit benefit B {units: 100, rollover: true} will emit, step by step.
  let org: Organization;
  let customerId: string;
  let meterId: string;
  const use = (n: number) => org.api.ingest([{ name: "use", external_customer_id: "u1", metadata: { n } }]);

  beforeAll(async () => {
    org = await organization("tv-14");
    customerId = (await org.api.createCustomer({ email: "c@tv14.example", external_id: "u1" })).id;
    meterId = (
      await org.api.createMeter({
        name: "Usage",
        filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "use" }] },
        aggregation: { func: "sum", property: "n" },
      })
    ).id;
  });

  it("grant, usage, cycle with carry, overuse, cycle without carry, revoke", async () => {
    await credit(org, customerId, meterId, 100, true); // grant
    expect(await figures(org.api, customerId, meterId)).toEqual([100, 0, 100]);
    await use(30);
    expect(await figures(org.api, customerId, meterId)).toEqual([100, 30, 70]);
    await reset(org, customerId, meterId); // cycle 1: reset, carry 70, new period's 100
    await credit(org, customerId, meterId, 70, true);
    await credit(org, customerId, meterId, 100, true);
    expect(await figures(org.api, customerId, meterId)).toEqual([170, 0, 170]);
    await use(200);
    expect(await figures(org.api, customerId, meterId)).toEqual([170, 200, -30]);
    await reset(org, customerId, meterId); // cycle 2: carry max(0, min(−30, 170)) = 0
    await credit(org, customerId, meterId, 100, true);
    expect(await figures(org.api, customerId, meterId)).toEqual([100, 0, 100]);
    await credit(org, customerId, meterId, -100, true); // revoke
    expect(await figures(org.api, customerId, meterId)).toEqual([0, 0, 0]);
  });

  it("keeps the carry when revoking right after cycle 1", async () => {
    const other = await organization("tv-14-revoke");
    const customer = (await other.api.createCustomer({ email: "c@tv14r.example", external_id: "u1" })).id;
    const meter = (
      await other.api.createMeter({
        name: "Usage",
        filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "use" }] },
        aggregation: { func: "sum", property: "n" },
      })
    ).id;
    await credit(other, customer, meter, 100, true);
    await other.api.ingest([{ name: "use", external_customer_id: "u1", metadata: { n: 30 } }]);
    await reset(other, customer, meter);
    await credit(other, customer, meter, 70, true);
    await credit(other, customer, meter, 100, true);
    await credit(other, customer, meter, -100, true);
    expect(await figures(other.api, customer, meter)).toEqual([70, 0, 70]);
  });
});

describe("TV-17 an empty filter counts system events in quantities, not in consumption", () => {
  it("shows 4 in quantities and consumed 2 with credited 10", async () => {
    const org = await organization("tv-17");
    const customer = await org.api.createCustomer({ email: "c@tv17.example", external_id: "u1" });
    const everything = await org.api.createMeter({
      name: "Everything",
      filter: { conjunction: "and", clauses: [] },
      aggregation: { func: "count" },
    });
    const apiCalls = await org.api.createMeter({
      name: "API calls",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
      aggregation: { func: "count" },
    });
    await org.api.ingest([
      { name: "api_call", customer_id: customer.id, timestamp: "2025-06-02T01:00:00Z" },
      { name: "api_call", customer_id: customer.id, timestamp: "2025-06-02T02:00:00Z" },
    ]);
    await credit(org, customer.id, everything.id, 10);
    await t.appendSystemEvent({
      organizationId: org.id,
      customerId: customer.id,
      name: "benefit.granted",
      metadata: { benefit_id: randomUUID(), benefit_grant_id: randomUUID(), benefit_type: "meter_credit" },
    });
    await t.caughtUp();
    const query = queryString({
      start_timestamp: "2025-06-02T00:00:00Z",
      end_timestamp: "2025-06-02T00:00:00Z",
      interval: "day",
      customer_id: customer.id,
    });
    expect((await org.api.get(`/v1/meters/${everything.id}/quantities${query}`)).body.total).toBe(4);
    expect((await org.api.get(`/v1/meters/${apiCalls.id}/quantities${query}`)).body.total).toBe(2);
    expect(await figures(org.api, customer.id, everything.id)).toEqual([10, 2, 8]);
    expect(await figures(org.api, customer.id, apiCalls.id)).toEqual([0, 2, -2]);
  });
});

describe("user events named like system events", () => {
  it("are ordinary usage: they neither credit nor reset (spec §3.4)", async () => {
    const org = await organization("fake-system");
    const customer = await org.api.createCustomer({ email: "c@fake.example", external_id: "u1" });
    const meter = await org.api.createMeter({
      name: "Everything",
      filter: { conjunction: "and", clauses: [] },
      aggregation: { func: "count" },
    });
    await org.api.ingest([
      { name: "use", external_customer_id: "u1" },
      {
        name: "meter.credited",
        external_customer_id: "u1",
        metadata: { meter_id: meter.id, units: 50, rollover: false },
      },
      { name: "meter.reset", external_customer_id: "u1", metadata: { meter_id: meter.id } },
    ]);
    expect(await figures(org.api, customer.id, meter.id)).toEqual([0, 3, -3]);
  });
});

describe("a meter whose definition changes while unlocked", () => {
  it("recomputes its customer meters from the stored window on the customer's next event", async () => {
    const org = await organization("redefined");
    const customer = await org.api.createCustomer({ email: "c@redefined.example", external_id: "u1" });
    const byName = (name: string) => ({
      conjunction: "and",
      clauses: [{ property: "name", operator: "eq", value: name }],
    });
    const meter = await org.api.createMeter({ name: "Calls", filter: byName("x"), aggregation: { func: "count" } });
    await credit(org, customer.id, meter.id, 10);
    await org.api.ingest([{ name: "y", external_customer_id: "u1" }]);
    expect(await figures(org.api, customer.id, meter.id)).toEqual([10, 0, 10]);
    // No stored event matches `name eq "x"`, so the meter is not locked yet.
    expect((await org.api.patch(`/v1/meters/${meter.id}`, { filter: byName("y") })).status).toBe(200);
    await org.api.ingest([{ name: "y", external_customer_id: "u1" }]);
    expect(await figures(org.api, customer.id, meter.id)).toEqual([10, 2, 8]);
  });
});

describe("when customer meters appear", () => {
  it("only once the customer's window holds an event, and a new meter picks up past events on the next one", async () => {
    const org = await organization("appearance");
    const customer = await org.api.createCustomer({ email: "c@appear.example", external_id: "u1" });
    const early = await org.api.createMeter({
      name: "Calls",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "call" }] },
      aggregation: { func: "count" },
    });
    await org.api.ingest([{ name: "other", external_customer_id: "u1" }]);
    expect(await figures(org.api, customer.id, early.id)).toBeNull();
    await org.api.ingest([{ name: "call", external_customer_id: "u1" }]);
    expect(await figures(org.api, customer.id, early.id)).toEqual([0, 1, -1]);
    const late = await org.api.createMeter({
      name: "All",
      filter: { conjunction: "and", clauses: [] },
      aggregation: { func: "count" },
    });
    expect(await figures(org.api, customer.id, late.id)).toBeNull();
    await org.api.ingest([{ name: "call", external_customer_id: "u1" }]);
    expect(await figures(org.api, customer.id, late.id)).toEqual([0, 3, -3]);
    expect(await figures(org.api, customer.id, early.id)).toEqual([0, 2, -2]);
  });
});

describe("200 list and get", () => {
  let org: Organization;
  const customers: Record<string, string> = {};
  const meters: Record<string, string> = {};
  const rows: Record<string, string> = {};

  async function order(params: Record<string, string | string[]>): Promise<string[]> {
    const response = await org.api.get(`/v1/customer-meters/${queryString(params)}`);
    expect(response.status).toBe(200);
    const names = Object.fromEntries(Object.entries(rows).map(([name, id]) => [id, name]));
    return response.body.items.map((row: Json) => names[row.id]);
  }

  beforeAll(async () => {
    org = await organization("customer-meter-list");
    customers.ann = (await org.api.createCustomer({ email: "ann@example.com", name: "Ann", external_id: "ann" })).id;
    customers.bob = (await org.api.createCustomer({ email: "bob@example.com", name: "Bob", external_id: "bob" })).id;
    meters.sum = (
      await org.api.createMeter({
        name: "B sum",
        filter: { conjunction: "and", clauses: [] },
        aggregation: { func: "sum", property: "n" },
      })
    ).id;
    meters.count = (
      await org.api.createMeter({
        name: "A count",
        filter: { conjunction: "and", clauses: [] },
        aggregation: { func: "count" },
      })
    ).id;
    // Bob's rows change last, so they come first by default (-modified_at).
    await org.api.ingest([{ name: "use", external_customer_id: "ann", metadata: { n: 5 } }]);
    await t.caughtUp();
    t.clock.advance(60_000);
    await org.api.ingest([
      { name: "use", external_customer_id: "bob", metadata: { n: 7 } },
      { name: "use", external_customer_id: "bob", metadata: { n: 1 } },
    ]);
    await t.caughtUp();
    const all = (await org.api.get("/v1/customer-meters/?limit=100")).body.items as Json[];
    for (const row of all) {
      const who = row.customer_id === customers.ann ? "ann" : "bob";
      rows[`${who}-${row.meter_id === meters.sum ? "sum" : "count"}`] = row.id;
    }
  });

  it("lists newest modification first by default; the SDK parses every row", async () => {
    const response = await org.api.get("/v1/customer-meters/");
    const list = parseWithSdk(ListResourceCustomerMeter$inboundSchema, response.body);
    expect(list.pagination).toEqual({ totalCount: 4, maxPage: 1 });
    expect(list.items[0]?.customer.id).toBe(customers.bob);
    expect((await order({})).slice(0, 2).sort()).toEqual(["bob-count", "bob-sum"]);
    expect((await order({})).slice(2).sort()).toEqual(["ann-count", "ann-sum"]);
  });

  it("filters by customer, external customer id (the customer's), meter and organization", async () => {
    expect((await order({ customer_id: customers.ann as string })).sort()).toEqual(["ann-count", "ann-sum"]);
    expect(await order({ external_customer_id: "bob", meter_id: meters.sum as string })).toEqual(["bob-sum"]);
    expect(
      (
        await order({ meter_id: [meters.sum as string, meters.count as string], customer_id: customers.bob as string })
      ).sort(),
    ).toEqual(["bob-count", "bob-sum"]);
    expect(await order({ organization_id: randomUUID() })).toEqual([]);
    expect(await order({ external_customer_id: "nobody" })).toEqual([]);
  });

  it("sorts by every allowed property", async () => {
    expect(await order({ sorting: ["customer_name", "meter_name"] })).toEqual([
      "ann-count",
      "ann-sum",
      "bob-count",
      "bob-sum",
    ]);
    expect(await order({ sorting: ["-meter_name", "-customer_name"] })).toEqual([
      "bob-sum",
      "ann-sum",
      "bob-count",
      "ann-count",
    ]);
    expect(await order({ sorting: "-consumed_units" })).toEqual(["bob-sum", "ann-sum", "bob-count", "ann-count"]);
    expect(await order({ sorting: "balance" })).toEqual(["bob-sum", "ann-sum", "bob-count", "ann-count"]);
    expect((await order({ sorting: ["created_at", "meter_name"] })).slice(0, 2)).toEqual(["ann-count", "ann-sum"]);
    for (const sorting of ["modified_at", "customer_id", "meter_id", "credited_units"]) {
      expect(await order({ sorting }), sorting).toHaveLength(4);
    }
  });

  it("gets one customer meter with its full customer and meter", async () => {
    const response = await org.api.get(`/v1/customer-meters/${rows["bob-sum"]}`);
    expect(response.status).toBe(200);
    const customerMeter = parseWithSdk(CustomerMeter$inboundSchema, response.body);
    expect(customerMeter).toMatchObject({
      consumedUnits: 8,
      creditedUnits: 0,
      balance: -8,
      customerId: customers.bob,
      meterId: meters.sum,
    });
    expect(response.body.customer).toMatchObject({ id: customers.bob, email: "bob@example.com" });
    expect(response.body.meter).toMatchObject({ id: meters.sum, name: "B sum" });
  });

  it("answers 404 for an unknown id and 422 for bad parameters", async () => {
    expect((await org.api.get(`/v1/customer-meters/${randomUUID()}`)).body).toEqual({
      error: "ResourceNotFound",
      detail: "Not found",
    });
    const sorting = await org.api.get("/v1/customer-meters/?sorting=name");
    expect(sorting.status).toBe(422);
    expect(sorting.body.detail[0]).toMatchObject({ type: "enum", loc: ["query", "sorting", 0] });
    const id = await org.api.get("/v1/customer-meters/nope");
    expect(id.body.detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
  });
});
