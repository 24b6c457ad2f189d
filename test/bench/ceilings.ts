import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createClient } from "@clickhouse/client";
import { ClickHouseEventStore, type EventInsertRow, toInsertRow } from "@meterline/clickhouse";
import type { StoredEvent } from "@meterline/core";
import type { WireEvent } from "../stack/distributed/workload.js";
import { HttpClient, type LoadBatch, runIngestLoad } from "./http-load.js";
import { type LatencySummary, summarize } from "./percentiles.js";

/**
 * The raw ceilings Meterline's figures are set against, measured on the same machine in the same
 * run: what bare Fastify answers with the same client and bodies, and what ClickHouse takes
 * through @clickhouse/client with the very rows the materializer writes.
 */

export interface HttpCeiling {
  concurrency: number;
  eventsPerSecond: number;
  requestsPerSecond: number;
  latency: LatencySummary;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Bare Fastify in its own process, loaded for `seconds` at each concurrency in turn. */
export async function measureFastifyCeiling(options: {
  concurrencies: number[];
  seconds: number;
  batch: (index: number) => LoadBatch;
}): Promise<HttpCeiling[]> {
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "ceiling-fastify-server.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
        const match = /listening (\d+)/.exec(output);
        if (match !== null) resolve(Number(match[1]));
      });
      child.once("exit", (code) => reject(new Error(`ceiling server exited (${code}) before listening`)));
      setTimeout(() => reject(new Error("ceiling server did not listen within 30 s")), 30_000).unref();
    });
    const results: HttpCeiling[] = [];
    let index = 0;
    for (const concurrency of options.concurrencies) {
      const client = new HttpClient(`http://127.0.0.1:${port}`, concurrency);
      // A short warm-up (JIT, sockets), then the measured load.
      await runIngestLoad({ client, concurrency, next: () => options.batch(index++), until: performance.now() + 1000 });
      const report = await runIngestLoad({
        client,
        concurrency,
        next: () => options.batch(index++),
        until: performance.now() + options.seconds * 1000,
      });
      client.close();
      if (report.unexpected.length > 0) throw new Error(`ceiling server: ${report.unexpected.slice(0, 3).join("; ")}`);
      results.push({
        concurrency,
        eventsPerSecond: report.acceptedEvents / report.seconds,
        requestsPerSecond: report.requests / report.seconds,
        latency: summarize(report.latencies),
      });
    }
    return results;
  } finally {
    child.kill("SIGTERM");
  }
}

export interface InsertCeiling {
  what: string;
  writers: number;
  rows: number;
  rowsPerSecond: number;
}

/** Events as the materializer gets them from the log: ids, positions, ingestion time. */
export function toStoredEvents(
  organizationId: string,
  partition: number,
  events: readonly WireEvent[],
  firstOffset: number,
): StoredEvent[] {
  const ingestedAt = new Date();
  return events.map((event, index) => ({
    id: randomUUID(),
    organizationId,
    name: event.name,
    source: "user",
    timestamp: new Date(event.timestamp),
    customerId: event.customer_id ?? null,
    externalCustomerId: event.customer_id === undefined ? (event.external_customer_id ?? null) : null,
    externalId: event.external_id,
    metadata: event.metadata,
    ingestedAt,
    position: { partition, offset: firstOffset + index },
  }));
}

/**
 * Inserts `events` in `chunk`-row inserts into a scratch database with Meterline's schema:
 * `raw` through @clickhouse/client straight into events_v1 (the ceiling), then `store` through
 * ClickHouseEventStore.insert (dedup lookups, claims, rows: what the materializer does per batch).
 * `writers` inserts run at a time, each on its own slice.
 */
export async function measureClickHouseCeiling(options: {
  url: string;
  events: StoredEvent[];
  chunk: number;
  writers: number[];
}): Promise<InsertCeiling[]> {
  const results: InsertCeiling[] = [];
  const rows: EventInsertRow[] = options.events.map(toInsertRow);
  for (const writers of options.writers) {
    for (const what of ["raw", "store"] as const) {
      const database = `meterline_bench_${randomBytes(4).toString("hex")}`;
      const store = await ClickHouseEventStore.open({ url: options.url, database });
      const client = createClient({ url: options.url, database });
      try {
        const slices = Array.from({ length: writers }, (_, writer) => writer);
        const started = performance.now();
        await Promise.all(
          slices.map(async (writer) => {
            for (let start = writer * options.chunk; start < rows.length; start += writers * options.chunk) {
              if (what === "raw") {
                await client.insert({
                  table: "events_v1",
                  values: rows.slice(start, start + options.chunk),
                  format: "JSONEachRow",
                });
              } else {
                await store.insert(options.events.slice(start, start + options.chunk));
              }
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        results.push({ what, writers, rows: rows.length, rowsPerSecond: rows.length / seconds });
      } finally {
        await client.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => {});
        await client.close();
        await store.close();
      }
    }
  }
  return results;
}
