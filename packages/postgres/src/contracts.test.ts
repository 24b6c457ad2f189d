import { FixedClock, randomIdGenerator } from "@meterline/core";
import { describeEventLogContract, describeEventStoreContract, describeJobQueueContract } from "@meterline/testing";
import { migrate } from "./migrate.js";
import { PgliteClient } from "./pglite-client.js";
import { PostgresEventLog } from "./postgres-event-log.js";
import { PostgresEventStore } from "./postgres-event-store.js";
import { PostgresJobQueue } from "./postgres-job-queue.js";

/** In-memory PGlite, one database per suite (opening one takes about a second); tests isolate by ids. */
async function openDatabase(): Promise<PgliteClient> {
  const db = await PgliteClient.open();
  await migrate(db);
  return db;
}

describeEventLogContract("PostgresEventLog on PGlite", async () => {
  const db = await openDatabase();
  const clock = new FixedClock("2025-06-01T00:00:00.000Z");
  const log = new PostgresEventLog(db, clock, { pollIntervalMs: 25 });
  return {
    log,
    clock,
    cleanup: async () => {
      await log.close();
      await db.close();
    },
  };
});

describeEventStoreContract("PostgresEventStore on PGlite", async () => {
  const db = await openDatabase();
  const store = new PostgresEventStore(db);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.close();
    },
  };
});

describeJobQueueContract("PostgresJobQueue on PGlite", async () => {
  const db = await openDatabase();
  const clock = new FixedClock("2025-06-01T00:00:00.000Z");
  const queue = new PostgresJobQueue(db, clock, randomIdGenerator, { pollIntervalMs: 20 });
  return {
    queue,
    clock,
    cleanup: async () => {
      await queue.close();
      await db.close();
    },
  };
});
