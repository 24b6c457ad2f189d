import { randomUUID } from "node:crypto";
import type { EventStore, Filter, InsertOutcome } from "@meterline/core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { type ContractOptions, contractTest } from "./contract-test.js";
import { registerEventStoreListTests } from "./event-store-list-tests.js";
import { registerEventStoreNamesTests } from "./event-store-names-tests.js";
import { registerEventStoreQuantitiesTests } from "./event-store-quantities-tests.js";
import { registerEventStoreWindowTests } from "./event-store-window-tests.js";
import { StoredEventSequence } from "./stored-event.js";

export interface EventStoreContractContext {
  /** A store the suite shares; tests isolate by fresh organization ids. */
  store: EventStore;
  /** Closes the store and drops what the factory created. */
  cleanup(): Promise<void>;
}

export type EventStoreContractFactory = () => Promise<EventStoreContractContext>;

/** What the store tests share: the store and one position sequence, so log order is creation order. */
export interface EventStoreTestContext {
  store(): EventStore;
  events: StoredEventSequence;
}

const NAME_IS_API_CALL: Filter = {
  conjunction: "and",
  clauses: [{ property: "name", operator: "eq", value: "api.call" }],
};

/**
 * The EventStore port's contract (ARCHITECTURE §3.3–3.5, §4; spec metering §3.3, §3.5, §6.2).
 * Events are built with explicit log positions, so the suite needs no EventLog.
 */
export function describeEventStoreContract(
  name: string,
  factory: EventStoreContractFactory,
  options: ContractOptions = {},
): void {
  describe(`EventStore contract: ${name}`, () => {
    const test = contractTest(options);
    let context: EventStoreContractContext | undefined;
    const shared: EventStoreTestContext = {
      store: () => {
        if (context === undefined) throw new Error("EventStore factory did not run");
        return context.store;
      },
      events: new StoredEventSequence(),
    };
    const { events } = shared;
    beforeAll(async () => {
      context = await factory();
    });
    afterAll(async () => {
      await context?.cleanup();
    });

    test("insert stores new events; an id stored before is already_stored and the first copy wins", async () => {
      const store = shared.store();
      const organizationId = randomUUID();
      const first = events.next({ organizationId, externalId: "a", metadata: { tokens: 1 } });
      const second = events.next({ organizationId, metadata: { tokens: 2 } });
      expect(await store.insert([first, second])).toEqual(
        new Map<string, InsertOutcome>([
          [first.id, "inserted"],
          [second.id, "inserted"],
        ]),
      );
      // Redelivery of the same record, here with a different payload: the stored copy stays.
      const redelivered = { ...first, name: "changed", metadata: { tokens: 999 } };
      const third = events.next({ organizationId });
      expect(await store.insert([redelivered, third])).toEqual(
        new Map<string, InsertOutcome>([
          [first.id, "already_stored"],
          [third.id, "inserted"],
        ]),
      );
      expect(await store.get([organizationId], first.id)).toEqual(first);
      expect(await store.count([organizationId])).toBe(3);
    });

    test("an event with a used (organization, externalId) is duplicate_external_id and not stored", async () => {
      const store = shared.store();
      const organizationId = randomUUID();
      const first = events.next({ organizationId, externalId: "order-1", metadata: { tokens: 1 } });
      await store.insert([first]);
      const duplicate = events.next({ organizationId, externalId: "order-1", metadata: { tokens: 2 } });
      const fresh = events.next({ organizationId, externalId: "order-2" });
      expect(await store.insert([duplicate, fresh])).toEqual(
        new Map<string, InsertOutcome>([
          [duplicate.id, "duplicate_external_id"],
          [fresh.id, "inserted"],
        ]),
      );
      expect(await store.get([organizationId], duplicate.id)).toBeNull();
      expect(await store.get([organizationId], first.id)).toEqual(first);
      expect(await store.count([organizationId])).toBe(2);
      // Redelivering the duplicate gives the same answer: it was never stored.
      expect((await store.insert([duplicate])).get(duplicate.id)).toBe("duplicate_external_id");
    });

    test("within one insert, the first event with an externalId wins", async () => {
      const store = shared.store();
      const organizationId = randomUUID();
      const first = events.next({ organizationId, externalId: "same", metadata: { tokens: 1 } });
      const second = events.next({ organizationId, externalId: "same", metadata: { tokens: 2 } });
      expect(await store.insert([first, second])).toEqual(
        new Map<string, InsertOutcome>([
          [first.id, "inserted"],
          [second.id, "duplicate_external_id"],
        ]),
      );
      expect(await store.get([organizationId], first.id)).toEqual(first);
      expect(await store.get([organizationId], second.id)).toBeNull();
    });

    test("the same externalId in two organizations, and events without one, never conflict", async () => {
      const store = shared.store();
      const [organizationA, organizationB] = [randomUUID(), randomUUID()];
      const batch = [
        events.next({ organizationId: organizationA, externalId: "shared" }),
        events.next({ organizationId: organizationB, externalId: "shared" }),
        events.next({ organizationId: organizationA, externalId: null }),
        events.next({ organizationId: organizationA, externalId: null }),
      ];
      const outcomes = await store.insert(batch);
      expect([...outcomes.values()]).toEqual(["inserted", "inserted", "inserted", "inserted"]);
      expect(await store.count([organizationA])).toBe(3);
      expect(await store.count([organizationB])).toBe(1);
      expect(await store.count([organizationA, organizationB])).toBe(4);
    });

    test("an empty insert stores nothing", async () => {
      expect(await shared.store().insert([])).toEqual(new Map());
    });

    test("get is scoped by organization", async () => {
      const store = shared.store();
      const [organizationId, otherOrganizationId] = [randomUUID(), randomUUID()];
      const event = events.next({ organizationId });
      await store.insert([event]);
      expect(await store.get([otherOrganizationId], event.id)).toBeNull();
      expect(await store.get([], event.id)).toBeNull();
      expect(await store.get([organizationId], randomUUID())).toBeNull();
      expect(await store.get([otherOrganizationId, organizationId], event.id)).toEqual(event);
    });

    test("a stored event round-trips with its position, times and metadata types", async () => {
      const store = shared.store();
      const organizationId = randomUUID();
      const event = events.next({
        organizationId,
        name: "ai.usage ✨",
        source: "system",
        timestamp: new Date("2025-06-01T12:34:56.789Z"),
        ingestedAt: new Date("2025-06-01T12:35:00.001Z"),
        customerId: randomUUID(),
        externalCustomerId: "kunde-ä-1",
        externalId: "ext 🔑",
        metadata: {
          text: 'Grüße 世界 🚀 "q" \\ \n',
          numericText: "42",
          booleanText: "true",
          integer: 42,
          float: 2.675,
          tiny: 1.5e-7,
          huge: 1e21,
          negative: -0.5,
          yes: true,
          no: false,
        },
      });
      await store.insert([event]);
      const stored = await store.get([organizationId], event.id);
      expect(stored).toEqual(event);
      expect(stored?.metadata).toStrictEqual(event.metadata);
    });

    test("count counts the organizations' stored events", async () => {
      const store = shared.store();
      const organizationId = randomUUID();
      expect(await store.count([organizationId])).toBe(0);
      await store.insert([events.next({ organizationId }), events.next({ organizationId })]);
      expect(await store.count([organizationId])).toBe(2);
      expect(await store.count([])).toBe(0);
    });

    test("anyMatching needs filter AND eligibility within the organization", async () => {
      const store = shared.store();
      const [organizationId, otherOrganizationId] = [randomUUID(), randomUUID()];
      await store.insert([
        events.next({ organizationId, name: "api.call", metadata: { tokens: "many" } }),
        events.next({ organizationId: otherOrganizationId, name: "api.call", metadata: { tokens: 5 } }),
      ]);
      expect(await store.anyMatching(organizationId, NAME_IS_API_CALL, { func: "count" })).toBe(true);
      // The only api.call of the organization has no numeric `tokens`, so a sum meter matches nothing.
      expect(await store.anyMatching(organizationId, NAME_IS_API_CALL, { func: "sum", property: "tokens" })).toBe(
        false,
      );
      const storage: Filter = { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "storage" }] };
      expect(await store.anyMatching(organizationId, storage, { func: "count" })).toBe(false);
      expect(await store.anyMatching(otherOrganizationId, NAME_IS_API_CALL, { func: "sum", property: "tokens" })).toBe(
        true,
      );
      expect(await store.anyMatching(randomUUID(), { conjunction: "and", clauses: [] }, { func: "count" })).toBe(false);
    });

    registerEventStoreListTests(shared, test);
    registerEventStoreNamesTests(shared, test);
    registerEventStoreQuantitiesTests(shared, test);
    registerEventStoreWindowTests(shared, test);
  });
}
