import { randomUUID } from "node:crypto";
import type { AppendedRecord, Clock, EventLog, LogRecord } from "@meterline/core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { type ContractOptions, contractTest } from "./contract-test.js";
import { registerEventLogConsumeTests } from "./event-log-consume-tests.js";
import { startRecordingConsumer } from "./log-consumer.js";
import { expectStrictlyIncreasing } from "./log-order.js";
import { makeLogRecord } from "./log-record.js";
import { waitFor } from "./wait-for.js";

export interface EventLogContractContext {
  /** A log with no records yet (a fresh database or topic); tests isolate by organization and group. */
  log: EventLog;
  /** The clock `ingestedAt` comes from: the injected clock, or the real time for a broker's append time. */
  clock: Clock;
  /** How far `ingestedAt` may lie outside the clock readings taken around an append (broker clock). Default 0. */
  ingestedAtToleranceMs?: number;
  /** Closes the log and drops what the factory created. */
  cleanup(): Promise<void>;
}

export type EventLogContractFactory = () => Promise<EventLogContractContext>;

/**
 * The EventLog port's contract (ARCHITECTURE §3.1, §3.3, §3.5, §4). Every adapter must pass it.
 * One log is shared by the suite, so tests never assume they are alone in it: each uses fresh
 * organizations and consumer groups and looks only at its own records.
 */
export function describeEventLogContract(
  name: string,
  factory: EventLogContractFactory,
  options: ContractOptions = {},
): void {
  describe(`EventLog contract: ${name}`, () => {
    const test = contractTest(options);
    let context: EventLogContractContext | undefined;
    const ctx = () => {
      if (context === undefined) throw new Error("EventLog factory did not run");
      return context;
    };
    // Read before any test appends: opening a second log for this costs seconds on some adapters.
    let fresh: { head: unknown; watermark: unknown } | undefined;
    beforeAll(async () => {
      context = await factory();
      const partition = context.log.partitionFor(randomUUID());
      fresh = {
        head: await context.log.head(partition),
        watermark: await context.log.watermark(`contract.${randomUUID()}`, partition),
      };
    });
    afterAll(async () => {
      await context?.cleanup();
    });

    test("a fresh log has no head and no watermark", async () => {
      expect(fresh).toEqual({ head: null, watermark: null });
    });

    test("append returns every record in request order with its position and ingestedAt", async () => {
      const { log, clock } = ctx();
      const tolerance = ctx().ingestedAtToleranceMs ?? 0;
      const organizationId = randomUUID();
      const records = [1, 2, 3].map((n) => makeLogRecord({ organizationId, metadata: { n } }));
      const before = clock.now().getTime();
      const result = await log.append(records);
      const after = clock.now().getTime();
      expect(result.duplicates).toEqual([]);
      expect(result.appended).toHaveLength(records.length);
      result.appended.forEach((appended, index) => {
        expect(appended).toMatchObject(records[index] as LogRecord);
        expect(appended.position.partition).toBe(log.partitionFor(organizationId));
        expect(Number.isSafeInteger(appended.position.offset)).toBe(true);
        expect(appended.ingestedAt).toBeInstanceOf(Date);
        expect(appended.ingestedAt.getTime()).toBeGreaterThanOrEqual(before - tolerance);
        expect(appended.ingestedAt.getTime()).toBeLessThanOrEqual(after + tolerance);
      });
      expectStrictlyIncreasing(result.appended);
    });

    test("an empty append appends nothing", async () => {
      expect(await ctx().log.append([])).toEqual({ appended: [], duplicates: [] });
    });

    test("one organization's records share one partition, where positions strictly increase", async () => {
      const { log } = ctx();
      const organizations = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const appended: AppendedRecord[] = [];
      for (let call = 0; call < 3; call++) {
        const records = organizations.flatMap((organizationId) =>
          [0, 1].map((n) => makeLogRecord({ organizationId, metadata: { call, n } })),
        );
        appended.push(...(await log.append(records)).appended);
      }
      expect(appended).toHaveLength(24);
      for (const organizationId of organizations) {
        const partition = log.partitionFor(organizationId);
        expect(log.partitionFor(organizationId)).toBe(partition);
        const own = appended.filter((record) => record.organizationId === organizationId);
        expect(own.every((record) => record.position.partition === partition)).toBe(true);
      }
      // In request order, across calls, every partition's positions only go up.
      const partitions = new Set(appended.map((record) => record.position.partition));
      for (const partition of partitions) {
        expectStrictlyIncreasing(appended.filter((record) => record.position.partition === partition));
      }
    });

    test("an append that fails appends nothing and claims no idempotency key", async () => {
      const { log } = ctx();
      const organizationId = randomUUID();
      const good = [
        makeLogRecord({ organizationId, externalId: "a" }),
        makeLogRecord({ organizationId, externalId: "b" }),
        makeLogRecord({ organizationId, externalId: null }),
      ];
      // A bigint has no JSON form: the append must fail after the good records were handled.
      const unserializable = makeLogRecord({ organizationId, externalId: "c", metadata: { tokens: 10n } });
      await expect(log.append([...good, unserializable])).rejects.toThrow();

      const retried = [...good, makeLogRecord({ organizationId, externalId: "c" })];
      const result = await log.append(retried);
      expect(result.duplicates).toEqual([]);
      expect(result.appended.map((record) => record.id)).toEqual(retried.map((record) => record.id));

      const consumer = await startRecordingConsumer(log, `contract.${randomUUID()}`);
      await waitFor("the retried records", () => consumer.handledFor(organizationId).length >= retried.length);
      await consumer.stop();
      expect(consumer.handledFor(organizationId)).toEqual(result.appended);
    });

    test("a second record with a used (organization, externalId) in a later append is a duplicate", async () => {
      const { log } = ctx();
      const organizationId = randomUUID();
      const first = makeLogRecord({ organizationId, externalId: "order-1", metadata: { tokens: 1 } });
      expect((await log.append([first])).appended.map((record) => record.id)).toEqual([first.id]);
      const again = makeLogRecord({ organizationId, externalId: "order-1", metadata: { tokens: 2 } });
      const other = makeLogRecord({ organizationId, externalId: "order-2" });
      const result = await log.append([again, other]);
      expect(result.duplicates).toEqual([again]);
      expect(result.appended.map((record) => record.id)).toEqual([other.id]);
    });

    test("duplicates within one append: the first wins and duplicates are reported in request order", async () => {
      const { log } = ctx();
      const organizationId = randomUUID();
      const earlier = makeLogRecord({ organizationId, externalId: "x" });
      await log.append([earlier]);
      const records = [
        makeLogRecord({ organizationId, externalId: "y" }), // appended
        makeLogRecord({ organizationId, externalId: "x" }), // duplicate of the earlier append
        makeLogRecord({ organizationId, externalId: "y" }), // duplicate within the call
        makeLogRecord({ organizationId, externalId: "z" }), // appended
        makeLogRecord({ organizationId, externalId: "x" }), // duplicate of the earlier append
        makeLogRecord({ organizationId, externalId: "z" }), // duplicate within the call
      ];
      const [y, x1, y2, z, x2, z2] = records as [LogRecord, LogRecord, LogRecord, LogRecord, LogRecord, LogRecord];
      const result = await log.append(records);
      expect(result.appended.map((record) => record.id)).toEqual([y.id, z.id]);
      expect(result.duplicates).toEqual([x1, y2, x2, z2]);

      const consumer = await startRecordingConsumer(log, `contract.${randomUUID()}`);
      await waitFor("the non-duplicate records", () => consumer.handledFor(organizationId).length >= 3);
      await consumer.stop();
      expect(consumer.handledFor(organizationId).map((record) => record.id)).toEqual([earlier.id, y.id, z.id]);
    });

    test("the same externalId in two organizations is not a duplicate", async () => {
      const { log } = ctx();
      const records = [randomUUID(), randomUUID()].map((organizationId) =>
        makeLogRecord({ organizationId, externalId: "shared-key" }),
      );
      const result = await log.append(records);
      expect(result.duplicates).toEqual([]);
      expect(result.appended.map((record) => record.id)).toEqual(records.map((record) => record.id));
      const later = await log.append(
        records.map((record) => makeLogRecord({ organizationId: record.organizationId, externalId: "shared-key" })),
      );
      expect(later.appended).toEqual([]);
      expect(later.duplicates).toHaveLength(2);
    });

    test("a record without an externalId is never a duplicate", async () => {
      const { log } = ctx();
      const organizationId = randomUUID();
      const batch = () => [0, 1].map(() => makeLogRecord({ organizationId, externalId: null }));
      const first = await log.append(batch());
      const second = await log.append(batch());
      expect(first.appended).toHaveLength(2);
      expect(second.appended).toHaveLength(2);
      expect([...first.duplicates, ...second.duplicates]).toEqual([]);
    });

    test("head is the last appended position of the partition", async () => {
      const { log } = ctx();
      const organizationId = randomUUID();
      const partition = log.partitionFor(organizationId);
      const first = await log.append([makeLogRecord({ organizationId }), makeLogRecord({ organizationId })]);
      expect(await log.head(partition)).toEqual(first.appended.at(-1)?.position);
      const second = await log.append([makeLogRecord({ organizationId })]);
      expect(await log.head(partition)).toEqual(second.appended.at(-1)?.position);
    });

    registerEventLogConsumeTests(ctx, test);
  });
}
