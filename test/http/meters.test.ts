import { randomUUID } from "node:crypto";
import { ListResourceMeter$inboundSchema } from "@polar-sh/sdk/models/components/listresourcemeter.js";
import { Meter$inboundSchema } from "@polar-sh/sdk/models/components/meter.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, type Json, queryString } from "../support/api-client.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const API_CALLS = { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] };
const LOCKED = "This field can't be updated because the meter is already aggregating events.";

let t: TestEngine;
/** An organization holding exactly the twelve meters of the list tests. */
let listing: ApiClient;

function names(response: { body: Json }): string[] {
  return response.body.items.map((meter: { name: string }) => meter.name);
}

beforeAll(async () => {
  t = await startTestEngine();
  listing = (await t.createOrganization("meter-list")).api;
  // Created out of name order, one second apart, so name and creation order differ.
  for (const number of [7, 3, 11, 1, 9, 5, 12, 2, 8, 4, 10, 6]) {
    t.clock.advance(1000);
    await listing.createMeter({
      name: `Meter ${String(number).padStart(2, "0")}`,
      filter: { conjunction: "and", clauses: [] },
      aggregation: { func: "count" },
      metadata: { parity: number % 2 === 0 ? "even" : "odd", bucket: number % 3 },
    });
  }
});
afterAll(() => t.stop());

describe("201", () => {
  it("creates a meter the SDK can read; metadata. prefixes are stripped and 10.0 is the integer 10", async () => {
    const response = await t.api.post("/v1/meters/", {
      name: "Tokens",
      filter: {
        conjunction: "and",
        clauses: [
          { property: "metadata.model", operator: "eq", value: "gpt-4" },
          { conjunction: "or", clauses: [{ property: "tokens", operator: "gte", value: 10.0 }] },
        ],
      },
      aggregation: { func: "sum", property: "metadata.tokens" },
      metadata: { x: 1.5, y: true, z: "123" },
      ignored_key: 1,
    });
    expect(response.status).toBe(201);
    const meter = parseWithSdk(Meter$inboundSchema, response.body);
    expect(meter.name).toBe("Tokens");
    expect(response.body.filter).toEqual({
      conjunction: "and",
      clauses: [
        { property: "model", operator: "eq", value: "gpt-4" },
        { conjunction: "or", clauses: [{ property: "tokens", operator: "gte", value: 10 }] },
      ],
    });
    expect(response.body.aggregation).toEqual({ func: "sum", property: "tokens" });
    expect(response.body.metadata).toEqual({ x: 1.5, y: true, z: "123" });
    expect(response.body).toMatchObject({ organization_id: t.organizationId, modified_at: null });
    expect(response.body.created_at).toMatch(DATE_TIME);
    expect(response.body.id).toMatch(UUID4);
    expect((await t.api.get(`/v1/meters/${meter.id}`)).body).toEqual(response.body);
  });

  it("ignores an Idempotency-Key header: the same request twice makes two meters", async () => {
    const api = (await t.createOrganization("idempotency")).api;
    const body = JSON.stringify({ name: "Twice", filter: API_CALLS, aggregation: { func: "count" } });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await api.request("POST", "/v1/meters/", {
        rawBody: body,
        headers: { "idempotency-key": "same" },
      });
      expect(response.status).toBe(201);
    }
    expect((await api.get("/v1/meters/")).body.pagination.total_count).toBe(2);
  });

  it("creates with a personal token in the named organization", async () => {
    const response = await t.admin.post("/v1/meters/", {
      name: "Admin meter",
      filter: API_CALLS,
      aggregation: { func: "count" },
      organization_id: t.organizationId,
    });
    expect(response.status).toBe(201);
    expect(response.body.organization_id).toBe(t.organizationId);
  });
});

describe("200 list", () => {
  it("sorts by name ascending by default and pages by 10", async () => {
    const response = await listing.get("/v1/meters/");
    expect(response.status).toBe(200);
    const list = parseWithSdk(ListResourceMeter$inboundSchema, response.body);
    expect(list.pagination).toEqual({ totalCount: 12, maxPage: 2 });
    expect(names(response)).toEqual(
      Array.from({ length: 10 }, (_, index) => `Meter ${String(index + 1).padStart(2, "0")}`),
    );
    expect(names(await listing.get("/v1/meters/?page=2"))).toEqual(["Meter 11", "Meter 12"]);
  });

  it("clamps limit to 100, answers a page past the end with no items, and an empty organization with zeros", async () => {
    const clamped = await listing.get("/v1/meters/?limit=101");
    expect(clamped.status).toBe(200);
    expect(clamped.body.pagination).toEqual({ total_count: 12, max_page: 1 });
    expect(clamped.body.items).toHaveLength(12);
    const past = await listing.get("/v1/meters/?page=3");
    expect(past.body).toEqual({ items: [], pagination: { total_count: 12, max_page: 2 } });
    const empty = (await t.createOrganization("no-meters")).api;
    expect((await empty.get("/v1/meters/")).body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
  });

  it("iterates every meter exactly once with limit 5", async () => {
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const response = await listing.get(`/v1/meters/?limit=5&page=${page}`);
      seen.push(...names(response));
      if (page >= response.body.pagination.max_page) break;
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
  });

  it("applies several sorting criteria in order", async () => {
    expect(names(await listing.get("/v1/meters/?sorting=-created_at&limit=3"))).toEqual([
      "Meter 06",
      "Meter 10",
      "Meter 04",
    ]);
    expect(names(await listing.get("/v1/meters/?sorting=created_at&limit=3"))).toEqual([
      "Meter 07",
      "Meter 03",
      "Meter 11",
    ]);
    expect(names(await listing.get("/v1/meters/?sorting=-name&limit=2"))).toEqual(["Meter 12", "Meter 11"]);
  });

  it("filters by metadata (text form, OR within a key, AND across keys) and by a name substring", async () => {
    const query = queryString({ "metadata[parity]": "even", "metadata[bucket]": ["0", "1"] });
    expect(names(await listing.get(`/v1/meters/${query}`))).toEqual(["Meter 04", "Meter 06", "Meter 10", "Meter 12"]);
    expect(names(await listing.get("/v1/meters/?query=ETER 1"))).toEqual(["Meter 10", "Meter 11", "Meter 12"]);
  });

  it("narrows by organization_id for a personal token", async () => {
    const response = await t.admin.get(`/v1/meters/?organization_id=${t.organizationId}&limit=100`);
    expect(response.status).toBe(200);
    for (const meter of response.body.items) expect(meter.organization_id).toBe(t.organizationId);
  });
});

describe("200 update", () => {
  it("renames and replaces metadata; modified_at moves", async () => {
    const meter = await t.api.createMeter({
      name: "Renamable",
      filter: API_CALLS,
      aggregation: { func: "count" },
      metadata: { a: 1 },
    });
    t.clock.advance(60_000);
    const response = await t.api.patch(`/v1/meters/${meter.id}`, { name: "Renamed", metadata: { b: "2" } });
    expect(response.status).toBe(200);
    expect(parseWithSdk(Meter$inboundSchema, response.body)).toMatchObject({ name: "Renamed", metadata: { b: "2" } });
    expect(response.body.modified_at).toBe(t.clock.now().toISOString().replace(".000", ""));
    expect(response.body.filter).toEqual(API_CALLS);
  });
});

describe("TV-20 meter update lock", () => {
  it("rejects filter and aggregation changes once the organization holds a matching event", async () => {
    const api = (await t.createOrganization("tv-20")).api;
    await api.ingest([{ name: "api_call", external_customer_id: "x", timestamp: "2025-06-01T00:00:00Z" }]);
    await t.caughtUp();
    const meter = await api.createMeter({ name: "API calls", filter: API_CALLS, aggregation: { func: "count" } });

    const empty = { conjunction: "and", clauses: [] };
    const filter = await api.patch(`/v1/meters/${meter.id}`, { filter: empty });
    expect(filter.status).toBe(422);
    expect(filter.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [{ type: "forbidden", loc: ["body", "filter"], msg: LOCKED, input: empty }],
    });
    const nulled = await api.patch(`/v1/meters/${meter.id}`, { filter: null });
    expect(nulled.status).toBe(422);
    expect(nulled.body.detail).toEqual([{ type: "forbidden", loc: ["body", "filter"], msg: LOCKED, input: null }]);
    const both = await api.patch(`/v1/meters/${meter.id}`, {
      aggregation: { func: "sum", property: "n" },
      filter: empty,
    });
    expect(both.body.detail.map((item: { loc: unknown[] }) => item.loc)).toEqual([
      ["body", "filter"],
      ["body", "aggregation"],
    ]);
    const renamed = await api.patch(`/v1/meters/${meter.id}`, { name: "API calls v2" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "API calls v2", filter: API_CALLS, aggregation: { func: "count" } });
  });

  it("lets filter and aggregation change while nothing matches, then locks on the first matching event", async () => {
    const api = (await t.createOrganization("tv-20-unlocked")).api;
    const meter = await api.createMeter({ name: "API calls", filter: API_CALLS, aggregation: { func: "count" } });
    const other = { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "other_call" }] };
    const changed = await api.patch(`/v1/meters/${meter.id}`, {
      filter: other,
      aggregation: { func: "max", property: "n" },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ filter: other, aggregation: { func: "max", property: "n" } });
    // While unlocked, null means "leave unchanged".
    const unchanged = await api.patch(`/v1/meters/${meter.id}`, { filter: null, aggregation: null });
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toMatchObject({ filter: other, aggregation: { func: "max", property: "n" } });

    // An event that does not match (no numeric `n`) locks nothing.
    await api.ingest([{ name: "other_call", external_customer_id: "nobody", metadata: { n: "text" } }]);
    await t.caughtUp();
    expect((await api.patch(`/v1/meters/${meter.id}`, { aggregation: { func: "max", property: "n" } })).status).toBe(
      200,
    );

    // Meterline deviation from Polar's rule (spec §4.1): Polar locks a meter only when its
    // 5-minute billing job processes a matching event whose customer resolves. Meterline locks it
    // as soon as ANY stored event of the organization matches the meter, whatever its customer:
    // from then on the filter and aggregation are what past quantities and balances mean. Here the
    // customer "nobody" does not exist, which would leave a Polar meter unlocked.
    await api.ingest([{ name: "other_call", external_customer_id: "nobody", metadata: { n: 3 } }]);
    await t.caughtUp();
    const locked = await api.patch(`/v1/meters/${meter.id}`, { aggregation: { func: "sum", property: "n" } });
    expect(locked.status).toBe(422);
    expect(locked.body.detail).toEqual([
      { type: "forbidden", loc: ["body", "aggregation"], msg: LOCKED, input: { func: "sum", property: "n" } },
    ]);
    expect((await api.get(`/v1/meters/${meter.id}`)).body.aggregation).toEqual({ func: "max", property: "n" });
  });

  it("rejects a name shorter than 3 characters on create and on update", async () => {
    const create = await t.api.post("/v1/meters/", { name: "ab", filter: API_CALLS, aggregation: { func: "count" } });
    expect(create.status).toBe(422);
    expect(create.body.detail).toEqual([expect.objectContaining({ type: "string_too_short", loc: ["body", "name"] })]);
    const meter = await t.api.createMeter({ name: "Long enough", filter: API_CALLS, aggregation: { func: "count" } });
    const update = await t.api.patch(`/v1/meters/${meter.id}`, { name: "ab" });
    expect(update.status).toBe(422);
    expect(update.body.detail).toEqual([expect.objectContaining({ type: "string_too_short", loc: ["body", "name"] })]);
  });
});

describe("404", () => {
  it("answers an unknown meter on get, update and quantities with Polar's envelope", async () => {
    const id = randomUUID();
    const responses = [
      await t.api.get(`/v1/meters/${id}`),
      await t.api.patch(`/v1/meters/${id}`, { name: "Whatever" }),
      await t.api.get(
        `/v1/meters/${id}/quantities?start_timestamp=2025-06-01T00:00:00Z&end_timestamp=2025-06-01T00:00:00Z&interval=day`,
      ),
    ];
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
    }
  });
});

describe("422", () => {
  it("lists every missing field of an empty create body in one response", async () => {
    const response = await t.api.post("/v1/meters/", {});
    expect(response.status).toBe(422);
    expect(response.body.error).toBe("RequestValidationError");
    expect(response.body.detail.map((item: { loc: unknown[]; type: string }) => [item.loc, item.type])).toEqual([
      [["body", "name"], "missing"],
      [["body", "filter"], "missing"],
      [["body", "aggregation"], "missing"],
    ]);
  });

  it("rejects filter values Polar rejects: fractions and null", async () => {
    for (const value of [1.5, null]) {
      const response = await t.api.post("/v1/meters/", {
        name: "Bad value",
        filter: { conjunction: "and", clauses: [{ property: "n", operator: "eq", value }] },
        aggregation: { func: "count" },
      });
      expect(response.status, String(value)).toBe(422);
      expect(response.body.detail[0].loc.slice(0, 3), String(value)).toEqual(["body", "filter", "clauses"]);
    }
  });

  it("applies the organization rules of a create body", async () => {
    const body = { name: "Org rules", filter: API_CALLS, aggregation: { func: "count" } };
    const withOrganization = await t.api.post("/v1/meters/", { ...body, organization_id: t.organizationId });
    expect(withOrganization.status).toBe(422);
    expect(withOrganization.body.detail[0]).toMatchObject({
      type: "organization_token",
      loc: ["body", "organization_id"],
    });
    const missing = await t.admin.post("/v1/meters/", body);
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0]).toMatchObject({
      type: "missing",
      loc: ["body", "organization_id"],
      msg: "organization_id is required.",
    });
  });

  it("validates paging, sorting and multi-value parameters", async () => {
    const cases: Array<[string, unknown[], string]> = [
      ["limit=0", ["query", "limit"], "greater_than"],
      ["page=0", ["query", "page"], "greater_than"],
      ["limit=abc", ["query", "limit"], "int_parsing"],
      ["sorting=bogus", ["query", "sorting", 0], "enum"],
      ["sorting=name&sorting=-bogus", ["query", "sorting", 1], "enum"],
      [`organization_id=${t.organizationId},${t.organizationId}`, ["query", "organization_id"], "uuid_parsing"],
    ];
    for (const [query, loc, type] of cases) {
      const response = await t.api.get(`/v1/meters/?${query}`);
      expect(response.status, query).toBe(422);
      expect(response.body.detail, query).toEqual([
        expect.objectContaining({ loc: expect.arrayContaining(loc), type }),
      ]);
      expect(response.body.detail[0].loc.slice(0, loc.length), query).toEqual(loc);
    }
  });

  it("validates the path id as a UUID4", async () => {
    const parsing = await t.api.get("/v1/meters/not-a-uuid");
    expect(parsing.status).toBe(422);
    expect(parsing.body.detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
    const version = await t.api.get("/v1/meters/a8098c1a-f86e-11da-bd1a-00112444be1e");
    expect(version.status).toBe(422);
    expect(version.body.detail[0]).toMatchObject({ type: "uuid_version", loc: ["path", "id"] });
  });
});
