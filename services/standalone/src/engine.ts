import {
  type ApiDeps,
  apiRoutes,
  type BootstrapOptions,
  type BootstrapResult,
  bootstrap,
  buildApp,
  createApiDeps,
  type WebhookUrlPolicy,
} from "@meterline/api";
import { type BillingDeps, billingRoutes, startWorker, type WebhookOptions } from "@meterline/billing";
import {
  type Clock,
  type IdGenerator,
  manualPaymentProvider,
  type PaymentProvider,
  randomIdGenerator,
  SandboxClock,
  systemClock,
  testPaymentProvider,
  type Worker,
} from "@meterline/core";
import { ingestRoutes } from "@meterline/ingest";
import { CustomerMeterProjector, Materializer } from "@meterline/materializer";
import { embeddedConfig, openAdapters, type RuntimeConfig } from "@meterline/runtime";
import type { FastifyInstance, FastifyServerOptions } from "fastify";

export interface EngineOptions {
  /** PGlite data directory; undefined = in memory (tests). Ignored when `databaseUrl` is set. */
  dataDir?: string;
  databaseUrl?: string;
  /** The whole adapter configuration (Kafka, ClickHouse, Redis…); overrides `dataDir`/`databaseUrl`. */
  config?: RuntimeConfig;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: FastifyServerOptions["logger"];
  bootstrap?: BootstrapOptions | false;
  /** How often idle loops look for work another process produced (tests lower it). */
  pollIntervalMs?: number;
  /** `test` (default: orders are paid at once) or `manual` (pending until marked paid). */
  payments?: PaymentProvider["name"];
  /** Sandbox mode: a clock `POST /v1/sandbox/clock` moves forward (METERLINE_SANDBOX=1). */
  sandbox?: boolean;
  /** How often the billing scheduler looks for due subscriptions. */
  scheduleEveryMs?: number;
  /** How often subscriptions with new usage are announced (default 5 min; `null`: never). */
  announceUsageEveryMs?: number | null;
  /** Which webhook URLs are allowed (default: any, as in development). */
  webhookUrlPolicy?: WebhookUrlPolicy;
  /** How webhooks are sent (timeouts, retries). */
  webhooks?: WebhookOptions;
}

export interface Engine {
  app: FastifyInstance;
  deps: ApiDeps;
  billing: BillingDeps;
  materializer: Materializer;
  bootstrapResult: BootstrapResult | null;
  /** Which adapter each port runs on. */
  adapters: string;
  /** Graceful stop: no new requests, in-flight ones finish, the materializer commits, connections close. */
  stop(): Promise<void>;
}

/**
 * The whole engine in one process: ingest, API, materializer and worker on whatever adapters the
 * configuration selects (PGlite by default).
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const sandbox = options.sandbox ? new SandboxClock(options.clock ?? systemClock) : undefined;
  const clock = sandbox ?? options.clock ?? systemClock;
  const ids = options.ids ?? randomIdGenerator;
  const config = options.config ?? embeddedConfig({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  const adapters = await openAdapters(config, { clock, ids, pollIntervalMs: options.pollIntervalMs });
  const deps: ApiDeps = createApiDeps({ ...adapters, clock, ids, webhookUrlPolicy: options.webhookUrlPolicy });
  const billing: BillingDeps = {
    ...deps,
    payments: options.payments === "manual" ? manualPaymentProvider : testPaymentProvider,
  };
  try {
    const bootstrapResult = options.bootstrap === false ? null : await bootstrap(deps, options.bootstrap ?? {});
    const app = await buildApp(deps, {
      logger: options.logger,
      routes: [apiRoutes, ingestRoutes, () => billingRoutes(billing, { sandbox })],
      ready: adapters.ready,
    });
    const logError = (message: string) => (error: unknown) => app.log.error({ err: error }, message);
    const projector = new CustomerMeterProjector({ ...deps });
    const materializer = new Materializer({
      log: adapters.log,
      store: adapters.store,
      projector,
      onError: logError("materializer batch failed; retrying"),
    });
    await materializer.start();
    const worker: Worker = await startWorker({
      jobs: adapters.jobs,
      clock,
      pruneEventLog: adapters.prune,
      billing,
      scheduleEveryMs: options.scheduleEveryMs,
      webhooks: options.webhooks,
      announceUsageEveryMs: options.announceUsageEveryMs,
      logger: app.log,
    });

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        await app.close();
        await worker.stop();
        await materializer.stop();
        await adapters.close();
      })();
      return stopping;
    };
    return { app, deps, billing, materializer, bootstrapResult, adapters: adapters.describe(), stop };
  } catch (error) {
    await adapters.close();
    throw error;
  }
}
