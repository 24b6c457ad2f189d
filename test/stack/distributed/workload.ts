import { partitionForKey } from "@meterline/kafka";
import { BOOTSTRAP_ADMIN_TOKEN, BOOTSTRAP_ORGANIZATION_TOKEN, type Cluster, PARTITIONS } from "./cluster.js";

/**
 * Tenants, meters and a generated event workload with its expected figures computed client-side
 * from exactly what was sent (each event counted once, whatever the retries and duplicates), plus
 * the HTTP calls that read the figures back.
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON the tests assert on field by field.
export type Json = any;

export async function request(
  url: string,
  token: string,
  method: "GET" | "POST" = "GET",
  body?: unknown,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let parsed: Json;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

async function expectStatus(
  what: string,
  call: Promise<{ status: number; body: Json }>,
  status: number,
): Promise<Json> {
  const response = await call;
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/** Small, fast, seedable PRNG (mulberry32): a failing run is reproduced with its seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedFromEnvironment(): number {
  const fromEnv = Number(process.env.METERLINE_E2E_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31);
}

export type MeterRole = "sum" | "count" | "max";
export const METER_ROLES: readonly MeterRole[] = ["sum", "count", "max"];

export interface TenantCustomer {
  id: string;
  externalId: string;
}

export interface Tenant {
  organizationId: string;
  token: string;
  partition: number;
  customers: TenantCustomer[];
  meters: Record<MeterRole, string>;
}

const SCOPES = [
  "events:read",
  "events:write",
  "meters:read",
  "meters:write",
  "customers:read",
  "customers:write",
  "customer_meters:read",
];

const nameIs = (name: string) => ({ property: "name", operator: "eq", value: name });

/** The meters every tenant gets: a sum, a count with a nested and/or filter, a max. */
const METERS: Record<MeterRole, { name: string; filter: Json; aggregation: Json }> = {
  sum: {
    name: "Completion tokens",
    filter: { conjunction: "and", clauses: [nameIs("llm.completion")] },
    aggregation: { func: "sum", property: "tokens" },
  },
  count: {
    name: "EU or failed requests",
    filter: {
      conjunction: "and",
      clauses: [
        nameIs("api.request"),
        {
          conjunction: "or",
          clauses: [
            { property: "region", operator: "eq", value: "eu" },
            { property: "status", operator: "gte", value: 500 },
          ],
        },
      ],
    },
    aggregation: { func: "count" },
  },
  max: {
    name: "Peak latency",
    filter: { conjunction: "and", clauses: [nameIs("llm.completion")] },
    aggregation: { func: "max", property: "latency_ms" },
  },
};

/**
 * `organizations` tenants on distinct Kafka partitions (so several partitions, and both
 * materializers, carry load): the bootstrap organization plus organizations created with the admin
 * token, each with an organization token, `customersEach` customers (by external id) and the meters.
 */
export async function createTenants(
  cluster: Cluster,
  options: { organizations: number; customersEach: number },
): Promise<Tenant[]> {
  const api = cluster.api;
  const own = await expectStatus(
    "list organizations",
    request(`${api}/v1/organizations/`, BOOTSTRAP_ORGANIZATION_TOKEN),
    200,
  );
  const candidates: Array<{ organizationId: string; token: string }> = [
    { organizationId: own.items[0].id, token: BOOTSTRAP_ORGANIZATION_TOKEN },
  ];
  const byPartition = new Map<number, { organizationId: string; token: string }>();
  for (let attempt = 0; byPartition.size < Math.min(options.organizations, PARTITIONS); attempt++) {
    if (attempt > 40) throw new Error("could not place organizations on distinct partitions");
    let candidate = candidates.shift();
    if (candidate === undefined) {
      const slug = `tenant-${cluster.resources.topic.slice(-10)}-${attempt}`;
      const organization = await expectStatus(
        "create organization",
        request(`${api}/v1/organizations/`, BOOTSTRAP_ADMIN_TOKEN, "POST", { name: `Tenant ${attempt}`, slug }),
        201,
      );
      candidate = { organizationId: organization.id, token: "" };
    }
    const partition = partitionForKey(candidate.organizationId, PARTITIONS);
    if (byPartition.has(partition)) continue;
    if (candidate.token === "") {
      const issued = await expectStatus(
        "create organization token",
        request(`${api}/v1/organization-access-tokens/`, BOOTSTRAP_ADMIN_TOKEN, "POST", {
          organization_id: candidate.organizationId,
          comment: "distributed e2e",
          scopes: SCOPES,
        }),
        201,
      );
      candidate.token = issued.token;
    }
    byPartition.set(partition, candidate);
  }

  const tenants: Tenant[] = [];
  for (const [partition, { organizationId, token }] of byPartition) {
    const customers: TenantCustomer[] = [];
    for (let index = 0; index < options.customersEach; index++) {
      const externalId = `customer-${tenants.length}-${index}`;
      const customer = await expectStatus(
        "create customer",
        request(`${api}/v1/customers/`, token, "POST", {
          email: `${externalId}@e2e.example`,
          external_id: externalId,
          name: `Customer ${tenants.length}.${index}`,
        }),
        201,
      );
      customers.push({ id: customer.id, externalId });
    }
    const meters = {} as Record<MeterRole, string>;
    for (const role of METER_ROLES) {
      meters[role] = (
        await expectStatus("create meter", request(`${api}/v1/meters/`, token, "POST", METERS[role]), 201)
      ).id as string;
    }
    tenants.push({ organizationId, token, partition, customers, meters });
  }
  return tenants;
}

export interface WireEvent {
  name: string;
  timestamp: string;
  customer_id?: string;
  external_customer_id?: string;
  external_id: string;
  metadata: Record<string, string | number | boolean>;
}

export interface Batch {
  index: number;
  tenant: Tenant;
  events: WireEvent[];
}

const MODELS = ["gpt-4o", "claude", "llama"];
const REGIONS = ["eu", "us", "ap"];
const STATUSES = [200, 201, 404, 500, 503];

/**
 * `count` batches of `size` events, round-robin over the tenants. Events name a known customer
 * (half by id, half by external id) or, 3% of them, an external id no customer has; 10% are
 * noise that no meter may count, although they carry every property the meters read.
 */
export function generateBatches(options: {
  tenants: Tenant[];
  count: number;
  size: number;
  seed: number;
  /** Keeps external ids unique across workloads on one cluster. */
  prefix: string;
}): Batch[] {
  const next = random(options.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const now = Date.now();
  const batches: Batch[] = [];
  for (let index = 0; index < options.count; index++) {
    const tenant = options.tenants[index % options.tenants.length] as Tenant;
    const events: WireEvent[] = [];
    for (let position = 0; position < options.size; position++) {
      const who = next();
      const customer = pick(tenant.customers);
      const reference: Pick<WireEvent, "customer_id" | "external_customer_id"> =
        who < 0.03
          ? { external_customer_id: `ghost-${Math.floor(next() * 5)}` }
          : who < 0.515
            ? { customer_id: customer.id }
            : { external_customer_id: customer.externalId };
      const kind = next();
      const base = {
        timestamp: new Date(now - 1000 - Math.floor(next() * 20 * 3600 * 1000)).toISOString(),
        external_id: `${options.prefix}-${index}-${position}`,
        ...reference,
      };
      if (kind < 0.45) {
        events.push({
          ...base,
          name: "llm.completion",
          metadata: {
            tokens: 1 + Math.floor(next() * 2000),
            latency_ms: Math.round(next() * 5_000_000) / 1000,
            model: pick(MODELS),
          },
        });
      } else if (kind < 0.9) {
        events.push({ ...base, name: "api.request", metadata: { region: pick(REGIONS), status: pick(STATUSES) } });
      } else {
        events.push({
          ...base,
          name: "noise.ping",
          metadata: { tokens: 7, latency_ms: 999_999, region: "eu", status: 503 },
        });
      }
    }
    batches.push({ index, tenant, events });
  }
  return batches;
}

/** Whether `event` counts for the meter, by the meters' definitions above (written out, not evaluated). */
export function meterValue(role: MeterRole, event: WireEvent): number | null {
  const metadata = event.metadata;
  switch (role) {
    case "sum":
      return event.name === "llm.completion" ? (metadata.tokens as number) : null;
    case "max":
      return event.name === "llm.completion" ? (metadata.latency_ms as number) : null;
    case "count":
      return event.name === "api.request" && (metadata.region === "eu" || (metadata.status as number) >= 500)
        ? 1
        : null;
  }
}

export function combine(role: MeterRole, current: number | undefined, value: number): number {
  if (current === undefined) return value;
  return role === "max" ? Math.max(current, value) : current + value;
}

/** What the server must show once everything acknowledged is materialized: each event once. */
export class Expectation {
  private readonly counted = new Set<string>();
  /** Events per organization. */
  readonly events = new Map<string, number>();
  /** Meter totals: meter id → value. */
  readonly meterTotals = new Map<string, number>();
  /** Customer meters: `${customerId}:${meterId}` → consumed units. */
  readonly customerMeters = new Map<string, number>();
  /** Events referring to each customer (by id or by external id). */
  readonly customerEvents = new Map<string, number>();

  /** Counts a batch the server acknowledged; a batch (or event) counted before is ignored. */
  add(batch: Batch): void {
    const { tenant } = batch;
    const byExternalId = new Map(tenant.customers.map((customer) => [customer.externalId, customer]));
    const byId = new Map(tenant.customers.map((customer) => [customer.id, customer]));
    for (const event of batch.events) {
      if (this.counted.has(event.external_id)) continue;
      this.counted.add(event.external_id);
      this.events.set(tenant.organizationId, (this.events.get(tenant.organizationId) ?? 0) + 1);
      const customer =
        event.customer_id !== undefined
          ? byId.get(event.customer_id)
          : byExternalId.get(event.external_customer_id ?? "");
      if (customer !== undefined) {
        this.customerEvents.set(customer.id, (this.customerEvents.get(customer.id) ?? 0) + 1);
      }
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

  get total(): number {
    return this.counted.size;
  }
}

/** What the server shows, read the way the expectation is keyed. */
export interface Observed {
  events: Map<string, number>;
  meterTotals: Map<string, number>;
  customerMeters: Map<string, number>;
  customerEvents: Map<string, number>;
}

/**
 * Reads every figure the expectation names: each organization's event total, each meter's
 * quantities total, every customer meter (all pages), and the event count of `sampleCustomers`
 * customers per tenant.
 */
export async function observe(cluster: Cluster, tenants: Tenant[], sampleCustomers = 3): Promise<Observed> {
  const api = cluster.api;
  const observed: Observed = {
    events: new Map(),
    meterTotals: new Map(),
    customerMeters: new Map(),
    customerEvents: new Map(),
  };
  const start = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const end = new Date(Date.now() + 86_400_000).toISOString();
  for (const tenant of tenants) {
    const events = await expectStatus("list events", request(`${api}/v1/events/?limit=1`, tenant.token), 200);
    observed.events.set(tenant.organizationId, events.pagination.total_count);
    for (const role of METER_ROLES) {
      const meterId = tenant.meters[role];
      const query = new URLSearchParams({ start_timestamp: start, end_timestamp: end, interval: "day" });
      const quantities = await expectStatus(
        "meter quantities",
        request(`${api}/v1/meters/${meterId}/quantities?${query}`, tenant.token),
        200,
      );
      observed.meterTotals.set(meterId, quantities.total);
    }
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({ limit: "100", page: String(page) });
      query.append("sorting", "customer_id");
      query.append("sorting", "meter_id");
      const body = await expectStatus(
        "list customer meters",
        request(`${api}/v1/customer-meters/?${query}`, tenant.token),
        200,
      );
      for (const row of body.items as Json[]) {
        if (seen.has(row.id)) throw new Error(`customer meter ${row.id} listed twice`);
        seen.add(row.id);
        observed.customerMeters.set(`${row.customer_id}:${row.meter_id}`, row.consumed_units);
      }
      if (page >= body.pagination.max_page) break;
    }
    for (const customer of tenant.customers.slice(0, sampleCustomers)) {
      const body = await expectStatus(
        "list a customer's events",
        request(`${api}/v1/events/?limit=1&customer_id=${customer.id}`, tenant.token),
        200,
      );
      observed.customerEvents.set(customer.id, body.pagination.total_count);
    }
  }
  return observed;
}

/** The expectation restricted to what `observe` reads (the sampled customers' event counts). */
export function expected(expectation: Expectation, tenants: Tenant[], sampleCustomers = 3): Observed {
  const sampled = tenants.flatMap((tenant) => tenant.customers.slice(0, sampleCustomers).map((c) => c.id));
  return {
    events: new Map(
      tenants.map((tenant) => [tenant.organizationId, expectation.events.get(tenant.organizationId) ?? 0]),
    ),
    meterTotals: new Map(
      tenants.flatMap((tenant) =>
        METER_ROLES.map((role) => [tenant.meters[role], expectation.meterTotals.get(tenant.meters[role]) ?? 0]),
      ),
    ),
    customerMeters: new Map(expectation.customerMeters),
    customerEvents: new Map(sampled.map((id) => [id, expectation.customerEvents.get(id) ?? 0])),
  };
}
