import { randomUUID } from "node:crypto";
import { EventsIngestResponse$inboundSchema } from "@polar-sh/sdk/models/components/eventsingestresponse.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, type Json, queryString } from "../support/api-client.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

// spec §3.2, TV-18, checklist 46 and 50–52, and the Meterline deviations of ARCHITECTURE §7
// (external_id deduplication, names over 128 characters, clock skew).
let t: TestEngine;

async function storedCount(organizationId = t.organizationId): Promise<number> {
  await t.caughtUp();
  return t.deps.store.count([organizationId]);
}

function valueErrors(stringError: string): string[] {
  return [stringError, "int_parsing", "float_parsing", "bool_parsing"];
}

function locs(body: Json): unknown[][] {
  return body.detail.map((item: { loc: unknown[] }) => item.loc);
}

beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t.stop());

describe("200", () => {
  it("answers with inserted and duplicates once the events are durable in the log", async () => {
    const before = (await t.deps.log.head(0))?.offset ?? 0;
    const response = await t.api.post("/v1/events/ingest", {
      events: [
        { name: "a", external_customer_id: "u1" },
        { name: "b", external_customer_id: "u1", metadata: { i: 1, f: 1.5, b: true, s: "1" } },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ inserted: 2, duplicates: 0 });
    parseWithSdk(EventsIngestResponse$inboundSchema, response.body);
    // Acknowledged means appended (ARCHITECTURE §3.1): both records are in the log when the answer comes.
    expect((await t.deps.log.head(0))?.offset).toBe(before + 2);
    await t.caughtUp();
    const stored: Json[] = (await t.api.get("/v1/events/?name=b")).body.items;
    expect(stored[0]).toMatchObject({
      metadata: { i: 1, f: 1.5, b: true, s: "1" },
      timestamp: "2025-06-02T12:00:00Z",
      source: "user",
    });
  });

  it("accepts an empty batch", async () => {
    expect(await t.api.ingest([])).toEqual({ inserted: 0, duplicates: 0 });
  });

  it("stores an event naming both ids as a customer_id event (external id dropped)", async () => {
    const customer = await t.api.createCustomer({ email: "both@example.com", external_id: "both-ext" });
    expect(await t.api.ingest([{ name: "both", customer_id: customer.id, external_customer_id: "ignored" }])).toEqual({
      inserted: 1,
      duplicates: 0,
    });
    await t.caughtUp();
    const [event] = (await t.api.get("/v1/events/?name=both")).body.items;
    expect(event).toMatchObject({ customer_id: customer.id, external_customer_id: null });
  });

  it("reads numeric timestamps as Unix seconds, or milliseconds above 2e10", async () => {
    await t.api.ingest([
      { name: "unix", external_customer_id: "u1", timestamp: 1748736000 },
      { name: "unix", external_customer_id: "u1", timestamp: 1748736000500 },
    ]);
    await t.caughtUp();
    const stamps = (await t.api.get("/v1/events/?name=unix&sorting=timestamp")).body.items.map(
      (event: Json) => event.timestamp,
    );
    expect(stamps).toEqual(["2025-06-01T00:00:00Z", "2025-06-01T00:00:00.500000Z"]);
  });

  it("stores the same payload twice when it carries no external_id (Polar has no dedup)", async () => {
    const events = [{ name: "twice", external_customer_id: "u1", timestamp: "2025-06-01T00:00:00Z" }];
    expect(await t.api.ingest(events)).toEqual({ inserted: 1, duplicates: 0 });
    expect(await t.api.ingest(events)).toEqual({ inserted: 1, duplicates: 0 });
    await t.caughtUp();
    expect((await t.api.get("/v1/events/?name=twice")).body.pagination.total_count).toBe(2);
  });

  it("accepts a personal token's event in one of its organizations", async () => {
    const response = await t.admin.post("/v1/events/ingest", {
      events: [{ name: "pat", external_customer_id: "u1", organization_id: t.organizationId }],
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ inserted: 1, duplicates: 0 });
  });
});

describe("external_id deduplication (Meterline deviation, ARCHITECTURE §3.3 and §7)", () => {
  let api: ApiClient;
  let organizationId: string;
  let meterId: string;
  let customerId: string;
  const batch = [
    {
      name: "call",
      external_customer_id: "dedup",
      external_id: "evt-1",
      timestamp: "2025-06-01T01:00:00Z",
      metadata: { n: 1 },
    },
    {
      name: "call",
      external_customer_id: "dedup",
      external_id: "evt-2",
      timestamp: "2025-06-01T02:00:00Z",
      metadata: { n: 2 },
    },
    {
      name: "call",
      external_customer_id: "dedup",
      external_id: "evt-3",
      timestamp: "2025-06-01T03:00:00Z",
      metadata: { n: 4 },
    },
  ];

  beforeAll(async () => {
    const organization = await t.createOrganization("dedup");
    api = organization.api;
    organizationId = organization.id;
    meterId = (
      await api.createMeter({
        name: "Sum of n",
        filter: { conjunction: "and", clauses: [] },
        aggregation: { func: "sum", property: "n" },
      })
    ).id;
    customerId = (await api.createCustomer({ email: "dedup@example.com", external_id: "dedup" })).id;
  });

  it("answers the same batch a second time with inserted 0 and counts it once everywhere", async () => {
    expect(await api.ingest(batch)).toEqual({ inserted: 3, duplicates: 0 });
    expect(await api.ingest(batch)).toEqual({ inserted: 0, duplicates: 3 });
    expect(await storedCount(organizationId)).toBe(3);
    const query = queryString({
      start_timestamp: "2025-06-01T00:00:00Z",
      end_timestamp: "2025-06-01T00:00:00Z",
      interval: "day",
    });
    expect((await api.get(`/v1/meters/${meterId}/quantities${query}`)).body.total).toBe(7);
    const [customerMeter] = (await api.get(`/v1/customer-meters/?customer_id=${customerId}`)).body.items;
    expect(customerMeter).toMatchObject({ consumed_units: 7, balance: -7 });
  });

  it("counts duplicates inside one batch, keeping the first occurrence", async () => {
    const response = await api.ingest([
      { name: "call", external_customer_id: "dedup", external_id: "evt-4", metadata: { n: 8 } },
      { name: "call", external_customer_id: "dedup", external_id: "evt-4", metadata: { n: 100 } },
      { name: "call", external_customer_id: "dedup", external_id: "evt-1", metadata: { n: 100 } },
    ]);
    expect(response).toEqual({ inserted: 1, duplicates: 2 });
    await t.caughtUp();
    const [customerMeter] = (await api.get(`/v1/customer-meters/?customer_id=${customerId}`)).body.items;
    expect(customerMeter).toMatchObject({ consumed_units: 15 });
  });

  it("scopes external ids to the organization", async () => {
    expect(await t.api.ingest([{ ...batch[0], name: "other-org" }])).toEqual({ inserted: 1, duplicates: 0 });
  });

  it("rejects an empty or overlong external_id", async () => {
    for (const externalId of ["", "x".repeat(257)]) {
      const response = await api.post("/v1/events/ingest", {
        events: [{ name: "call", external_customer_id: "dedup", external_id: externalId }],
      });
      expect(response.status).toBe(422);
      expect(locs(response.body)).toContainEqual(["body", "events", 0, "EventCreateExternalCustomer", "external_id"]);
    }
  });
});

describe("Meterline deviations: names and clock skew (ARCHITECTURE §7)", () => {
  it("accepts a 128-character name and rejects a longer one with a 422, not Polar's 500", async () => {
    expect(await t.api.ingest([{ name: "n".repeat(128), external_customer_id: "u1" }])).toEqual({
      inserted: 1,
      duplicates: 0,
    });
    const response = await t.api.post("/v1/events/ingest", {
      events: [{ name: "n".repeat(129), external_customer_id: "u1" }],
    });
    expect(response.status).toBe(422);
    expect(response.body.detail).toContainEqual(
      expect.objectContaining({
        type: "string_too_long",
        loc: ["body", "events", 0, "EventCreateExternalCustomer", "name"],
        ctx: { max_length: 128 },
      }),
    );
  });

  it("accepts a timestamp up to 5 minutes ahead of the server clock and rejects one beyond", async () => {
    const now = t.clock.now().getTime();
    const at = (milliseconds: number) => new Date(now + milliseconds).toISOString();
    expect(await t.api.ingest([{ name: "skew", external_customer_id: "u1", timestamp: at(5 * 60_000) }])).toEqual({
      inserted: 1,
      duplicates: 0,
    });
    const late = await t.api.post("/v1/events/ingest", {
      events: [{ name: "skew", external_customer_id: "u1", timestamp: at(5 * 60_000 + 1000) }],
    });
    expect(late.status).toBe(422);
    expect(late.body.detail).toContainEqual(
      expect.objectContaining({
        type: "value_error",
        loc: ["body", "events", 0, "EventCreateExternalCustomer", "timestamp"],
        msg: "Value error, Timestamp must be in the past.",
      }),
    );
    // Once the clock moves on, the same instant is in the past and accepted.
    t.clock.advance(60_000);
    try {
      expect(
        await t.api.ingest([{ name: "skew", external_customer_id: "u1", timestamp: at(5 * 60_000 + 1000) }]),
      ).toEqual({ inserted: 1, duplicates: 0 });
    } finally {
      t.clock.advance(-60_000);
    }
  });
});

describe("422", () => {
  it("TV-18: rejects the whole batch with Polar's exact union errors and stores nothing", async () => {
    const before = await storedCount();
    const response = await t.api.post("/v1/events/ingest", {
      events: [
        { name: "ok", external_customer_id: "u1" },
        { name: "x", external_customer_id: "u1", timestamp: "2999-01-01T00:00:00Z" },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "events", 1, "EventCreateCustomer", "timestamp"],
          msg: "Value error, Timestamp must be in the past.",
          input: "2999-01-01T00:00:00Z",
          ctx: { error: {} },
        },
        {
          type: "missing",
          loc: ["body", "events", 1, "EventCreateCustomer", "customer_id"],
          msg: "Field required",
          input: { name: "x", external_customer_id: "u1", timestamp: "2999-01-01T00:00:00Z" },
        },
        {
          type: "value_error",
          loc: ["body", "events", 1, "EventCreateExternalCustomer", "timestamp"],
          msg: "Value error, Timestamp must be in the past.",
          input: "2999-01-01T00:00:00Z",
          ctx: { error: {} },
        },
      ],
    });
    expect(await storedCount()).toBe(before);
  });

  it("TV-18: reports metadata and timestamp problems under both union members", async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, index]));
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ metadata: tooMany }, ["too_long", "missing", "too_long"]],
      // A failed union value reports every member: constrained-str, int, float, bool.
      [
        { metadata: { k: "v".repeat(501) } },
        [...valueErrors("string_too_long"), "missing", ...valueErrors("string_too_long")],
      ],
      [{ metadata: { k: "" } }, [...valueErrors("string_too_short"), "missing", ...valueErrors("string_too_short")]],
      [{ timestamp: "2025-06-01T00:00:00" }, ["timezone_aware", "missing", "timezone_aware"]],
    ];
    for (const [extra, types] of cases) {
      const response = await t.api.post("/v1/events/ingest", {
        events: [{ name: "bad", external_customer_id: "u1", ...extra }],
      });
      expect(response.status).toBe(422);
      expect(response.body.detail.map((item: { type: string }) => item.type)).toEqual(types);
    }
    const tooManyKeys = await t.api.post("/v1/events/ingest", {
      events: [{ name: "bad", external_customer_id: "u1", metadata: tooMany }],
    });
    expect(locs(tooManyKeys.body)).toEqual([
      ["body", "events", 0, "EventCreateCustomer", "metadata"],
      ["body", "events", 0, "EventCreateCustomer", "customer_id"],
      ["body", "events", 0, "EventCreateExternalCustomer", "metadata"],
    ]);
  });

  it("requires one of the two customer ids, reporting both members", async () => {
    const response = await t.api.post("/v1/events/ingest", { events: [{ name: "anonymous" }] });
    expect(response.status).toBe(422);
    expect(locs(response.body)).toEqual([
      ["body", "events", 0, "EventCreateCustomer", "customer_id"],
      ["body", "events", 0, "EventCreateExternalCustomer", "external_customer_id"],
    ]);
  });

  it("rejects a batch whose third event names an unknown customer, listing every bad event, storing none", async () => {
    const before = await storedCount();
    const unknown = randomUUID();
    const response = await t.api.post("/v1/events/ingest", {
      events: [
        { name: "fine", external_customer_id: "u1" },
        { name: "fine", external_customer_id: "u1" },
        { name: "bad", customer_id: unknown },
        { name: "bad", customer_id: unknown, organization_id: t.organizationId },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        { type: "customer_id", loc: ["body", "events", 2, "customer_id"], msg: "Customer not found.", input: unknown },
        {
          type: "organization_token",
          loc: ["body", "events", 3, "organization_id"],
          msg: "Setting organization_id is disallowed when using an organization token.",
          input: t.organizationId,
        },
      ],
    });
    expect(await storedCount()).toBe(before);
  });

  it("applies the organization rules per event for a personal token", async () => {
    const response = await t.admin.post("/v1/events/ingest", {
      events: [
        { name: "x", external_customer_id: "u1" },
        { name: "x", external_customer_id: "u1", organization_id: randomUUID() },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      {
        type: "missing",
        loc: ["body", "events", 0, "organization_id"],
        msg: "organization_id is required.",
        input: null,
      },
      expect.objectContaining({
        type: "organization_id",
        loc: ["body", "events", 1, "organization_id"],
        msg: "Organization not found.",
      }),
    ]);
  });

  it("rejects bodies that are not a batch", async () => {
    const cases: Array<[unknown, unknown[], string]> = [
      [{}, ["body", "events"], "missing"],
      [{ events: {} }, ["body", "events"], "list_type"],
      [[], ["body"], "model_attributes_type"],
    ];
    for (const [body, loc, type] of cases) {
      const response = await t.api.post("/v1/events/ingest", body);
      expect(response.status, type).toBe(422);
      expect(response.body.detail, type).toEqual([expect.objectContaining({ loc, type })]);
    }
  });
});
