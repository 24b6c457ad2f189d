import { describeStack } from "@meterline/testing";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { Cluster, distributedStackStatus } from "./cluster.js";
import { startLoad } from "./load.js";
import {
  createTenants,
  Expectation,
  expected,
  generateBatches,
  observe,
  seedFromEnvironment,
  type Tenant,
} from "./workload.js";

const EVENTS = Number(process.env.METERLINE_E2E_EVENTS ?? 100_000);
const BATCH_SIZE = 100;
const CUSTOMERS_EACH = 17;

const status = await distributedStackStatus();

describeStack("distributed services: exactness at volume", status, () => {
  let cluster: Cluster;
  let tenants: Tenant[];

  beforeAll(async () => {
    cluster = await Cluster.start({ label: "exactness", materializers: 2 });
    tenants = await createTenants(cluster, { organizations: 3, customersEach: CUSTOMERS_EACH });
  });

  afterEach((context) => {
    if (context.task.result?.state === "fail") console.log(cluster?.output());
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it(`counts ${EVENTS} events ingested over HTTP with 10% duplicate batches exactly once`, async () => {
    const seed = seedFromEnvironment();
    cluster.log(`seed ${seed} (METERLINE_E2E_SEED reproduces the workload)`);
    const partitions = new Set(tenants.map((tenant) => tenant.partition));
    expect(partitions.size).toBe(3);
    const batches = generateBatches({ tenants, count: EVENTS / BATCH_SIZE, size: BATCH_SIZE, seed, prefix: "volume" });
    const expectation = new Expectation();
    const load = startLoad({
      url: cluster.ingest,
      token: (batch) => batch.tenant.token,
      batches,
      concurrency: 8,
      duplicateEvery: 10,
      expectation,
      log: (message) => cluster.log(message),
    });
    const report = await load.done;
    expect(report.unexpected).toEqual([]);
    expect(report.statuses).toEqual({ 200: batches.length + batches.length / 10 });
    expect([report.inserted, report.duplicates]).toEqual([EVENTS, 0]);
    expect([report.resendInserted, report.resendDuplicates]).toEqual([0, EVENTS / 10]);

    const materializeStart = Date.now();
    await cluster.waitForLagZero(300_000);
    cluster.log(
      `materialized at ${Math.round(EVENTS / ((Date.now() - materializeStart) / 1000 + report.seconds))} events/s end to end`,
    );
    const readiness = await cluster.readiness();
    const used = readiness?.partitions.filter((partition) => partition.head >= 0).length;
    expect(used).toBe(3);

    const observed = await observe(cluster, tenants);
    const want = expected(expectation, tenants);
    expect(expectation.total).toBe(EVENTS);
    expect(observed.events).toEqual(want.events);
    expect(observed.meterTotals).toEqual(want.meterTotals);
    expect(want.customerMeters.size).toBe(tenants.length * CUSTOMERS_EACH * 3);
    expect(observed.customerMeters).toEqual(want.customerMeters);
    expect(observed.customerEvents).toEqual(want.customerEvents);
  });
});
