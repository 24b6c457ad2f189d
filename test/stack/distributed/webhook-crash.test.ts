import { describeStack } from "@meterline/testing";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { CRASH_WEBHOOK_ENV, killDuringDelivery } from "../../support/webhook-crash.js";
import { WebhookReceiver } from "../../support/webhook-receiver.js";
import { BOOTSTRAP_ORGANIZATION_TOKEN, Cluster, distributedStackStatus } from "./cluster.js";

const status = await distributedStackStatus();
const SECRET = "whsec-distributed-crash";

/**
 * At-least-once webhook delivery on BullMQ with real processes: the billing worker is killed with
 * SIGKILL while a webhook request is in flight; the API keeps serving (and announcing) while it is
 * down; a new billing worker delivers everything.
 */
describeStack("distributed services: the billing worker killed mid-delivery", status, () => {
  let cluster: Cluster;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    cluster = await Cluster.start({ label: "webhook-crash", env: CRASH_WEBHOOK_ENV });
    receiver = await WebhookReceiver.start(SECRET);
  });

  afterEach((context) => {
    if (context.task.result?.state === "fail") console.log(cluster?.output());
  });

  afterAll(async () => {
    await receiver?.close();
    await cluster?.stop();
  });

  it("delivers every event after a restart, none lost, resends with the same webhook-id", async () => {
    await killDuringDelivery(
      {
        api: () => cluster.api,
        token: BOOTSTRAP_ORGANIZATION_TOKEN,
        killWorker: async () => {
          const workers = cluster.running.filter((service) => service.name === "billing");
          expect(workers).toHaveLength(1);
          await Promise.all(workers.map((worker) => cluster.kill(worker, "SIGKILL")));
        },
        restartWorker: async () => {
          await cluster.startBilling();
        },
      },
      receiver,
      { secret: SECRET, customers: 5, later: 3, whileDown: true },
    );
  });
});
