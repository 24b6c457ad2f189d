import { randomUUID } from "node:crypto";
import type { Polar } from "@polar-sh/sdk";
import type { Customer } from "@polar-sh/sdk/models/components/customer.js";
import type { Meter } from "@polar-sh/sdk/models/components/meter.js";
import type { TimeInterval } from "@polar-sh/sdk/models/components/timeinterval.js";
import { HTTPValidationError } from "@polar-sh/sdk/models/errors/httpvalidationerror.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { SDKError } from "@polar-sh/sdk/models/errors/sdkerror.js";
import type { MetersQuantitiesRequest } from "@polar-sh/sdk/models/operations/metersquantities.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectPages, polarClient, rejection } from "./sdk.js";
import { ADMIN_TOKEN, ORGANIZATION_TOKEN, type RunningServer, startServer } from "./server.js";

let server: RunningServer;
let polar: Polar;
let organizationId: string;
let alice: Customer;
let bob: Customer;

const nameIs = (name: string) => ({
  conjunction: "and" as const,
  clauses: [{ property: "name", operator: "eq" as const, value: name }],
});

/** Meters by role; created in the first test, used by the rest. */
const meters: Record<"calls" | "sum" | "avg" | "max" | "min" | "hour" | "week" | "month" | "year", Meter> = {} as never;

beforeAll(async () => {
  server = await startServer();
  polar = polarClient(server.url, ORGANIZATION_TOKEN);
  organizationId = (await polar.organizations.list({})).result.items[0]!.id;
  alice = await polar.customers.create({ email: "alice@meters.example", externalId: "m_alice", name: "Alice" });
  bob = await polar.customers.create({ email: "bob@meters.example", externalId: "m_bob", name: "Bob" });
});

afterAll(async () => {
  await server?.stop();
});

describe("meters", () => {
  it("create: 201, parsed as Meter with filter, aggregation and metadata as sent", async () => {
    meters.calls = await polar.meters.create({
      name: "API calls",
      filter: nameIs("api_call"),
      aggregation: { func: "count" },
      metadata: { team: "platform", tier: 1 },
    });
    expect(meters.calls).toMatchObject({
      name: "API calls",
      organizationId,
      modifiedAt: null,
      filter: nameIs("api_call"),
      aggregation: { func: "count" },
      metadata: { team: "platform", tier: 1 },
    });
    expect(meters.calls.createdAt).toBeInstanceOf(Date);

    for (const func of ["sum", "avg", "max", "min"] as const) {
      meters[func] = await polar.meters.create({
        name: `Value ${func}`,
        filter: nameIs("q_day"),
        aggregation: { func, property: "v" },
        metadata: { kind: "value" },
      });
      expect(meters[func].aggregation).toEqual({ func, property: "v" });
    }
    for (const interval of ["hour", "week", "month", "year"] as const) {
      meters[interval] = await polar.meters.create({
        name: `Count ${interval}`,
        filter: nameIs(`q_${interval}`),
        aggregation: { func: "count" },
      });
    }
  });

  it("create: nested filters with every value type round-trip", async () => {
    const filter = {
      conjunction: "or" as const,
      clauses: [
        { property: "model", operator: "like" as const, value: "gpt" },
        {
          conjunction: "and" as const,
          clauses: [
            { property: "premium", operator: "eq" as const, value: true },
            { property: "tokens", operator: "gte" as const, value: 100 },
          ],
        },
      ],
    };
    const meter = await polar.meters.create({
      name: "Nested filter",
      filter,
      aggregation: { func: "max", property: "tokens" },
    });
    expect(meter.filter).toEqual(filter);
    expect((await polar.meters.get({ id: meter.id })).filter).toEqual(filter);
  });

  it("create: invalid bodies are HTTPValidationError with loc/msg/type", async () => {
    const short = await rejection(
      polar.meters.create({ name: "ab", filter: nameIs("x"), aggregation: { func: "count" } }),
      HTTPValidationError,
    );
    expect(short.detail).toHaveLength(1);
    expect(short.detail?.[0]).toMatchObject({ loc: ["body", "name"], type: "string_too_short" });
    expect(typeof short.detail?.[0]?.msg).toBe("string");

    const withOrganization = await rejection(
      polar.meters.create({ name: "Not mine", filter: nameIs("x"), aggregation: { func: "count" }, organizationId }),
      HTTPValidationError,
    );
    expect(withOrganization.detail?.[0]).toMatchObject({
      loc: ["body", "organization_id"],
      type: "organization_token",
    });
  });

  it("get: by id; ResourceNotFound for an unknown id", async () => {
    expect(await polar.meters.get({ id: meters.sum.id })).toEqual(meters.sum);
    const missing = await rejection(polar.meters.get({ id: randomUUID() }), ResourceNotFound);
    expect(missing.detail).toBe("Not found");
  });

  it("list: name-ascending by default; for await with limit 2 sees every meter exactly once", async () => {
    const first = await polar.meters.list({});
    expect(first.result.pagination).toEqual({ totalCount: 10, maxPage: 1 });
    const names = first.result.items.map((meter) => meter.name);
    expect(names).toEqual([...names].sort());

    // Checklist item 30, spelled out: the SDK follows max_page and stops after the last page.
    const seen = new Map<string, number>();
    const pageSizes: number[] = [];
    for await (const page of await polar.meters.list({ limit: 2 })) {
      pageSizes.push(page.result.items.length);
      for (const meter of page.result.items) seen.set(meter.id, (seen.get(meter.id) ?? 0) + 1);
    }
    expect(pageSizes).toEqual([2, 2, 2, 2, 2]);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect([...seen.keys()]).toEqual(first.result.items.map((meter) => meter.id));

    // A limit that does not divide the total: the last page is short and ends the iteration.
    const { pageCount: threePages, items: all } = await collectPages(await polar.meters.list({ limit: 4 }));
    expect(threePages).toBe(3);
    expect(new Set(all.map((meter) => meter.id)).size).toBe(10);
  });

  it("list: query, metadata, organization filters and sorting", async () => {
    const byQuery = await polar.meters.list({ query: "VALUE" });
    expect(byQuery.result.items.map((meter) => meter.name)).toEqual([
      "Value avg",
      "Value max",
      "Value min",
      "Value sum",
    ]);
    const byMetadata = await polar.meters.list({ metadata: { team: "platform", tier: "1" } });
    expect(byMetadata.result.items.map((meter) => meter.id)).toEqual([meters.calls.id]);
    expect((await polar.meters.list({ organizationId: [organizationId] })).result.pagination.totalCount).toBe(10);
    expect((await polar.meters.list({ organizationId: randomUUID() })).result.items).toEqual([]);
    const newest = await polar.meters.list({ sorting: ["-created_at"], limit: 1 });
    expect(newest.result.items[0]?.name).toBe("Nested filter");
    const byNameDescending = await polar.meters.list({ sorting: ["-name"], limit: 1 });
    expect(byNameDescending.result.items[0]?.name).toBe("Value sum");
  });

  it("update: name and metadata; filter and aggregation while no event matches yet", async () => {
    const renamed = await polar.meters.update({
      id: meters.calls.id,
      meterUpdate: { name: "API calls v2", metadata: { team: "core" } },
    });
    expect(renamed).toMatchObject({
      id: meters.calls.id,
      name: "API calls v2",
      metadata: { team: "core" },
      filter: nameIs("api_call"),
    });
    expect(renamed.modifiedAt).toBeInstanceOf(Date);
    meters.calls = renamed;

    const scratch = await polar.meters.create({
      name: "Scratch",
      filter: nameIs("nothing_yet"),
      aggregation: { func: "count" },
    });
    const redefined = await polar.meters.update({
      id: scratch.id,
      meterUpdate: { filter: nameIs("still_nothing"), aggregation: { func: "sum", property: "n" } },
    });
    expect(redefined).toMatchObject({
      filter: nameIs("still_nothing"),
      aggregation: { func: "sum", property: "n" },
      name: "Scratch",
    });

    await rejection(polar.meters.update({ id: randomUUID(), meterUpdate: { name: "Ghost meter" } }), ResourceNotFound);
    const invalid = await rejection(
      polar.meters.update({ id: scratch.id, meterUpdate: { name: "x" } }),
      HTTPValidationError,
    );
    expect(invalid.detail?.[0]?.loc).toEqual(["body", "name"]);
  });

  describe("with events", () => {
    beforeAll(async () => {
      const response = await polar.events.ingest({
        events: [
          // TV-10: day buckets for sum/avg/max/min.
          { name: "q_day", customerId: alice.id, timestamp: new Date("2025-03-10T01:00:00Z"), metadata: { v: 10 } },
          {
            name: "q_day",
            externalCustomerId: "m_alice",
            timestamp: new Date("2025-03-10T05:00:00Z"),
            metadata: { v: 20 },
          },
          {
            name: "q_day",
            externalCustomerId: "m_bob",
            timestamp: new Date("2025-03-11T10:00:00Z"),
            metadata: { v: 60 },
          },
          // TV-11: hour, week and month series; plus a year series.
          ...["2025-01-01T10:59:59Z", "2025-01-01T11:00:00Z", "2025-01-01T11:30:00Z"].map((t) => ({
            name: "q_hour",
            externalCustomerId: "m_nobody",
            timestamp: new Date(t),
          })),
          ...["2024-12-30T08:00:00Z", "2025-01-05T23:00:00Z", "2025-01-06T00:00:00Z"].map((t) => ({
            name: "q_week",
            externalCustomerId: "m_nobody",
            timestamp: new Date(t),
          })),
          ...["2025-01-05", "2025-02-01", "2025-02-27", "2025-03-30", "2025-05-01"].map((d) => ({
            name: "q_month",
            externalCustomerId: "m_nobody",
            timestamp: new Date(`${d}T00:00:00Z`),
          })),
          ...["2023-06-01T00:00:00Z", "2024-02-29T12:00:00Z", "2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z"].map(
            (t) => ({
              name: "q_year",
              externalCustomerId: "m_nobody",
              timestamp: new Date(t),
            }),
          ),
          // Usage for the count meter: three calls by Alice (one through her external id), one by Bob.
          { name: "api_call", customerId: alice.id, timestamp: new Date("2025-06-01T00:00:00Z") },
          { name: "api_call", customerId: alice.id, timestamp: new Date("2025-06-01T00:00:01Z") },
          { name: "api_call", externalCustomerId: "m_alice", timestamp: new Date("2025-06-01T00:00:02Z") },
          { name: "api_call", customerId: bob.id, timestamp: new Date("2025-06-02T00:00:00Z") },
        ],
      });
      expect(response.inserted).toBe(22);
      await vi.waitFor(
        async () => {
          expect((await polar.events.list({ limit: 1 })).result.pagination.totalCount).toBe(22);
        },
        { timeout: 15_000, interval: 100 },
      );
    });

    const quantities = (
      meter: Meter,
      interval: TimeInterval,
      start: string,
      end: string,
      extra: Partial<MetersQuantitiesRequest> = {},
    ) =>
      polar.meters.quantities({
        id: meter.id,
        interval,
        startTimestamp: new Date(start),
        endTimestamp: new Date(end),
        ...extra,
      });

    const series = (result: Awaited<ReturnType<typeof quantities>>) =>
      result.quantities.map((bucket) => [bucket.timestamp.toISOString(), bucket.quantity]);

    it("quantities (day): sum, avg, max and min with non-additive totals (TV-10)", async () => {
      const expected = {
        sum: { buckets: [30, 60, 0], total: 90 },
        avg: { buckets: [15, 60, 0], total: 30 },
        max: { buckets: [20, 60, 0], total: 60 },
        min: { buckets: [10, 60, 0], total: 10 },
      };
      for (const func of ["sum", "avg", "max", "min"] as const) {
        const result = await quantities(meters[func], "day", "2025-03-10T00:00:00Z", "2025-03-12T00:00:00Z");
        expect(series(result), func).toEqual([
          ["2025-03-10T00:00:00.000Z", expected[func].buckets[0]],
          ["2025-03-11T00:00:00.000Z", expected[func].buckets[1]],
          ["2025-03-12T00:00:00.000Z", expected[func].buckets[2]],
        ]);
        expect(result.total, func).toBe(expected[func].total);
      }
    });

    it("quantities: customerId and externalCustomerId narrow the events", async () => {
      const range = ["day", "2025-03-10T00:00:00Z", "2025-03-12T00:00:00Z"] as const;
      const forAlice = await quantities(meters.sum, ...range, { customerId: alice.id });
      expect(forAlice.quantities.map((bucket) => bucket.quantity)).toEqual([30, 0, 0]);
      expect(forAlice.total).toBe(30);
      const forBob = await quantities(meters.sum, ...range, { externalCustomerId: "m_bob" });
      expect(forBob.total).toBe(60);
      const forBoth = await quantities(meters.sum, ...range, { customerId: [alice.id, bob.id] });
      expect(forBoth.total).toBe(90);
      const forNobody = await quantities(meters.sum, ...range, { customerId: randomUUID() });
      expect(forNobody.total).toBe(0);
    });

    it("quantities (hour)", async () => {
      const result = await quantities(meters.hour, "hour", "2025-01-01T10:30:00Z", "2025-01-01T11:30:00Z");
      expect(series(result)).toEqual([
        ["2025-01-01T10:30:00.000Z", 1],
        ["2025-01-01T11:30:00.000Z", 2],
      ]);
      expect(result.total).toBe(3);
    });

    it("quantities (week): buckets are Monday-aligned UTC weeks labelled by the series point", async () => {
      const result = await quantities(meters.week, "week", "2025-01-01T00:00:00Z", "2025-01-08T00:00:00Z");
      expect(series(result)).toEqual([
        ["2025-01-01T00:00:00.000Z", 2],
        ["2025-01-08T00:00:00.000Z", 1],
      ]);
      expect(result.total).toBe(3);
    });

    it("quantities (month): the series drifts after a short month", async () => {
      const result = await quantities(meters.month, "month", "2025-01-31T00:00:00Z", "2025-04-30T00:00:00Z");
      expect(series(result)).toEqual([
        ["2025-01-31T00:00:00.000Z", 1],
        ["2025-02-28T00:00:00.000Z", 2],
        ["2025-03-28T00:00:00.000Z", 1],
        ["2025-04-28T00:00:00.000Z", 0],
      ]);
      expect(result.total).toBe(4);
    });

    it("quantities (year)", async () => {
      const result = await quantities(meters.year, "year", "2023-01-01T00:00:00Z", "2024-12-31T00:00:00Z");
      expect(series(result)).toEqual([
        ["2023-01-01T00:00:00.000Z", 1],
        ["2024-01-01T00:00:00.000Z", 2],
      ]);
      expect(result.total).toBe(3);
    });

    it("quantities: an end before the start gives an empty series and a zero total", async () => {
      const result = await quantities(meters.sum, "day", "2025-03-12T00:00:00Z", "2025-03-11T00:00:00Z");
      expect(result).toEqual({ quantities: [], total: 0 });
    });

    it("quantities: a range too big for the interval, or before 2023, is HTTPValidationError", async () => {
      const tooBig = await rejection(
        quantities(meters.hour, "hour", "2025-01-01T00:00:00Z", "2025-01-09T00:00:00Z"),
        HTTPValidationError,
      );
      expect(tooBig.detail).toEqual([
        expect.objectContaining({
          loc: ["query"],
          type: "value_error",
          msg: "The interval is too big. Try to change the interval or reduce the date range.",
        }),
      ]);
      const tooEarly = await rejection(
        quantities(meters.year, "year", "2022-12-31T00:00:00Z", "2023-06-01T00:00:00Z"),
        HTTPValidationError,
      );
      expect(tooEarly.detail?.[0]).toMatchObject({ loc: ["query", "start_timestamp"], type: "greater_than_equal" });
      await rejection(
        quantities({ ...meters.sum, id: randomUUID() }, "day", "2025-03-10T00:00:00Z", "2025-03-11T00:00:00Z"),
        ResourceNotFound,
      );
    });

    it("update: filter and aggregation are locked once events match (TV-20), the name is not", async () => {
      const locked = await rejection(
        polar.meters.update({ id: meters.sum.id, meterUpdate: { filter: nameIs("other") } }),
        HTTPValidationError,
      );
      expect(locked.detail).toEqual([
        expect.objectContaining({
          loc: ["body", "filter"],
          type: "forbidden",
          msg: "This field can't be updated because the meter is already aggregating events.",
        }),
      ]);
      const renamed = await polar.meters.update({ id: meters.sum.id, meterUpdate: { name: "Value total" } });
      expect(renamed).toMatchObject({
        name: "Value total",
        filter: nameIs("q_day"),
        aggregation: { func: "sum", property: "v" },
      });
    });
  });
});

describe("authentication", () => {
  it("an unknown token is SDKError 401 on every meters operation", async () => {
    const stranger = polarClient(server.url, "polar_oat_not_a_real_token_at_all");
    const calls = [
      () => stranger.meters.list({}),
      () => stranger.meters.get({ id: meters.calls.id }),
      () => stranger.meters.create({ name: "Nope", filter: nameIs("x"), aggregation: { func: "count" } }),
      () => stranger.meters.update({ id: meters.calls.id, meterUpdate: { name: "Nope" } }),
      () =>
        stranger.meters.quantities({
          id: meters.calls.id,
          interval: "day",
          startTimestamp: new Date("2025-01-01T00:00:00Z"),
          endTimestamp: new Date("2025-01-02T00:00:00Z"),
        }),
    ];
    for (const call of calls) expect((await rejection(call(), SDKError)).statusCode).toBe(401);
  });
});

describe("a personal token across organizations", () => {
  it("must name the organization on creates; organization tokens never see another tenant", async () => {
    const admin = polarClient(server.url, ADMIN_TOKEN);
    const other = await admin.organizations.create({ name: "Other tenant", slug: "other-tenant" });

    const missing = await rejection(
      admin.meters.create({ name: "Tenant meter", filter: nameIs("api_call"), aggregation: { func: "count" } }),
      HTTPValidationError,
    );
    expect(missing.detail?.[0]).toMatchObject({
      loc: ["body", "organization_id"],
      type: "missing",
      msg: "organization_id is required.",
    });

    const foreignMeter = await admin.meters.create({
      name: "Tenant meter",
      filter: nameIs("api_call"),
      aggregation: { func: "count" },
      organizationId: other.id,
    });
    expect(foreignMeter.organizationId).toBe(other.id);
    const foreignCustomer = await admin.customers.create({
      email: "alice@meters.example",
      externalId: "m_alice",
      organizationId: other.id,
    });
    const ingestWithoutOrganization = await rejection(
      admin.events.ingest({ events: [{ name: "api_call", externalCustomerId: "m_alice" }] }),
      HTTPValidationError,
    );
    expect(ingestWithoutOrganization.detail?.[0]).toMatchObject({ loc: ["body", "events", 0, "organization_id"] });
    expect(
      await admin.events.ingest({
        events: [{ name: "api_call", externalCustomerId: "m_alice", organizationId: other.id }],
      }),
    ).toEqual({ inserted: 1 });

    // The same email and external id live independently in each organization.
    expect(foreignCustomer.id).not.toBe(alice.id);
    await rejection(polar.meters.get({ id: foreignMeter.id }), ResourceNotFound);
    await rejection(polar.customers.get({ id: foreignCustomer.id }), ResourceNotFound);
    const ownMeters = await polar.meters.list({ limit: 100 });
    expect(ownMeters.result.items.map((meter) => meter.id)).not.toContain(foreignMeter.id);
    expect((await polar.meters.list({ organizationId: other.id })).result.items).toEqual([]);

    const adminView = await admin.meters.list({ organizationId: other.id });
    expect(adminView.result.items.map((meter) => meter.id)).toEqual([foreignMeter.id]);
    await vi.waitFor(
      async () => {
        const result = await admin.meters.quantities({
          id: foreignMeter.id,
          interval: "year",
          startTimestamp: new Date("2025-01-01T00:00:00Z"),
          endTimestamp: new Date(),
        });
        // Only the other tenant's single call, not the org-token tenant's four.
        expect(result.total).toBe(1);
      },
      { timeout: 15_000, interval: 100 },
    );
    // Alice's external id resolves per organization: her events in this tenant are untouched.
    expect((await polar.events.list({ externalCustomerId: "m_alice", name: "api_call" })).result.items).toHaveLength(3);
  });
});
