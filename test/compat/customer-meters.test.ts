import { randomUUID } from "node:crypto";
import type { Polar } from "@polar-sh/sdk";
import type { Customer } from "@polar-sh/sdk/models/components/customer.js";
import type { CustomerMeter } from "@polar-sh/sdk/models/components/customermeter.js";
import type { Meter } from "@polar-sh/sdk/models/components/meter.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { SDKError } from "@polar-sh/sdk/models/errors/sdkerror.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectPages, polarClient, rejection } from "./sdk.js";
import { ORGANIZATION_TOKEN, type RunningServer, startServer } from "./server.js";

let server: RunningServer;
let polar: Polar;
let organizationId: string;
let alice: Customer;
let bob: Customer;

const nameIs = (name: string) => ({
  conjunction: "and" as const,
  clauses: [{ property: "name", operator: "eq" as const, value: name }],
});

const meters: Record<"calls" | "sum" | "avg" | "max" | "min" | "unused", Meter> = {} as never;

beforeAll(async () => {
  server = await startServer();
  polar = polarClient(server.url, ORGANIZATION_TOKEN);
  organizationId = (await polar.organizations.list({})).result.items[0]!.id;
  alice = await polar.customers.create({ email: "alice@meters.example", externalId: "m_alice", name: "Alice" });
  bob = await polar.customers.create({ email: "bob@meters.example", externalId: "m_bob", name: "Bob" });
  meters.calls = await polar.meters.create({
    name: "API calls",
    filter: nameIs("api_call"),
    aggregation: { func: "count" },
  });
  for (const func of ["sum", "avg", "max", "min"] as const) {
    meters[func] = await polar.meters.create({
      name: `Value ${func}`,
      filter: nameIs("usage"),
      aggregation: { func, property: "v" },
    });
  }
  // No event matches it: no customer meter may appear for it (metering §6.2 step 3).
  meters.unused = await polar.meters.create({
    name: "Unused",
    filter: nameIs("never_sent"),
    aggregation: { func: "count" },
  });
  const response = await polar.events.ingest({
    events: [
      { name: "usage", customerId: alice.id, metadata: { v: 10 } },
      { name: "usage", externalCustomerId: "m_alice", metadata: { v: 20 } },
      { name: "usage", externalCustomerId: "m_bob", metadata: { v: 60 } },
      // Not a number: outside every property meter, so it changes no figure.
      { name: "usage", customerId: bob.id, metadata: { v: "lots" } },
      { name: "api_call", customerId: alice.id },
      { name: "api_call", customerId: alice.id },
      { name: "api_call", externalCustomerId: "m_alice" },
      { name: "api_call", customerId: bob.id },
      // A customer that does not exist yet gets no customer meter.
      { name: "api_call", externalCustomerId: "m_later" },
    ],
  });
  expect(response.inserted).toBe(9);
});

afterAll(async () => {
  await server?.stop();
});

describe("customerMeters", () => {
  /** Expected (consumed) figures per customer and meter once the materializer has caught up. */
  const expectedConsumed = () =>
    new Map([
      [`${alice.id}:${meters.calls.id}`, 3],
      [`${alice.id}:${meters.sum.id}`, 30],
      [`${alice.id}:${meters.avg.id}`, 15],
      [`${alice.id}:${meters.max.id}`, 20],
      [`${alice.id}:${meters.min.id}`, 10],
      [`${bob.id}:${meters.calls.id}`, 1],
      [`${bob.id}:${meters.sum.id}`, 60],
      [`${bob.id}:${meters.avg.id}`, 60],
      [`${bob.id}:${meters.max.id}`, 60],
      [`${bob.id}:${meters.min.id}`, 60],
    ]);

  let all: CustomerMeter[];

  it("list: one row per customer and meter with usage, with consumed, credited and balance", async () => {
    await vi.waitFor(
      async () => {
        const page = await polar.customerMeters.list({ limit: 100 });
        const figures = new Map(
          page.result.items.map((row) => [`${row.customerId}:${row.meterId}`, row.consumedUnits]),
        );
        expect(figures).toEqual(expectedConsumed());
        all = page.result.items;
      },
      { timeout: 20_000, interval: 200 },
    );
    for (const row of all) {
      expect(row.creditedUnits).toBe(0);
      expect(row.balance).toBe(-row.consumedUnits);
      expect(row.customer.id).toBe(row.customerId);
      expect(row.meter.id).toBe(row.meterId);
      expect(row.meter.organizationId).toBe(organizationId);
      expect(row.createdAt).toBeInstanceOf(Date);
    }
    const aliceCalls = all.find((row) => row.customerId === alice.id && row.meterId === meters.calls.id);
    expect(aliceCalls?.customer).toMatchObject({ email: "alice@meters.example", externalId: "m_alice", name: "Alice" });
    expect(aliceCalls?.meter).toMatchObject({ name: "API calls", aggregation: { func: "count" } });
  });

  it("list: customer, external customer and meter filters", async () => {
    const keys = async (request: Parameters<Polar["customerMeters"]["list"]>[0]) =>
      (await polar.customerMeters.list({ limit: 100, ...request })).result.items
        .map((row) => `${row.customerId}:${row.meterId}`)
        .sort();
    const aliceKeys = [...expectedConsumed().keys()].filter((key) => key.startsWith(alice.id)).sort();
    expect(await keys({ customerId: alice.id })).toEqual(aliceKeys);
    expect(await keys({ externalCustomerId: "m_alice" })).toEqual(aliceKeys);
    expect(await keys({ meterId: [meters.calls.id, meters.max.id] })).toEqual(
      [
        `${alice.id}:${meters.calls.id}`,
        `${alice.id}:${meters.max.id}`,
        `${bob.id}:${meters.calls.id}`,
        `${bob.id}:${meters.max.id}`,
      ].sort(),
    );
    expect(await keys({ customerId: bob.id, meterId: meters.sum.id })).toEqual([`${bob.id}:${meters.sum.id}`]);
    expect(await keys({ organizationId: randomUUID() })).toEqual([]);
  });

  it("list: sorting by consumed units and by meter name", async () => {
    const consumed = (await polar.customerMeters.list({ sorting: ["-consumed_units"], limit: 100 })).result.items.map(
      (row) => row.consumedUnits,
    );
    expect(consumed).toEqual([...consumed].sort((a, b) => b - a));
    const balances = (await polar.customerMeters.list({ sorting: ["balance"], limit: 3 })).result.items.map(
      (row) => row.balance,
    );
    expect(balances).toEqual([-60, -60, -60]);
    const meterNames = (
      await polar.customerMeters.list({ sorting: ["meter_name", "customer_name"], limit: 100 })
    ).result.items.map((row) => `${row.meter.name}/${row.customer.name}`);
    expect(meterNames.slice(0, 4)).toEqual(["API calls/Alice", "API calls/Bob", "Value avg/Alice", "Value avg/Bob"]);
  });

  it("list: for await with limit 3 sees every row exactly once", async () => {
    const { pageCount, items } = await collectPages(await polar.customerMeters.list({ limit: 3 }));
    expect(pageCount).toBe(4);
    const ids = items.map((row) => row.id);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
  });

  it("get: by id; ResourceNotFound for an unknown id", async () => {
    const row = all.find((candidate) => candidate.customerId === bob.id && candidate.meterId === meters.sum.id)!;
    const fetched = await polar.customerMeters.get({ id: row.id });
    expect(fetched).toMatchObject({
      id: row.id,
      customerId: bob.id,
      meterId: meters.sum.id,
      consumedUnits: 60,
      creditedUnits: 0,
      balance: -60,
    });
    expect(fetched.customer.email).toBe("bob@meters.example");
    const missing = await rejection(polar.customerMeters.get({ id: randomUUID() }), ResourceNotFound);
    expect(missing.detail).toBe("Not found");
  });

  it("customers.getState lists the same figures as active meters", async () => {
    const state = await polar.customers.getState({ id: alice.id });
    const figures = new Map(
      state.activeMeters.map((meter) => [meter.meterId, [meter.consumedUnits, meter.creditedUnits, meter.balance]]),
    );
    expect(figures).toEqual(
      new Map([
        [meters.calls.id, [3, 0, -3]],
        [meters.sum.id, [30, 0, -30]],
        [meters.avg.id, [15, 0, -15]],
        [meters.max.id, [20, 0, -20]],
        [meters.min.id, [10, 0, -10]],
      ]),
    );
    const external = await polar.customers.getStateExternal({ externalId: "m_alice" });
    expect(external.activeMeters).toEqual(state.activeMeters);
  });

  it("new usage updates the customer meter", async () => {
    await polar.events.ingest({ events: [{ name: "api_call", externalCustomerId: "m_bob" }] });
    const row = all.find((candidate) => candidate.customerId === bob.id && candidate.meterId === meters.calls.id)!;
    await vi.waitFor(
      async () => {
        const fetched = await polar.customerMeters.get({ id: row.id });
        expect([fetched.consumedUnits, fetched.balance]).toEqual([2, -2]);
      },
      { timeout: 15_000, interval: 100 },
    );
  });

  it("a customer created after its events counts them once its next event arrives (TV-19)", async () => {
    const later = await polar.customers.create({ email: "later@meters.example", externalId: "m_later" });
    await polar.events.ingest({ events: [{ name: "api_call", externalCustomerId: "m_later" }] });
    await vi.waitFor(
      async () => {
        const rows = (await polar.customerMeters.list({ customerId: later.id })).result.items;
        expect(rows.map((row) => [row.meterId, row.consumedUnits, row.creditedUnits, row.balance])).toEqual([
          [meters.calls.id, 2, 0, -2],
        ]);
      },
      { timeout: 15_000, interval: 100 },
    );
  });

  it("an unknown token is SDKError 401 on customer meters", async () => {
    const stranger = polarClient(server.url, "polar_oat_not_a_real_token_at_all");
    expect((await rejection(stranger.customerMeters.list({}), SDKError)).statusCode).toBe(401);
    expect((await rejection(stranger.customerMeters.get({ id: all[0]!.id }), SDKError)).statusCode).toBe(401);
  });
});
