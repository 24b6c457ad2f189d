import { billingRoutes } from "@meterline/billing";
import { manualPaymentProvider, randomIdGenerator, systemClock, testPaymentProvider } from "@meterline/core";
import { ingestRoutes } from "@meterline/ingest";
import {
  createLogger,
  loadRuntimeConfig,
  openAdapters,
  portFrom,
  requireSharedDatabase,
  stopOnSignals,
} from "@meterline/runtime";
import { BootstrapTokenError, bootstrap } from "./admin/bootstrap.js";
import { buildApp } from "./app.js";
import { createApiDeps } from "./deps.js";
import { apiRoutes } from "./index.js";
import { webhookUrlPolicyFromEnv } from "./webhooks/webhook-url-policy.js";

/**
 * The API service: every `/v1` route. It serves `POST /v1/events/ingest` too, so one public port
 * is enough; a deployment that scales ingest separately routes that path to the ingest service.
 */
async function main(): Promise<void> {
  const config = loadRuntimeConfig();
  requireSharedDatabase(config, "api");
  const logger = createLogger("api", config.logLevel);
  const adapters = await openAdapters(config, {
    clock: systemClock,
    ids: randomIdGenerator,
    onError: (error) => logger.error({ err: error }, "adapter error"),
  });
  const deps = createApiDeps({
    ...adapters,
    clock: systemClock,
    ids: randomIdGenerator,
    webhookUrlPolicy: webhookUrlPolicyFromEnv(process.env),
  });
  // The first organization and tokens, as `npm start` does; idempotent across restarts and instances.
  const boot = await bootstrap(deps, {
    organizationToken: process.env.METERLINE_BOOTSTRAP_TOKEN || undefined,
    adminToken: process.env.METERLINE_BOOTSTRAP_ADMIN_TOKEN || undefined,
  }).catch((error: unknown) => {
    if (error instanceof BootstrapTokenError) throw error;
    // Another instance bootstrapping at the same moment won the race; its tokens were printed there.
    logger.warn({ err: error }, "bootstrap skipped");
    return null;
  });
  if (boot?.organizationToken !== undefined)
    process.stdout.write(`Organization access token (shown once): ${boot.organizationToken}\n`);
  if (boot?.adminToken !== undefined) process.stdout.write(`Admin token (shown once): ${boot.adminToken}\n`);
  const payments = process.env.METERLINE_PAYMENT_PROVIDER === "manual" ? manualPaymentProvider : testPaymentProvider;
  const billing = { ...deps, payments };
  const app = await buildApp(deps, {
    logger,
    routes: [apiRoutes, ingestRoutes, () => billingRoutes(billing)],
    ready: adapters.ready,
  });
  const address = await app.listen({
    port: portFrom(process.env, "PORT", 8000),
    host: process.env.HOST ?? "127.0.0.1",
  });
  logger.info({ address, adapters: adapters.describe() }, "api listening");
  stopOnSignals(logger, async () => {
    await app.close();
    await adapters.close();
  });
}

main().catch((error) => {
  process.stderr.write(
    `api: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
