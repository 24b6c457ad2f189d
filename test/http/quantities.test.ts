import { randomUUID } from "node:crypto";
import { MeterQuantities$inboundSchema } from "@polar-sh/sdk/models/components/meterquantities.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, queryString } from "../support/api-client.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

// spec §5 and test vectors TV-09, TV-10 and TV-11. Each vector gets its own organization, since an
// empty filter counts every event of the organization.
const EVERYTHING = { conjunction: "and", clauses: [] };
const RANGE_TOO_BIG = "The interval is too big. Try to change the interval or reduce the date range.";

let t: TestEngine;

interface Scenario {
  api: ApiClient;
  meterId: string;
}

/** A fresh organization with a meter over every event and these events (timestamps only, or with metadata). */
async function scenario(
  slug: string,
  events: Array<string | { timestamp: string; metadata: Record<string, unknown> }>,
  aggregation: Record<string, unknown> = { func: "count" },
): Promise<Scenario> {
  const { api } = await t.createOrganization(slug);
  const meter = await api.createMeter({ name: `${slug} meter`, filter: EVERYTHING, aggregation });
  if (events.length > 0) {
    await api.ingest(
      events.map((event) => ({
        name: "ai_usage",
        external_customer_id: "u1",
        ...(typeof event === "string" ? { timestamp: event } : event),
      })),
    );
    await t.caughtUp();
  }
  return { api, meterId: meter.id };
}

async function quantities(
  { api, meterId }: Scenario,
  params: Record<string, string | string[] | undefined>,
): Promise<{ status: number; body: ReturnType<typeof JSON.parse> }> {
  const response = await api.get(`/v1/meters/${meterId}/quantities${queryString(params)}`);
  if (response.status === 200) parseWithSdk(MeterQuantities$inboundSchema, response.body);
  return response;
}

beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t.stop());

describe("TV-09 day buckets with an unaligned start", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario("tv-09", [
      "2025-03-09T23:59:59Z",
      "2025-03-10T01:00:00Z",
      "2025-03-10T23:59:59Z",
      "2025-03-11T10:00:00Z",
      "2025-03-12T20:00:00Z",
    ]);
  });

  it("labels buckets with the series points and totals over the truncated range", async () => {
    const response = await quantities(s, {
      start_timestamp: "2025-03-10T12:00:00Z",
      end_timestamp: "2025-03-12T06:00:00Z",
      interval: "day",
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      quantities: [
        { timestamp: "2025-03-10T12:00:00Z", quantity: 2 },
        { timestamp: "2025-03-11T12:00:00Z", quantity: 1 },
      ],
      total: 4,
    });
  });

  it("answers an end before the start with an empty series", async () => {
    const response = await quantities(s, {
      start_timestamp: "2025-03-12T00:00:00Z",
      end_timestamp: "2025-03-11T00:00:00Z",
      interval: "day",
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ quantities: [], total: 0 });
  });

  it("rejects 8 days of hours with Polar's range error", async () => {
    const response = await quantities(s, {
      start_timestamp: "2025-01-01T00:00:00Z",
      end_timestamp: "2025-01-09T00:00:00Z",
      interval: "hour",
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["query"],
          msg: RANGE_TOO_BIG,
          input: ["2025-01-01T00:00:00Z", "2025-01-09T00:00:00Z", "hour"],
        },
      ],
    });
  });
});

describe("TV-10 totals of non-additive aggregations", () => {
  const events = [
    { timestamp: "2025-03-10T01:00:00Z", metadata: { v: 10 } },
    { timestamp: "2025-03-10T05:00:00Z", metadata: { v: 20 } },
    { timestamp: "2025-03-11T10:00:00Z", metadata: { v: 60 } },
  ];
  const expected: Record<string, [number[], number]> = {
    sum: [[30, 60, 0], 90],
    avg: [[15, 60, 0], 30],
    max: [[20, 60, 0], 60],
    min: [[10, 60, 0], 10],
  };

  it.each(Object.keys(expected))("%s", async (func) => {
    const s = await scenario(`tv-10-${func}`, events, { func, property: "v" });
    const response = await quantities(s, {
      start_timestamp: "2025-03-10T00:00:00Z",
      end_timestamp: "2025-03-12T00:00:00Z",
      interval: "day",
    });
    const [buckets, total] = expected[func] as [number[], number];
    expect(response.body).toEqual({
      quantities: ["2025-03-10", "2025-03-11", "2025-03-12"].map((day, index) => ({
        timestamp: `${day}T00:00:00Z`,
        quantity: buckets[index],
      })),
      total,
    });
  });
});

describe("TV-11 month drift, week alignment, hours and offsets (UTC default)", () => {
  it("steps months from the previous point, so the series drifts after February", async () => {
    const s = await scenario("tv-11-month", [
      "2025-01-05T00:00:00Z",
      "2025-02-01T00:00:00Z",
      "2025-02-27T00:00:00Z",
      "2025-03-30T00:00:00Z",
      "2025-05-01T00:00:00Z",
    ]);
    const response = await quantities(s, {
      start_timestamp: "2025-01-31T00:00:00Z",
      end_timestamp: "2025-04-30T00:00:00Z",
      interval: "month",
    });
    expect(response.body).toEqual({
      quantities: [
        { timestamp: "2025-01-31T00:00:00Z", quantity: 1 },
        { timestamp: "2025-02-28T00:00:00Z", quantity: 2 },
        { timestamp: "2025-03-28T00:00:00Z", quantity: 1 },
        { timestamp: "2025-04-28T00:00:00Z", quantity: 0 },
      ],
      total: 4,
    });
  });

  it("buckets weeks from Monday 00:00 UTC", async () => {
    const s = await scenario("tv-11-week", ["2024-12-30T08:00:00Z", "2025-01-05T23:00:00Z", "2025-01-06T00:00:00Z"]);
    const response = await quantities(s, {
      start_timestamp: "2025-01-01T00:00:00Z",
      end_timestamp: "2025-01-08T00:00:00Z",
      interval: "week",
    });
    expect(response.body).toEqual({
      quantities: [
        { timestamp: "2025-01-01T00:00:00Z", quantity: 2 },
        { timestamp: "2025-01-08T00:00:00Z", quantity: 1 },
      ],
      total: 3,
    });
  });

  it("buckets hours by the hour containing each label", async () => {
    const s = await scenario("tv-11-hour", ["2025-01-01T10:59:59Z", "2025-01-01T11:00:00Z", "2025-01-01T11:30:00Z"]);
    const response = await quantities(s, {
      start_timestamp: "2025-01-01T10:30:00Z",
      end_timestamp: "2025-01-01T11:30:00Z",
      interval: "hour",
    });
    expect(response.body).toEqual({
      quantities: [
        { timestamp: "2025-01-01T10:30:00Z", quantity: 1 },
        { timestamp: "2025-01-01T11:30:00Z", quantity: 2 },
      ],
      total: 3,
    });
  });

  it("echoes offset inputs in UTC and buckets by UTC days", async () => {
    const s = await scenario("tv-11-offset", ["2024-12-31T21:00:00Z", "2024-12-31T23:00:00Z", "2025-01-01T01:00:00Z"]);
    const response = await quantities(s, {
      start_timestamp: "2025-01-01T00:00:00+02:00",
      end_timestamp: "2025-01-02T00:00:00+02:00",
      interval: "day",
    });
    expect(response.body).toEqual({
      quantities: [
        { timestamp: "2024-12-31T22:00:00Z", quantity: 2 },
        { timestamp: "2025-01-01T22:00:00Z", quantity: 1 },
      ],
      total: 3,
    });
  });
});

describe("timezone parameter (Meterline deviation, ARCHITECTURE §7: later Polar's IANA timezone)", () => {
  let paris: Scenario;
  beforeAll(async () => {
    // 22:30Z is 23:30 on January 1 in Paris; 23:30Z is already January 2 there.
    paris = await scenario("timezone-paris", ["2025-01-01T22:30:00Z", "2025-01-01T23:30:00Z"]);
  });

  it("buckets by calendar days of the named zone", async () => {
    const response = await quantities(paris, {
      start_timestamp: "2025-01-01T00:00:00+01:00",
      end_timestamp: "2025-01-02T00:00:00+01:00",
      interval: "day",
      timezone: "Europe/Paris",
    });
    expect(response.body).toEqual({
      quantities: [
        { timestamp: "2024-12-31T23:00:00Z", quantity: 1 },
        { timestamp: "2025-01-01T23:00:00Z", quantity: 1 },
      ],
      total: 2,
    });
  });

  it("defaults to UTC days for the same query", async () => {
    const params = {
      start_timestamp: "2025-01-01T00:00:00+01:00",
      end_timestamp: "2025-01-02T00:00:00+01:00",
      interval: "day",
    };
    const expected = {
      quantities: [
        { timestamp: "2024-12-31T23:00:00Z", quantity: 0 },
        { timestamp: "2025-01-01T23:00:00Z", quantity: 2 },
      ],
      total: 2,
    };
    expect((await quantities(paris, params)).body).toEqual(expected);
    expect((await quantities(paris, { ...params, timezone: "UTC" })).body).toEqual(expected);
  });

  it("steps days across a DST change in the zone's calendar (23-hour day)", async () => {
    const s = await scenario("timezone-dst", ["2025-03-09T04:30:00Z", "2025-03-10T03:30:00Z", "2025-03-10T04:30:00Z"]);
    const response = await quantities(s, {
      start_timestamp: "2025-03-08T00:00:00-05:00",
      end_timestamp: "2025-03-10T00:00:00-04:00",
      interval: "day",
      timezone: "America/New_York",
    });
    expect(response.body).toEqual({
      quantities: [
        { timestamp: "2025-03-08T05:00:00Z", quantity: 1 },
        { timestamp: "2025-03-09T05:00:00Z", quantity: 1 },
        { timestamp: "2025-03-10T04:00:00Z", quantity: 1 },
      ],
      total: 3,
    });
  });

  it("rejects a zone that is not an IANA name", async () => {
    for (const timezone of ["Mars/Olympus", "+02:00", ""]) {
      const response = await quantities(paris, {
        start_timestamp: "2025-01-01T00:00:00Z",
        end_timestamp: "2025-01-02T00:00:00Z",
        interval: "day",
        timezone,
      });
      expect(response.status, timezone).toBe(422);
      expect(response.body.detail, timezone).toEqual([
        expect.objectContaining({ type: "value_error", loc: ["query", "timezone"], input: timezone }),
      ]);
    }
  });
});

describe("filters", () => {
  let s: Scenario;
  let customerId: string;
  beforeAll(async () => {
    s = await scenario("quantity-filters", []);
    customerId = (await s.api.createCustomer({ email: "q@example.com", external_id: "q1" })).id;
    await s.api.ingest([
      { name: "a", customer_id: customerId, timestamp: "2025-06-01T01:00:00Z", metadata: { plan: "pro" } },
      { name: "a", external_customer_id: "q1", timestamp: "2025-06-01T02:00:00Z", metadata: { plan: "free" } },
      { name: "a", external_customer_id: "q2", timestamp: "2025-06-01T03:00:00Z", metadata: { plan: "pro" } },
    ]);
    await t.caughtUp();
  });
  const day = { start_timestamp: "2025-06-01T00:00:00Z", end_timestamp: "2025-06-01T00:00:00Z", interval: "day" };

  it("matches a customer id through its external id too, and an external id through its customer", async () => {
    expect((await quantities(s, { ...day, customer_id: customerId })).body.total).toBe(2);
    expect((await quantities(s, { ...day, external_customer_id: "q1" })).body.total).toBe(2);
    expect((await quantities(s, { ...day, external_customer_id: ["q1", "q2"] })).body.total).toBe(3);
    expect((await quantities(s, { ...day, customer_id: randomUUID() })).body).toEqual({
      quantities: [{ timestamp: "2025-06-01T00:00:00Z", quantity: 0 }],
      total: 0,
    });
  });

  it("filters on event metadata", async () => {
    expect((await quantities(s, { ...day, "metadata[plan]": "pro" })).body.total).toBe(2);
    expect((await quantities(s, { ...day, "metadata[plan]": "pro", customer_id: customerId })).body.total).toBe(1);
  });

  it("accepts Unix times as datetimes, read as UTC", async () => {
    const unix = String(Date.parse("2025-06-01T00:00:00Z") / 1000);
    const response = await quantities(s, { start_timestamp: unix, end_timestamp: unix, interval: "day" });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ quantities: [{ timestamp: "2025-06-01T00:00:00Z", quantity: 3 }], total: 3 });
  });
});

describe("422", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario("quantity-errors", []);
  });

  it("requires start, end and interval, reported together", async () => {
    const response = await quantities(s, {});
    expect(response.status).toBe(422);
    expect(response.body.detail.map((item: { loc: unknown[]; type: string }) => [item.loc, item.type])).toEqual([
      [["query", "start_timestamp"], "missing"],
      [["query", "end_timestamp"], "missing"],
      [["query", "interval"], "missing"],
    ]);
  });

  it("rejects a start before 2023", async () => {
    const response = await quantities(s, {
      start_timestamp: "2022-12-31T23:59:59Z",
      end_timestamp: "2023-01-02T00:00:00Z",
      interval: "day",
    });
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      expect.objectContaining({ type: "greater_than_equal", loc: ["query", "start_timestamp"] }),
    ]);
  });

  it("rejects naive datetimes and unknown intervals", async () => {
    const response = await quantities(s, {
      start_timestamp: "2025-01-01T00:00:00",
      end_timestamp: "2025-01-02T00:00:00Z",
      interval: "minute",
    });
    expect(response.status).toBe(422);
    expect(response.body.detail.map((item: { loc: unknown[]; type: string }) => [item.loc, item.type])).toEqual([
      [["query", "start_timestamp"], "timezone_aware"],
      [["query", "interval"], "enum"],
    ]);
  });

  it("applies each interval's range limit to the dates as written", async () => {
    const ok = await quantities(s, {
      start_timestamp: "2024-01-01T00:00:00Z",
      end_timestamp: "2025-01-01T00:00:00Z",
      interval: "day",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.quantities).toHaveLength(367);
    const tooBig = await quantities(s, {
      start_timestamp: "2024-01-01T00:00:00Z",
      end_timestamp: "2025-01-02T00:00:00Z",
      interval: "day",
    });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.detail[0]).toMatchObject({ loc: ["query"], msg: RANGE_TOO_BIG });
    // Seven days as written, although nearly eight in UTC: accepted, as Polar does.
    const written = await quantities(s, {
      start_timestamp: "2025-01-01T00:00:00Z",
      end_timestamp: "2025-01-08T23:00:00-05:00",
      interval: "hour",
    });
    expect(written.status).toBe(200);
  });
});
