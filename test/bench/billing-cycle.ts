/**
 * Billing benchmark: how long one cycle run takes for N due subscriptions with metered prices on
 * M stored events, with the engine in process.
 *
 *   npx tsx test/bench/billing-cycle.ts                         # 10,000 subscriptions, 1,000,000 events
 *   npx tsx test/bench/billing-cycle.ts --subscriptions=1000 --events=100000
 *   npx tsx test/bench/billing-cycle.ts --mode=distributed      # on the local stack (infra/local/up.sh)
 *
 * `--mode=distributed` runs the same engine on Kafka (4 partitions), ClickHouse, PostgreSQL and
 * BullMQ, in a database, topic, ClickHouse database and Redis prefix of its own (removed at the
 * end); the materializer and the worker run in this process, as the billing service would.
 *
 * Set-up writes the subscriptions and their opening resets in bulk (the benchmark is about the
 * cycle), ingests the events through the log, waits for the materializer, moves the clock one
 * month, then times the worker until every subscription has its cycle order and is settled.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runDueWork, scheduleDue, subscriptionPrices } from "@meterline/billing";
import {
  addInterval,
  type Customer,
  type EventLog,
  FixedClock,
  type LogRecord,
  MATERIALIZER_GROUP,
  type Product,
  type Subscription,
} from "@meterline/core";
import { deleteTopic, ensureTopic } from "@meterline/kafka";
import { PgClient } from "@meterline/postgres";
import { embeddedConfig, type RuntimeConfig } from "@meterline/runtime";
import { createEngine } from "@meterline/standalone";
import { CLICKHOUSE_URL, DATABASE_URL, KAFKA_BROKERS, PARTITIONS, REDIS_URL } from "../stack/distributed/cluster.js";

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg) => {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    return match === null ? [] : [[match[1], match[2]]];
  }),
) as Record<string, string>;
const SUBSCRIPTIONS = Number(args.subscriptions ?? 10_000);
const EVENTS = Number(args.events ?? 1_000_000);
const MODE = args.run ?? "worker";
const ADAPTERS = args.mode ?? "embedded";

/** Resources of a distributed run: its own database, topic, ClickHouse database and Redis prefix. */
async function distributedConfig(): Promise<{ config: RuntimeConfig; drop: () => Promise<void> }> {
  const suffix = randomBytes(5).toString("hex");
  const database = `meterline_bench_${suffix}`;
  const topic = `meterline.events.bench.${suffix}`;
  const admin = PgClient.connect(DATABASE_URL, { max: 1 });
  await admin.exec(`CREATE DATABASE ${database}`);
  await ensureTopic({ brokers: KAFKA_BROKERS, topic, partitions: PARTITIONS });
  const databaseUrl = new URL(DATABASE_URL);
  databaseUrl.pathname = `/${database}`;
  const config = embeddedConfig({
    databaseUrl: databaseUrl.toString(),
    kafka: { brokers: KAFKA_BROKERS, topic, clientId: `meterline-bench-${suffix}` },
    clickhouse: { url: CLICKHOUSE_URL, database },
    redis: { url: REDIS_URL, prefix: `meterline-bench-${suffix}` },
    logLevel: "warn",
  });
  const drop = async () => {
    await admin.exec(`DROP DATABASE IF EXISTS ${database}`).catch(() => {});
    await admin.close();
    await deleteTopic({ brokers: KAFKA_BROKERS, topic }).catch(() => {});
    await fetch(`${CLICKHOUSE_URL}/?query=${encodeURIComponent(`DROP DATABASE IF EXISTS ${database}`)}`, {
      method: "POST",
    }).catch(() => {});
  };
  return { config, drop };
}

/** Until the materializer has stored everything appended so far, on every partition. */
async function materialized(log: EventLog): Promise<void> {
  for (;;) {
    const positions = await Promise.all(
      log.partitions().map(async (partition) => {
        const [head, watermark] = await Promise.all([
          log.head(partition),
          log.watermark(MATERIALIZER_GROUP, partition),
        ]);
        return head === null || (watermark !== null && watermark.offset >= head.offset);
      }),
    );
    if (positions.every(Boolean)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<void> {
  if (ADAPTERS !== "embedded" && ADAPTERS !== "distributed") throw new Error("--mode is embedded or distributed");
  const dataDir = mkdtempSync(join(tmpdir(), "meterline-bench-billing-"));
  const distributed = ADAPTERS === "distributed" ? await distributedConfig() : undefined;
  const clock = new FixedClock("2025-06-01T00:00:00Z");
  const engine = await createEngine({
    dataDir,
    config: distributed?.config,
    clock,
    bootstrap: {},
    pollIntervalMs: 20,
    scheduleEveryMs: 3_600_000,
  });
  const { deps, billing } = engine;
  const organizationId = engine.bootstrapResult?.organizationId as string;
  try {
    const now = clock.now();
    const meterId = deps.ids.uuid();
    await deps.meters.insert({
      id: meterId,
      organizationId,
      createdAt: now,
      modifiedAt: null,
      name: "Tokens",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "ai_usage" }] },
      aggregation: { func: "sum", property: "tokens" },
      metadata: {},
      lockedAt: null,
    });
    const productId = deps.ids.uuid();
    const product: Product = {
      id: productId,
      organizationId,
      createdAt: now,
      modifiedAt: null,
      name: "Pro",
      description: null,
      recurringInterval: "month",
      isArchived: false,
      metadata: {},
      prices: [
        {
          id: deps.ids.uuid(),
          productId,
          createdAt: now,
          modifiedAt: null,
          isArchived: false,
          amountType: "fixed",
          priceCurrency: "usd",
          priceAmount: 2000,
        },
        {
          id: deps.ids.uuid(),
          productId,
          createdAt: now,
          modifiedAt: null,
          isArchived: false,
          amountType: "metered_unit",
          priceCurrency: "usd",
          unitAmount: "0.5",
          capAmount: 100_000,
          meterId,
        },
      ],
      benefitIds: [],
    };
    await deps.products.insert(product);

    const setupStart = performance.now();
    const customers: Customer[] = [];
    const resets: LogRecord[] = [];
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const customer: Customer = {
        id: deps.ids.uuid(),
        organizationId,
        createdAt: now,
        modifiedAt: null,
        deletedAt: null,
        email: `bench${i}@example.com`,
        emailVerified: false,
        name: null,
        externalId: `user_${i}`,
        billingAddress: null,
        taxId: null,
        metadata: {},
      };
      customers.push(customer);
      await deps.customers.insert(customer);
      const subscription: Subscription = {
        id: deps.ids.uuid(),
        organizationId,
        customerId: customer.id,
        productId,
        createdAt: now,
        modifiedAt: null,
        status: "active",
        amount: 2000,
        currency: "usd",
        recurringInterval: "month",
        anchor: now,
        periodIndex: 0,
        currentPeriodStart: now,
        currentPeriodEnd: addInterval(now, 1, "month"),
        cancelAtPeriodEnd: false,
        canceledAt: null,
        startedAt: now,
        endsAt: null,
        endedAt: null,
        discountId: null,
        cancellationReason: null,
        cancellationComment: null,
        metadata: {},
        prices: subscriptionPrices(product.prices),
        settledPeriodIndex: 0,
        finalizedAt: null,
      };
      await deps.subscriptions.insert(subscription);
      await deps.subscriptions.ensureMeters(subscription.id, [meterId], () => deps.ids.uuid(), now);
      resets.push({
        id: deps.ids.uuid(),
        organizationId,
        name: "meter.reset",
        source: "system",
        timestamp: now,
        customerId: customer.id,
        externalCustomerId: null,
        externalId: `meterline:reset:${subscription.id}:0:${meterId}`,
        metadata: { meter_id: meterId },
      });
    }
    for (let i = 0; i < resets.length; i += 5000) await deps.log.append(resets.slice(i, i + 5000));
    let expectedCents = 0;
    const perCustomer = new Array<number>(SUBSCRIPTIONS).fill(0);
    for (let start = 0; start < EVENTS; start += 5000) {
      const batch: LogRecord[] = [];
      for (let n = start; n < Math.min(EVENTS, start + 5000); n++) {
        const tokens = (n * 7919) % 1000;
        perCustomer[n % SUBSCRIPTIONS] = (perCustomer[n % SUBSCRIPTIONS] ?? 0) + tokens;
        batch.push({
          id: deps.ids.uuid(),
          organizationId,
          name: "ai_usage",
          source: "user",
          timestamp: now,
          customerId: null,
          externalCustomerId: `user_${n % SUBSCRIPTIONS}`,
          externalId: null,
          metadata: { tokens },
        });
      }
      await deps.log.append(batch);
    }
    for (const units of perCustomer) expectedCents += 2000 + Math.min(100_000, Math.round(units * 0.5 + 1e-9));
    process.stdout.write(
      `[bench] events appended in ${((performance.now() - setupStart) / 1000).toFixed(1)} s; materializing\n`,
    );
    await materialized(deps.log);
    const setupSeconds = (performance.now() - setupStart) / 1000;

    clock.advance(31 * 86_400_000);
    const cycleStart = performance.now();
    const remaining = async () => {
      const [row] = await deps.db.query<{ remaining: number }>(
        "SELECT count(*)::int8 AS remaining FROM subscriptions WHERE period_index = 0 OR settled_period_index IS DISTINCT FROM period_index",
      );
      return row?.remaining ?? 0;
    };
    const progress = setInterval(async () => {
      const seconds = (performance.now() - cycleStart) / 1000;
      process.stdout.write(`[bench] ${seconds.toFixed(0)} s: ${await remaining()} subscriptions left\n`);
    }, 15_000);
    try {
      if (MODE === "inline") {
        await runDueWork(billing, 10);
      } else {
        // The worker's path: the scheduler cycles due subscriptions in batches and hands failures to jobs.
        await scheduleDue(billing, SUBSCRIPTIONS + 10);
        while ((await remaining()) > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      clearInterval(progress);
    }
    const cycleSeconds = (performance.now() - cycleStart) / 1000;
    const [counts] = await deps.db.query<{ orders: number; total: number }>(
      "SELECT count(*)::int8 AS orders, coalesce(sum(total_amount), 0)::int8 AS total FROM orders WHERE billing_reason = 'subscription_cycle'",
    );
    const orders = counts?.orders ?? 0;
    const total = counts?.total ?? 0;
    if (orders !== SUBSCRIPTIONS) throw new Error(`${orders} cycle orders for ${SUBSCRIPTIONS} subscriptions`);
    if (total !== expectedCents) throw new Error(`billed ${total} cents, expected ${expectedCents}`);
    process.stdout.write(
      `${[
        `Meterline billing-cycle benchmark (${ADAPTERS}, ${MODE}), ${new Date().toISOString()}`,
        `machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
        `set-up: ${SUBSCRIPTIONS.toLocaleString("en-US")} subscriptions, ${EVENTS.toLocaleString("en-US")} events stored in ${setupSeconds.toFixed(1)} s`,
        `cycle run: ${cycleSeconds.toFixed(1)} s for ${SUBSCRIPTIONS.toLocaleString("en-US")} due subscriptions (${(SUBSCRIPTIONS / cycleSeconds).toFixed(1)} subscriptions/s)`,
        `check: ${orders} cycle orders, ${total} cents billed = expected`,
      ].join("\n")}\n`,
    );
  } finally {
    await engine.stop();
    await distributed?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
