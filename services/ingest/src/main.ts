import { buildApp, createApiDeps } from "@meterline/api";
import { randomIdGenerator, systemClock } from "@meterline/core";
import {
  createLogger,
  loadRuntimeConfig,
  openAdapters,
  portFrom,
  requireSharedDatabase,
  stopOnSignals,
} from "@meterline/runtime";
import { ingestRoutes } from "./ingest-routes.js";

/** The ingest service: `POST /v1/events/ingest` → validate → EventLog.append, nothing else. */
async function main(): Promise<void> {
  const config = loadRuntimeConfig();
  requireSharedDatabase(config, "ingest");
  const logger = createLogger("ingest", config.logLevel);
  const adapters = await openAdapters(config, {
    clock: systemClock,
    ids: randomIdGenerator,
    needs: { store: false, jobs: false },
    onError: (error) => logger.error({ err: error }, "adapter error"),
  });
  const deps = createApiDeps({ ...adapters, clock: systemClock, ids: randomIdGenerator });
  const app = await buildApp(deps, { logger, routes: [ingestRoutes], docs: false, ready: adapters.ready });
  const address = await app.listen({
    port: portFrom(process.env, "PORT", 8001),
    host: process.env.HOST ?? "127.0.0.1",
  });
  logger.info({ address, adapters: adapters.describe() }, "ingest listening");
  stopOnSignals(logger, async () => {
    await app.close();
    await adapters.close();
  });
}

main().catch((error) => {
  process.stderr.write(
    `ingest: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
