import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { ClickHouseConnection } from "@meterline/clickhouse";
import { MATERIALIZER_GROUP } from "@meterline/core";
import { consumerGroupId, createKafka, deleteTopic, ensureTopic } from "@meterline/kafka";
import { PgClient } from "@meterline/postgres";
import { stackAvailable } from "@meterline/testing";
import { Redis } from "ioredis";
import { z } from "zod";
import {
  type ServiceName,
  type ServiceProcess,
  stackEnvironment,
  startService,
  waitForHttp,
} from "../../../infra/local/start-distributed.js";

/**
 * The four distributed services as real processes (`services/<name>/src/main.ts`, started the way
 * `npm run start:distributed` starts them) on the local stack, each cluster on resources of its
 * own: a fresh PostgreSQL database, Kafka topic (4 partitions, LogAppendTime), ClickHouse database
 * and Redis prefix, all removed by `stop()`.
 */

const env = stackEnvironment();
export const DATABASE_URL = env.DATABASE_URL ?? "postgres://meterline:meterline@127.0.0.1:5432/meterline";
export const KAFKA_BROKERS = (env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
export const CLICKHOUSE_URL = env.CLICKHOUSE_URL ?? "http://127.0.0.1:8123";
export const REDIS_URL = env.REDIS_URL ?? "redis://127.0.0.1:6379";
export const PARTITIONS = 4;

/** Fixed so tests know them in advance; each cluster has its own database, so they never clash. */
export const BOOTSTRAP_ORGANIZATION_TOKEN = "polar_oat_distributed_organization_0123456789";
export const BOOTSTRAP_ADMIN_TOKEN = "polar_pat_distributed_admin_0123456789abcdef";

const Total = z.object({ total: z.coerce.number() });

const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;
/** Lines of service output kept for failure messages. */
const OUTPUT_LINES = 600;

/** Whether every server of the stack answers a real query (PostgreSQL, Kafka, ClickHouse, Redis). */
export function distributedStackStatus() {
  return stackAvailable(async () => {
    const db = PgClient.connect(DATABASE_URL, { max: 1 });
    const admin = createKafka({
      brokers: KAFKA_BROKERS,
      retry: { retries: 0, initialRetryTimeMs: 100, maxRetryTimeMs: 100 },
    }).admin();
    const clickhouse = ClickHouseConnection.open({ url: CLICKHOUSE_URL, database: "default" });
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on("error", () => {});
    try {
      await Promise.all([
        db.query("SELECT 1"),
        admin.connect().then(() => admin.listTopics()),
        clickhouse.command("SELECT 1"),
        redis.connect().then(() => redis.ping()),
      ]);
    } finally {
      await Promise.allSettled([db.close(), admin.disconnect(), clickhouse.close()]);
      redis.disconnect();
    }
  }, 5000);
}

export interface ClusterOptions {
  /** Shown in progress lines. */
  label: string;
  /** Materializer instances sharing the partitions through the consumer group. Default 1. */
  materializers?: number;
  /** Start the ingest service (default true) and the billing worker (default true). */
  ingest?: boolean;
  billing?: boolean;
  /** LOG_LEVEL of the services. Default "warn". */
  logLevel?: string;
  /** METERLINE_BOOTSTRAP_TOKEN / METERLINE_BOOTSTRAP_ADMIN_TOKEN of the API. Default: the constants above. */
  bootstrap?: { organizationToken: string; adminToken: string };
  /** Extra node flags per service, before the script (benchmarks: `--cpu-prof`). Default none. */
  nodeFlags?: Partial<Record<ServiceName, string[]>>;
  /** More environment for every service (e.g. webhook timings). */
  env?: Record<string, string>;
}

export interface ServiceHandle {
  readonly name: ServiceName;
  readonly port: number;
  readonly url: string;
  readonly process: ServiceProcess;
}

export interface Readiness {
  lag: number;
  partitions: Array<{ partition: number; head: number; watermark: number; lag: number }>;
}

export interface ClusterResources {
  database: string;
  topic: string;
  clickhouseDatabase: string;
  redisPrefix: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(service: ServiceHandle): Promise<void> {
  const { child } = service.process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

function alive(service: ServiceHandle): boolean {
  const { child } = service.process;
  return child.exitCode === null && child.signalCode === null;
}

export class Cluster {
  readonly api: string;
  readonly ingest: string;
  private readonly services: ServiceHandle[] = [];
  private readonly lines: string[] = [];
  private readonly verbose = process.env.METERLINE_E2E_VERBOSE === "1";
  private readonly abandon = () => {
    for (const service of this.services) if (alive(service)) service.process.child.kill("SIGKILL");
  };
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly options: ClusterOptions,
    readonly resources: ClusterResources,
    readonly serviceEnv: NodeJS.ProcessEnv,
    private readonly ports: Record<"api" | "ingest", number>,
  ) {
    this.api = `http://127.0.0.1:${ports.api}`;
    this.ingest = options.ingest === false ? this.api : `http://127.0.0.1:${ports.ingest}`;
    process.once("exit", this.abandon);
  }

  /** Creates the cluster's resources, starts the API (migrations, bootstrap), then the rest. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const startedAt = Date.now();
    const suffix = randomBytes(5).toString("hex");
    const resources: ClusterResources = {
      database: `meterline_e2e_${suffix}`,
      topic: `meterline.events.e2e.${suffix}`,
      clickhouseDatabase: `meterline_e2e_${suffix}`,
      redisPrefix: `meterline-e2e-${suffix}`,
    };
    const admin = PgClient.connect(DATABASE_URL, { max: 1 });
    try {
      await admin.exec(`CREATE DATABASE ${resources.database}`);
    } finally {
      await admin.close();
    }
    const databaseUrl = new URL(DATABASE_URL);
    databaseUrl.pathname = `/${resources.database}`;
    const serviceEnv: NodeJS.ProcessEnv = { ...process.env };
    // A vitest worker's NODE_OPTIONS (loaders, inspector) must not leak into the services.
    delete serviceEnv.NODE_OPTIONS;
    Object.assign(serviceEnv, {
      DATABASE_URL: databaseUrl.toString(),
      KAFKA_BROKERS: KAFKA_BROKERS.join(","),
      KAFKA_TOPIC: resources.topic,
      CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: resources.clickhouseDatabase,
      REDIS_URL,
      REDIS_PREFIX: resources.redisPrefix,
      HOST: "127.0.0.1",
      LOG_LEVEL: options.logLevel ?? "warn",
      METERLINE_BOOTSTRAP_TOKEN: options.bootstrap?.organizationToken ?? BOOTSTRAP_ORGANIZATION_TOKEN,
      METERLINE_BOOTSTRAP_ADMIN_TOKEN: options.bootstrap?.adminToken ?? BOOTSTRAP_ADMIN_TOKEN,
      ...options.env,
    });
    const cluster = new Cluster(options, resources, serviceEnv, { api: await freePort(), ingest: await freePort() });
    try {
      await ensureTopic({ brokers: KAFKA_BROKERS, topic: resources.topic, partitions: PARTITIONS });
      // The API runs the migrations and the bootstrap; the others start once it answers.
      await cluster.startService("api", cluster.ports.api);
      const rest: Promise<ServiceHandle>[] = [];
      if (options.ingest !== false) rest.push(cluster.startService("ingest", cluster.ports.ingest));
      for (let index = 0; index < (options.materializers ?? 1); index++) rest.push(cluster.startMaterializer());
      if (options.billing !== false) rest.push(cluster.startService("billing"));
      await Promise.all(rest);
    } catch (error) {
      const output = cluster.output();
      await cluster.stop();
      throw new Error(`cluster ${options.label} did not start: ${(error as Error).message}\n${output}`);
    }
    cluster.log(`started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${describeResources(resources)})`);
    return cluster;
  }

  /** Progress for CI output: where the time goes. */
  log(message: string): void {
    console.log(`[${this.options.label}] ${message}`);
  }

  /** Starts one more materializer instance; resolves once it has joined the group and is ready. */
  startMaterializer(): Promise<ServiceHandle> {
    return this.startService("materializer");
  }

  /** Starts one more billing worker; resolves once it is ready. */
  startBilling(): Promise<ServiceHandle> {
    return this.startService("billing");
  }

  get materializers(): ServiceHandle[] {
    return this.services.filter((service) => service.name === "materializer" && alive(service));
  }

  /** Every service process still running. */
  get running(): ServiceHandle[] {
    return this.services.filter(alive);
  }

  /** Sends `signal` to one service and resolves when its process is gone. */
  async kill(service: ServiceHandle, signal: NodeJS.Signals): Promise<void> {
    if (alive(service)) service.process.child.kill(signal);
    await exited(service);
  }

  private async startService(name: ServiceName, port?: number): Promise<ServiceHandle> {
    const chosen = port ?? (await freePort());
    const index = this.services.filter((service) => service.name === name).length;
    const tag = `${name}${index === 0 ? "" : `#${index + 1}`}`;
    const spawned = startService(
      name,
      chosen,
      this.serviceEnv,
      (line) => this.record(`${tag.padEnd(15)} ${line}`),
      this.options.nodeFlags?.[name],
    );
    const service: ServiceHandle = { name, port: chosen, url: `http://127.0.0.1:${chosen}`, process: spawned };
    this.services.push(service);
    const died = exited(service).then(() => {
      throw new Error(
        `${tag} exited (${spawned.child.signalCode ?? `code ${spawned.child.exitCode}`}) before it was ready`,
      );
    });
    // The API's /readyz reads the lag, so /healthz is enough for it; the others' /readyz checks
    // every dependency they opened (a materializer's answers once it has joined the group).
    const path = name === "api" ? "/healthz" : "/readyz";
    await Promise.race([waitForHttp(`${service.url}${path}`, START_TIMEOUT_MS), died]);
    died.catch(() => {});
    return service;
  }

  private record(line: string): void {
    if (this.verbose) console.log(`[${this.options.label}] ${line}`);
    this.lines.push(line);
    if (this.lines.length > OUTPUT_LINES) this.lines.splice(0, this.lines.length - OUTPUT_LINES);
  }

  /** The last lines the services wrote, for failure messages. */
  output(): string {
    return `--- last ${this.lines.length} lines of service output (${this.options.label}) ---\n${this.lines.join("\n")}`;
  }

  /**
   * `/readyz` of the API (or of `base`, e.g. the ingest service, which needs no ClickHouse): the
   * materializer lag, or null while the service is not ready.
   */
  async readiness(base = this.api): Promise<Readiness | null> {
    try {
      const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(10_000) });
      if (response.status !== 200) return null;
      return ((await response.json()) as { materializer: Readiness }).materializer;
    } catch {
      return null;
    }
  }

  /** Resolves once the API reports lag 0: everything ingested is materialized. Logs progress. */
  async waitForLagZero(timeoutMs: number): Promise<void> {
    const startedAt = Date.now();
    let lastLog = startedAt;
    let last: number | null = null;
    for (;;) {
      const readiness = await this.readiness();
      last = readiness?.lag ?? null;
      if (last === 0) {
        this.log(`lag 0 after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
        return;
      }
      if (Date.now() - startedAt > timeoutMs) {
        throw new Error(`materializer lag still ${last ?? "unknown (API not ready)"} after ${timeoutMs} ms`);
      }
      if (Date.now() - lastLog >= 5000) {
        lastLog = Date.now();
        this.log(`waiting for lag 0: lag ${last ?? "unknown (API not ready)"}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Rows in the cluster's ClickHouse events table: what the materializers have written. */
  async storedEvents(): Promise<number> {
    const connection = ClickHouseConnection.open({ url: CLICKHOUSE_URL, database: this.resources.clickhouseDatabase });
    try {
      const rows = await connection.query({ sql: "SELECT count() AS total FROM events_v1", row: Total });
      return rows[0]?.total ?? 0;
    } finally {
      await connection.close();
    }
  }

  /** Stops every service (SIGTERM, SIGKILL after a grace period) and removes the cluster's resources. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(
        this.services.map(async (service) => {
          if (!alive(service)) return;
          service.process.child.kill("SIGTERM");
          const timer = setTimeout(() => service.process.child.kill("SIGKILL"), STOP_GRACE_MS);
          await exited(service);
          clearTimeout(timer);
        }),
      );
      process.off("exit", this.abandon);
      const failures = (await Promise.allSettled(removeResources(this.resources)))
        .filter((result): result is PromiseRejectedResult => result.status === "rejected")
        .map((result) => String(result.reason));
      if (failures.length > 0)
        throw new Error(`cleanup of ${describeResources(this.resources)} failed: ${failures.join("; ")}`);
    })();
    return this.stopping;
  }
}

function describeResources(resources: ClusterResources): string {
  return `database ${resources.database}, topic ${resources.topic}, ClickHouse ${resources.clickhouseDatabase}, Redis prefix ${resources.redisPrefix}`;
}

function removeResources(resources: ClusterResources): Promise<void>[] {
  return [
    (async () => {
      const admin = PgClient.connect(DATABASE_URL, { max: 1 });
      try {
        // FORCE: a service killed with SIGKILL may leave a session behind for a moment.
        await admin.exec(`DROP DATABASE IF EXISTS ${resources.database} WITH (FORCE)`);
      } finally {
        await admin.close();
      }
    })(),
    (async () => {
      await deleteTopic({ brokers: KAFKA_BROKERS, topic: resources.topic });
      const admin = createKafka({ brokers: KAFKA_BROKERS }).admin();
      try {
        await admin.connect();
        const group = consumerGroupId(MATERIALIZER_GROUP, resources.topic);
        const groups = (await admin.listGroups()).groups.map((entry) => entry.groupId);
        if (groups.includes(group)) await admin.deleteGroups([group]);
      } finally {
        await admin.disconnect();
      }
    })(),
    (async () => {
      const connection = ClickHouseConnection.open({ url: CLICKHOUSE_URL, database: resources.clickhouseDatabase });
      try {
        await connection.dropDatabase();
      } finally {
        await connection.close();
      }
    })(),
    (async () => {
      const redis = new Redis(REDIS_URL);
      try {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${resources.redisPrefix}:*`, "COUNT", 1000);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== "0");
      } finally {
        redis.disconnect();
      }
    })(),
  ];
}
