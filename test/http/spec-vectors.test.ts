import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, type Json, queryString } from "../support/api-client.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

// Test vectors TV-01…TV-08 of spec/metering.md §13 (filter and aggregation semantics) through the
// HTTP API: meters, their quantities, and `GET /v1/events/?meter_id=`. Common setup: one
// organization per vector, customer C with external_id "u1", user events named "ai_usage" on
// 2025-06-01, ingested in the listed order; "matches" are 1-based positions.
//
// Where Meterline deliberately differs from the June 2025 behaviour the spec describes, the test
// says "Meterline deviation (ARCHITECTURE §7)" and asserts Meterline's result: like/not_like are
// literal substring tests (no wildcards), a boolean clause value matches only a stored boolean,
// numbers compare as doubles, and a missing key satisfies no clause.
let t: TestEngine;

type Clause = Record<string, unknown>;
const and = (...clauses: Clause[]) => ({ conjunction: "and", clauses });
const clause = (property: string, operator: string, value: unknown): Clause => ({ property, operator, value });
const COUNT = { func: "count" };

interface VectorEvent {
  metadata?: Record<string, unknown>;
  name?: string;
}

interface Vector {
  api: ApiClient;
  organizationId: string;
  customerId: string;
  /** Positions (1-based) of the events the meter selects, read back through `?meter_id=`. */
  matches(filter: object, aggregation?: object): Promise<number[]>;
  meter(filter: object, aggregation: object): Promise<string>;
  quantities(meterId: string): Promise<Json>;
}

/** Event i (1-based) is stamped 2025-06-01T00:00:0i, so timestamp order is the listed order. */
function stamp(position: number): string {
  return new Date(Date.UTC(2025, 5, 1, 0, 0, position)).toISOString();
}

async function vector(slug: string, events: VectorEvent[]): Promise<Vector> {
  const { api, id: organizationId } = await t.createOrganization(slug);
  const customer = await api.createCustomer({ email: `c@${slug}.example`, external_id: "u1" });
  if (events.length > 0) {
    await api.ingest(
      events.map((event, index) => ({
        name: event.name ?? "ai_usage",
        external_customer_id: "u1",
        timestamp: stamp(index + 1),
        metadata: event.metadata ?? {},
      })),
    );
    await t.caughtUp();
  }
  let meters = 0;
  const self: Vector = {
    api,
    organizationId,
    customerId: customer.id,
    async meter(filter, aggregation) {
      meters += 1;
      return (await api.createMeter({ name: `${slug} meter ${meters}`, filter, aggregation })).id;
    },
    async matches(filter, aggregation = COUNT) {
      const meterId = await self.meter(filter, aggregation);
      const response = await api.get(`/v1/events/?meter_id=${meterId}&sorting=timestamp&limit=100`);
      expect(response.status).toBe(200);
      const positions: number[] = response.body.items.map((event: { timestamp: string }) =>
        positionOf(event.timestamp),
      );
      if (aggregation === COUNT) {
        // The same set, counted by quantities and listed through `filter` (count has no eligibility).
        expect((await self.quantities(meterId)).total).toBe(positions.length);
        const byFilter = await api.get(
          `/v1/events/${queryString({ filter: JSON.stringify(filter), sorting: "timestamp", limit: "100" })}`,
        );
        expect(byFilter.body.items.map((event: { timestamp: string }) => positionOf(event.timestamp))).toEqual(
          positions,
        );
      }
      return positions;
    },
    async quantities(meterId) {
      const query = queryString({
        start_timestamp: "2025-06-01T00:00:00Z",
        end_timestamp: "2025-06-01T00:00:00Z",
        interval: "day",
      });
      const response = await api.get(`/v1/meters/${meterId}/quantities${query}`);
      expect(response.status).toBe(200);
      return response.body;
    },
  };
  return self;
}

function positionOf(timestamp: string): number {
  return Math.round((Date.parse(timestamp) - Date.parse("2025-06-01T00:00:00Z")) / 1000);
}

beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t.stop());

describe("TV-01 baseline aggregations", () => {
  let v: Vector;
  const filter = and(clause("name", "eq", "ai_usage"));
  beforeAll(async () => {
    v = await vector("tv-01", [
      { metadata: { total_tokens: 10 } },
      { metadata: { total_tokens: 20 } },
      { metadata: { total_tokens: 30 } },
    ]);
  });

  it.each([
    ["count", 3],
    ["sum", 60],
    ["avg", 20],
    ["min", 10],
    ["max", 30],
  ])("%s gives %d", async (func, quantity) => {
    const aggregation = func === "count" ? COUNT : { func, property: "total_tokens" };
    const meterId = await v.meter(filter, aggregation);
    expect(await v.quantities(meterId)).toEqual({
      quantities: [{ timestamp: "2025-06-01T00:00:00Z", quantity }],
      total: quantity,
    });
  });

  it("lists all three events under the count meter", async () => {
    expect(await v.matches(filter)).toEqual([1, 2, 3]);
  });
});

describe("TV-02 missing and non-numeric properties", () => {
  let v: Vector;
  const filter = and(clause("name", "eq", "ai_usage"));
  beforeAll(async () => {
    v = await vector("tv-02", [
      { metadata: { tokens: 10 } },
      { metadata: { tokens: "abc" } },
      {},
      { metadata: { tokens: 5.5 } },
      { metadata: { tokens: true } },
    ]);
  });

  it.each([
    ["sum", 15.5],
    ["avg", 7.75],
    ["min", 5.5],
    ["max", 10],
  ])("%s aggregates only numeric values", async (func, total) => {
    const meterId = await v.meter(filter, { func, property: "tokens" });
    expect((await v.quantities(meterId)).total).toBe(total);
  });

  it("count sees all five; a property meter's event set holds only events 1 and 4", async () => {
    expect(await v.matches(filter)).toEqual([1, 2, 3, 4, 5]);
    expect(await v.matches(filter, { func: "sum", property: "tokens" })).toEqual([1, 4]);
  });
});

describe("TV-03 string/number asymmetry and ne", () => {
  let v: Vector;
  beforeAll(async () => {
    v = await vector("tv-03", [
      { metadata: { tier: "10" } },
      { metadata: { tier: 10 } },
      { metadata: { tier: "gold" } },
      { metadata: { tier: true } },
      {},
      { metadata: { tier: 5 } },
    ]);
  });

  it.each([
    ["eq", 10, [1, 2]],
    ["eq", "10", [1]],
    ["ne", 10, [3, 6]],
    ["ne", "gold", [1]],
    ["gt", 7, [2, 3]],
    ["gt", "7", [3]],
    ["lt", "5", [1]],
  ])("tier %s %j matches %j", async (operator, value, expected) => {
    expect(await v.matches(and(clause("tier", operator, value)))).toEqual(expected);
  });
});

describe("TV-04 boolean coercions", () => {
  let v: Vector;
  beforeAll(async () => {
    v = await vector("tv-04", [
      { metadata: { premium: true } },
      { metadata: { premium: "t" } },
      { metadata: { premium: 1 } },
      { metadata: { premium: "true" } },
      { metadata: { premium: false } },
      { metadata: { premium: 0 } },
    ]);
  });

  it('premium eq 1 and premium eq "true" match as in June', async () => {
    expect(await v.matches(and(clause("premium", "eq", 1)))).toEqual([3]);
    expect(await v.matches(and(clause("premium", "eq", "true")))).toEqual([4]);
  });

  it("Meterline deviation (ARCHITECTURE §7): a boolean clause value matches only stored booleans", async () => {
    // June: eq true → 1, 2, 3 ("t" and 1 coerce); ne true → 4, 5, 6; gt false → 1, 2, 3, 4.
    expect(await v.matches(and(clause("premium", "eq", true)))).toEqual([1]);
    expect(await v.matches(and(clause("premium", "ne", true)))).toEqual([5]);
    expect(await v.matches(and(clause("premium", "gt", false)))).toEqual([1]);
  });
});

describe("TV-05 like / not_like", () => {
  let v: Vector;
  beforeAll(async () => {
    v = await vector("tv-05", [
      { metadata: { model: "gpt-pro" } },
      { metadata: { model: "PRO" } },
      { metadata: { model: "abc" } },
      { metadata: { model: 1234 } },
      { metadata: { model: true } },
      { metadata: { model: "True" } },
      { metadata: { model: "other_value" } },
      {},
      { name: "aXc", metadata: { model: "a_c" } },
    ]);
  });

  it("matches case-sensitive substrings of the text form, as in June", async () => {
    expect(await v.matches(and(clause("model", "like", "pro")))).toEqual([1]);
    expect(await v.matches(and(clause("model", "like", 23)))).toEqual([4]);
    // A missing key satisfies neither like nor not_like.
    expect(await v.matches(and(clause("model", "not_like", "pro")))).toEqual([2, 3, 4, 5, 6, 7, 9]);
    expect(await v.matches(and(clause("name", "not_like", "usage")))).toEqual([9]);
  });

  it("Meterline deviation (ARCHITECTURE §7): % and _ are literal characters, not wildcards", async () => {
    // June: model like "a_c" → 3, 9; name like "a_c" → 9 (the name "aXc").
    expect(await v.matches(and(clause("model", "like", "a_c")))).toEqual([9]);
    expect(await v.matches(and(clause("name", "like", "a_c")))).toEqual([]);
    expect(await v.matches(and(clause("model", "like", "%")))).toEqual([]);
  });

  it("Meterline deviation (ARCHITECTURE §7): like true matches only a stored boolean", async () => {
    // June: the pattern %t% → 1, 5, 7.
    expect(await v.matches(and(clause("model", "like", true)))).toEqual([5]);
  });
});

describe("TV-06 nested conjunctions and empty filters", () => {
  let v: Vector;
  const nested = and(clause("name", "eq", "ai_usage"), {
    conjunction: "or",
    clauses: [clause("model", "eq", "gpt-4"), clause("tokens", "gt", 100)],
  });
  beforeAll(async () => {
    v = await vector("tv-06", [
      { metadata: { model: "gpt-4", tokens: 50 } },
      { metadata: { model: "gpt-3", tokens: 150 } },
      { metadata: { model: "gpt-3", tokens: 50 } },
      { name: "other", metadata: { model: "gpt-4", tokens: 500 } },
      { metadata: { model: "gpt-4" } },
    ]);
  });

  it("evaluates nested conjunctions", async () => {
    expect(await v.matches(nested)).toEqual([1, 2, 5]);
    const sum = await v.meter(nested, { func: "sum", property: "tokens" });
    expect((await v.quantities(sum)).total).toBe(200);
    expect(await v.matches(nested, { func: "sum", property: "tokens" })).toEqual([1, 2]);
  });

  it("treats an empty clause list as TRUE at any level", async () => {
    expect(await v.matches({ conjunction: "and", clauses: [] })).toEqual([1, 2, 3, 4, 5]);
    expect(await v.matches({ conjunction: "or", clauses: [] })).toEqual([1, 2, 3, 4, 5]);
    expect(await v.matches(and(clause("name", "eq", "other"), { conjunction: "or", clauses: [] }))).toEqual([4]);
  });
});

describe("TV-07 built-in properties and prefix stripping", () => {
  let v: Vector;
  beforeAll(async () => {
    v = await vector("tv-07", []);
    await v.api.ingest([
      { name: "ai_usage", external_customer_id: "u1", timestamp: "2025-06-01T00:00:00Z" },
      { name: "ai_usage", external_customer_id: "u1", timestamp: "2025-06-01T00:00:00.6Z" },
    ]);
    // System events cannot be created through the API yet: appended to the log directly.
    await t.appendSystemEvent({
      organizationId: v.organizationId,
      customerId: v.customerId,
      name: "meter.credited",
      metadata: { meter_id: randomUUID(), units: 1, rollover: false },
      timestamp: new Date("2025-06-01T00:00:01Z"),
    });
    await t.caughtUp();
  });
  // Positions here come from timestamps in whole seconds: events 1 and 2 share second 0.
  const count = async (filter: object) => (await v.quantities(await v.meter(filter, COUNT))).total;
  const names = async (filter: object) => {
    const response = await v.api.get(
      `/v1/events/${queryString({ filter: JSON.stringify(filter), sorting: "timestamp" })}`,
    );
    return response.body.items.map((event: Json) => `${event.source}:${event.timestamp}`);
  };
  const E1 = "user:2025-06-01T00:00:00Z";
  const E2 = "user:2025-06-01T00:00:00.600000Z";
  const E3 = "system:2025-06-01T00:00:01Z";

  it("compares timestamp as epoch seconds rounded half away from zero", async () => {
    expect(await names(and(clause("timestamp", "lt", 1748736001)))).toEqual([E1]);
    expect(await names(and(clause("timestamp", "eq", 1748736001)))).toEqual([E2, E3]);
    expect(await count(and(clause("timestamp", "eq", 1748736001)))).toBe(2);
  });

  it("resolves name and source to columns, with type checks", async () => {
    expect(await names(and(clause("name", "eq", 1)))).toEqual([]);
    expect(await names(and(clause("source", "eq", "system")))).toEqual([E3]);
    expect(await names(and(clause("customer_id", "eq", "x")))).toEqual([]);
  });

  it("strips one metadata. prefix, so metadata.name is the name column", async () => {
    const meterId = await v.meter(and(clause("metadata.name", "eq", "ai_usage")), COUNT);
    const meter = await v.api.get(`/v1/meters/${meterId}`);
    expect(meter.body.filter.clauses[0].property).toBe("name");
    expect(await names(and(clause("metadata.name", "eq", "ai_usage")))).toEqual([E1, E2]);
  });

  it("Meterline deviation (ARCHITECTURE §7): like on timestamp is a substring test of the seconds, not a 500", async () => {
    expect(await names(and(clause("timestamp", "like", 1748)))).toEqual([E1, E2, E3]);
    expect(await names(and(clause("timestamp", "like", 6001)))).toEqual([E2, E3]);
  });
});

describe("TV-08 non-integer numbers", () => {
  let v: Vector;
  beforeAll(async () => {
    v = await vector("tv-08", [
      { metadata: { latency: 12 } },
      { metadata: { latency: 12.5 } },
      { metadata: { latency: 3000000000 } },
      { metadata: { latency: 1.0 } },
    ]);
  });

  it("Meterline deviation (ARCHITECTURE §7): numbers compare as doubles, so gt 10 matches instead of failing with 500", async () => {
    // June: quantities and ?meter_id= answer 500 (int32 cast of 12.5, 3000000000 and 1.0).
    expect(await v.matches(and(clause("latency", "gt", 10)))).toEqual([1, 2, 3]);
    expect(await v.matches(and(clause("latency", "eq", 1)))).toEqual([4]);
    // The customer meter is computed too (June's job errored).
    const meterId = await v.meter(and(clause("latency", "gt", 10)), { func: "max", property: "latency" });
    await v.api.ingest([
      { name: "ai_usage", external_customer_id: "u1", timestamp: stamp(5), metadata: { latency: 2 } },
    ]);
    await t.caughtUp();
    const rows = (await v.api.get(`/v1/customer-meters/?meter_id=${meterId}`)).body.items;
    expect(rows).toEqual([expect.objectContaining({ customer_id: v.customerId, consumed_units: 3000000000 })]);
  });

  it("keeps string values apart from numbers, and like on the text form", async () => {
    expect(await v.matches(and(clause("latency", "eq", "12.5")))).toEqual([]);
    expect(await v.matches(and(clause("latency", "like", "12.5")))).toEqual([2]);
  });
});
