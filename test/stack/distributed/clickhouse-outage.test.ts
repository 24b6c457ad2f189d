import { describeStack } from "@meterline/testing";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { Cluster, distributedStackStatus } from "./cluster.js";
import { type RunningLoad, startLoad, until } from "./load.js";
import { Outage } from "./stack-control.js";
import {
  createTenants,
  Expectation,
  expected,
  generateBatches,
  observe,
  request,
  seedFromEnvironment,
  type Tenant,
} from "./workload.js";

const PHASE = 10_000;
const BATCH_SIZE = 100;

const status = await distributedStackStatus();

/**
 * ClickHouse stopped under load: ingest does not need it and keeps acknowledging (the events are
 * durable in Kafka), the materializer retries its batch while the lag grows, reads that need
 * ClickHouse answer 503; once it is back, the backlog drains and every event counts exactly once.
 */
describeStack("distributed services: ClickHouse down mid-load", status, () => {
  let cluster: Cluster;
  let tenants: Tenant[];
  const outage = new Outage("clickhouse");

  beforeAll(async () => {
    cluster = await Cluster.start({ label: "clickhouse-outage" });
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

  it("ingest keeps answering 200, reads answer 503, and the backlog drains exactly once afterwards", async () => {
    const seed = seedFromEnvironment();
    cluster.log(`seed ${seed}`);
    const expectation = new Expectation();
    /** 10,000 events; three of these: before and into the outage, all during it, and after it. */
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
        eventsPerSecond: 2500,
        expectation,
        log: (message) => cluster.log(`${name}: ${message}`),
      });
    const tenant = tenants[0] as Tenant;
    const loads: RunningLoad[] = [];
    try {
      const before = phase("before", 0);
      loads.push(before);
      await until("4000 events acknowledged", () => before.progress.ackedEvents >= 4000, 120_000);
      cluster.log(`stopping ClickHouse at ${before.progress.ackedEvents} events acknowledged`);
      const stopTook = await outage.begin();
      const lagAtStop = (await cluster.readiness(cluster.ingest))?.lag ?? -1;
      cluster.log(`ClickHouse stopped (${stopTook} ms), lag ${lagAtStop}`);

      // Reads that need ClickHouse: 503 with Retry-After, never 500. Customer meters live in PostgreSQL.
      const query = new URLSearchParams({
        start_timestamp: new Date(Date.now() - 2 * 86_400_000).toISOString(),
        end_timestamp: new Date(Date.now() + 86_400_000).toISOString(),
        interval: "day",
      });
      const quantities = await request(
        `${cluster.api}/v1/meters/${tenant.meters.sum}/quantities?${query}`,
        tenant.token,
      );
      expect(quantities.status).toBe(503);
      expect(quantities.headers.get("retry-after")).not.toBeNull();
      expect(JSON.stringify(quantities.body)).not.toMatch(/8123|127\.0\.0\.1|ECONNREFUSED/);
      expect((await request(`${cluster.api}/v1/events/?limit=1`, tenant.token)).status).toBe(503);
      expect((await request(`${cluster.api}/v1/customer-meters/?limit=1`, tenant.token)).status).toBe(200);
      expect((await fetch(`${cluster.api}/readyz`)).status).toBe(503);

      // Ingest goes on without ClickHouse; nothing is materialized meanwhile, so the lag grows.
      const during = phase("during", 1);
      loads.push(during);
      const duringReport = await during.done;
      const lagWhileDown = (await cluster.readiness(cluster.ingest))?.lag ?? -1;
      cluster.log(`lag while ClickHouse is down: ${lagAtStop} → ${lagWhileDown}`);
      expect(duringReport.unexpected).toEqual([]);
      expect(duringReport.statuses).toEqual({ 200: PHASE / BATCH_SIZE + PHASE / BATCH_SIZE / 10 });
      // At most one batch in flight (its ClickHouse writes done just before the stop) may still commit.
      expect(lagWhileDown).toBeGreaterThanOrEqual(lagAtStop + PHASE - 2000);

      const after = phase("after", 2);
      loads.push(after);
      const startTook = await outage.end();
      cluster.log(`ClickHouse started (${startTook} ms)`);
      for (const report of await Promise.all(loads.map((load) => load.done))) {
        expect(report.unexpected).toEqual([]);
        expect(report.statuses).toEqual({ 200: PHASE / BATCH_SIZE + PHASE / BATCH_SIZE / 10 });
        expect([report.inserted, report.duplicates]).toEqual([PHASE, 0]);
        expect([report.resendInserted, report.resendDuplicates]).toEqual([0, PHASE / 10]);
      }
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
