import { randomUUID } from "node:crypto";
import { Event$inboundSchema } from "@polar-sh/sdk/models/components/event.js";
import { ListResourceEvent$inboundSchema } from "@polar-sh/sdk/models/components/listresourceevent.js";
import { ListResourceEventName$inboundSchema } from "@polar-sh/sdk/models/components/listresourceeventname.js";
import { MeterCreditEvent$inboundSchema } from "@polar-sh/sdk/models/components/metercreditevent.js";
import { UserEvent$inboundSchema } from "@polar-sh/sdk/models/components/userevent.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Json, queryString } from "../support/api-client.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

// spec §3.5 (list, names, get) and TV-19. The fixture, in timestamp order:
//   e1 api_call  customer_id C        01:00 {plan: pro,  tokens: 10}
//   e2 api_call  external id "u1" (C) 02:00 {plan: free, tokens: 20}
//   e3 chat      external id "u9"     03:00 {plan: pro,  tokens: "many"}   (no such customer)
//   e4 chat      customer_id D        04:00 {plan: team, tokens: 5.5, flag: true}
//   s1 system meter.credited for C    05:00
let t: TestEngine;
let customerC: string;
let customerD: string;
let sumMeter: string;
const ids: Record<string, string> = {};

async function list(params: Record<string, string | string[] | undefined>): Promise<string[]> {
  const response = await t.api.get(`/v1/events/${queryString(params)}`);
  if (response.status !== 200) throw new Error(`${response.status} ${response.text}`);
  parseWithSdk(ListResourceEvent$inboundSchema, response.body);
  const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
  return response.body.items.map((event: { id: string }) => names[event.id] ?? event.id);
}

beforeAll(async () => {
  t = await startTestEngine();
  customerC = (await t.api.createCustomer({ email: "c@example.com", external_id: "u1" })).id;
  customerD = (await t.api.createCustomer({ email: "d@example.com", external_id: "u2" })).id;
  sumMeter = (
    await t.api.createMeter({
      name: "Tokens",
      filter: { conjunction: "and", clauses: [] },
      aggregation: { func: "sum", property: "tokens" },
    })
  ).id;
  await t.api.ingest([
    {
      name: "api_call",
      customer_id: customerC,
      timestamp: "2025-06-01T01:00:00Z",
      metadata: { plan: "pro", tokens: 10 },
    },
    {
      name: "api_call",
      external_customer_id: "u1",
      timestamp: "2025-06-01T02:00:00Z",
      metadata: { plan: "free", tokens: 20 },
    },
    {
      name: "chat",
      external_customer_id: "u9",
      timestamp: "2025-06-01T03:00:00Z",
      metadata: { plan: "pro", tokens: "many" },
    },
    {
      name: "chat",
      customer_id: customerD,
      timestamp: "2025-06-01T04:00:00Z",
      metadata: { plan: "team", tokens: 5.5, flag: true },
    },
  ]);
  // System events cannot be created through the API yet: appended to the log as the billing
  // worker will append them.
  await t.appendSystemEvent({
    customerId: customerC,
    name: "meter.credited",
    metadata: { meter_id: sumMeter, units: 10, rollover: false },
    timestamp: new Date("2025-06-01T05:00:00Z"),
  });
  await t.caughtUp();
  const all = (await t.api.get("/v1/events/?sorting=timestamp")).body.items as Array<{ id: string }>;
  ["e1", "e2", "e3", "e4", "s1"].forEach((name, index) => {
    ids[name] = all[index]?.id ?? "";
  });
});
afterAll(() => t.stop());

describe("200 GET /v1/events/", () => {
  it("lists every event, system ones included, newest first by default", async () => {
    expect(await list({})).toEqual(["s1", "e4", "e3", "e2", "e1"]);
    expect(await list({ sorting: "timestamp" })).toEqual(["e1", "e2", "e3", "e4", "s1"]);
  });

  it("shows the stored customer_id and resolves customer at read time", async () => {
    const items: Json[] = (await t.api.get("/v1/events/?sorting=timestamp")).body.items;
    expect(items.map((event) => [event.customer_id, event.external_customer_id, event.customer?.id ?? null])).toEqual([
      [customerC, null, customerC],
      [null, "u1", customerC],
      [null, "u9", null],
      [customerD, null, customerD],
      [customerC, null, customerC],
    ]);
    expect(items[3]?.metadata).toEqual({ plan: "team", tokens: 5.5, flag: true });
  });

  it("pages", async () => {
    const response = await t.api.get("/v1/events/?limit=2&page=3");
    expect(response.body.pagination).toEqual({ total_count: 5, max_page: 3 });
    expect(await list({ limit: "2", page: "3" })).toEqual(["e1"]);
    expect(await list({ limit: "2", page: "2" })).toEqual(["e3", "e2"]);
  });

  it("filters by name and source (repeatable, OR-ed)", async () => {
    expect(await list({ name: "api_call" })).toEqual(["e2", "e1"]);
    expect(await list({ name: ["api_call", "chat"] })).toEqual(["e4", "e3", "e2", "e1"]);
    expect(await list({ source: "system" })).toEqual(["s1"]);
    expect(await list({ source: ["user", "system"], name: "meter.credited" })).toEqual(["s1"]);
  });

  it("bounds timestamps strictly", async () => {
    expect(await list({ start_timestamp: "2025-06-01T02:00:00Z" })).toEqual(["s1", "e4", "e3"]);
    expect(await list({ end_timestamp: "2025-06-01T03:00:00Z" })).toEqual(["e2", "e1"]);
    expect(await list({ start_timestamp: "2025-06-01T01:00:00Z", end_timestamp: "2025-06-01T04:00:00+00:00" })).toEqual(
      ["e3", "e2"],
    );
  });

  it("resolves customer_id and external_customer_id both ways (spec §3.3)", async () => {
    expect(await list({ customer_id: customerC })).toEqual(["s1", "e2", "e1"]);
    expect(await list({ external_customer_id: "u1" })).toEqual(["s1", "e2", "e1"]);
    expect(await list({ customer_id: [customerC, customerD] })).toEqual(["s1", "e4", "e2", "e1"]);
    expect(await list({ external_customer_id: ["u9", "u2"] })).toEqual(["e4", "e3"]);
    expect(await list({ customer_id: customerC, external_customer_id: "u1" })).toEqual(["s1", "e2", "e1"]);
    expect(await list({ customer_id: randomUUID() })).toEqual([]);
  });

  it("filters on metadata by the stored value's text form", async () => {
    expect(await list({ "metadata[plan]": "pro" })).toEqual(["e3", "e1"]);
    expect(await list({ "metadata[plan]": ["pro", "team"], "metadata[tokens]": ["5.5", "10"] })).toEqual(["e4", "e1"]);
    expect(await list({ "metadata[flag]": "true" })).toEqual(["e4"]);
    expect(await list({ "metadata[missing]": "x" })).toEqual([]);
  });

  it("applies a filter given as JSON with meter semantics, without eligibility", async () => {
    // A string stored under the key compares as text with the number's decimal form (TV-03):
    // "many" > "6", so e3 matches too.
    const filter = JSON.stringify({ conjunction: "and", clauses: [{ property: "tokens", operator: "gt", value: 6 }] });
    expect(await list({ filter })).toEqual(["e3", "e2", "e1"]);
    const nested = JSON.stringify({
      conjunction: "or",
      clauses: [
        { property: "name", operator: "eq", value: "chat" },
        { conjunction: "and", clauses: [{ property: "metadata.plan", operator: "eq", value: "free" }] },
      ],
    });
    expect(await list({ filter: nested, sorting: "timestamp" })).toEqual(["e2", "e3", "e4"]);
  });

  it("applies a meter's filter and eligibility with meter_id, ANDed with the other filters", async () => {
    // Sum over `tokens`: only numeric values are eligible, so e3 ("many") and s1 are out.
    expect(await list({ meter_id: sumMeter })).toEqual(["e4", "e2", "e1"]);
    expect(await list({ meter_id: sumMeter, name: "chat" })).toEqual(["e4"]);
    const filter = JSON.stringify({
      conjunction: "and",
      clauses: [{ property: "plan", operator: "ne", value: "team" }],
    });
    expect(await list({ meter_id: sumMeter, filter })).toEqual(["e2", "e1"]);
  });

  it("narrows by organization_id without ever widening", async () => {
    expect(await list({ organization_id: t.organizationId })).toHaveLength(5);
    expect(await list({ organization_id: randomUUID() })).toEqual([]);
  });
});

describe("200 GET /v1/events/names", () => {
  async function names(params: Record<string, string | string[] | undefined>): Promise<Json[]> {
    const response = await t.api.get(`/v1/events/names${queryString(params)}`);
    expect(response.status).toBe(200);
    parseWithSdk(ListResourceEventName$inboundSchema, response.body);
    return response.body.items;
  }

  it("groups by name and source, last seen first", async () => {
    expect(await names({})).toEqual([
      {
        name: "meter.credited",
        source: "system",
        occurrences: 1,
        first_seen: "2025-06-01T05:00:00Z",
        last_seen: "2025-06-01T05:00:00Z",
      },
      {
        name: "chat",
        source: "user",
        occurrences: 2,
        first_seen: "2025-06-01T03:00:00Z",
        last_seen: "2025-06-01T04:00:00Z",
      },
      {
        name: "api_call",
        source: "user",
        occurrences: 2,
        first_seen: "2025-06-01T01:00:00Z",
        last_seen: "2025-06-01T02:00:00Z",
      },
    ]);
  });

  it("filters by customer, source and a case-insensitive name query, and sorts", async () => {
    expect((await names({ customer_id: customerC })).map((row) => [row.name, row.occurrences])).toEqual([
      ["meter.credited", 1],
      ["api_call", 2],
    ]);
    expect((await names({ external_customer_id: "u9" })).map((row) => row.name)).toEqual(["chat"]);
    expect((await names({ source: "user", sorting: "name" })).map((row) => row.name)).toEqual(["api_call", "chat"]);
    expect((await names({ query: "CRED" })).map((row) => row.name)).toEqual(["meter.credited"]);
    expect((await names({ sorting: ["-occurrences", "name"] })).map((row) => row.name)).toEqual([
      "api_call",
      "chat",
      "meter.credited",
    ]);
  });
});

describe("200 GET /v1/events/{id}", () => {
  it("returns user and system events as the SDK models them", async () => {
    const user = await t.api.get(`/v1/events/${ids.e2}`);
    expect(user.status).toBe(200);
    expect(parseWithSdk(UserEvent$inboundSchema, user.body)).toMatchObject({
      name: "api_call",
      externalCustomerId: "u1",
      customerId: null,
    });
    expect(user.body.customer.id).toBe(customerC);
    const system = await t.api.get(`/v1/events/${ids.s1}`);
    expect(parseWithSdk(MeterCreditEvent$inboundSchema, system.body).metadata).toEqual({
      meterId: sumMeter,
      units: 10,
      rollover: false,
    });
    expect(system.body).toMatchObject({
      source: "system",
      external_customer_id: null,
      timestamp: "2025-06-01T05:00:00Z",
    });
    parseWithSdk(Event$inboundSchema, system.body);
  });
});

describe("404 and 422", () => {
  it("answers an unknown event id 404", async () => {
    expect((await t.api.get(`/v1/events/${randomUUID()}`)).body).toEqual({
      error: "ResourceNotFound",
      detail: "Not found",
    });
  });

  it("rejects bad parameters", async () => {
    const cases: Array<[Record<string, string>, unknown[], string]> = [
      [{ filter: "{not json" }, ["query", "filter"], "json_invalid"],
      [{ source: "robot" }, ["query", "source"], "enum"],
      [{ sorting: "name" }, ["query", "sorting", 0], "enum"],
      [{ customer_id: "nope" }, ["query", "customer_id"], "uuid_parsing"],
      [{ start_timestamp: "2025-06-01T00:00:00" }, ["query", "start_timestamp"], "timezone_aware"],
    ];
    for (const [params, loc, type] of cases) {
      const response = await t.api.get(`/v1/events/${queryString(params)}`);
      expect(response.status, type).toBe(422);
      expect(response.body.detail[0].type, type).toBe(type);
      expect(response.body.detail[0].loc.slice(0, loc.length), type).toEqual(loc);
    }
    const badFilter = await t.api.get(
      `/v1/events/${queryString({ filter: JSON.stringify({ conjunction: "xor", clauses: [] }) })}`,
    );
    expect(badFilter.status).toBe(422);
    expect(badFilter.body.detail[0].loc.slice(0, 3)).toEqual(["query", "filter", "conjunction"]);
  });

  it("answers an unknown meter_id with Polar's business error", async () => {
    const id = randomUUID();
    const response = await t.api.get(`/v1/events/?meter_id=${id}`);
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [{ type: "meter_id", loc: ["query", "meter_id"], msg: "Meter not found.", input: id }],
    });
  });
});

describe("TV-19 late customer creation for an external id", () => {
  it("attaches past events once the customer exists, and counts them in its meter on its next event", async () => {
    const { api } = await t.createOrganization("tv-19");
    const meter = await api.createMeter({
      name: "API calls",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
      aggregation: { func: "count" },
    });
    const call = { name: "api_call", external_customer_id: "u42", timestamp: "2025-06-01T00:00:00Z" };
    expect(await api.ingest([call, call, call])).toEqual({ inserted: 3, duplicates: 0 });
    await t.caughtUp();
    const total = async (params: Record<string, string>) =>
      (
        await api.get(
          `/v1/meters/${meter.id}/quantities${queryString({ start_timestamp: "2025-06-01T00:00:00Z", end_timestamp: "2025-06-01T00:00:00Z", interval: "day", ...params })}`,
        )
      ).body.total;
    expect(await total({})).toBe(3);
    expect(await total({ external_customer_id: "u42" })).toBe(3);
    expect(await total({ customer_id: randomUUID() })).toBe(0);
    expect((await api.get("/v1/customer-meters/")).body.items).toEqual([]);

    const customer = await api.createCustomer({ email: "d@u42.example", external_id: "u42" });
    await t.caughtUp();
    expect(await total({ customer_id: customer.id })).toBe(3);
    const events: Json[] = (await api.get("/v1/events/")).body.items;
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event).toMatchObject({
        customer_id: null,
        external_customer_id: "u42",
        customer: { id: customer.id, external_id: "u42" },
      });
    }
    // Creating the customer triggers no recomputation: still no customer meter.
    expect((await api.get("/v1/customer-meters/")).body.items).toEqual([]);

    await api.ingest([call]);
    await t.caughtUp();
    const meters = (await api.get("/v1/customer-meters/")).body.items;
    expect(meters).toHaveLength(1);
    expect(meters[0]).toMatchObject({
      customer_id: customer.id,
      meter_id: meter.id,
      consumed_units: 4,
      credited_units: 0,
      balance: -4,
    });
  });

  it("attaches past events when an existing customer gets the external id later", async () => {
    const { api } = await t.createOrganization("tv-19-update");
    const meter = await api.createMeter({
      name: "All calls",
      filter: { conjunction: "and", clauses: [] },
      aggregation: { func: "count" },
    });
    const customer = await api.createCustomer({ email: "late@u77.example" });
    await api.ingest([{ name: "api_call", customer_id: customer.id }]);
    await api.ingest([
      { name: "api_call", external_customer_id: "u77" },
      { name: "api_call", external_customer_id: "u77" },
    ]);
    await t.caughtUp();
    expect((await api.get("/v1/customer-meters/")).body.items[0]).toMatchObject({ consumed_units: 1 });
    await api.patch(`/v1/customers/${customer.id}`, { external_id: "u77" });
    const events: Json[] = (await api.get("/v1/events/?external_customer_id=u77")).body.items;
    expect(events.map((event) => event.customer?.id)).toEqual([customer.id, customer.id, customer.id]);
    await api.ingest([{ name: "api_call", customer_id: customer.id }]);
    await t.caughtUp();
    const meters = (await api.get(`/v1/customer-meters/?meter_id=${meter.id}`)).body.items;
    expect(meters).toEqual([expect.objectContaining({ customer_id: customer.id, consumed_units: 4, balance: -4 })]);
  });
});
