import { randomUUID } from "node:crypto";
import { FixedClock, randomIdGenerator } from "@meterline/core";
import { migrate, PgClient, PostgresEventLog, PostgresEventStore, PostgresJobQueue } from "@meterline/postgres";
import {
  describeEventLogContract,
  describeEventStoreContract,
  describeJobQueueContract,
  describeStack,
  stackAvailable,
} from "@meterline/testing";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://meterline:meterline@127.0.0.1:5432/meterline_test";

const status = await stackAvailable(async () => {
  const db = PgClient.connect(DATABASE_URL, { max: 1 });
  try {
    await db.query("SELECT 1");
  } finally {
    await db.close();
  }
});

/**
 * Each suite gets its own schema, migrated from scratch and dropped afterwards: the suites expect
 * an empty log, and a shared test database keeps whatever earlier runs left behind.
 */
async function openSchema(): Promise<{ db: PgClient; drop(): Promise<void> }> {
  const schema = `contract_${randomUUID().replaceAll("-", "")}`;
  const admin = PgClient.connect(DATABASE_URL, { max: 1 });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const url = new URL(DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const db = PgClient.connect(url.toString());
  await migrate(db);
  return {
    db,
    drop: async () => {
      await db.close();
      await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}

describeStack(`PostgreSQL at ${new URL(DATABASE_URL).host}`, status, () => {
  describeEventLogContract("PostgresEventLog on PostgreSQL", async () => {
    const { db, drop } = await openSchema();
    const clock = new FixedClock("2025-06-01T00:00:00.000Z");
    const log = new PostgresEventLog(db, clock, { pollIntervalMs: 25 });
    return {
      log,
      clock,
      cleanup: async () => {
        await log.close();
        await drop();
      },
    };
  });

  describeEventStoreContract("PostgresEventStore on PostgreSQL", async () => {
    const { db, drop } = await openSchema();
    const store = new PostgresEventStore(db);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await drop();
      },
    };
  });

  describeJobQueueContract("PostgresJobQueue on PostgreSQL", async () => {
    const { db, drop } = await openSchema();
    const clock = new FixedClock("2025-06-01T00:00:00.000Z");
    const queue = new PostgresJobQueue(db, clock, randomIdGenerator, { pollIntervalMs: 20 });
    return {
      queue,
      clock,
      cleanup: async () => {
        await queue.close();
        await drop();
      },
    };
  });
});
