import { createRepositories } from "@meterline/api";
import { MATERIALIZER_GROUP, randomIdGenerator, systemClock } from "@meterline/core";
import {
  createLogger,
  loadRuntimeConfig,
  openAdapters,
  portFrom,
  requireSharedDatabase,
  startHealthServer,
  stopOnSignals,
} from "@meterline/runtime";
import { CustomerMeterProjector } from "./customer-meter-projector.js";
import { Materializer } from "./materializer.js";

/** The materializer: EventLog → EventStore and customer meters. Several instances share the partitions. */
async function main(): Promise<void> {
  const config = loadRuntimeConfig();
  requireSharedDatabase(config, "materializer");
  const logger = createLogger("materializer", config.logLevel);
  const adapters = await openAdapters(config, {
    clock: systemClock,
    ids: randomIdGenerator,
    needs: { jobs: false },
    onError: (error) => logger.error({ err: error }, "adapter error"),
  });
  const repositories = createRepositories(adapters.db);
  const projector = new CustomerMeterProjector({
    ...repositories,
    store: adapters.store,
    clock: systemClock,
    ids: randomIdGenerator,
  });
  const materializer = new Materializer({
    log: adapters.log,
    store: adapters.store,
    projector,
    onError: (error) => logger.error({ err: error }, "batch failed; it will be delivered again"),
  });
  await materializer.start();
  const health = await startHealthServer({
    port: portFrom(process.env, "PORT", 8002),
    host: process.env.HOST ?? "127.0.0.1",
    ready: adapters.ready,
    details: async () => ({
      watermarks: await Promise.all(
        adapters.log.partitions().map(async (partition) => ({
          partition,
          offset: (await adapters.log.watermark(MATERIALIZER_GROUP, partition))?.offset ?? null,
        })),
      ),
    }),
  });
  logger.info({ health: health.address, adapters: adapters.describe() }, "materializer running");
  stopOnSignals(logger, async () => {
    // The batch in flight finishes and commits before the connections close.
    await materializer.stop();
    await health.close();
    await adapters.close();
  });
}

main().catch((error) => {
  process.stderr.write(
    `materializer: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
