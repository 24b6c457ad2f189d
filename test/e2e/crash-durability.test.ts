import { afterEach, describe, expect, it } from "vitest";
import { ORGANIZATION_TOKEN, type RunningServer, startServer } from "../compat/server.js";

/**
 * Acknowledged means durable (ARCHITECTURE §3.1), checked on the real standalone process: kill it
 * with SIGKILL around ingests, start it again on the same data directory, and everything that got
 * a 200 must be there — counted once.
 */

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function start(dataDir?: string): Promise<RunningServer> {
  const server = await startServer({ dataDir });
  servers.push(server);
  return server;
}

function client(server: RunningServer) {
  return async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ORGANIZATION_TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as T };
  };
}

function batch(first: number, size: number) {
  return {
    events: Array.from({ length: size }, (_, i) => ({
      name: "api_call",
      external_customer_id: "crash-customer",
      external_id: `evt-${first + i}`,
      metadata: { n: first + i },
    })),
  };
}

async function caughtUp(server: RunningServer): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { materializer: { lag: number } };
    if (ready.materializer.lag === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("materializer did not catch up");
}

async function setUp(server: RunningServer): Promise<string> {
  const call = client(server);
  await call("POST", "/v1/customers/", { email: "crash@example.com", external_id: "crash-customer" });
  const meter = await call<{ id: string }>("POST", "/v1/meters/", {
    name: "API calls",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
    aggregation: { func: "count" },
  });
  return meter.body.id;
}

/** Events stored, the meter's total and the customer's consumed units, after catching up. */
async function counts(server: RunningServer, meterId: string) {
  await caughtUp(server);
  const call = client(server);
  const events = await call<{ pagination: { total_count: number } }>("GET", "/v1/events/?limit=1");
  const end = new Date(Date.now() + 3_600_000).toISOString();
  const quantities = await call<{ total: number }>(
    "GET",
    `/v1/meters/${meterId}/quantities?start_timestamp=2023-01-01T00:00:00Z&end_timestamp=${end}&interval=year`,
  );
  const state = await call<{ active_meters: Array<{ consumed_units: number }> }>(
    "GET",
    "/v1/customers/external/crash-customer/state",
  );
  return {
    events: events.body.pagination.total_count,
    meterTotal: quantities.body.total,
    consumed: state.body.active_meters[0]?.consumed_units ?? 0,
  };
}

describe("the standalone engine killed with SIGKILL", () => {
  it("keeps every event acknowledged right before the kill", async () => {
    const first = await start();
    const meterId = await setUp(first);
    const call = client(first);
    for (let b = 0; b < 10; b++) {
      const response = await call<{ inserted: number }>("POST", "/v1/events/ingest", batch(b * 100, 100));
      expect(response.body.inserted).toBe(100);
    }
    // No pause: the kill lands right after the last 200.
    const killed = await first.kill("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");

    const second = await start(first.dataDir);
    expect(await counts(second, meterId)).toEqual({ events: 1000, meterTotal: 1000, consumed: 1000 });
    // The idempotency keys survived with the events: resending the last batch stores nothing.
    const again = await client(second)<{ inserted: number; duplicates: number }>(
      "POST",
      "/v1/events/ingest",
      batch(900, 100),
    );
    expect(again.body).toEqual({ inserted: 0, duplicates: 100 });
  });

  it("keeps every acknowledged batch when killed in the middle of concurrent load", async () => {
    const first = await start();
    const meterId = await setUp(first);
    const call = client(first);
    const acknowledged: number[] = [];
    let next = 0;
    let stop = false;
    const load = async () => {
      while (!stop) {
        const start = next;
        next += 50;
        try {
          const response = await call<{ inserted: number }>("POST", "/v1/events/ingest", batch(start, 50));
          if (response.status === 200) acknowledged.push(start);
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const clients = Array.from({ length: 4 }, load);
    while (acknowledged.length < 20) await new Promise((resolve) => setTimeout(resolve, 5));
    await first.kill("SIGKILL");
    stop = true;
    await Promise.all(clients);
    const sent = next;

    const second = await start(first.dataDir);
    const after = await counts(second, meterId);
    // Batches without an answer may or may not have made it; acknowledged ones must have.
    expect(after.events).toBeGreaterThanOrEqual(acknowledged.length * 50);
    expect(after.events).toBeLessThanOrEqual(sent);
    expect(after.events % 50).toBe(0); // all or nothing per batch
    expect(after.meterTotal).toBe(after.events);
    expect(after.consumed).toBe(after.events);
    const resend = client(second);
    for (const start of acknowledged) {
      const response = await resend<{ inserted: number; duplicates: number }>(
        "POST",
        "/v1/events/ingest",
        batch(start, 50),
      );
      expect(response.body).toEqual({ inserted: 0, duplicates: 50 });
    }
  });
});

describe("the standalone engine stopped with Ctrl-C", () => {
  it("exits cleanly and starts again with its data", async () => {
    const first = await start();
    const meterId = await setUp(first);
    const response = await client(first)<{ inserted: number }>("POST", "/v1/events/ingest", batch(0, 100));
    expect(response.body.inserted).toBe(100);
    const stopped = await first.kill("SIGINT");
    expect(stopped).toEqual({ code: 0, signal: null });

    const second = await start(first.dataDir);
    expect(await counts(second, meterId)).toEqual({ events: 100, meterTotal: 100, consumed: 100 });
  });
});
