import { randomUUID } from "node:crypto";
import type { AggregateState, Filter, QuantitiesQuery } from "@meterline/core";
import { beforeAll, describe, expect } from "vitest";
import type { ContractTest } from "./contract-test.js";
import type { EventStoreTestContext } from "./event-store-contract.js";

const START = Date.parse("2025-06-02T00:00:00.000Z");
const at = (minutes: number) => new Date(START + minutes * 60_000);
const EMPTY: AggregateState = { count: 0, valueCount: 0, sum: 0, min: null, max: null };

/** quantities(): per-period partial aggregates over [b(i), b(i+1)) (spec metering §5). */
export function registerEventStoreQuantitiesTests(shared: EventStoreTestContext, test: ContractTest): void {
  describe("quantities", () => {
    const organizationId = randomUUID();
    const c = { id: randomUUID(), externalId: "ext-c" };
    const d = randomUUID();
    const { events } = shared;
    const stored = [
      events.next({ organizationId, customerId: c.id, timestamp: at(0), metadata: { tokens: 10, model: "lite" } }),
      events.next({
        organizationId,
        externalCustomerId: c.externalId,
        timestamp: at(30),
        metadata: { tokens: 5, model: "pro" },
      }),
      events.next({ organizationId, customerId: c.id, timestamp: at(45), metadata: { tokens: "many", model: "lite" } }),
      events.next({ organizationId, customerId: d, timestamp: at(60), metadata: { tokens: 2.5, model: "lite" } }),
      events.next({
        organizationId,
        customerId: d,
        timestamp: new Date(at(120).getTime() - 1),
        metadata: { tokens: 0.25, model: "lite" },
      }),
      // Outside [b0, b3): at b3 exactly, and just before b0.
      events.next({ organizationId, customerId: c.id, timestamp: at(180), metadata: { tokens: 100, model: "lite" } }),
      events.next({
        organizationId,
        customerId: c.id,
        timestamp: new Date(START - 1),
        metadata: { tokens: 100, model: "lite" },
      }),
      // Not matched by the filter, and another organization's event.
      events.next({ organizationId, name: "storage", customerId: c.id, timestamp: at(10), metadata: { tokens: 1000 } }),
      events.next({ organizationId: randomUUID(), customerId: c.id, timestamp: at(10), metadata: { tokens: 1000 } }),
    ];
    const filter: Filter = { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api.call" }] };
    const boundaries = [at(0), at(60), at(120), at(180)];
    const sum = { func: "sum", property: "tokens" } as const;

    beforeAll(async () => {
      await shared.store().insert(stored);
    });

    const quantities = (query: Partial<QuantitiesQuery>) =>
      shared.store().quantities({ organizationId, filter, aggregation: sum, boundaries, ...query });

    test("one partial per period: count, valueCount, sum, min and max of eligible events", async () => {
      expect(await quantities({})).toEqual([
        { count: 2, valueCount: 2, sum: 15, min: 5, max: 10 },
        { count: 2, valueCount: 2, sum: 2.75, min: 0.25, max: 2.5 },
        EMPTY,
      ]);
      // The partials do not depend on the function, and `metadata.` is stripped from the property.
      expect(await quantities({ aggregation: { func: "max", property: "metadata.tokens" } })).toEqual(
        await quantities({}),
      );
    });

    test("a count meter counts every matching event and has no values", async () => {
      expect(await quantities({ aggregation: { func: "count" } })).toEqual([
        { count: 3, valueCount: 0, sum: 0, min: null, max: null },
        { count: 2, valueCount: 0, sum: 0, min: null, max: null },
        EMPTY,
      ]);
    });

    test("one period covers [b0, b1); fewer than two boundaries mean no periods", async () => {
      expect(await quantities({ boundaries: [at(0), at(180)] })).toEqual([
        { count: 4, valueCount: 4, sum: 17.75, min: 0.25, max: 10 },
      ]);
      expect(await quantities({ boundaries: [at(0)] })).toEqual([]);
      expect(await quantities({ boundaries: [at(200), at(260)] })).toEqual([EMPTY]);
    });

    test("filters by customer and by metadata", async () => {
      expect(await quantities({ customer: { customerIds: [c.id], externalCustomerIds: [c.externalId] } })).toEqual([
        { count: 2, valueCount: 2, sum: 15, min: 5, max: 10 },
        EMPTY,
        EMPTY,
      ]);
      expect(await quantities({ customer: { customerIds: [c.id], externalCustomerIds: [] } })).toEqual([
        { count: 1, valueCount: 1, sum: 10, min: 10, max: 10 },
        EMPTY,
        EMPTY,
      ]);
      expect(await quantities({ customer: { customerIds: [d], externalCustomerIds: [] } })).toEqual([
        EMPTY,
        { count: 2, valueCount: 2, sum: 2.75, min: 0.25, max: 2.5 },
        EMPTY,
      ]);
      expect(await quantities({ metadata: { model: ["lite"] } })).toEqual([
        { count: 1, valueCount: 1, sum: 10, min: 10, max: 10 },
        { count: 2, valueCount: 2, sum: 2.75, min: 0.25, max: 2.5 },
        EMPTY,
      ]);
    });

    test("only the organization's events count", async () => {
      expect(await quantities({ organizationId: randomUUID() })).toEqual([EMPTY, EMPTY, EMPTY]);
    });
  });
}
