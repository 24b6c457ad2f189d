import { createApiDeps, webhookUrlPolicyFromEnv } from "@meterline/api";
import { manualPaymentProvider, randomIdGenerator, systemClock, testPaymentProvider } from "@meterline/core";
import {
  createLogger,
  loadRuntimeConfig,
  openAdapters,
  portFrom,
  requireSharedDatabase,
  startHealthServer,
  stopOnSignals,
} from "@meterline/runtime";
import { webhookOptionsFromEnv } from "./webhooks/webhook-options.js";
import { startWorker } from "./worker.js";

/** The billing worker: runs the JobQueue's jobs (maintenance, cycles and orders, webhook delivery). */
async function main(): Promise<void> {
  const config = loadRuntimeConfig();
  requireSharedDatabase(config, "billing");
  const logger = createLogger("billing", config.logLevel);
  const adapters = await openAdapters(config, {
    clock: systemClock,
    ids: randomIdGenerator,
    // Cycles read closed usage windows from the store.
    onError: (error) => logger.error({ err: error }, "adapter error"),
  });
  const deps = createApiDeps({
    ...adapters,
    clock: systemClock,
    ids: randomIdGenerator,
    webhookUrlPolicy: webhookUrlPolicyFromEnv(process.env),
  });
  const payments = process.env.METERLINE_PAYMENT_PROVIDER === "manual" ? manualPaymentProvider : testPaymentProvider;
  const worker = await startWorker({
    jobs: adapters.jobs,
    clock: systemClock,
    pruneEventLog: adapters.prune,
    billing: { ...deps, payments },
    webhooks: webhookOptionsFromEnv(process.env),
    logger,
  });
  const health = await startHealthServer({
    port: portFrom(process.env, "PORT", 8003),
    host: process.env.HOST ?? "127.0.0.1",
    ready: adapters.ready,
  });
  logger.info({ health: health.address, adapters: adapters.describe() }, "billing worker running");
  stopOnSignals(logger, async () => {
    await worker.stop();
    await health.close();
    await adapters.close();
  });
}

main().catch((error) => {
  process.stderr.write(
    `billing: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
