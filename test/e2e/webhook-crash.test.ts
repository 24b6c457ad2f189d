import { afterEach, describe, it } from "vitest";
import { ORGANIZATION_TOKEN, type RunningServer, startServer } from "../compat/server.js";
import { CRASH_WEBHOOK_ENV, killDuringDelivery } from "../support/webhook-crash.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

/**
 * At-least-once webhook delivery with a real crash: the standalone engine is killed with SIGKILL
 * while a webhook request is in flight and started again on the same data directory.
 */
const SECRET = "whsec-embedded-crash";
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe.skipIf(process.env.METERLINE_COMPAT_TARGET === "distributed")(
  "webhooks: the engine killed mid-delivery",
  () => {
    it("delivers every event after a restart, none lost, resends with the same webhook-id", async () => {
      const receiver = await WebhookReceiver.start(SECRET);
      cleanups.push(() => receiver.close());
      const first = await startServer({ env: CRASH_WEBHOOK_ENV });
      let server: RunningServer = first;
      const dataDir = first.dataDir;
      // The first server owns the data directory: it is removed once the restarted one has stopped.
      cleanups.push(async () => {
        await server.stop();
        await first.stop();
      });
      await killDuringDelivery(
        {
          api: () => server.url,
          token: ORGANIZATION_TOKEN,
          killWorker: async () => {
            await server.kill("SIGKILL");
          },
          restartWorker: async () => {
            server = await startServer({ dataDir, env: CRASH_WEBHOOK_ENV });
          },
        },
        receiver,
        { secret: SECRET, customers: 5, later: 3, whileDown: false },
      );
    });
  },
);
