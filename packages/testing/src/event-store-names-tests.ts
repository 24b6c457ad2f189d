import { randomUUID } from "node:crypto";
import type { EventNameQuery, EventNameRow } from "@meterline/core";
import { beforeAll, describe, expect } from "vitest";
import type { ContractTest } from "./contract-test.js";
import type { EventStoreTestContext } from "./event-store-contract.js";

const START = Date.parse("2025-06-04T00:00:00.000Z");
const hour = (n: number) => new Date(START + n * 3_600_000);

/** names(): one row per (name, source) (spec metering §3.5, `GET /v1/events/names`). */
export function registerEventStoreNamesTests(shared: EventStoreTestContext, test: ContractTest): void {
  describe("names", () => {
    const organizationId = randomUUID();
    const c = { id: randomUUID(), externalId: "ext-c" };
    const d = randomUUID();
    const { events } = shared;
    const stored = [
      // Log order differs from timestamp order: first/last seen read timestamps.
      events.next({ organizationId, name: "api.call", customerId: c.id, timestamp: hour(1) }),
      events.next({ organizationId, name: "api.call", customerId: c.id, timestamp: hour(3) }),
      events.next({ organizationId, name: "api.call", externalCustomerId: c.externalId, timestamp: hour(2) }),
      events.next({ organizationId, name: "storage", customerId: d, timestamp: hour(0.5) }),
      events.next({ organizationId, name: "meter.credited", source: "system", customerId: c.id, timestamp: hour(4) }),
      // A user event may carry a system event's name: it is a row of its own.
      events.next({ organizationId, name: "meter.credited", externalCustomerId: c.externalId, timestamp: hour(5) }),
      events.next({ organizationId, name: "API.Export", customerId: d, timestamp: hour(6) }),
      events.next({ organizationId: randomUUID(), name: "api.call", customerId: c.id, timestamp: hour(7) }),
    ];
    const row = (name: string, source: "user" | "system", occurrences: number, first: number, last: number) => ({
      name,
      source,
      occurrences,
      firstSeen: hour(first),
      lastSeen: hour(last),
    });
    const apiCall = row("api.call", "user", 3, 1, 3);
    const storage = row("storage", "user", 1, 0.5, 0.5);
    const creditedSystem = row("meter.credited", "system", 1, 4, 4);
    const creditedUser = row("meter.credited", "user", 1, 5, 5);
    const apiExport = row("API.Export", "user", 1, 6, 6);

    beforeAll(async () => {
      await shared.store().insert(stored);
    });

    async function names(query: Partial<EventNameQuery>): Promise<{ items: EventNameRow[]; total: number }> {
      return shared.store().names({
        organizationIds: [organizationId],
        sort: [{ property: "last_seen", direction: "desc" }],
        limit: 100,
        offset: 0,
        ...query,
      });
    }
    const keys = (rows: { items: EventNameRow[] }) => rows.items.map((item) => `${item.name}/${item.source}`);

    test("one row per (name, source) with occurrences and first and last timestamps", async () => {
      expect(await names({})).toEqual({
        items: [apiExport, creditedUser, creditedSystem, apiCall, storage],
        total: 5,
      });
    });

    test("query is a case-insensitive literal substring of the name", async () => {
      expect(keys(await names({ query: "API" }))).toEqual(["API.Export/user", "api.call/user"]);
      expect(keys(await names({ query: "cAlL" }))).toEqual(["api.call/user"]);
      expect(keys(await names({ query: "r.c" }))).toEqual(["meter.credited/user", "meter.credited/system"]);
      expect((await names({ query: "%" })).total).toBe(0);
      expect((await names({ query: "_" })).total).toBe(0);
      expect((await names({ query: "" })).total).toBe(5);
    });

    test("filters by customer and by source", async () => {
      expect(await names({ customer: { customerIds: [c.id], externalCustomerIds: [c.externalId] } })).toEqual({
        items: [creditedUser, creditedSystem, apiCall],
        total: 3,
      });
      expect(await names({ customer: { customerIds: [c.id], externalCustomerIds: [] } })).toEqual({
        items: [creditedSystem, { ...apiCall, occurrences: 2, lastSeen: hour(3) }],
        total: 2,
      });
      expect(await names({ sources: ["system"] })).toEqual({ items: [creditedSystem], total: 1 });
    });

    test("sorts by occurrences, first_seen, last_seen and name", async () => {
      const sorted = (property: EventNameQuery["sort"][number]["property"], direction: "asc" | "desc") =>
        names({ sort: [{ property, direction }] });
      expect((await sorted("occurrences", "desc")).items[0]).toEqual(apiCall);
      expect((await sorted("occurrences", "asc")).items.at(-1)).toEqual(apiCall);
      expect((await sorted("first_seen", "asc")).items).toEqual([
        storage,
        apiCall,
        creditedSystem,
        creditedUser,
        apiExport,
      ]);
      expect((await sorted("first_seen", "desc")).items).toEqual([
        apiExport,
        creditedUser,
        creditedSystem,
        apiCall,
        storage,
      ]);
      expect((await sorted("last_seen", "asc")).items).toEqual([
        storage,
        apiCall,
        creditedSystem,
        creditedUser,
        apiExport,
      ]);
      // Names sort by code point, as the reference does: upper case before lower case.
      const byName = ["API.Export", "api.call", "meter.credited", "meter.credited", "storage"];
      expect((await sorted("name", "asc")).items.map((item) => item.name)).toEqual(byName);
      expect((await sorted("name", "desc")).items.map((item) => item.name)).toEqual([...byName].reverse());
    });

    test("limit and offset page the rows; total counts every row", async () => {
      expect(await names({ limit: 2, offset: 1 })).toEqual({ items: [creditedUser, creditedSystem], total: 5 });
      expect(await names({ limit: 2, offset: 5 })).toEqual({ items: [], total: 5 });
    });
  });
}
