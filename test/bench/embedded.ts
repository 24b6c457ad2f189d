/**
 * Embedded-engine benchmark: starts the standalone engine as its own process (as a user would run
 * it), drives it over HTTP from this process, and reports
 *   - ingest throughput in 100-event batches: accepted events/s and end-to-end events/s (until the
 *     materializer has stored everything, i.e. queryable),
 *   - customer-meter read latency p50/p99 with the whole dataset stored.
 *
 *   npm run bench                       # 1,000,000 events (takes a few minutes)
 *   npm run bench -- --events=100000    # smaller run
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, freemem, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg) => {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    return match === null ? [] : [[match[1], match[2]]];
  }),
) as Record<string, string>;

const EVENTS = Number(args.events ?? 1_000_000);
const CUSTOMERS = Number(args.customers ?? 1000);
const BATCH = Number(args.batch ?? 100);
const CONCURRENCY = Number(args.concurrency ?? 8);
const READS = Number(args.reads ?? 2000);
const PORT = Number(args.port ?? 18_000 + Math.floor(Math.random() * 1000));
const TOKEN = "polar_oat_benchmarkbenchmarkbenchmark0000";
const BASE = `http://127.0.0.1:${PORT}`;
const HEADERS = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: HEADERS,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 500)}`);
  return (text === "" ? null : JSON.parse(text)) as T;
}

async function startEngine(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "services/standalone/src/main.ts"], {
    env: {
      ...process.env,
      PORT: String(PORT),
      METERLINE_DATA_DIR: dataDir,
      METERLINE_BOOTSTRAP_TOKEN: TOKEN,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error("engine did not start within 60 s");
}

async function materializerLag(): Promise<number> {
  const ready = await request<{ materializer: { lag: number } }>("GET", "/readyz");
  return ready.materializer.lag;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "meterline-bench-"));
  const engine = await startEngine(dataDir);
  try {
    const meters = await Promise.all([
      request<{ id: string }>("POST", "/v1/meters/", {
        name: "Tokens",
        filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "ai_usage" }] },
        aggregation: { func: "sum", property: "tokens" },
      }),
      request<{ id: string }>("POST", "/v1/meters/", {
        name: "Premium calls",
        filter: {
          conjunction: "and",
          clauses: [
            { property: "name", operator: "eq", value: "ai_usage" },
            {
              conjunction: "or",
              clauses: [
                { property: "model", operator: "eq", value: "gpt-4" },
                { property: "tokens", operator: "gt", value: 900 },
              ],
            },
          ],
        },
        aggregation: { func: "count" },
      }),
      request<{ id: string }>("POST", "/v1/meters/", {
        name: "Largest request",
        filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "ai_usage" }] },
        aggregation: { func: "max", property: "tokens" },
      }),
    ]);
    const customers: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const customer = await request<{ id: string }>("POST", "/v1/customers/", {
        email: `bench${i}@example.com`,
        external_id: `user_${i}`,
      });
      customers.push(customer.id);
    }

    // Ingest: CONCURRENCY clients, each sending BATCH-event batches until EVENTS are sent.
    const batches = Math.ceil(EVENTS / BATCH);
    const batchLatencies: number[] = [];
    let next = 0;
    let expectedTokens = 0;
    const started = performance.now();
    const client = async () => {
      while (true) {
        const index = next++;
        if (index >= batches) return;
        const events = [];
        for (let j = 0; j < BATCH && index * BATCH + j < EVENTS; j++) {
          const n = index * BATCH + j;
          const tokens = (n * 7919) % 1000;
          expectedTokens += tokens;
          events.push({
            name: "ai_usage",
            external_customer_id: `user_${n % CUSTOMERS}`,
            external_id: `evt_${n}`,
            metadata: { tokens, model: n % 3 === 0 ? "gpt-4" : "gpt-3.5" },
          });
        }
        const t0 = performance.now();
        const result = await request<{ inserted: number }>("POST", "/v1/events/ingest", { events });
        batchLatencies.push(performance.now() - t0);
        if (result.inserted !== events.length)
          throw new Error(`batch ${index}: inserted ${result.inserted} of ${events.length}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, client));
    const accepted = performance.now();
    while ((await materializerLag()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const queryable = performance.now();

    // Check the numbers before timing reads: a fast wrong answer is worthless.
    const quantities = await request<{ total: number }>(
      "GET",
      `/v1/meters/${meters[0]?.id}/quantities?start_timestamp=2023-01-01T00:00:00Z&end_timestamp=${new Date(Date.now() + 3_600_000).toISOString()}&interval=year`,
    );
    if (quantities.total !== expectedTokens)
      throw new Error(`sum meter total ${quantities.total}, expected ${expectedTokens}`);

    // Reads: one customer meter at a time, random customers.
    const list = await request<{ items: Array<{ id: string }>; pagination: { total_count: number } }>(
      "GET",
      `/v1/customer-meters/?limit=100&meter_id=${meters[0]?.id}`,
    );
    if (list.pagination.total_count !== CUSTOMERS)
      throw new Error(`expected ${CUSTOMERS} customer meters, got ${list.pagination.total_count}`);
    const ids = list.items.map((item) => item.id);
    const readLatencies: number[] = [];
    for (let i = 0; i < READS; i++) {
      const id = ids[(i * 31) % ids.length];
      const t0 = performance.now();
      await request("GET", `/v1/customer-meters/${id}`);
      readLatencies.push(performance.now() - t0);
    }
    const stateLatencies: number[] = [];
    for (let i = 0; i < Math.min(READS, 500); i++) {
      const t0 = performance.now();
      await request("GET", `/v1/customers/external/user_${(i * 17) % CUSTOMERS}/state`);
      stateLatencies.push(performance.now() - t0);
    }
    batchLatencies.sort((a, b) => a - b);
    readLatencies.sort((a, b) => a - b);
    stateLatencies.sort((a, b) => a - b);

    const cpu = cpus()[0]?.model ?? "unknown CPU";
    const lines = [
      `Meterline embedded benchmark (PGlite), ${new Date().toISOString()}`,
      `machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), Node ${process.version}`,
      `workload: ${EVENTS.toLocaleString("en-US")} events in ${BATCH}-event batches, ${CONCURRENCY} concurrent clients, ${CUSTOMERS} customers, 3 meters`,
      "",
      `ingest accepted:        ${Math.round(EVENTS / ((accepted - started) / 1000)).toLocaleString("en-US")} events/s (${((accepted - started) / 1000).toFixed(1)} s)`,
      `ingest end-to-end:      ${Math.round(EVENTS / ((queryable - started) / 1000)).toLocaleString("en-US")} events/s until queryable (${((queryable - started) / 1000).toFixed(1)} s)`,
      `ingest batch latency:   p50 ${percentile(batchLatencies, 50).toFixed(1)} ms, p99 ${percentile(batchLatencies, 99).toFixed(1)} ms`,
      `customer-meter read:    p50 ${percentile(readLatencies, 50).toFixed(2)} ms, p99 ${percentile(readLatencies, 99).toFixed(2)} ms (${READS} reads, ${EVENTS.toLocaleString("en-US")} events stored)`,
      `customer state read:    p50 ${percentile(stateLatencies, 50).toFixed(2)} ms, p99 ${percentile(stateLatencies, 99).toFixed(2)} ms`,
      `check: sum meter total ${quantities.total} = expected; ${CUSTOMERS} customer meters`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    engine.kill("SIGTERM");
    await new Promise((resolve) => engine.once("exit", resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
