import { join } from "node:path";
import {
  type ApiDeps,
  apiRoutes,
  type BootstrapOptions,
  type BootstrapResult,
  bootstrap,
  buildApp,
  createApiDeps,
  createRepositories,
} from "@meterline/api";
import { startWorker } from "@meterline/billing";
import { type Clock, type IdGenerator, randomIdGenerator, systemClock, type Worker } from "@meterline/core";
import { ingestRoutes } from "@meterline/ingest";
import { CustomerMeterProjector, Materializer } from "@meterline/materializer";
import {
  migrate,
  PgClient,
  PgliteClient,
  PostgresEventLog,
  PostgresEventStore,
  PostgresJobQueue,
  type SqlClient,
} from "@meterline/postgres";
import type { FastifyInstance, FastifyServerOptions } from "fastify";

export interface EngineOptions {
  /** PGlite data directory; undefined = in memory (tests). Ignored when `databaseUrl` is set. */
  dataDir?: string;
  databaseUrl?: string;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: FastifyServerOptions["logger"];
  bootstrap?: BootstrapOptions | false;
  dedupRetentionDays?: number;
  logRetentionDays?: number;
  /** How often idle loops look for work another process produced (tests lower it). */
  pollIntervalMs?: number;
}

export interface Engine {
  app: FastifyInstance;
  deps: ApiDeps;
  materializer: Materializer;
  bootstrapResult: BootstrapResult | null;
  /** Graceful stop: no new requests, in-flight ones finish, the materializer commits, the database closes. */
  stop(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * The whole engine in one process: ingest, API, materializer and worker on whatever adapters the
 * options select (PGlite by default, PostgreSQL with `databaseUrl`).
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIdGenerator;
  const db: SqlClient =
    options.databaseUrl !== undefined
      ? PgClient.connect(options.databaseUrl)
      : await PgliteClient.open(options.dataDir === undefined ? undefined : join(options.dataDir, "pgdata"));
  await migrate(db);
  const pollIntervalMs = options.pollIntervalMs;
  const log = new PostgresEventLog(db, clock, { pollIntervalMs });
  const store = new PostgresEventStore(db);
  const jobs = new PostgresJobQueue(db, clock, ids, { pollIntervalMs });
  const deps: ApiDeps = createApiDeps({ db, log, store, jobs, clock, ids });

  const bootstrapResult = options.bootstrap === false ? null : await bootstrap(deps, options.bootstrap ?? {});
  const app = await buildApp(deps, { logger: options.logger, routes: [apiRoutes, ingestRoutes] });

  const logError = (message: string) => (error: unknown) => app.log.error({ err: error }, message);
  const projector = new CustomerMeterProjector({ ...deps, store });
  const materializer = new Materializer({
    log,
    store,
    projector,
    onError: logError("materializer batch failed; retrying"),
  });
  await materializer.start();
  const dedupRetention = (options.dedupRetentionDays ?? 35) * DAY;
  const logRetention = (options.logRetentionDays ?? 7) * DAY;
  const worker: Worker = await startWorker({
    jobs,
    clock,
    pruneEventLog: (now) => log.prune(new Date(now.getTime() - logRetention), new Date(now.getTime() - dedupRetention)),
    logger: app.log,
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.close();
      await worker.stop();
      await materializer.stop();
      await log.close();
      await jobs.close();
      await db.close();
    })();
    return stopping;
  };
  return { app, deps, materializer, bootstrapResult, stop };
}
