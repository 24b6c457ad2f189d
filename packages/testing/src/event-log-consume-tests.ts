import { randomUUID } from "node:crypto";
import type { AppendedRecord, LogRecord } from "@meterline/core";
import { expect } from "vitest";
import type { ContractTest } from "./contract-test.js";
import type { EventLogContractContext } from "./event-log-contract.js";
import { startRecordingConsumer } from "./log-consumer.js";
import { expectStrictlyIncreasing } from "./log-order.js";
import { makeLogRecord } from "./log-record.js";
import { createGate, hasSettled, sleep, waitFor } from "./wait-for.js";

const group = () => `contract.${randomUUID()}`;

/** consume(), commit and watermark. A new group starts from the beginning of the log. */
export function registerEventLogConsumeTests(ctx: () => EventLogContractContext, test: ContractTest): void {
  async function appendFor(organizationId: string, count: number, fields: Partial<LogRecord> = {}) {
    const records = Array.from({ length: count }, (_, n) =>
      makeLogRecord({ organizationId, metadata: { n }, ...fields }),
    );
    return (await ctx().log.append(records)).appended;
  }

  test("consume delivers every record once, in position order, in batches of at most maxBatchSize", async () => {
    const { log } = ctx();
    const organizationId = randomUUID();
    const appended: AppendedRecord[] = [];
    for (const count of [4, 1, 5]) appended.push(...(await appendFor(organizationId, count)));
    const consumer = await startRecordingConsumer(log, group(), { maxBatchSize: 3 });
    await waitFor("all ten records", () => consumer.handledFor(organizationId).length >= appended.length);
    await consumer.stop();

    expect(consumer.handledFor(organizationId)).toEqual(appended);
    for (const delivery of consumer.deliveries) {
      expect(delivery.records.length).toBeGreaterThanOrEqual(1);
      expect(delivery.records.length).toBeLessThanOrEqual(3);
    }
    // Every record of the partition, not only this test's, comes once and in order.
    const partition = log.partitionFor(organizationId);
    expectStrictlyIncreasing(consumer.handled().filter((record) => record.position.partition === partition));
  });

  test("a handler that throws gets the same records again, and nothing after them first", async () => {
    const { log } = ctx();
    const organizationId = randomUUID();
    const partition = log.partitionFor(organizationId);
    const appended = await appendFor(organizationId, 3);
    const firstPosition = (appended[0] as AppendedRecord).position;
    let failures = 0;
    let watermarkWhileFailing: unknown = "unread";
    const consumerGroup = group();
    const consumer = await startRecordingConsumer(log, consumerGroup, {
      maxBatchSize: 2,
      beforeHandle: async (batch) => {
        if (failures >= 2 || !batch.some((record) => record.organizationId === organizationId)) return;
        failures += 1;
        if (failures === 2) watermarkWhileFailing = await log.watermark(consumerGroup, partition);
        throw new Error(`handler failure ${failures}`);
      },
    });
    await waitFor("the records after two failures", () => consumer.handledFor(organizationId).length >= 3);
    await consumer.stop();

    expect(failures).toBe(2);
    expect(consumer.errors.length).toBeGreaterThanOrEqual(2);
    expect(consumer.handledFor(organizationId)).toEqual(appended);
    const ofPartition = consumer.deliveries
      .map((delivery) => ({ ...delivery, records: delivery.records.filter((r) => r.position.partition === partition) }))
      .filter((delivery) => delivery.records.length > 0);
    ofPartition.forEach((delivery, index) => {
      if (delivery.handled) return;
      const next = ofPartition[index + 1];
      expect(next, "a failed batch is delivered again").toBeDefined();
      expect(next?.records[0]?.id).toBe(delivery.records[0]?.id);
    });
    // Nothing at or after the failing record may be committed while the handler fails.
    if (watermarkWhileFailing !== null) {
      expect(watermarkWhileFailing).toMatchObject({ partition });
      expect((watermarkWhileFailing as { offset: number }).offset).toBeLessThan(firstPosition.offset);
    }
  });

  test("watermark is null before a group commits and the last committed position after", async () => {
    const { log } = ctx();
    const organizationId = randomUUID();
    const partition = log.partitionFor(organizationId);
    const consumerGroup = group();
    expect(await log.watermark(consumerGroup, partition)).toBeNull();
    const appended = await appendFor(organizationId, 5);
    const consumer = await startRecordingConsumer(log, consumerGroup, { maxBatchSize: 2 });
    await waitFor("all five records", () => consumer.handledFor(organizationId).length >= 5);
    await consumer.stop();
    const watermark = await log.watermark(consumerGroup, partition);
    expect(watermark).toEqual(consumer.lastHandledPosition(partition));
    expect(watermark?.offset).toBeGreaterThanOrEqual((appended.at(-1) as AppendedRecord).position.offset);
  });

  test("two consumer groups consume independently", async () => {
    const { log } = ctx();
    const organizationId = randomUUID();
    const partition = log.partitionFor(organizationId);
    const appended = await appendFor(organizationId, 4);
    const [groupA, groupB, groupC] = [group(), group(), group()];
    const a = await startRecordingConsumer(log, groupA, { maxBatchSize: 3 });
    const b = await startRecordingConsumer(log, groupB, { maxBatchSize: 1 });
    await waitFor(
      "both groups",
      () => a.handledFor(organizationId).length >= 4 && b.handledFor(organizationId).length >= 4,
    );
    await a.stop();
    await b.stop();
    expect(a.handledFor(organizationId)).toEqual(appended);
    expect(b.handledFor(organizationId)).toEqual(appended);
    expect(await log.watermark(groupA, partition)).toEqual(a.lastHandledPosition(partition));
    expect(await log.watermark(groupB, partition)).toEqual(b.lastHandledPosition(partition));

    // A group that starts after the others committed still sees everything.
    expect(await log.watermark(groupC, partition)).toBeNull();
    const c = await startRecordingConsumer(log, groupC);
    await waitFor("the late group", () => c.handledFor(organizationId).length >= 4);
    await c.stop();
    expect(c.handledFor(organizationId)).toEqual(appended);
  });

  test("after stop, a new consumer of the group resumes after the committed position", async () => {
    const { log } = ctx();
    const organizationId = randomUUID();
    const partition = log.partitionFor(organizationId);
    const consumerGroup = group();
    const before = await appendFor(organizationId, 3);
    const first = await startRecordingConsumer(log, consumerGroup, { maxBatchSize: 2 });
    await waitFor("the first records", () => first.handledFor(organizationId).length >= 3);
    await first.stop();
    const committed = await log.watermark(consumerGroup, partition);
    expect(committed).toEqual(first.lastHandledPosition(partition));

    const after = await appendFor(organizationId, 3);
    const second = await startRecordingConsumer(log, consumerGroup, { maxBatchSize: 2 });
    await waitFor("the later records", () => second.handledFor(organizationId).length >= 3);
    await second.stop();
    expect(first.handledFor(organizationId)).toEqual(before);
    expect(second.handledFor(organizationId)).toEqual(after);
    const redelivered = second.handled().filter((r) => r.position.partition === partition);
    expect(redelivered.every((record) => record.position.offset > (committed?.offset ?? -1))).toBe(true);
  });

  test("stop waits for the batch in flight, commits it and delivers nothing more", async () => {
    const { log } = ctx();
    const organizationId = randomUUID();
    const partition = log.partitionFor(organizationId);
    const consumerGroup = group();
    const appended = await appendFor(organizationId, 5);
    const gate = createGate();
    let inFlight: AppendedRecord[] | undefined;
    const first = await startRecordingConsumer(log, consumerGroup, {
      maxBatchSize: 2,
      beforeHandle: async (batch) => {
        if (inFlight !== undefined || !batch.some((record) => record.organizationId === organizationId)) return;
        inFlight = [...batch];
        await gate.promise;
      },
    });
    await waitFor("a batch of this test's records in the handler", () => inFlight !== undefined);
    const stopping = first.stop();
    await sleep(50);
    expect(await hasSettled(stopping), "stop must wait for the handler").toBe(false);
    gate.open();
    await stopping;
    const deliveredAtStop = first.deliveries.length;
    // Batches of other partitions may be handled meanwhile (ConsumeOptions.handler): per partition
    // the gated batch is the last delivery, and stop waited for every delivery in flight.
    const ofPartition = first.deliveries.filter((delivery) =>
      delivery.records.some((record) => record.position.partition === partition),
    );
    expect(ofPartition.at(-1)).toEqual({ records: inFlight, handled: true });
    expect(first.deliveries.filter((delivery) => !delivery.handled)).toEqual([]);
    const lastInFlight = (inFlight as AppendedRecord[]).at(-1) as AppendedRecord;
    expect(await log.watermark(consumerGroup, partition)).toEqual(lastInFlight.position);

    await appendFor(organizationId, 1);
    await sleep(100);
    expect(first.deliveries).toHaveLength(deliveredAtStop);

    const rest = appended.filter((record) => record.position.offset > lastInFlight.position.offset);
    const second = await startRecordingConsumer(log, consumerGroup);
    await waitFor("the rest", () => second.handledFor(organizationId).length >= rest.length + 1);
    await second.stop();
    expect(second.handledFor(organizationId).slice(0, rest.length)).toEqual(rest);
  });

  test("records appended while a consumer is idle are delivered promptly", async () => {
    const { log } = ctx();
    const organizationId = randomUUID();
    const consumer = await startRecordingConsumer(log, group());
    const [marker] = await appendFor(organizationId, 1);
    await waitFor("the first record", () => consumer.handledFor(organizationId).length >= 1);
    await sleep(300);
    const [late] = await appendFor(organizationId, 1);
    await waitFor("the record appended while idle", () => consumer.handledFor(organizationId).length >= 2);
    await consumer.stop();
    expect(consumer.handledFor(organizationId)).toEqual([marker, late]);
  });

  test("records round-trip with their fields and metadata types", async () => {
    const { log } = ctx();
    const organizationId = randomUUID();
    const metadata = {
      text: "plain",
      numericText: "42",
      booleanText: "true",
      unicode: 'Grüße, 世界 🚀 — e\u0301 "quoted" \\ back\nslash',
      "ключ 🔑": "unicode key",
      integer: 42,
      negative: -7,
      zero: 0,
      largeInteger: 9007199254740991,
      float: 2.675,
      tiny: 1.5e-7,
      huge: 1e21,
      negativeFloat: -0.5,
      yes: true,
      no: false,
    };
    const record = makeLogRecord({
      organizationId,
      name: "ai.usage ✨",
      timestamp: new Date("2025-06-01T12:34:56.789Z"),
      customerId: randomUUID(),
      externalCustomerId: "kunde-ä-1",
      externalId: "ext 🔑 1",
      metadata,
    });
    const system = makeLogRecord({ organizationId, name: "meter.reset", source: "system", externalCustomerId: null });
    const { appended } = await log.append([record, system]);
    const consumer = await startRecordingConsumer(log, group());
    await waitFor("both records", () => consumer.handledFor(organizationId).length >= 2);
    await consumer.stop();
    expect(consumer.handledFor(organizationId)).toEqual(appended);
    const [delivered] = consumer.handledFor(organizationId);
    expect(delivered).toEqual({ ...record, position: appended[0]?.position, ingestedAt: appended[0]?.ingestedAt });
    // toStrictEqual tells 42 from "42" and true from "true".
    expect(delivered?.metadata).toStrictEqual(metadata);
  });
}
