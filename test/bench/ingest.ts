/**
 * Ingest benchmark.
 *
 * `--mode=distributed` (default) starts the four services as processes on the local stack
 * (`bash infra/local/up.sh`; test/stack/distributed/cluster.ts: own database, topic, ClickHouse
 * database, Redis prefix, removed at the end), drives them over HTTP from this process and reports
 *   - the raw ceilings: bare Fastify answering the same 100-event bodies with the same client at
 *     the same concurrencies, and bare @clickhouse/client inserts of the materializer's rows;
 *   - accepted events/s (HTTP 200 from the ingest service, 100-event batches, every 10th batch
 *     re-sent as duplicates, 503s retried), after a sweep that picks the client count;
 *   - stored events/s (materialized: `/readyz` watermarks, until lag 0);
 *   - ingest → queryable lag p50/p99 from marker events, under full load and at a steady rate;
 *   - with every figure checked exact, customer-meter and customer-state read latency p50/p99 at
 *     `--events` stored events.
 * `--mode=embedded` runs test/bench/embedded.ts (PGlite) with the other flags.
 *
 *   npm run bench:ingest -- --mode=distributed                          # 10,000,000 events
 *   npm run bench:ingest -- --mode=distributed --events=1000000 --concurrency=8
 *   npm run bench:ingest -- --mode=distributed --events=1000000 --profile=ingest,materializer
 *   npm run bench:ingest -- --mode=embedded --events=100000
 *
 * Flags (distributed): --events, --customers (per organization, 1000), --organizations (3),
 * --materializers (2), --concurrency (default: sweep), --sweep=1,2,4,8,16,32, --sweep-seconds (10),
 * --ceiling-seconds (5), --ceiling-rows (200000), --lag-seconds (60), --lag-rate (events/s of the
 * steady-rate lag phase; default half the stored rate), --reads (2000), --state-reads (500),
 * --profile=<services> (node --cpu-prof), --seed, --json=<file>.
 * Progress is printed every 10 s. Results also go to test/tmp/bench-ingest/<run>/result.json.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createKafka } from "@meterline/kafka";
import kafkajs from "kafkajs";
import type { ServiceName } from "../../infra/local/start-distributed.js";
import { CLICKHOUSE_URL, Cluster, distributedStackStatus, KAFKA_BROKERS } from "../stack/distributed/cluster.js";
import { createTenants, type Tenant } from "../stack/distributed/workload.js";
import { measureClickHouseCeiling, measureFastifyCeiling, toStoredEvents } from "./ceilings.js";
import { formatProfile, type ProfileSummary, readProfile, summarizeProfile } from "./cpu-profile-top.js";
import { HttpClient, type IngestLoadReport, runIngestLoad } from "./http-load.js";
import { checkTotals, RunningTotals, StreamingWorkload, type WorkloadBatch } from "./ingest-workload.js";
import { LagProbe } from "./lag-probe.js";
import { formatLatency, integer, type LatencySummary, summarize } from "./percentiles.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const argv = process.argv.slice(2);
const args = Object.fromEntries(
  argv.flatMap((arg) => {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    return match === null ? [] : [[match[1], match[2]]];
  }),
) as Record<string, string>;

const number = (name: string, fallback: number) => {
  const value = Number((args[name] ?? String(fallback)).replaceAll("_", ""));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
};

const BATCH = 100;
const DUPLICATE_EVERY = 10;
const PROGRESS_MS = 10_000;

function machine(): string {
  const load = loadavg().map((value) => value.toFixed(2));
  return (
    `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM ` +
    `(${(freemem() / 2 ** 30).toFixed(1)} free), Node ${process.version}, load average ${load.join(" ")}`
  );
}

const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** Σ over partitions of (watermark + 1) and (head + 1): records materialized and records in the log. */
async function logCounts(cluster: Cluster): Promise<{ stored: number; logged: number } | null> {
  const readiness = await cluster.readiness();
  if (readiness === null) return null;
  return {
    stored: readiness.partitions.reduce((sum, partition) => sum + Math.max(0, partition.watermark + 1), 0),
    logged: readiness.partitions.reduce((sum, partition) => sum + Math.max(0, partition.head + 1), 0),
  };
}

/** Every 10 s: events accepted and stored, their rates over the last interval, lag, load average. */
function startProgress(cluster: Cluster, target: number, accepted: () => number): () => void {
  let last = { at: performance.now(), accepted: accepted(), stored: Number.NaN };
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const counts = await logCounts(cluster);
      const now = performance.now();
      const seconds = (now - last.at) / 1000;
      const acceptedNow = accepted();
      const stored = counts?.stored ?? Number.NaN;
      log(
        `accepted ${integer(acceptedNow)}/${integer(target)} (${integer((acceptedNow - last.accepted) / seconds)}/s), ` +
          `stored ${integer(stored)} (${Number.isNaN(last.stored) ? "-" : integer((stored - last.stored) / seconds)}/s), ` +
          `lag ${counts === null ? "?" : integer(counts.logged - counts.stored)}, load ${loadavg()[0]?.toFixed(2)}`,
      );
      last = { at: now, accepted: acceptedNow, stored };
    } finally {
      busy = false;
    }
  }, PROGRESS_MS);
  return () => clearInterval(timer);
}

async function waitForLagZero(cluster: Cluster): Promise<{ at: number; stored: number }> {
  for (;;) {
    const counts = await logCounts(cluster);
    if (counts !== null && counts.logged === counts.stored) return { at: performance.now(), stored: counts.stored };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Our own topic may fall behind by more than the broker's default retention.bytes (1 GiB per partition). */
async function keepWholeTopic(topic: string): Promise<void> {
  const admin = createKafka({ brokers: KAFKA_BROKERS }).admin();
  await admin.connect();
  try {
    // alterConfigs replaces the topic's dynamic configs: restate the timestamp type.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: kafkajs.ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [
            { name: "retention.bytes", value: "-1" },
            { name: "message.timestamp.type", value: "LogAppendTime" },
          ],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

interface SweepPoint {
  concurrency: number;
  eventsPerSecond: number;
  latency: LatencySummary;
}

async function distributed(): Promise<void> {
  const events = number("events", 10_000_000);
  const customersEach = number("customers", 1000);
  const organizations = number("organizations", 3);
  const materializers = number("materializers", 2);
  const sweep = (args.sweep ?? "1,2,4,8,16,32").split(",").map(Number);
  const sweepSeconds = number("sweep-seconds", 10);
  const fixedConcurrency = args.concurrency === undefined ? undefined : number("concurrency", 8);
  const seed = number("seed", Math.floor(Math.random() * 2 ** 31));
  const profiled = (args.profile ?? "").split(",").filter((name) => name !== "") as ServiceName[];
  const run = `${new Date().toISOString().replaceAll(/[:.]/g, "-")}-${randomBytes(2).toString("hex")}`;
  const outputDir = join(root, "test/tmp/bench-ingest", run);
  mkdirSync(outputDir, { recursive: true });
  const startLoad = loadavg();
  log(`machine: ${machine()}`);
  log(`output: ${outputDir}`);

  const status = await distributedStackStatus();
  if (!status.available)
    throw new Error(`the local stack is not answering (${status.reason}); run bash infra/local/up.sh`);

  const nodeFlags = Object.fromEntries(
    profiled.map((service) => [service, ["--cpu-prof", `--cpu-prof-dir=${join(outputDir, "profiles", service)}`]]),
  );
  const cluster = await Cluster.start({ label: "bench", materializers, nodeFlags });
  const results: Record<string, unknown> = { run, machine: machine(), seed, events, materializers, customersEach };
  const clients: HttpClient[] = [];
  try {
    await keepWholeTopic(cluster.resources.topic);
    const setupStarted = performance.now();
    const tenants: Tenant[] = await createTenants(cluster, { organizations, customersEach });
    log(
      `${tenants.length} organizations on partitions ${tenants.map((tenant) => tenant.partition).join(", ")}, ` +
        `${integer(tenants.length * customersEach)} customers, 3 meters each, in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
    );
    const workload = new StreamingWorkload(tenants, { seed, size: BATCH, prefix: "bench" });
    const totals = new RunningTotals();

    // Ceilings, before any load: the services sit idle meanwhile.
    const ceilingWorkload = new StreamingWorkload(tenants, { seed: seed + 1, size: BATCH, prefix: "ceiling" });
    const fastify = await measureFastifyCeiling({
      concurrencies: fixedConcurrency === undefined ? sweep : [fixedConcurrency],
      seconds: number("ceiling-seconds", 5),
      batch: (index) => ceilingWorkload.batch(index),
    });
    for (const point of fastify) {
      log(
        `ceiling: bare Fastify, ${point.concurrency} clients: ${integer(point.eventsPerSecond)} events/s, ${formatLatency(point.latency)}`,
      );
    }
    const ceilingRows = number("ceiling-rows", 200_000);
    const ceilingEvents = [];
    for (let index = 0; ceilingEvents.length < ceilingRows; index++) {
      const batch = ceilingWorkload.batch(1_000_000 + index);
      ceilingEvents.push(
        ...toStoredEvents(
          batch.data.tenant.organizationId,
          batch.data.tenant.partition,
          batch.data.events,
          index * BATCH,
        ),
      );
    }
    const clickhouse = await measureClickHouseCeiling({
      url: CLICKHOUSE_URL,
      events: ceilingEvents,
      chunk: 2000,
      writers: [1, 2],
    });
    for (const point of clickhouse) {
      log(
        `ceiling: ClickHouse ${point.what} insert, ${point.writers} writer(s): ${integer(point.rowsPerSecond)} rows/s`,
      );
    }
    results.ceilings = { fastify, clickhouse };

    // Sweep: the client count that accepts the most, each step on the same cluster (its events stay).
    const ingest = (concurrency: number) => {
      const client = new HttpClient(cluster.ingest, concurrency);
      clients.push(client);
      return client;
    };
    const accept = (batch: WorkloadBatch) => totals.add(batch.data.tenant, batch.data.events);
    const sweepPoints: SweepPoint[] = [];
    let concurrency = fixedConcurrency ?? 0;
    if (fixedConcurrency === undefined) {
      for (const clientsCount of sweep) {
        const budget = Math.floor((events - totals.total) / BATCH);
        if (budget <= 0) break;
        const report = await runIngestLoad({
          client: ingest(clientsCount),
          concurrency: clientsCount,
          next: workload.cursor(budget),
          until: performance.now() + sweepSeconds * 1000,
          duplicateEvery: DUPLICATE_EVERY,
          onAccepted: accept,
        });
        assertClean(`sweep at ${clientsCount} clients`, report);
        const point = {
          concurrency: clientsCount,
          eventsPerSecond: report.acceptedEvents / report.seconds,
          latency: summarize(report.latencies),
        };
        sweepPoints.push(point);
        log(
          `sweep: ${clientsCount} clients: ${integer(point.eventsPerSecond)} events/s accepted, batch ${formatLatency(point.latency)}`,
        );
      }
      const best = sweepPoints.reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
      concurrency = best.concurrency;
      log(`sweep: ${concurrency} clients accept the most`);
    }
    results.sweep = sweepPoints;
    results.concurrency = concurrency;

    // Main load, with markers for the lag under full load.
    const mainBatches = Math.floor((events - totals.total) / BATCH);
    const mainStart = { at: performance.now(), counts: await logCounts(cluster) };
    const probeClient = (base: string) => {
      const client = new HttpClient(base, 2);
      clients.push(client);
      return client;
    };
    const [marker] = tenants as [Tenant];
    const saturatedProbe = new LagProbe({
      ingest: probeClient(cluster.ingest),
      api: probeClient(cluster.api),
      token: marker.token,
      run: "saturated",
    });
    const stopProgress = startProgress(cluster, events, () => totals.total);
    const main = await runIngestLoad({
      client: ingest(concurrency),
      concurrency,
      next: workload.cursor(mainBatches),
      duplicateEvery: DUPLICATE_EVERY,
      onAccepted: accept,
    });
    const ingestEnd = { at: performance.now(), counts: await logCounts(cluster) };
    assertClean("main load", main);
    log(`ingest done: ${integer(main.acceptedEvents)} events in ${main.seconds.toFixed(1)} s; waiting for lag 0`);
    const lagZero = await waitForLagZero(cluster);
    stopProgress();
    await saturatedProbe.stop();
    totals.addUncounted(marker.organizationId, saturatedProbe.sent);
    const saturatedLag = summarize(saturatedProbe.samples);
    const storedAtStart = mainStart.counts?.stored ?? 0;
    const storedAtIngestEnd = ingestEnd.counts?.stored ?? storedAtStart;
    const seconds = (from: number, to: number) => (to - from) / 1000;
    const stored = {
      endToEnd: (lagZero.stored - storedAtStart) / seconds(mainStart.at, lagZero.at),
      whileIngesting: (storedAtIngestEnd - storedAtStart) / seconds(mainStart.at, ingestEnd.at),
      drain:
        seconds(ingestEnd.at, lagZero.at) >= 5
          ? (lagZero.stored - storedAtIngestEnd) / seconds(ingestEnd.at, lagZero.at)
          : Number.NaN,
      drainSeconds: seconds(ingestEnd.at, lagZero.at),
      backlogAtIngestEnd: (ingestEnd.counts?.logged ?? 0) - storedAtIngestEnd,
      seconds: seconds(mainStart.at, lagZero.at),
    };
    const accepted = {
      eventsPerSecond: main.acceptedEvents / main.seconds,
      postedPerSecond: (main.requests * BATCH) / main.seconds,
      requests: main.requests,
      statuses: main.statuses,
      latency: summarize(main.latencies),
      events: main.acceptedEvents,
      seconds: main.seconds,
    };
    results.accepted = accepted;
    results.stored = stored;
    results.saturatedLag = saturatedLag;
    log(
      `lag 0: ${integer(lagZero.stored)} records materialized; stored ${integer(stored.endToEnd)} events/s end to end`,
    );

    // Lag at a steady rate the materializer keeps up with.
    const lagRate = number(
      "lag-rate",
      Math.max(BATCH, Math.floor(Math.min(stored.endToEnd, accepted.eventsPerSecond) / 2)),
    );
    const lagSeconds = number("lag-seconds", 60);
    const steadyProbe = new LagProbe({
      ingest: probeClient(cluster.ingest),
      api: probeClient(cluster.api),
      token: marker.token,
      run: "steady",
    });
    const steady = await runIngestLoad({
      client: ingest(concurrency),
      concurrency,
      next: workload.cursor(Math.floor((lagRate * lagSeconds) / BATCH)),
      eventsPerSecond: lagRate,
      duplicateEvery: DUPLICATE_EVERY,
      onAccepted: accept,
    });
    assertClean("steady-rate load", steady);
    await steadyProbe.stop();
    totals.addUncounted(marker.organizationId, steadyProbe.sent);
    await waitForLagZero(cluster);
    const steadyLag = summarize(steadyProbe.samples);
    results.steadyLag = { rate: lagRate, achieved: steady.acceptedEvents / steady.seconds, ...steadyLag };
    const probeErrors = [...saturatedProbe.errors, ...steadyProbe.errors];
    if (probeErrors.length > 0) log(`marker errors: ${probeErrors.slice(0, 5).join("; ")}`);

    // Exact before timed.
    const checkStarted = performance.now();
    const check = await checkTotals(cluster, tenants, totals);
    const clickhouseRows = await cluster.storedEvents();
    if (clickhouseRows !== totals.total) {
      check.mismatches.push(`ClickHouse holds ${clickhouseRows} events, ${totals.total} were acknowledged`);
    }
    if (check.mismatches.length > 0) {
      throw new Error(`figures differ from what was acknowledged:\n${check.mismatches.slice(0, 20).join("\n")}`);
    }
    log(
      `check (${((performance.now() - checkStarted) / 1000).toFixed(1)} s): ${check.summary}; ClickHouse count ${integer(clickhouseRows)}`,
    );

    // Reads at the full volume, one at a time.
    const api = probeClient(cluster.api);
    const meterIds: Array<{ token: string; path: string }> = [];
    for (const tenant of tenants) {
      const page = await api.json<{ items: Array<{ id: string }> }>("/v1/customer-meters/?limit=100", tenant.token);
      for (const item of page.items) meterIds.push({ token: tenant.token, path: `/v1/customer-meters/${item.id}` });
    }
    const reads = number("reads", 2000);
    const stateReads = number("state-reads", 500);
    const meterRead = await timedReads(api, meterIds, reads);
    const statePaths = tenants.flatMap((tenant) =>
      tenant.customers.map((customer) => ({ token: tenant.token, path: `/v1/customers/${customer.id}/state` })),
    );
    const stateRead = await timedReads(api, statePaths, stateReads);
    results.reads = { customerMeter: meterRead, customerState: stateRead, storedEvents: clickhouseRows };
    results.check = check.summary;
    const endLoad = loadavg();

    // Report.
    const fastifyAtConcurrency = fastify.find((point) => point.concurrency === concurrency);
    const fastifyBest = fastify.reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
    const rawInsert = clickhouse.filter((point) => point.what === "raw");
    const rawBest = rawInsert.reduce((a, b) => (b.rowsPerSecond > a.rowsPerSecond ? b : a));
    const storeInsert = clickhouse.filter((point) => point.what === "store");
    const lines = [
      `Meterline distributed ingest benchmark, ${new Date().toISOString()} (run ${run})`,
      `machine: ${machine()}`,
      `load average: ${startLoad.map((value) => value.toFixed(2)).join(" ")} at start, ${endLoad.map((value) => value.toFixed(2)).join(" ")} at the end`,
      `stack: PostgreSQL, Kafka (topic of 4 partitions), ClickHouse, Redis on 127.0.0.1; services api, ingest, ${materializers} materializer(s), billing`,
      `workload: ${integer(totals.total)} events (${integer(events)} + ${integer(steady.acceptedEvents)} in the steady-rate phase + ${saturatedProbe.sent + steadyProbe.sent} markers) in ${BATCH}-event batches, ` +
        `every ${DUPLICATE_EVERY}th batch re-sent (all duplicates), ${tenants.length} organizations × ${integer(customersEach)} customers, 3 meters each, seed ${seed}`,
      "",
      ...(sweepPoints.length > 0
        ? [
            `client sweep (${sweepSeconds} s each, events/s accepted): ${sweepPoints.map((point) => `${point.concurrency}→${integer(point.eventsPerSecond)}`).join(", ")}; chosen ${concurrency} clients`,
          ]
        : [`clients: ${concurrency} (fixed)`]),
      `accepted (HTTP 200):   ${integer(accepted.eventsPerSecond)} new events/s (${integer(accepted.postedPerSecond)} posted/s with re-sends) over ${accepted.seconds.toFixed(1)} s, ${integer(accepted.events)} events, ${concurrency} clients`,
      `  batch latency:       ${formatLatency(accepted.latency)}; statuses ${JSON.stringify(accepted.statuses)}`,
      `stored (materialized): ${integer(stored.endToEnd)} events/s from the main load's start to lag 0 (${stored.seconds.toFixed(1)} s)`,
      `  while ingesting:     ${integer(stored.whileIngesting)} events/s; backlog at ingest end ${integer(stored.backlogAtIngestEnd)} records; ` +
        `drain alone ${Number.isNaN(stored.drain) ? "n/a (under 5 s)" : `${integer(stored.drain)} events/s over ${stored.drainSeconds.toFixed(1)} s`}`,
      `ingest→queryable lag:  at full load ${formatLatency(saturatedLag, 0)}`,
      `                       at ${integer(lagRate)} events/s ${formatLatency(steadyLag, 0)}`,
      `customer-meter read:   ${formatLatency(meterRead, 2)} at ${integer(clickhouseRows)} stored events`,
      `customer state read:   ${formatLatency(stateRead, 2)}`,
      `check: ${check.summary}; ClickHouse holds exactly the ${integer(clickhouseRows)} acknowledged events`,
      "",
      `ceiling, bare Fastify: ${integer(fastifyAtConcurrency?.eventsPerSecond ?? Number.NaN)} events/s at ${concurrency} clients (best ${integer(fastifyBest.eventsPerSecond)} at ${fastifyBest.concurrency}); ` +
        `Meterline accepts ${ratio(accepted.eventsPerSecond, fastifyAtConcurrency?.eventsPerSecond)} of it (${ratio(accepted.postedPerSecond, fastifyAtConcurrency?.eventsPerSecond)} counting re-sends)`,
      `ceiling, ClickHouse:   raw insert ${rawInsert.map((point) => `${integer(point.rowsPerSecond)} rows/s (${point.writers} writer${point.writers > 1 ? "s" : ""})`).join(", ")}; ` +
        `ClickHouseEventStore.insert ${storeInsert.map((point) => `${integer(point.rowsPerSecond)} rows/s (${point.writers})`).join(", ")} (2000-row inserts, ${integer(ceilingRows)} rows, empty tables)`,
      `  Meterline stores ${ratio(stored.endToEnd, rawBest.rowsPerSecond)} of the raw insert ceiling end to end${Number.isNaN(stored.drain) ? "" : `, ${ratio(stored.drain, rawBest.rowsPerSecond)} while draining`}`,
    ];
    results.report = lines;
    process.stdout.write(`\n${lines.join("\n")}\n`);
    writeFileSync(args.json ?? join(outputDir, "result.json"), `${JSON.stringify(results, null, 2)}\n`);
  } catch (error) {
    process.stdout.write(`${cluster.output()}\n`);
    throw error;
  } finally {
    for (const client of clients) client.close();
    await cluster.stop();
  }
  if (profiled.length > 0) {
    const summaries: Record<string, ProfileSummary> = {};
    for (const service of profiled) {
      const directory = join(outputDir, "profiles", service);
      for (const file of readdirSync(directory).filter((name) => name.endsWith(".cpuprofile"))) {
        const summary = summarizeProfile(readProfile(join(directory, file)), 15);
        summaries[`${service}/${file}`] = summary;
        process.stdout.write(`\n${formatProfile(`${service} (${file})`, summary)}\n`);
      }
    }
    writeFileSync(join(outputDir, "profiles.json"), `${JSON.stringify(summaries, null, 2)}\n`);
  }
}

async function timedReads(client: HttpClient, paths: Array<{ token: string; path: string }>, count: number) {
  const latencies: number[] = [];
  for (let index = 0; index < count; index++) {
    const { token, path } = paths[(index * 31) % paths.length] as { token: string; path: string };
    const started = performance.now();
    await client.json(path, token);
    latencies.push(performance.now() - started);
  }
  return summarize(latencies);
}

function ratio(value: number, ceiling: number | undefined): string {
  return ceiling === undefined || !(ceiling > 0) ? "n/a" : `${((100 * value) / ceiling).toFixed(0)}%`;
}

function assertClean(what: string, report: IngestLoadReport): void {
  if (report.unexpected.length > 0) {
    throw new Error(
      `${what}: ${report.unexpected.length} unexpected answers:\n${report.unexpected.slice(0, 10).join("\n")}`,
    );
  }
}

function embedded(): Promise<void> {
  const passed = argv.filter((arg) => !arg.startsWith("--mode="));
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "test/bench/embedded.ts"), ...passed], {
    cwd: root,
    stdio: "inherit",
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`embedded benchmark exited with ${code}`)),
    );
  });
}

const mode = args.mode ?? "distributed";
const chosen = mode === "embedded" ? embedded : mode === "distributed" ? distributed : undefined;
if (chosen === undefined) {
  process.stderr.write(`--mode must be distributed or embedded, got ${mode}\n`);
  process.exit(2);
}
chosen().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
