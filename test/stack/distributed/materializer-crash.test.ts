import { describeStack } from "@meterline/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Cluster, distributedStackStatus, type ServiceHandle } from "./cluster.js";
import { sleep, startLoad, until } from "./load.js";
import {
  createTenants,
  Expectation,
  expected,
  generateBatches,
  observe,
  seedFromEnvironment,
  type Tenant,
} from "./workload.js";

const EVENTS = Number(process.env.METERLINE_E2E_CRASH_EVENTS ?? 30_000);
const BATCH_SIZE = 100;

const status = await distributedStackStatus();

/**
 * At-least-once delivery, effectively-once effect (ARCHITECTURE §3.4) with real processes: a
 * materializer killed with SIGKILL in the middle of a batch loses its uncommitted work, the group
 * hands its partitions on (after the dead member's session times out), and what it had already
 * written is neither lost nor counted twice.
 */
describeStack("distributed services: a materializer killed mid-load", status, () => {
  let cluster: Cluster;
  let tenants: Tenant[];
  // One expectation across the variants: each checks everything sent so far.
  const expectation = new Expectation();

  beforeAll(async () => {
    cluster = await Cluster.start({ label: "materializer-crash", materializers: 2 });
    tenants = await createTenants(cluster, { organizations: 3, customersEach: 17 });
  });

  afterEach((context) => {
    if (context.task.result?.state === "fail") console.log(cluster?.output());
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  /** Events in ClickHouse beyond the group's committed offsets: the work of batches in flight. */
  async function storedBeyondCommitted(): Promise<number> {
    const readiness = await cluster.readiness();
    if (readiness === null) return 0;
    const committed = readiness.partitions.reduce((sum, partition) => sum + partition.watermark + 1, 0);
    return (await cluster.storedEvents()) - committed;
  }

  async function killDuringLoad(variant: string, victims: () => ServiceHandle[]) {
    const seed = seedFromEnvironment();
    cluster.log(`${variant}: seed ${seed}`);
    const batches = generateBatches({ tenants, count: EVENTS / BATCH_SIZE, size: BATCH_SIZE, seed, prefix: variant });
    const load = startLoad({
      url: cluster.ingest,
      token: (batch) => batch.tenant.token,
      batches,
      concurrency: 8,
      duplicateEvery: 10,
      expectation,
      log: (message) => cluster.log(`${variant}: ${message}`),
    });
    try {
      // Mid-load, with the materializers busy: a third of the events in, and a backlog to work on.
      await until("a third of the events acknowledged", () => load.progress.ackedEvents >= EVENTS / 3, 120_000);
      // Aim at the middle of a batch: written to ClickHouse (and maybe projected) but not committed,
      // so the group must deliver it again. Best effort: a batch may commit between look and kill.
      const aimUntil = Date.now() + 20_000;
      while (Date.now() < aimUntil && (await storedBeyondCommitted()) <= 0) await sleep(10);
      const killed = victims();
      await Promise.all(killed.map((service) => cluster.kill(service, "SIGKILL")));
      cluster.log(
        `${variant}: SIGKILLed ${killed.length} materializer(s) at lag ${(await cluster.readiness())?.lag}; ` +
          `${await storedBeyondCommitted()} events stored but not committed (delivered again)`,
      );
      const restartedAt = Date.now();
      await Promise.all(killed.map(() => cluster.startMaterializer()));
      cluster.log(`${variant}: restarted, rejoined the group in ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
      const report = await load.done;
      expect(report.unexpected).toEqual([]);
      expect([report.inserted, report.duplicates]).toEqual([EVENTS, 0]);
      expect([report.resendInserted, report.resendDuplicates]).toEqual([0, EVENTS / 10]);
    } finally {
      load.stop();
    }
    await cluster.waitForLagZero(240_000);
    const observed = await observe(cluster, tenants);
    const want = expected(expectation, tenants);
    expect(observed.events).toEqual(want.events);
    expect(observed.meterTotals).toEqual(want.meterTotals);
    expect(observed.customerMeters).toEqual(want.customerMeters);
    expect(observed.customerEvents).toEqual(want.customerEvents);
  }

  describe("SIGKILL and restart", () => {
    it("one of two materializers: nothing lost, nothing counted twice", async () => {
      await killDuringLoad("kill-one", () => cluster.materializers.slice(0, 1));
    });

    it("both materializers at once: nothing lost, nothing counted twice", async () => {
      await killDuringLoad("kill-both", () => cluster.materializers.slice());
    });
  });
});
