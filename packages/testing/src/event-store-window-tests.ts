import { randomUUID } from "node:crypto";
import type { CustomerKeys, CustomerWindow, MeterDefinition, StoredEvent } from "@meterline/core";
import { beforeAll, describe, expect } from "vitest";
import type { ContractTest } from "./contract-test.js";
import type { EventStoreTestContext } from "./event-store-contract.js";

const START = Date.parse("2025-06-05T12:00:00.000Z");
const at = (hours: number) => new Date(START + hours * 3_600_000);
const NO_USAGE = { count: 0, valueCount: 0, sum: 0, min: null, max: null };

/**
 * customerWindows(): a customer's window on a meter starts at its latest `meter.reset` for that
 * meter in log order (ARCHITECTURE §3.5, spec metering §6.2, TV-12). Events are built in log order.
 */
export function registerEventStoreWindowTests(shared: EventStoreTestContext, test: ContractTest): void {
  describe("customerWindows", () => {
    const organizationId = randomUUID();
    const otherOrganizationId = randomUUID();
    const c: CustomerKeys = { id: randomUUID(), externalId: "ext-c" };
    const d: CustomerKeys = { id: randomUUID(), externalId: "ext-d" };
    const noExternalId: CustomerKeys = { id: randomUUID(), externalId: null };
    const onlyReset: CustomerKeys = { id: randomUUID(), externalId: "ext-reset-only" };
    const lite: MeterDefinition = {
      id: randomUUID(),
      filter: { conjunction: "and", clauses: [{ property: "model", operator: "eq", value: "lite" }] },
      aggregation: { func: "sum", property: "tokens" },
    };
    const calls: MeterDefinition = {
      id: randomUUID(),
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api.call" }] },
      aggregation: { func: "count" },
    };
    const never: MeterDefinition = {
      id: randomUUID(),
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "never" }] },
      aggregation: { func: "count" },
    };
    const { events } = shared;
    const usage = (customer: Partial<StoredEvent>, metadata: Record<string, unknown>, timestamp = at(0)) =>
      events.next({ organizationId, name: "api.call", timestamp, metadata, ...customer });
    const system = (name: string, customerId: string, metadata: Record<string, unknown>, timestamp = at(0)) =>
      events.next({ organizationId, name, source: "system", customerId, timestamp, ingestedAt: timestamp, metadata });
    const byId = { customerId: c.id };
    const byExternalId = { externalCustomerId: c.externalId };

    // Log order is the order of these lines.
    const beforeResets = usage(byId, { model: "lite", tokens: 20 });
    const olderReset = system("meter.reset", c.id, { meter_id: lite.id }, at(10)); // later timestamp, earlier in the log
    const betweenResets = usage(byId, { model: "lite", tokens: 7 });
    const latestReset = system("meter.reset", c.id, { meter_id: lite.id }, at(-10));
    const inWindow = usage(byId, { model: "lite", tokens: 10 });
    const otherMeterReset = system("meter.reset", c.id, { meter_id: calls.id });
    const otherCustomerReset = system("meter.reset", d.id, { meter_id: lite.id });
    const backdated = usage(byExternalId, { model: "lite", tokens: 10 }, at(-20));
    const ineligible = usage(byId, { model: "lite", tokens: "many" });
    const systemMatch = system("benefit.granted", c.id, { model: "lite", tokens: 1000 });
    const credit = system("meter.credited", c.id, { meter_id: lite.id, units: 10, rollover: false });
    const otherModel = usage(byId, { model: "pro", tokens: 100 });
    const otherMeterCredit = system("meter.credited", c.id, { meter_id: calls.id, units: 10, rollover: false });
    // A user event named like a credit is ordinary usage, never a credit.
    const userCredit = events.next({
      organizationId,
      name: "meter.credited",
      customerId: c.id,
      metadata: { meter_id: lite.id, units: 50, rollover: false, model: "lite", tokens: 1 },
    });
    const debit = system("meter.credited", c.id, { meter_id: lite.id, units: -3, rollover: true });
    const foreign = events.next({
      organizationId: otherOrganizationId,
      name: "api.call",
      customerId: c.id,
      metadata: { model: "lite", tokens: 1000 },
    });
    const anonymous = usage({}, { model: "lite", tokens: 5 });
    const ofNoExternalId = usage({ customerId: noExternalId.id }, { model: "lite", tokens: 3 });
    const ofD = usage({ customerId: d.id }, { model: "lite", tokens: 4 });
    const lastOfC = usage(byExternalId, { model: "lite", tokens: 0 });
    const lonelyReset = system("meter.reset", onlyReset.id, { meter_id: lite.id });
    const stored = [
      beforeResets,
      olderReset,
      betweenResets,
      latestReset,
      inWindow,
      otherMeterReset,
      otherCustomerReset,
      backdated,
      ineligible,
      systemMatch,
      credit,
      otherModel,
      otherMeterCredit,
      userCredit,
      debit,
      foreign,
      anonymous,
      ofNoExternalId,
      ofD,
      lastOfC,
      lonelyReset,
    ];

    beforeAll(async () => {
      // Shuffled: the store must order by position, not by insertion.
      await shared.store().insert([...stored].reverse());
    });

    async function windowOf(customer: CustomerKeys, meter: MeterDefinition, organization = organizationId) {
      const windows = await shared.store().customerWindows({ organizationId: organization, customer, meters: [meter] });
      expect(windows).toHaveLength(1);
      return windows[0] as CustomerWindow;
    }

    test("the window starts at the customer's latest reset of the meter in log order, not by timestamp", async () => {
      expect((await windowOf(c, lite)).windowStart).toEqual(latestReset.position);
    });

    test("resets of another meter or another customer are ignored", async () => {
      expect((await windowOf(c, calls)).windowStart).toEqual(otherMeterReset.position);
      const windowOfD = await windowOf(d, lite);
      expect(windowOfD.windowStart).toEqual(otherCustomerReset.position);
      expect(windowOfD.usage).toEqual({ count: 1, valueCount: 1, sum: 4, min: 4, max: 4 });
    });

    test("usage aggregates the window's user events matching filter AND eligibility, by customer id or external id", async () => {
      // inWindow 10, backdated 10 (by external id), userCredit 1, lastOfC 0 (by external id).
      expect((await windowOf(c, lite)).usage).toEqual({ count: 4, valueCount: 4, sum: 21, min: 0, max: 10 });
      // backdated, ineligible, otherModel, lastOfC: every api.call after the other meter's reset.
      expect((await windowOf(c, calls)).usage).toEqual({ count: 4, valueCount: 0, sum: 0, min: null, max: null });
    });

    test("credits are the window's system meter.credited units for the meter, in log order", async () => {
      expect((await windowOf(c, lite)).credits).toEqual([
        { units: 10, rollover: false },
        { units: -3, rollover: true },
      ]);
      expect((await windowOf(c, calls)).credits).toEqual([{ units: 10, rollover: false }]);
    });

    test("lastPosition and lastEventId name the window's last event", async () => {
      const window = await windowOf(c, lite);
      expect(window.hasEvents).toBe(true);
      expect(window.lastPosition).toEqual(lastOfC.position);
      expect(window.lastEventId).toBe(lastOfC.id);
      expect(await windowOf(onlyReset, lite)).toEqual({
        meterId: lite.id,
        windowStart: lonelyReset.position,
        hasEvents: true,
        usage: NO_USAGE,
        credits: [],
        lastPosition: lonelyReset.position,
        lastEventId: lonelyReset.id,
      });
    });

    test("a window without events has none", async () => {
      expect(await windowOf(c, never)).toEqual({
        meterId: never.id,
        windowStart: null,
        hasEvents: false,
        usage: NO_USAGE,
        credits: [],
        lastPosition: null,
        lastEventId: null,
      });
      expect((await windowOf({ id: randomUUID(), externalId: null }, lite)).hasEvents).toBe(false);
    });

    test("without a reset the window is all history; a customer without external id gets only its own events", async () => {
      expect(await windowOf(noExternalId, lite)).toEqual({
        meterId: lite.id,
        windowStart: null,
        hasEvents: true,
        usage: { count: 1, valueCount: 1, sum: 3, min: 3, max: 3 },
        credits: [],
        lastPosition: ofNoExternalId.position,
        lastEventId: ofNoExternalId.id,
      });
    });

    test("windows are scoped to the organization", async () => {
      const window = await windowOf(c, lite, otherOrganizationId);
      expect(window.windowStart).toBeNull();
      expect(window.usage).toEqual({ count: 1, valueCount: 1, sum: 1000, min: 1000, max: 1000 });
      expect(window.lastEventId).toBe(foreign.id);
    });

    test("until closes the window at a reset: the events between the previous reset and it", async () => {
      // Billing appends a reset and reads the window it closed: betweenResets only.
      const [closed] = await shared
        .store()
        .customerWindows({ organizationId, customer: c, meters: [lite], until: latestReset.position });
      expect(closed?.windowStart).toEqual(olderReset.position);
      expect(closed?.usage).toEqual({ count: 1, valueCount: 1, sum: 7, min: 7, max: 7 });
      expect(closed?.credits).toEqual([]);
      expect(closed?.lastEventId).toBe(betweenResets.id);
      // Before the first reset: all history up to it.
      const [first] = await shared
        .store()
        .customerWindows({ organizationId, customer: c, meters: [lite], until: olderReset.position });
      expect(first?.windowStart).toBeNull();
      expect(first?.usage).toEqual({ count: 1, valueCount: 1, sum: 20, min: 20, max: 20 });
      // An open window and one closed after its last event are the same.
      const [open] = await shared.store().customerWindows({ organizationId, customer: c, meters: [lite] });
      const [late] = await shared.store().customerWindows({
        organizationId,
        customer: c,
        meters: [lite],
        until: { partition: lonelyReset.position.partition, offset: lonelyReset.position.offset + 1 },
      });
      expect(late).toEqual(open);
    });

    test("findByExternalIds finds an organization's events by their external ids", async () => {
      const tagged = events.next({
        organizationId,
        name: "api.call",
        externalId: `reset-${randomUUID()}`,
        metadata: {},
      });
      await shared.store().insert([tagged]);
      const found = await shared.store().findByExternalIds(organizationId, [tagged.externalId as string, "missing"]);
      expect(found.map((event) => event.id)).toEqual([tagged.id]);
      expect(found[0]?.position).toEqual(tagged.position);
      expect(await shared.store().findByExternalIds(otherOrganizationId, [tagged.externalId as string])).toEqual([]);
      expect(await shared.store().findByExternalIds(organizationId, [])).toEqual([]);
    });

    test("customersWithEventsBefore: who has events below an offset, by id or external id, in the organization", async () => {
      const store = shared.store();
      const viaExternalId: CustomerKeys = { id: randomUUID(), externalId: c.externalId };
      const unknown: CustomerKeys = { id: randomUUID(), externalId: "ext-unknown" };
      const everyone = [c, d, noExternalId, onlyReset, viaExternalId, unknown];
      const sorted = (ids: Set<string>) => [...ids].sort();
      const ids = (...customers: CustomerKeys[]) => customers.map((customer) => customer.id).sort();
      const past = { ...lonelyReset.position, offset: lonelyReset.position.offset + 1 };
      // Exclusive: c's first event is at beforeResets.
      expect(sorted(await store.customersWithEventsBefore(organizationId, everyone, beforeResets.position))).toEqual(
        [],
      );
      expect(sorted(await store.customersWithEventsBefore(organizationId, everyone, betweenResets.position))).toEqual(
        ids(c),
      );
      // d has only a system event so far; `viaExternalId` shares c's external id, first used by `backdated`.
      expect(sorted(await store.customersWithEventsBefore(organizationId, everyone, backdated.position))).toEqual(
        ids(c, d),
      );
      expect(sorted(await store.customersWithEventsBefore(organizationId, everyone, ofD.position))).toEqual(
        ids(c, d, noExternalId, viaExternalId),
      );
      expect(sorted(await store.customersWithEventsBefore(organizationId, everyone, past))).toEqual(
        ids(c, d, noExternalId, onlyReset, viaExternalId),
      );
      // Another organization's events count only there.
      expect(sorted(await store.customersWithEventsBefore(otherOrganizationId, everyone, past))).toEqual(ids(c));
      expect(sorted(await store.customersWithEventsBefore(otherOrganizationId, everyone, foreign.position))).toEqual(
        [],
      );
      expect(await store.customersWithEventsBefore(organizationId, [], past)).toEqual(new Set());
    });

    test("one window per meter, in the order asked", async () => {
      const windows = await shared
        .store()
        .customerWindows({ organizationId, customer: c, meters: [never, lite, calls] });
      expect(windows.map((window) => window.meterId)).toEqual([never.id, lite.id, calls.id]);
      expect(windows[1]).toEqual(await windowOf(c, lite));
      expect(await shared.store().customerWindows({ organizationId, customer: c, meters: [] })).toEqual([]);
    });
  });
}
