import { randomUUID } from "node:crypto";
import { systemClock } from "@meterline/core";
import { createKafka, deleteTopic, ensureTopic, KafkaEventLog } from "@meterline/kafka";
import { migrate, PgClient, PostgresIdempotencyKeys } from "@meterline/postgres";
import { describeEventLogContract, describeStack, stackAvailable } from "@meterline/testing";

const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://meterline:meterline@127.0.0.1:5432/meterline_test";

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

/**
 * The suite expects an empty log: each run gets its own topic (4 partitions, LogAppendTime) and
 * its own schema for the idempotency keys, both dropped afterwards.
 */
describeStack(`Kafka at ${KAFKA_BROKERS.join(",")} with PostgreSQL idempotency keys`, status, () => {
  describeEventLogContract("KafkaEventLog with PostgresIdempotencyKeys", async () => {
    const topic = `meterline.events.test.${randomUUID()}`;
    await ensureTopic({ brokers: KAFKA_BROKERS, topic, partitions: 4 });
    const schema = `kafka_contract_${randomUUID().replaceAll("-", "")}`;
    const admin = PgClient.connect(DATABASE_URL, { max: 1 });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    const url = new URL(DATABASE_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    const db = PgClient.connect(url.toString());
    await migrate(db);
    const log = new KafkaEventLog({
      brokers: KAFKA_BROKERS,
      topic,
      idempotencyKeys: new PostgresIdempotencyKeys(db),
      // Short group timings: every contract test joins fresh groups.
      consumer: {
        sessionTimeoutMs: 6000,
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 10_000,
        maxWaitTimeMs: 250,
        handlerRetry: { initialMs: 50, maxMs: 1000 },
      },
    });
    await log.connect();
    return {
      log,
      clock: systemClock,
      // ingestedAt is the broker's clock (LogAppendTime); here the same host's, within milliseconds.
      ingestedAtToleranceMs: 1000,
      cleanup: async () => {
        await log.close();
        await deleteTopic({ brokers: KAFKA_BROKERS, topic });
        await db.close();
        await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
        await admin.close();
      },
    };
  });
});
