import type { BillingDeps } from "@meterline/billing";
import { createSubscription, cycleSubscription, finalizeSubscription, settlePeriod } from "@meterline/billing";
import type { Customer, Meter, Product, Subscription } from "@meterline/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

/**
 * ARCHITECTURE §3.5–3.7 as a property: whatever the usage, the timing of cycles, late events,
 * duplicate deliveries and a crash between any two steps of a cycle, every unit used after the
 * subscription started is billed exactly once over all orders (or still pending in the open
 * window), and each period has exactly one order.
 *
 * The metered price is 1 cent per unit with no cap, so an order line's amount is the units it
 * billed. A "crash" is an error thrown at the N-th call to the log or the database during a cycle
 * (before or after the call takes effect); the job then runs again, as the queue would retry it.
 */

let t: TestEngine;
let meter: Meter;
let product: Product;

const DAY = 86_400_000;

class Crash extends Error {}

/** Billing deps whose log appends and transactions fail once at a chosen call, before or after taking effect. */
function crashing(deps: BillingDeps, at: number, after: boolean): { deps: BillingDeps; fired: () => boolean } {
  let calls = 0;
  let fired = false;
  const maybeCrash = async <T>(run: () => Promise<T>): Promise<T> => {
    calls += 1;
    const now = calls === at && !fired;
    if (now && !after) {
      fired = true;
      throw new Crash("crash before");
    }
    const result = await run();
    if (now && after) {
      fired = true;
      throw new Crash("crash after");
    }
    return result;
  };
  const log = Object.create(deps.log) as BillingDeps["log"];
  log.append = (records) => maybeCrash(() => deps.log.append(records));
  const db = Object.create(deps.db) as BillingDeps["db"];
  db.transaction = (fn) => maybeCrash(() => deps.db.transaction(fn));
  return { deps: { ...deps, log, db }, fired: () => fired };
}

/** Runs a job to completion the way the queue does: again after every failure. */
async function untilDone(run: () => Promise<void>): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      await run();
      return;
    } catch (error) {
      if (!(error instanceof Crash)) throw error;
    }
  }
  throw new Error("the job never completed");
}

async function newCustomer(index: number): Promise<Customer> {
  const customer: Customer = {
    id: t.deps.ids.uuid(),
    organizationId: t.organizationId,
    createdAt: t.clock.now(),
    modifiedAt: null,
    deletedAt: null,
    email: `property-${index}-${Date.now()}@example.com`,
    emailVerified: false,
    name: null,
    externalId: `property-${index}-${t.deps.ids.uuid()}`,
    billingAddress: null,
    taxId: null,
    metadata: {},
  };
  await t.deps.customers.insert(customer);
  return customer;
}

beforeAll(async () => {
  t = await startTestEngine({ now: "2025-01-31T12:00:00Z" });
  const now = t.clock.now();
  meter = {
    id: t.deps.ids.uuid(),
    organizationId: t.organizationId,
    createdAt: now,
    modifiedAt: null,
    name: "Units",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "usage" }] },
    aggregation: { func: "sum", property: "units" },
    metadata: {},
    lockedAt: null,
  };
  await t.deps.meters.insert(meter);
  const productId = t.deps.ids.uuid();
  product = {
    id: productId,
    organizationId: t.organizationId,
    createdAt: now,
    modifiedAt: null,
    name: "Metered",
    description: null,
    recurringInterval: "month",
    isArchived: false,
    metadata: {},
    prices: [
      {
        id: t.deps.ids.uuid(),
        productId,
        createdAt: now,
        modifiedAt: null,
        isArchived: false,
        amountType: "metered_unit",
        priceCurrency: "usd",
        unitAmount: "1",
        capAmount: null,
        meterId: meter.id,
      },
    ],
    benefitIds: [],
  };
  await t.deps.products.insert(product);
  const organization = await t.deps.organizations.get(t.organizationId, [t.organizationId]);
  if (organization === null) throw new Error("no organization");
  // Every run subscribes a new customer of the same organization.
  await t.deps.organizations.update({
    ...organization,
    subscriptionSettings: { ...organization.subscriptionSettings, allowMultipleSubscriptions: true },
  });
});

afterAll(async () => {
  await t?.stop();
});

type Step =
  | { kind: "usage"; units: number[]; resendFirst: boolean; backdateDays: number }
  | { kind: "time"; days: number }
  | { kind: "cycle"; crashAt: number; after: boolean };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  // Usage, time and cycles in about equal measure; months pass often enough to cycle many times.
  fc.record({
    kind: fc.constant("usage" as const),
    units: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 6 }),
    resendFirst: fc.boolean(),
    backdateDays: fc.integer({ min: 0, max: 60 }),
  }),
  fc.record({ kind: fc.constant("time" as const), days: fc.integer({ min: 0, max: 75 }) }),
  fc.record({ kind: fc.constant("cycle" as const), crashAt: fc.integer({ min: 0, max: 8 }), after: fc.boolean() }),
);

/** How much the runs exercised: a property that never cycles or crashes proves nothing. */
const exercised = { cycles: 0, crashes: 0, lateEvents: 0, duplicates: 0 };

async function runDue(subscription: Subscription, crashAt: number, after: boolean): Promise<void> {
  const { deps, fired } = crashing(t.engine.billing, crashAt, after);
  for (let round = 0; round < 20; round++) {
    const current = await t.deps.subscriptions.getById(subscription.id);
    if (current === null) return;
    if (current.settledPeriodIndex !== current.periodIndex) {
      await untilDone(() => settlePeriod(deps, subscription.id, current.periodIndex));
    } else if (current.currentPeriodEnd <= t.clock.now()) {
      await untilDone(() => cycleSubscription(deps, subscription.id, current.periodIndex));
      exercised.cycles += 1;
    } else {
      break;
    }
  }
  if (fired()) exercised.crashes += 1;
}

describe("billing, end to end on the engine", () => {
  it("bills every unit used after the start exactly once, with one order per period", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArbitrary, { minLength: 6, maxLength: 14 }),
        fc.integer({ min: 0, max: 20 }),
        async (steps, before) => {
          run += 1;
          const customer = await newCustomer(run);
          // Usage before the subscription exists is not billed (its window opens at creation).
          if (before > 0) {
            await t.deps.log.append([
              {
                id: t.deps.ids.uuid(),
                organizationId: t.organizationId,
                name: "usage",
                source: "user",
                timestamp: t.clock.now(),
                customerId: customer.id,
                externalCustomerId: null,
                externalId: null,
                metadata: { units: before },
              },
            ]);
            await t.caughtUp();
          }
          const subscription = await createSubscription(t.engine.billing, {
            organizationId: t.organizationId,
            customer,
            product,
            discountId: null,
            metadata: {},
          });
          let used = 0;
          let sequence = 0;
          for (const step of steps) {
            if (step.kind === "usage") {
              const records = step.units.map((units) => ({
                id: t.deps.ids.uuid(),
                organizationId: t.organizationId,
                name: "usage",
                source: "user" as const,
                // Late events carry old timestamps: windows go by log order, so they bill in the open window.
                timestamp: new Date(t.clock.now().getTime() - step.backdateDays * DAY),
                customerId: null,
                externalCustomerId: customer.externalId,
                externalId: `${subscription.id}:${sequence++}`,
                metadata: { units },
              }));
              used += step.units.reduce((sum, units) => sum + units, 0);
              if (step.backdateDays > 0) exercised.lateEvents += records.length;
              if (step.resendFirst) exercised.duplicates += 1;
              await t.deps.log.append(records);
              // A client retry: the same event again, which must not count.
              if (step.resendFirst)
                await t.deps.log.append([{ ...(records[0] as (typeof records)[number]), id: t.deps.ids.uuid() }]);
            } else if (step.kind === "time") {
              t.clock.advance(step.days * DAY);
            } else {
              await runDue(subscription, step.crashAt, step.after);
            }
          }
          await runDue(subscription, 0, false);
          await t.caughtUp();

          const final = await t.deps.subscriptions.getById(subscription.id);
          if (final === null) throw new Error("subscription vanished");
          const orders = await t.deps.orders.ofSubscription(subscription.id);
          const cycles = orders.filter((order) => order.billingReason === "subscription_cycle");
          expect(cycles).toHaveLength(final.periodIndex);
          expect(orders.filter((order) => order.billingReason === "subscription_create")).toHaveLength(1);
          const billed = cycles.flatMap((order) => order.items).reduce((sum, item) => sum + item.amount, 0);
          const open = (await t.deps.customerMeters.listForCustomer(customer.id)).find(
            (row) => row.meterId === meter.id,
          );
          expect(billed + (open?.consumedUnits ?? 0)).toBe(used);

          // Ending the subscription bills what is left in a final order: then every unit is billed.
          await t.engine.billing.db.query("UPDATE subscriptions SET ended_at = $2, status = 'canceled' WHERE id = $1", [
            subscription.id,
            t.clock.now(),
          ]);
          await untilDone(() => finalizeSubscription(t.engine.billing, subscription.id));
          const all = await t.deps.orders.ofSubscription(subscription.id);
          const total = all
            .filter((order) => order.billingReason === "subscription_cycle")
            .flatMap((order) => order.items)
            .reduce((sum, item) => sum + item.amount, 0);
          expect(total).toBe(used);
        },
      ),
      { numRuns: 12, seed: 20251129, endOnFailure: true },
    );
    expect(exercised.cycles).toBeGreaterThan(10);
    expect(exercised.crashes).toBeGreaterThan(3);
    expect(exercised.lateEvents).toBeGreaterThan(0);
    expect(exercised.duplicates).toBeGreaterThan(0);
  }, 600_000);
});
