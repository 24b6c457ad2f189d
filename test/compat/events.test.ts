import { randomUUID } from "node:crypto";
import type { Polar } from "@polar-sh/sdk";
import type { Customer } from "@polar-sh/sdk/models/components/customer.js";
import type { Event } from "@polar-sh/sdk/models/components/event.js";
import type { Meter } from "@polar-sh/sdk/models/components/meter.js";
import { HTTPValidationError } from "@polar-sh/sdk/models/errors/httpvalidationerror.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { SDKError } from "@polar-sh/sdk/models/errors/sdkerror.js";
import type { EventsListRequest } from "@polar-sh/sdk/models/operations/eventslist.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectPages, polarClient, rejection } from "./sdk.js";
import { ORGANIZATION_TOKEN, type RunningServer, startServer } from "./server.js";

let server: RunningServer;
let polar: Polar;
let organizationId: string;
let customer: Customer;
let tokensMeter: Meter;

/** Event i (1-based) is stamped 2025-06-01T00:00:0i; the `seq` metadata names it in assertions. */
const at = (second: number) => new Date(Date.UTC(2025, 5, 1, 0, 0, second));

async function listSeqs(request: EventsListRequest): Promise<number[]> {
  const page = await polar.events.list({ limit: 100, ...request });
  return page.result.items.map(seqOf);
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

/** The SDK types `metadata` as the union of user and system metadata; these are all user events. */
const metadataOf = (event: Event) => event.metadata as Record<string, string | number | boolean>;
const seqOf = (event: Event) => metadataOf(event).seq as number;

beforeAll(async () => {
  server = await startServer();
  polar = polarClient(server.url, ORGANIZATION_TOKEN);
  organizationId = (await polar.organizations.list({})).result.items[0]!.id;
  customer = await polar.customers.create({ email: "events@compat.example", externalId: "ev_u1" });
  tokensMeter = await polar.meters.create({
    name: "Tokens",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "ai_usage" }] },
    aggregation: { func: "sum", property: "tokens" },
  });
});

afterAll(async () => {
  await server?.stop();
});

describe("events", () => {
  it("ingest: 200 with the number inserted, for both customer id and external id events", async () => {
    const response = await polar.events.ingest({
      events: [
        {
          name: "ai_usage",
          customerId: customer.id,
          timestamp: at(1),
          metadata: { seq: 1, tokens: 10, model: "gpt-4" },
        },
        {
          name: "ai_usage",
          externalCustomerId: "ev_u1",
          timestamp: at(2),
          metadata: { seq: 2, tokens: 20, model: "gpt-3" },
        },
        {
          name: "ai_usage",
          externalCustomerId: "ev_ghost",
          timestamp: at(3),
          metadata: { seq: 3, tokens: "abc", model: "gpt-4" },
        },
        { name: "api_call", customerId: customer.id, timestamp: at(4), metadata: { seq: 4, path: "/x", flag: true } },
        { name: "api_call", externalCustomerId: "ev_ghost", timestamp: at(5), metadata: { seq: 5, ratio: 0.5 } },
        // A *user* event may be called like a system event; it stays a user event (metering §3.4).
        { name: "meter.credited", externalCustomerId: "ev_other", timestamp: at(6), metadata: { seq: 6, units: 7 } },
      ],
    });
    expect(response).toEqual({ inserted: 6 });
    // Ingest answers once durable; reads see the events after the materializer catches up.
    await vi.waitFor(
      async () => {
        expect((await polar.events.list({})).result.pagination.totalCount).toBe(6);
      },
      { timeout: 15_000, interval: 100 },
    );
  });

  it("list: newest first by default, every event parses as a user event with typed metadata", async () => {
    const page = await polar.events.list({});
    expect(page.result.pagination).toEqual({ totalCount: 6, maxPage: 1 });
    const events = page.result.items;
    expect(events.map(seqOf)).toEqual([6, 5, 4, 3, 2, 1]);
    for (const event of events) {
      expect(event.source).toBe("user");
      expect(event.organizationId).toBe(organizationId);
      expect(event.timestamp).toEqual(at(seqOf(event)));
    }
    const [sixth, fifth, fourth, third, second, first] = events as [Event, Event, Event, Event, Event, Event];
    expect(sixth.name).toBe("meter.credited");
    expect(sixth.metadata).toEqual({ seq: 6, units: 7 });
    expect(fifth.metadata).toEqual({ seq: 5, ratio: 0.5 });
    expect(fourth.metadata).toEqual({ seq: 4, path: "/x", flag: true });
    expect(metadataOf(third).tokens).toBe("abc");
    // customer_id is stored as ingested; `customer` is resolved at read time (metering §3.3).
    expect(first).toMatchObject({ customerId: customer.id, externalCustomerId: null });
    expect(first.customer?.id).toBe(customer.id);
    expect(second).toMatchObject({ customerId: null, externalCustomerId: "ev_u1" });
    expect(second.customer?.id).toBe(customer.id);
    expect(second.customer?.email).toBe("events@compat.example");
    expect(third).toMatchObject({ customerId: null, externalCustomerId: "ev_ghost", customer: null });
  });

  it("list: sorting ascending by timestamp", async () => {
    expect(await listSeqs({ sorting: ["timestamp"] })).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await listSeqs({ sorting: ["-timestamp"] })).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it("list: for await over pages of 2 sees every event exactly once", async () => {
    const { pageCount, items } = await collectPages(await polar.events.list({ limit: 2, sorting: ["timestamp"] }));
    expect(pageCount).toBe(3);
    expect(items.map(seqOf)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("list: `filter` takes a JSON meter filter", async () => {
    const gpt4 = JSON.stringify({
      conjunction: "and",
      clauses: [{ property: "model", operator: "eq", value: "gpt-4" }],
    });
    expect(sorted(await listSeqs({ filter: gpt4 }))).toEqual([1, 3]);
    const nested = JSON.stringify({
      conjunction: "or",
      clauses: [
        { property: "name", operator: "eq", value: "api_call" },
        { conjunction: "and", clauses: [{ property: "tokens", operator: "gt", value: 15 }] },
      ],
    });
    // Event 3's tokens is the string "abc": against an integer it compares as text, "abc" > "15".
    expect(sorted(await listSeqs({ filter: nested }))).toEqual([2, 3, 4, 5]);
    const invalid = await rejection(polar.events.list({ filter: "{not json" }), HTTPValidationError);
    expect(invalid.detail?.[0]?.loc[0]).toBe("query");
  });

  it("list: `meterId` applies the meter filter and its aggregation eligibility", async () => {
    // Event 3 has tokens "abc": not a number, so not part of a sum meter at all.
    expect(sorted(await listSeqs({ meterId: tokensMeter.id }))).toEqual([1, 2]);
    const unknown = await rejection(polar.events.list({ meterId: randomUUID() }), HTTPValidationError);
    expect(unknown.detail?.[0]).toMatchObject({
      loc: ["query", "meter_id"],
      msg: "Meter not found.",
      type: "meter_id",
    });
  });

  it("list: `customerId` and `externalCustomerId` match both ways", async () => {
    expect(sorted(await listSeqs({ customerId: customer.id }))).toEqual([1, 2, 4]);
    expect(sorted(await listSeqs({ externalCustomerId: "ev_u1" }))).toEqual([1, 2, 4]);
    expect(sorted(await listSeqs({ externalCustomerId: ["ev_ghost", "ev_other"] }))).toEqual([3, 5, 6]);
    expect(await listSeqs({ customerId: randomUUID() })).toEqual([]);
  });

  it("list: `metadata`, `name`, `source`, time bounds (strict) and organization", async () => {
    expect(sorted(await listSeqs({ metadata: { model: "gpt-4" } }))).toEqual([1, 3]);
    expect(sorted(await listSeqs({ metadata: { model: ["gpt-3", "gpt-4"], seq: "3" } }))).toEqual([3]);
    expect(await listSeqs({ metadata: { flag: "true" } })).toEqual([4]);
    expect(await listSeqs({ metadata: { ratio: "0.5" } })).toEqual([5]);
    expect(sorted(await listSeqs({ name: "api_call" }))).toEqual([4, 5]);
    expect(sorted(await listSeqs({ name: ["api_call", "meter.credited"] }))).toEqual([4, 5, 6]);
    expect(await listSeqs({ source: "user" })).toHaveLength(6);
    expect(await listSeqs({ source: "system" })).toEqual([]);
    expect(sorted(await listSeqs({ startTimestamp: at(2), endTimestamp: at(5) }))).toEqual([3, 4]);
    expect(await listSeqs({ organizationId })).toHaveLength(6);
    expect(await listSeqs({ organizationId: randomUUID() })).toEqual([]);
  });

  it("get: returns the event (user event shape) and ResourceNotFound for unknown ids", async () => {
    const [newest] = (await polar.events.list({ limit: 1, sorting: ["timestamp"] })).result.items;
    const fetched = await polar.events.get({ id: newest!.id });
    expect(fetched).toEqual(newest);
    expect(fetched.source).toBe("user");
    const missing = await rejection(polar.events.get({ id: randomUUID() }), ResourceNotFound);
    expect(missing).toMatchObject({ error: "ResourceNotFound", detail: "Not found" });
  });

  // System events (meter.reset, meter.credited) come from billing: billing-subscriptions.test.ts
  // reads them through the SDK.

  it("listNames: one row per name with occurrences and first/last seen", async () => {
    const page = await polar.events.listNames({});
    expect(page.result.pagination).toEqual({ totalCount: 3, maxPage: 1 });
    // Default sorting: -last_seen.
    expect(page.result.items).toEqual([
      { name: "meter.credited", source: "user", occurrences: 1, firstSeen: at(6), lastSeen: at(6) },
      { name: "api_call", source: "user", occurrences: 2, firstSeen: at(4), lastSeen: at(5) },
      { name: "ai_usage", source: "user", occurrences: 3, firstSeen: at(1), lastSeen: at(3) },
    ]);
  });

  it("listNames: filters, query, sorting and pages", async () => {
    const names = async (request: Parameters<Polar["events"]["listNames"]>[0]) =>
      (await polar.events.listNames(request)).result.items.map((row) => `${row.name}:${row.occurrences}`);
    expect(await names({ customerId: customer.id })).toEqual(["api_call:1", "ai_usage:2"]);
    expect(await names({ externalCustomerId: "ev_ghost" })).toEqual(["api_call:1", "ai_usage:1"]);
    expect(await names({ query: "API" })).toEqual(["api_call:2"]);
    expect(await names({ source: "system" })).toEqual([]);
    expect(await names({ sorting: ["name"] })).toEqual(["ai_usage:3", "api_call:2", "meter.credited:1"]);
    expect(await names({ sorting: ["-occurrences"] })).toEqual(["ai_usage:3", "api_call:2", "meter.credited:1"]);
    expect(await names({ sorting: ["first_seen"] })).toEqual(["ai_usage:3", "api_call:2", "meter.credited:1"]);
    const { pageCount, items } = await collectPages(await polar.events.listNames({ limit: 2, sorting: ["name"] }));
    expect(pageCount).toBe(2);
    expect(items.map((row) => row.name)).toEqual(["ai_usage", "api_call", "meter.credited"]);
  });

  it("a customer created later for an external id owns its past events at read time", async () => {
    const ghost = await polar.customers.create({ email: "ghost@compat.example", externalId: "ev_ghost" });
    expect(sorted(await listSeqs({ customerId: ghost.id }))).toEqual([3, 5]);
    const third = (await polar.events.list({ metadata: { seq: "3" } })).result.items[0];
    expect(third).toMatchObject({ customerId: null, externalCustomerId: "ev_ghost" });
    expect(third?.customer?.id).toBe(ghost.id);
  });

  it("ingest: validation is all-or-nothing and reported as HTTPValidationError", async () => {
    const future = new Date(Date.now() + 24 * 60 * 60 * 1000);
    const early = await rejection(
      polar.events.ingest({
        events: [
          { name: "ok", externalCustomerId: "ev_u1", metadata: { seq: 100 } },
          { name: "late", externalCustomerId: "ev_u1", timestamp: future },
        ],
      }),
      HTTPValidationError,
    );
    expect(early.detail?.length).toBeGreaterThan(0);
    for (const item of early.detail ?? []) {
      expect(item.loc.slice(0, 3)).toEqual(["body", "events", 1]);
      expect(typeof item.msg).toBe("string");
      expect(typeof item.type).toBe("string");
    }
    expect(early.detail?.some((item) => item.loc.at(-1) === "timestamp" && item.type === "value_error")).toBe(true);

    const unknownCustomer = await rejection(
      polar.events.ingest({
        events: [
          { name: "ok", externalCustomerId: "ev_u1", metadata: { seq: 101 } },
          { name: "ok", customerId: randomUUID(), metadata: { seq: 102 } },
        ],
      }),
      HTTPValidationError,
    );
    expect(unknownCustomer.detail).toEqual([
      expect.objectContaining({
        loc: ["body", "events", 1, "customer_id"],
        msg: "Customer not found.",
        type: "customer_id",
      }),
    ]);

    const withOrganization = await rejection(
      polar.events.ingest({ events: [{ name: "ok", externalCustomerId: "ev_u1", organizationId }] }),
      HTTPValidationError,
    );
    expect(withOrganization.detail?.[0]).toMatchObject({
      loc: ["body", "events", 0, "organization_id"],
      type: "organization_token",
    });

    // Nothing of the refused batches was stored (give the materializer a moment to prove it).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await polar.events.list({})).result.pagination.totalCount).toBe(6);
  });

  it("an unknown token is SDKError 401 on events too", async () => {
    const stranger = polarClient(server.url, "polar_oat_not_a_real_token_at_all");
    const error = await rejection(
      stranger.events.ingest({ events: [{ name: "x", externalCustomerId: "x" }] }),
      SDKError,
    );
    expect(error.statusCode).toBe(401);
  });
});
