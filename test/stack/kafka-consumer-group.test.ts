import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { AppendedRecord } from "@meterline/core";
import { createKafka, deleteTopic, ensureTopic, type KafkaConsumerTuning, KafkaEventLog } from "@meterline/kafka";
import { migrate, PgClient, PostgresIdempotencyKeys } from "@meterline/postgres";
import {
  createGate,
  describeStack,
  hasSettled,
  makeLogRecord,
  type RecordingConsumer,
  sleep,
  stackAvailable,
  startRecordingConsumer,
  waitFor,
} from "@meterline/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://meterline:meterline@127.0.0.1:5432/meterline_test";
const PARTITIONS = 4;
/** Group joins that wait on a rebalance or a dead member's session take seconds, not milliseconds. */
const GROUP_WAIT_MS = 20_000;
const TUNING: Partial<KafkaConsumerTuning> = {
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 10_000,
  maxWaitTimeMs: 250,
  handlerRetry: { initialMs: 50, maxMs: 1000 },
};

const status = await stackAvailable(async () => {
  const admin = createKafka({
    brokers: KAFKA_BROKERS,
    retry: { retries: 0, initialRetryTimeMs: 100, maxRetryTimeMs: 100 },
  }).admin();
  const db = PgClient.connect(DATABASE_URL, { max: 1 });
  try {
    await Promise.all([admin.connect().then(() => admin.listTopics()), db.query("SELECT 1")]);
  } finally {
    await Promise.allSettled([admin.disconnect(), db.close()]);
  }
});

describeStack(`KafkaEventLog consumer groups on Kafka at ${KAFKA_BROKERS.join(",")}`, status, () => {
  const topic = `meterline.events.test.${randomUUID()}`;
  const schema = `kafka_groups_${randomUUID().replaceAll("-", "")}`;
  let admin: PgClient;
  let db: PgClient;
  let keys: PostgresIdempotencyKeys;
  let log: KafkaEventLog;

  beforeAll(async () => {
    await ensureTopic({ brokers: KAFKA_BROKERS, topic, partitions: PARTITIONS });
    admin = PgClient.connect(DATABASE_URL, { max: 1 });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    const url = new URL(DATABASE_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    db = PgClient.connect(url.toString());
    await migrate(db);
    keys = new PostgresIdempotencyKeys(db);
    log = new KafkaEventLog({ brokers: KAFKA_BROKERS, topic, idempotencyKeys: keys, consumer: TUNING });
    await log.connect();
  });

  afterAll(async () => {
    await log?.close();
    await deleteTopic({ brokers: KAFKA_BROKERS, topic });
    await db?.close();
    await admin?.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.close();
  });

  /** Fresh organizations, `perPartition` of them in every partition. */
  function organizationsInEveryPartition(perPartition: number): string[] {
    const byPartition = new Map<number, string[]>();
    while ([...byPartition.values()].filter((list) => list.length >= perPartition).length < PARTITIONS) {
      const organizationId = randomUUID();
      const list = byPartition.get(log.partitionFor(organizationId)) ?? [];
      if (list.length < perPartition) list.push(organizationId);
      byPartition.set(log.partitionFor(organizationId), list);
    }
    return [...byPartition.values()].flat();
  }

  async function appendSpread(organizations: string[], perOrganization: number): Promise<AppendedRecord[]> {
    const records = organizations.flatMap((organizationId) =>
      Array.from({ length: perOrganization }, (_, n) => makeLogRecord({ organizationId, metadata: { n } })),
    );
    // Interleaved, so one request spans every partition with their records mixed.
    records.sort(() => Math.random() - 0.5);
    return (await log.append(records)).appended;
  }

  function handledIds(consumers: RecordingConsumer[], ids: Set<string>): string[] {
    return consumers.flatMap((consumer) =>
      consumer
        .handled()
        .filter((record) => ids.has(record.id))
        .map((r) => r.id),
    );
  }

  it("two consumers in one group split the partitions and together see every record once", async () => {
    const group = `split.${randomUUID()}`;
    const organizations = organizationsInEveryPartition(1);
    const first = await appendSpread(organizations, 2);
    const a = await startRecordingConsumer(log, group, { maxBatchSize: 3 });
    const firstIds = new Set(first.map((record) => record.id));
    await waitFor("consumer A alone", () => handledIds([a], firstIds).length >= first.length, GROUP_WAIT_MS);

    // B's consume resolves once the group has rebalanced with both members.
    const b = await startRecordingConsumer(log, group, { maxBatchSize: 3 });
    const second = await appendSpread(organizations, 2);
    const secondIds = new Set(second.map((record) => record.id));
    await waitFor("A and B", () => handledIds([a, b], secondIds).length >= second.length, GROUP_WAIT_MS);
    const partitionsOf = (consumer: RecordingConsumer) =>
      new Set(
        consumer
          .handled()
          .filter((r) => secondIds.has(r.id))
          .map((r) => r.position.partition),
      );
    expect(partitionsOf(a).size).toBeGreaterThan(0);
    expect(partitionsOf(b).size).toBeGreaterThan(0);
    expect([...partitionsOf(a)].filter((partition) => partitionsOf(b).has(partition))).toEqual([]);

    // When B leaves, A takes its partitions over from B's commits.
    await b.stop();
    const third = await appendSpread(organizations, 2);
    const thirdIds = new Set(third.map((record) => record.id));
    await waitFor("A after B left", () => handledIds([a], thirdIds).length >= third.length, GROUP_WAIT_MS);
    await a.stop();

    const all = new Set([...firstIds, ...secondIds, ...thirdIds]);
    const seen = handledIds([a, b], all);
    expect(seen.length).toBe(all.size);
    expect(new Set(seen)).toEqual(all);
    for (const consumer of [a, b]) expect(consumer.errors).toEqual([]);
  });

  it("a rebalance waits for the batch in flight, which commits; nothing is delivered twice", async () => {
    const group = `rebalance.${randomUUID()}`;
    const appended = await appendSpread(organizationsInEveryPartition(1), 3);
    const ids = new Set(appended.map((record) => record.id));
    const gate = createGate();
    let inFlight: AppendedRecord[] | undefined;
    const a = await startRecordingConsumer(log, group, {
      maxBatchSize: 2,
      beforeHandle: async (batch) => {
        if (inFlight !== undefined || !batch.some((record) => ids.has(record.id))) return;
        inFlight = [...batch];
        await gate.promise;
      },
    });
    await waitFor("a batch of this test's records in A's handler", () => inFlight !== undefined, GROUP_WAIT_MS);

    const joining = startRecordingConsumer(log, group, { maxBatchSize: 2 });
    // Several heartbeats: A has heard of the rebalance, and the group waits for its batch.
    await sleep(1500);
    expect(await hasSettled(joining), "the rebalance must wait for A's batch in flight").toBe(false);
    gate.open();
    const b = await joining;
    await waitFor("every record", () => handledIds([a, b], ids).length >= ids.size, GROUP_WAIT_MS);
    await Promise.all([a.stop(), b.stop()]);

    const seen = handledIds([a, b], ids);
    expect(seen.length).toBe(ids.size);
    expect(new Set(seen)).toEqual(ids);
    expect(a.deliveries.find((delivery) => delivery.records[0]?.id === inFlight?.[0]?.id)?.handled).toBe(true);
  });

  it("a handler slower than the session timeout keeps its partitions and commits once", async () => {
    const group = `slow.${randomUUID()}`;
    const organizationId = randomUUID();
    const partition = log.partitionFor(organizationId);
    const { appended } = await log.append([makeLogRecord({ organizationId })]);
    let slowCalls = 0;
    const consumer = await startRecordingConsumer(log, group, {
      beforeHandle: async (batch) => {
        if (!batch.some((record) => record.organizationId === organizationId)) return;
        slowCalls += 1;
        // Longer than the 6 s session: only heartbeats sent during the handler keep the member in.
        if (slowCalls === 1) await sleep(7000);
      },
    });
    await waitFor("the slow batch", () => consumer.handledFor(organizationId).length >= 1, GROUP_WAIT_MS);
    await sleep(1000);
    await consumer.stop();
    expect(slowCalls).toBe(1);
    expect(consumer.errors).toEqual([]);
    expect(consumer.handledFor(organizationId)).toEqual(appended);
    expect(await log.watermark(group, partition)).toEqual(appended[0]?.position);
  });

  it("records a consumer had in hand when it was killed come again to the group", async () => {
    const group = `killed.${randomUUID()}`;
    const organizationId = randomUUID();
    const partition = log.partitionFor(organizationId);
    const { appended } = await log.append([0, 1, 2].map((n) => makeLogRecord({ organizationId, metadata: { n } })));

    const child = spawnHangingConsumer(group, organizationId);
    let inHand: string[];
    try {
      inHand = await firstLine(child, GROUP_WAIT_MS);
    } finally {
      child.kill("SIGKILL");
    }
    // The killed handler held the first of them (the rest of its chunk is other tests' records).
    expect(inHand.length).toBeGreaterThan(0);
    expect(inHand).toEqual(appended.slice(0, inHand.length).map((record) => record.id));
    const watermark = await log.watermark(group, partition);
    expect(watermark === null || watermark.offset < (appended[0] as AppendedRecord).position.offset).toBe(true);

    // The join waits until the dead member's session (6 s) expires.
    const next = await startRecordingConsumer(log, group, { maxBatchSize: 2 });
    await waitFor("the records again", () => next.handledFor(organizationId).length >= 3, GROUP_WAIT_MS);
    await next.stop();
    expect(next.handledFor(organizationId)).toEqual(appended);
    expect(await log.watermark(group, partition)).toEqual((appended.at(-1) as AppendedRecord).position);
  });

  /**
   * A consumer in another process that takes this test's records in hand, prints their ids and
   * never finishes: killing it is a crash between delivery and commit.
   */
  function spawnHangingConsumer(group: string, organizationId: string): ChildProcess {
    const script = `
      import { KafkaEventLog } from "@meterline/kafka";
      import { PgClient, PostgresIdempotencyKeys } from "@meterline/postgres";
      const log = new KafkaEventLog({
        brokers: ${JSON.stringify(KAFKA_BROKERS)},
        topic: ${JSON.stringify(topic)},
        idempotencyKeys: new PostgresIdempotencyKeys(PgClient.connect(${JSON.stringify(DATABASE_URL)})),
        consumer: ${JSON.stringify(TUNING)},
      });
      await log.consume({
        group: ${JSON.stringify(group)},
        maxBatchSize: 2,
        handler: async (batch) => {
          const ids = batch.filter((r) => r.organizationId === ${JSON.stringify(organizationId)}).map((r) => r.id);
          if (ids.length === 0) return;
          process.stdout.write(JSON.stringify(ids) + "\\n");
          await new Promise(() => {});
        },
      });
    `;
    return spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "inherit"],
    });
  }
});

async function firstLine(child: ChildProcess, timeoutMs: number): Promise<string[]> {
  if (child.stdout === null) throw new Error("child has no stdout");
  const lines = createInterface({ input: child.stdout });
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line from the child within ${timeoutMs} ms`)), timeoutMs);
      lines.once("line", (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as string[]);
      });
      child.once("exit", (code) => reject(new Error(`child exited with ${code} before printing`)));
    });
  } finally {
    lines.close();
  }
}
