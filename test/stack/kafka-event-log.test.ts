import { randomUUID } from "node:crypto";
import net from "node:net";
import { type AppendedRecord, DomainError, UnavailableError } from "@meterline/core";
import {
  createKafka,
  deleteTopic,
  ensureTopic,
  type KafkaConsumerTuning,
  KafkaEventLog,
  KafkaLogError,
} from "@meterline/kafka";
import { migrate, PgClient, PostgresIdempotencyKeys } from "@meterline/postgres";
import { describeStack, makeLogRecord, stackAvailable, startRecordingConsumer, waitFor } from "@meterline/testing";
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

describeStack(`KafkaEventLog appends on Kafka at ${KAFKA_BROKERS.join(",")}`, status, () => {
  const topic = `meterline.events.test.${randomUUID()}`;
  const schema = `kafka_log_${randomUUID().replaceAll("-", "")}`;
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

  it("puts each organization's records in partitionFor(org), in append order, at the returned positions", async () => {
    const organizations = organizationsInEveryPartition(2);
    const appended: AppendedRecord[] = [];
    for (let call = 0; call < 3; call++) appended.push(...(await appendSpread(organizations, 3)));

    // Read back with a plain kafkajs consumer, not the adapter: what is really on the topic.
    const onTopic = new Map<string, { key: string; value: string; timestamp: string }>();
    const reader = createKafka({ brokers: KAFKA_BROKERS }).consumer({ groupId: `reader.${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ partition, message }) => {
        onTopic.set(`${partition}@${message.offset}`, {
          key: message.key?.toString() ?? "",
          value: message.value?.toString() ?? "",
          timestamp: message.timestamp,
        });
      },
    });
    try {
      await waitFor(
        "every appended record on the topic",
        () => appended.every((r) => onTopic.has(positionKey(r))),
        GROUP_WAIT_MS,
      );
    } finally {
      await reader.disconnect();
    }

    for (const record of appended) {
      expect(record.position.partition).toBe(log.partitionFor(record.organizationId));
      const message = onTopic.get(positionKey(record));
      expect(message?.key).toBe(record.organizationId);
      expect(JSON.parse(message?.value ?? "{}")).toMatchObject({
        version: 1,
        id: record.id,
        organization_id: record.organizationId,
      });
      expect(Number(message?.timestamp)).toBe(record.ingestedAt.getTime());
    }
    for (const organizationId of organizations) {
      const own = appended.filter((record) => record.organizationId === organizationId);
      const offsets = own.map((record) => record.position.offset);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      expect(new Set(offsets).size).toBe(own.length);
    }
  });

  it("fails fast with UnavailableError while Kafka is unreachable, and claims no idempotency key", async () => {
    const down = new KafkaEventLog({ brokers: ["127.0.0.1:1"], topic, idempotencyKeys: keys, logLevel: "nothing" });
    try {
      const record = makeLogRecord({ organizationId: randomUUID(), externalId: "order-503" });
      for (const call of [
        () => down.append([record]),
        () => down.watermark("any", 0),
        () => down.head(0),
        () => down.consume({ group: `down.${randomUUID()}`, handler: async () => {} }),
      ]) {
        const started = Date.now();
        const error = await call().then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error).toBeInstanceOf(UnavailableError);
        expect((error as UnavailableError).message).not.toContain("127.0.0.1");
        expect(Date.now() - started).toBeLessThan(3000);
      }
      // The claim was rolled back with the failed produce: the same event is not a duplicate.
      const retried = await log.append([record]);
      expect(retried.appended.map((appended) => appended.id)).toEqual([record.id]);
      expect(retried.duplicates).toEqual([]);
    } finally {
      await down.close();
    }
  });

  it("fails with UnavailableError within seconds when the broker accepts connections but never answers", async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    const hung = new KafkaEventLog({
      brokers: [`127.0.0.1:${port}`],
      topic,
      idempotencyKeys: keys,
      logLevel: "nothing",
    });
    try {
      const started = Date.now();
      await expect(hung.append([makeLogRecord({ organizationId: randomUUID() })])).rejects.toBeInstanceOf(
        UnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await hung.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("refuses a record over the size limit before producing, and claims nothing", async () => {
    const organizationId = randomUUID();
    const partition = log.partitionFor(organizationId);
    const headBefore = await log.head(partition);
    const small = makeLogRecord({ organizationId, externalId: "small" });
    const big = makeLogRecord({ organizationId, externalId: "big", metadata: { blob: "x".repeat(1024 * 1024) } });
    const error = await log.append([small, big]).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "EVENT_TOO_LARGE", kind: "invalid" });
    expect(await log.head(partition)).toEqual(headBefore);
    expect((await log.append([small])).duplicates).toEqual([]);
  });

  it("appends a batch bigger than the broker's batch limit for one partition, in order", async () => {
    const organizationId = randomUUID();
    // 30 × 50 KB = 1.5 MB for one partition: more than one record batch may hold (1 MiB).
    const records = Array.from({ length: 30 }, (_, n) =>
      makeLogRecord({ organizationId, metadata: { n, blob: "x".repeat(50_000) } }),
    );
    const { appended } = await log.append(records);
    expect(appended.map((record) => record.id)).toEqual(records.map((record) => record.id));
    const offsets = appended.map((record) => record.position.offset);
    expect(offsets).toEqual(offsets.map((_, index) => (offsets[0] as number) + index));
    expect(await log.head(log.partitionFor(organizationId))).toEqual(appended.at(-1)?.position);

    const consumer = await startRecordingConsumer(log, `large.${randomUUID()}`);
    await waitFor("the large batch", () => consumer.handledFor(organizationId).length >= 30, GROUP_WAIT_MS);
    await consumer.stop();
    expect(consumer.handledFor(organizationId)).toEqual(appended);
  });

  it("ensureTopic is idempotent and refuses a topic that does not match", async () => {
    expect(await ensureTopic({ brokers: KAFKA_BROKERS, topic, partitions: PARTITIONS })).toEqual({ created: false });
    await expect(ensureTopic({ brokers: KAFKA_BROKERS, topic, partitions: 8 })).rejects.toBeInstanceOf(KafkaLogError);

    const createTimeTopic = `meterline.events.test.${randomUUID()}`;
    const kafkaAdmin = createKafka({ brokers: KAFKA_BROKERS }).admin();
    await kafkaAdmin.connect();
    try {
      await kafkaAdmin.createTopics({ topics: [{ topic: createTimeTopic, numPartitions: 1 }], waitForLeaders: true });
      await expect(ensureTopic({ brokers: KAFKA_BROKERS, topic: createTimeTopic, partitions: 1 })).rejects.toThrow(
        /LogAppendTime/,
      );
    } finally {
      await kafkaAdmin.deleteTopics({ topics: [createTimeTopic] });
      await kafkaAdmin.disconnect();
    }
  });
});

function positionKey(record: AppendedRecord): string {
  return `${record.position.partition}@${record.position.offset}`;
}
