import { randomUUID } from "node:crypto";
import type { EventListQuery, Filter, StoredEvent } from "@meterline/core";
import { beforeAll, describe, expect } from "vitest";
import type { ContractTest } from "./contract-test.js";
import type { EventStoreTestContext } from "./event-store-contract.js";

const START = Date.parse("2025-06-03T00:00:00.000Z");
const minute = (n: number) => new Date(START + n * 60_000);

/** list(): every EventListQuery filter, sorting and paging (spec metering §3.5). */
export function registerEventStoreListTests(shared: EventStoreTestContext, test: ContractTest): void {
  describe("list", () => {
    const organizationId = randomUUID();
    const otherOrganizationId = randomUUID();
    const c = { id: randomUUID(), externalId: "ext-c" };
    const d = { id: randomUUID(), externalId: "ext-d" };
    const { events } = shared;
    const e1 = events.next({
      organizationId,
      customerId: c.id,
      timestamp: minute(1),
      metadata: { model: "lite", tokens: 10, flag: true, code: 1 },
    });
    const e2 = events.next({
      organizationId,
      externalCustomerId: c.externalId,
      timestamp: minute(2),
      metadata: { model: "pro", tokens: 20, flag: "true", code: "1" },
    });
    const e3 = events.next({
      organizationId,
      name: "storage",
      customerId: d.id,
      timestamp: minute(3),
      metadata: { model: "lite", tokens: "30", region: "eu" },
    });
    const e4 = events.next({
      organizationId,
      externalCustomerId: d.externalId,
      timestamp: minute(4),
      metadata: { model: "lite", tokens: 2.5 },
    });
    const e5 = events.next({
      organizationId,
      name: "meter.credited",
      source: "system",
      customerId: c.id,
      timestamp: minute(5),
      metadata: { meter_id: randomUUID(), units: 10, rollover: false },
    });
    const e6 = events.next({ organizationId, customerId: c.id, timestamp: minute(6), metadata: { model: "lite" } });
    const foreign = events.next({
      organizationId: otherOrganizationId,
      customerId: c.id,
      timestamp: minute(3.5),
      metadata: { model: "lite", tokens: 10, flag: true, code: 1 },
    });
    const all = [e1, e2, e3, e4, e5, e6];

    beforeAll(async () => {
      // Inserted out of order: the store sorts, not the insertion.
      await shared.store().insert([e4, foreign, e1, e6, e2, e5, e3]);
    });

    async function ids(query: Partial<EventListQuery>): Promise<string[]> {
      const result = await shared.store().list({
        organizationIds: [organizationId],
        sort: [{ property: "timestamp", direction: "asc" }],
        limit: 100,
        offset: 0,
        ...query,
      });
      expect(result.total).toBe(result.items.length);
      return result.items.map((event) => event.id);
    }
    const idsOf = (...list: StoredEvent[]) => list.map((event) => event.id);
    const nameIsApiCall: Filter = {
      conjunction: "and",
      clauses: [{ property: "name", operator: "eq", value: "api.call" }],
    };

    test("lists the organizations' events, never another organization's", async () => {
      const result = await shared.store().list({
        organizationIds: [organizationId],
        sort: [{ property: "timestamp", direction: "asc" }],
        limit: 100,
        offset: 0,
      });
      expect(result).toEqual({ items: all, total: 6 });
      expect(await ids({ organizationIds: [organizationId, otherOrganizationId] })).toEqual(
        idsOf(e1, e2, e3, foreign, e4, e5, e6),
      );
      expect(await ids({ organizationIds: [] })).toEqual([]);
    });

    test("filter has meter semantics, nested and/or included, and no eligibility unless an aggregation is given", async () => {
      const nested: Filter = {
        conjunction: "and",
        clauses: [
          { property: "name", operator: "eq", value: "api.call" },
          {
            conjunction: "or",
            clauses: [
              { property: "model", operator: "eq", value: "pro" },
              { property: "metadata.tokens", operator: "gt", value: 5 },
            ],
          },
        ],
      };
      expect(await ids({ filter: nested })).toEqual(idsOf(e1, e2));
      expect(await ids({ filter: { conjunction: "and", clauses: [] } })).toEqual(idsOf(...all));
      expect(await ids({ filter: nameIsApiCall })).toEqual(idsOf(e1, e2, e4, e6));
      expect(await ids({ filter: nameIsApiCall, aggregation: { func: "sum", property: "tokens" } })).toEqual(
        idsOf(e1, e2, e4),
      );
      expect(await ids({ filter: nameIsApiCall, aggregation: { func: "max", property: "metadata.tokens" } })).toEqual(
        idsOf(e1, e2, e4),
      );
      expect(await ids({ filter: nameIsApiCall, aggregation: { func: "count" } })).toEqual(idsOf(e1, e2, e4, e6));
      // An aggregation alone applies only its eligibility: e3's tokens is a string.
      expect(await ids({ aggregation: { func: "sum", property: "tokens" } })).toEqual(idsOf(e1, e2, e4));
    });

    test("startTimestamp and endTimestamp are strict", async () => {
      expect(await ids({ startTimestamp: e2.timestamp, endTimestamp: e5.timestamp })).toEqual(idsOf(e3, e4));
      expect(await ids({ startTimestamp: e6.timestamp })).toEqual([]);
      expect(await ids({ endTimestamp: e1.timestamp })).toEqual([]);
    });

    test("customer matches customer ids OR external customer ids", async () => {
      expect(await ids({ customer: { customerIds: [c.id], externalCustomerIds: [c.externalId] } })).toEqual(
        idsOf(e1, e2, e5, e6),
      );
      expect(await ids({ customer: { customerIds: [c.id], externalCustomerIds: [] } })).toEqual(idsOf(e1, e5, e6));
      expect(await ids({ customer: { customerIds: [], externalCustomerIds: [d.externalId] } })).toEqual(idsOf(e4));
      expect(await ids({ customer: { customerIds: [d.id], externalCustomerIds: [c.externalId] } })).toEqual(
        idsOf(e2, e3),
      );
      expect(await ids({ customer: { customerIds: [], externalCustomerIds: [] } })).toEqual([]);
    });

    test("names and sources match exactly", async () => {
      expect(await ids({ names: ["storage", "meter.credited"] })).toEqual(idsOf(e3, e5));
      expect(await ids({ names: ["api"] })).toEqual([]);
      expect(await ids({ sources: ["system"] })).toEqual(idsOf(e5));
      expect(await ids({ sources: ["user"] })).toEqual(idsOf(e1, e2, e3, e4, e6));
      expect(await ids({ sources: ["user"], names: ["meter.credited"] })).toEqual([]);
    });

    test("metadata matches the stored value's text; values of a key are OR'ed, keys AND'ed", async () => {
      // A boolean true and the string "true" both read "true"; the number 1 and the string "1" both read "1".
      expect(await ids({ metadata: { flag: ["true"] } })).toEqual(idsOf(e1, e2));
      expect(await ids({ metadata: { code: ["1"] } })).toEqual(idsOf(e1, e2));
      expect(await ids({ metadata: { flag: ["True"] } })).toEqual([]);
      expect(await ids({ metadata: { tokens: ["2.5"] } })).toEqual(idsOf(e4));
      expect(await ids({ metadata: { tokens: ["30"] } })).toEqual(idsOf(e3));
      expect(await ids({ metadata: { model: ["pro", "lite"] } })).toEqual(idsOf(e1, e2, e3, e4, e6));
      expect(await ids({ metadata: { model: ["pro", "lite"], tokens: ["10", "20"] } })).toEqual(idsOf(e1, e2));
      expect(await ids({ metadata: { model: ["lite"], region: ["eu"] } })).toEqual(idsOf(e3));
      expect(await ids({ metadata: { missing: ["x"] } })).toEqual([]);
    });

    test("all filters are AND'ed", async () => {
      expect(
        await ids({
          filter: nameIsApiCall,
          customer: { customerIds: [c.id], externalCustomerIds: [] },
          metadata: { model: ["lite"] },
          sources: ["user"],
          startTimestamp: minute(0),
        }),
      ).toEqual(idsOf(e1, e6));
    });

    test("limit and offset page the items; total counts every match", async () => {
      const page = (limit: number, offset: number, filter?: Filter) =>
        shared.store().list({
          organizationIds: [organizationId],
          sort: [{ property: "timestamp", direction: "desc" }],
          limit,
          offset,
          ...(filter === undefined ? {} : { filter }),
        });
      expect(await page(2, 1)).toEqual({ items: [e5, e4], total: 6 });
      expect(await page(2, 10)).toEqual({ items: [], total: 6 });
      expect(await page(1, 0, nameIsApiCall)).toEqual({ items: [e6], total: 4 });
    });

    test("sorts by timestamp both ways, ties broken by log position, so pages are stable", async () => {
      const sortOrganizationId = randomUUID();
      const at = [3, 1, 2, 1, 1].map(minute);
      const tied = at.map((timestamp) => events.next({ organizationId: sortOrganizationId, timestamp }));
      await shared.store().insert([...tied].reverse());
      const [t3, t1a, t2, t1b, t1c] = tied as [StoredEvent, StoredEvent, StoredEvent, StoredEvent, StoredEvent];
      const ascending = idsOf(t1a, t1b, t1c, t2, t3);
      const sorted = (direction: "asc" | "desc") =>
        ids({ organizationIds: [sortOrganizationId], sort: [{ property: "timestamp", direction }] });
      const paged = async (direction: "asc" | "desc") => {
        const pages: string[] = [];
        for (let offset = 0; offset < 5; offset += 2) {
          const result = await shared.store().list({
            organizationIds: [sortOrganizationId],
            sort: [{ property: "timestamp", direction }],
            limit: 2,
            offset,
          });
          expect(result.total).toBe(5);
          pages.push(...result.items.map((event) => event.id));
        }
        return pages;
      };
      expect(await sorted("asc")).toEqual(ascending);
      expect(await sorted("desc")).toEqual([...ascending].reverse());
      expect(await paged("asc")).toEqual(ascending);
      expect(await paged("desc")).toEqual([...ascending].reverse());
    });
  });
}
