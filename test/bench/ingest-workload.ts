import type { Cluster } from "../stack/distributed/cluster.js";
import {
  combine,
  generateBatches,
  METER_ROLES,
  meterValue,
  observe,
  type Tenant,
  type TenantCustomer,
  type WireEvent,
} from "../stack/distributed/workload.js";
import type { LoadBatch } from "./http-load.js";

/**
 * The distributed benchmark's events, made batch by batch (10M events would not fit in memory as
 * objects): batch `index` goes to tenant `index % tenants`, with the mix of the stack tests'
 * workload (workload.ts: three meters, half of the events by customer id, half by external id,
 * 3% unknown customers, 10% noise). Expected figures are summed per acknowledged batch, since
 * every event carries a unique external id and a batch is counted on its first 200 only.
 */
export type WorkloadBatch = LoadBatch<{ tenant: Tenant; events: WireEvent[] }>;

export class StreamingWorkload {
  private nextIndex = 0;

  constructor(
    private readonly tenants: Tenant[],
    private readonly options: { seed: number; size: number; prefix: string },
  ) {}

  batch(index: number): WorkloadBatch {
    const tenant = this.tenants[index % this.tenants.length] as Tenant;
    const [generated] = generateBatches({
      tenants: [tenant],
      count: 1,
      size: this.options.size,
      seed: (this.options.seed + Math.imul(index, 0x9e3779b1)) >>> 0,
      prefix: `${this.options.prefix}-${index}`,
    });
    const events = generated?.events ?? [];
    return {
      index,
      token: tenant.token,
      body: JSON.stringify({ events }),
      events: events.length,
      data: { tenant, events },
    };
  }

  /** Batches `[from, to)` one after the other; undefined past `to`. */
  cursor(count: number): () => WorkloadBatch | undefined {
    const end = this.nextIndex + count;
    return () => (this.nextIndex < end ? this.batch(this.nextIndex++) : undefined);
  }

  get batchesMade(): number {
    return this.nextIndex;
  }
}

/** What the API must show once everything acknowledged is materialized, keyed like workload.ts's Observed. */
export class RunningTotals {
  readonly events = new Map<string, number>();
  readonly meterTotals = new Map<string, number>();
  readonly customerMeters = new Map<string, number>();
  readonly customerEvents = new Map<string, number>();
  private readonly lookups = new Map<
    Tenant,
    { byId: Map<string, TenantCustomer>; byExternalId: Map<string, TenantCustomer> }
  >();
  total = 0;

  add(tenant: Tenant, events: readonly WireEvent[]): void {
    let lookup = this.lookups.get(tenant);
    if (lookup === undefined) {
      lookup = {
        byId: new Map(tenant.customers.map((customer) => [customer.id, customer])),
        byExternalId: new Map(tenant.customers.map((customer) => [customer.externalId, customer])),
      };
      this.lookups.set(tenant, lookup);
    }
    this.total += events.length;
    this.events.set(tenant.organizationId, (this.events.get(tenant.organizationId) ?? 0) + events.length);
    for (const event of events) {
      const customer =
        event.customer_id !== undefined
          ? lookup.byId.get(event.customer_id)
          : lookup.byExternalId.get(event.external_customer_id ?? "");
      if (customer !== undefined) this.customerEvents.set(customer.id, (this.customerEvents.get(customer.id) ?? 0) + 1);
      for (const role of METER_ROLES) {
        const value = meterValue(role, event);
        if (value === null) continue;
        const meterId = tenant.meters[role];
        this.meterTotals.set(meterId, combine(role, this.meterTotals.get(meterId), value));
        if (customer !== undefined) {
          const key = `${customer.id}:${meterId}`;
          this.customerMeters.set(key, combine(role, this.customerMeters.get(key), value));
        }
      }
    }
  }

  /** Events no meter counts and no customer owns (the lag markers). */
  addUncounted(organizationId: string, count: number): void {
    this.total += count;
    this.events.set(organizationId, (this.events.get(organizationId) ?? 0) + count);
  }
}

export interface CheckResult {
  mismatches: string[];
  summary: string;
}

/**
 * Reads every figure back through the API (workload.ts `observe`: each organization's event
 * total, each meter's quantities total, every customer meter, three customers' event counts per
 * tenant) and compares it with the totals: a fast wrong answer is worthless.
 */
export async function checkTotals(cluster: Cluster, tenants: Tenant[], totals: RunningTotals): Promise<CheckResult> {
  const sampled = 3;
  const observed = await observe(cluster, tenants, sampled);
  const mismatches: string[] = [];
  const compare = (what: string, want: Map<string, number>, got: Map<string, number>, keys: Iterable<string>) => {
    for (const key of keys) {
      const expected = want.get(key) ?? 0;
      const actual = got.get(key);
      if (actual !== expected) mismatches.push(`${what} ${key}: expected ${expected}, got ${actual}`);
    }
  };
  compare(
    "events of organization",
    totals.events,
    observed.events,
    tenants.map((tenant) => tenant.organizationId),
  );
  compare(
    "meter total",
    totals.meterTotals,
    observed.meterTotals,
    tenants.flatMap((tenant) => METER_ROLES.map((role) => tenant.meters[role])),
  );
  compare("customer meter", totals.customerMeters, observed.customerMeters, totals.customerMeters.keys());
  if (observed.customerMeters.size !== totals.customerMeters.size) {
    mismatches.push(`customer meters: expected ${totals.customerMeters.size}, listed ${observed.customerMeters.size}`);
  }
  compare(
    "events of customer",
    totals.customerEvents,
    observed.customerEvents,
    tenants.flatMap((tenant) => tenant.customers.slice(0, sampled).map((customer) => customer.id)),
  );
  const eventTotal = [...observed.events.values()].reduce((sum, count) => sum + count, 0);
  return {
    mismatches,
    summary:
      `${eventTotal.toLocaleString("en-US")} events over ${tenants.length} organizations, ` +
      `${observed.meterTotals.size} meter totals, ${observed.customerMeters.size.toLocaleString("en-US")} customer meters ` +
      `and ${observed.customerEvents.size} customers' event counts equal to the client-side figures`,
  };
}
