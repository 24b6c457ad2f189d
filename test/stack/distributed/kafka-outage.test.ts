import { describeStack } from "@meterline/testing";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { Cluster, distributedStackStatus } from "./cluster.js";
import { type RunningLoad, sleep, startLoad, until } from "./load.js";
import { Outage } from "./stack-control.js";
import {
  createTenants,
  Expectation,
  expected,
  generateBatches,
  observe,
  seedFromEnvironment,
  type Tenant,
} from "./workload.js";

const PHASE = 10_000;
const BATCH_SIZE = 100;

const status = await distributedStackStatus();

/**
 * Kafka stopped under load (through the stack's own script, as an operator would): ingest cannot
 * make events durable, so it refuses them with 503 + Retry-After, quickly, and acknowledges
 * nothing; clients retry the same batch; once Kafka is back, everything is counted exactly once.
 */
describeStack("distributed services: Kafka down mid-load", status, () => {
  let cluster: Cluster;
  let tenants: Tenant[];
  const outage = new Outage("kafka");

  beforeAll(async () => {
    cluster = await Cluster.start({ label: "kafka-outage" });
    tenants = await createTenants(cluster, { organizations: 3, customersEach: 17 });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === "fail") console.log(cluster?.output());
    await outage.restore();
  });

  afterAll(async () => {
    await outage.restore();
    await cluster?.stop();
  });

  it("ingest answers 503 with Retry-After while Kafka is down, resumes after, and counts every event once", async () => {
    const seed = seedFromEnvironment();
    cluster.log(`seed ${seed}`);
    const expectation = new Expectation();
    /** 10,000 events; three of these: before and into the outage, started during it, and after it. */
    const phase = (name: string, index: number) =>
      startLoad({
        url: cluster.ingest,
        token: (batch) => batch.tenant.token,
        batches: generateBatches({
          tenants,
          count: PHASE / BATCH_SIZE,
          size: BATCH_SIZE,
          seed: seed + index,
          prefix: name,
        }),
        concurrency: 8,
        duplicateEvery: 10,
        retryUnavailable: true,
        eventsPerSecond: 2500,
        expectation,
        log: (message) => cluster.log(`${name}: ${message}`),
      });
    const loads: RunningLoad[] = [];
    try {
      const before = phase("before", 0);
      loads.push(before);
      await until("4000 events acknowledged", () => before.progress.ackedEvents >= 4000, 120_000);
      cluster.log(`stopping Kafka at ${before.progress.ackedEvents} events acknowledged`);
      const stopTook = await outage.begin();
      const stoppedAt = Date.now();
      cluster.log(`Kafka stopped (${stopTook} ms)`);
      const during = phase("during", 1);
      loads.push(during);
      // Down long enough for every client to be refused a few times.
      await until("20 answers 503", () => during.progress.unavailable >= 20, 60_000);
      await sleep(2000);
      expect((await fetch(`${cluster.ingest}/readyz`)).status).toBe(503);
      const restartingAt = Date.now();
      cluster.log(`starting Kafka after ${before.progress.unavailable + during.progress.unavailable} answers 503`);
      const startTook = await outage.end();
      cluster.log(`Kafka started (${startTook} ms)`);
      const after = phase("after", 2);
      loads.push(after);
      const reports = await Promise.all(loads.map((load) => load.done));

      for (const report of reports) {
        expect(report.unexpected).toEqual([]);
        expect(report.missingRetryAfter).toBe(0);
        expect(report.slowestMs).toBeLessThan(15_000);
        // Each batch's final answer counts it once; the re-sent copies are all duplicates.
        expect([report.inserted, report.duplicates]).toEqual([PHASE, 0]);
        expect([report.resendInserted, report.resendDuplicates]).toEqual([0, PHASE / 10]);
      }
      const statuses = new Set(reports.flatMap((report) => Object.keys(report.statuses)));
      expect([...statuses].sort()).toEqual(["200", "503"]);
      expect(reports[1]?.unavailable).toBeGreaterThanOrEqual(20);
      expect(reports[1]?.retriedBatches).toBeGreaterThan(0);
      // Nothing is acknowledged that Kafka did not store: no first send succeeded while it was down.
      const acknowledged = loads.flatMap((load) => [...load.progress.ackedAt.values()]);
      // (A second's margin: an answer sent just before the broker exited may be read a little later.)
      expect(acknowledged.filter((at) => at > stoppedAt + 1000 && at < restartingAt)).toEqual([]);
    } finally {
      for (const load of loads) load.stop();
    }

    await cluster.waitForLagZero(240_000);
    const observed = await observe(cluster, tenants);
    const want = expected(expectation, tenants);
    expect(expectation.total).toBe(3 * PHASE);
    expect(observed.events).toEqual(want.events);
    expect(observed.meterTotals).toEqual(want.meterTotals);
    expect(observed.customerMeters).toEqual(want.customerMeters);
    expect(observed.customerEvents).toEqual(want.customerEvents);
  });
});
