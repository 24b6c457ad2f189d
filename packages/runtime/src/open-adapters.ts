import { join } from "node:path";
import type { Clock, EventLog, EventStore, IdGenerator, JobQueue } from "@meterline/core";
import {
  migrate,
  PgClient,
  PgliteClient,
  PostgresEventLog,
  PostgresEventStore,
  PostgresIdempotencyKeys,
  PostgresJobQueue,
  type SqlClient,
} from "@meterline/postgres";
import type { RuntimeConfig } from "./runtime-config.js";

export interface Adapters {
  db: SqlClient;
  log: EventLog;
  store: EventStore;
  jobs: JobQueue;
  /** Resolves when every dependency answers (readiness); rejects naming the one that does not. */
  ready(): Promise<void>;
  /** Drops the embedded log's materialized records and expired idempotency keys. */
  prune(now: Date): Promise<unknown>;
  close(): Promise<void>;
  /** For the start-up line: which adapter each port runs on. */
  describe(): string;
}

export interface OpenOptions {
  clock: Clock;
  ids: IdGenerator;
  /** Lower in tests. */
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
  /** Only the parts a service needs; the others are not opened (a store-less ingest, say). */
  needs?: { log?: boolean; store?: boolean; jobs?: boolean };
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Opens the adapters the configuration selects and runs the migrations. Distributed adapters are
 * imported lazily, so the embedded engine never loads a Kafka or ClickHouse client.
 */
export async function openAdapters(config: RuntimeConfig, options: OpenOptions): Promise<Adapters> {
  const { clock, ids, pollIntervalMs } = options;
  const needs = { log: true, store: true, jobs: true, ...options.needs };
  const closers: Array<() => Promise<void>> = [];
  const checks: Array<[string, () => Promise<unknown>]> = [];
  const used: string[] = [];

  const db: SqlClient =
    config.databaseUrl !== undefined
      ? PgClient.connect(config.databaseUrl)
      : await PgliteClient.open(config.dataDir === undefined ? undefined : join(config.dataDir, "pgdata"));
  used.push(config.databaseUrl !== undefined ? "PostgreSQL" : "PGlite");
  checks.push(["database", () => db.query("SELECT 1")]);
  try {
    await migrate(db);

    let log: EventLog;
    let pruneLog: (now: Date) => Promise<unknown>;
    if (needs.log && config.kafka !== undefined) {
      const { KafkaEventLog } = await import("@meterline/kafka");
      const keys = new PostgresIdempotencyKeys(db);
      const kafka = new KafkaEventLog({
        brokers: config.kafka.brokers,
        clientId: config.kafka.clientId,
        topic: config.kafka.topic,
        clock,
        idempotencyKeys: keys,
      });
      await kafka.connect();
      log = kafka;
      pruneLog = (now) => keys.prune(new Date(now.getTime() - config.dedupRetentionDays * DAY));
      checks.push(["kafka", () => kafka.head(0)]);
      closers.push(() => kafka.close());
      used.push("Kafka");
    } else {
      const postgresLog = new PostgresEventLog(db, clock, { pollIntervalMs });
      log = postgresLog;
      pruneLog = (now) =>
        postgresLog.prune(
          new Date(now.getTime() - config.logRetentionDays * DAY),
          new Date(now.getTime() - config.dedupRetentionDays * DAY),
        );
      closers.push(() => postgresLog.close());
      used.push("log on the database");
    }

    let store: EventStore;
    if (needs.store && config.clickhouse !== undefined) {
      const { ClickHouseEventStore } = await import("@meterline/clickhouse");
      const clickhouse = await ClickHouseEventStore.open({
        url: config.clickhouse.url,
        database: config.clickhouse.database,
      });
      store = clickhouse;
      checks.push(["clickhouse", () => clickhouse.count([])]);
      closers.push(() => clickhouse.close());
      used.push("ClickHouse");
    } else {
      store = new PostgresEventStore(db);
      used.push("store on the database");
    }

    let jobs: JobQueue;
    if (needs.jobs && config.redis !== undefined) {
      const { BullMqJobQueue } = await import("@meterline/redis");
      const bullmq = new BullMqJobQueue(config.redis.url, clock, ids, {
        prefix: config.redis.prefix,
        onError: options.onError,
      });
      jobs = bullmq;
      checks.push(["redis", () => bullmq.get("readiness-probe")]);
      closers.push(() => bullmq.close());
      used.push("Redis");
    } else {
      const postgresJobs = new PostgresJobQueue(db, clock, ids, { pollIntervalMs });
      jobs = postgresJobs;
      closers.push(() => postgresJobs.close());
      used.push("jobs on the database");
    }

    return {
      db,
      log,
      store,
      jobs,
      ready: async () => {
        for (const [name, check] of checks) {
          try {
            await check();
          } catch (error) {
            throw new Error(`${name} is not answering: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      },
      prune: pruneLog,
      close: async () => {
        for (const close of closers.reverse()) await close().catch(() => {});
        await db.close();
      },
      describe: () => used.join(", "),
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
}
