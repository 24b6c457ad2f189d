import { describe, expect, it } from "vitest";
import type { AggregationFunction } from "../filter/filter.js";
import { addToAggregateState, emptyAggregateState } from "../meter/aggregate-state.js";
import type { AggregateState } from "../ports/event-store.js";
import { type AssembledQuantities, assembleQuantities } from "./assemble-quantities.js";
import type { QuantityInterval } from "./quantity-interval.js";
import { quantityBoundaries, quantitySeries } from "./quantity-series.js";

interface TestEvent {
  timestamp: string;
  /** Absent for count meters. */
  value?: number;
}

/** Stands in for the EventStore: each event goes to the period whose boundaries contain it. */
function partialsFor(boundaries: readonly Date[], events: readonly TestEvent[]): AggregateState[] {
  const partials = boundaries.slice(1).map(() => emptyAggregateState());
  for (const event of events) {
    const time = Date.parse(event.timestamp);
    const index = boundaries.findIndex(
      (boundary, i) => i < partials.length && boundary.getTime() <= time && time < boundaries[i + 1]!.getTime(),
    );
    if (index >= 0) partials[index] = addToAggregateState(partials[index]!, event.value);
  }
  return partials;
}

interface Query {
  events: TestEvent[];
  start: string;
  end: string;
  interval: QuantityInterval;
  func?: AggregationFunction;
  timeZone?: string;
}

function quantities({ events, start, end, interval, func = "count", timeZone = "UTC" }: Query): AssembledQuantities {
  const series = quantitySeries(new Date(start), new Date(end), interval, timeZone);
  const boundaries = quantityBoundaries(new Date(start), new Date(end), interval, timeZone);
  return assembleQuantities({ series, boundaries, partials: partialsFor(boundaries, events), func });
}

/** The response as JSON with Polar's second-precision UTC timestamps, to compare with the spec's text. */
function wire(result: AssembledQuantities): unknown {
  return JSON.parse(
    JSON.stringify({
      quantities: result.quantities.map(({ timestamp, quantity }) => ({
        timestamp: timestamp.toISOString().replace(".000Z", "Z"),
        quantity,
      })),
      total: result.total,
    }),
  );
}

const at = (...timestamps: string[]): TestEvent[] => timestamps.map((timestamp) => ({ timestamp }));

describe("TV-09 day buckets with unaligned start", () => {
  const events = at(
    "2025-03-09T23:59:59Z",
    "2025-03-10T01:00:00Z",
    "2025-03-10T23:59:59Z",
    "2025-03-11T10:00:00Z",
    "2025-03-12T20:00:00Z",
  );

  it("labels buckets with the series points and totals over the whole truncated range", () => {
    const result = quantities({ events, start: "2025-03-10T12:00:00Z", end: "2025-03-12T06:00:00Z", interval: "day" });
    expect(wire(result)).toEqual(
      JSON.parse(
        '{"quantities":[{"timestamp":"2025-03-10T12:00:00Z","quantity":2.0},{"timestamp":"2025-03-11T12:00:00Z","quantity":1.0}],"total":4.0}',
      ),
    );
  });

  it("is empty with a zero total when end is before start", () => {
    const result = quantities({ events, start: "2025-03-12T00:00:00Z", end: "2025-03-11T00:00:00Z", interval: "day" });
    expect(wire(result)).toEqual(JSON.parse('{"quantities":[],"total":0.0}'));
  });
});

describe("TV-10 totals for non-additive aggregations", () => {
  const events: TestEvent[] = [
    { timestamp: "2025-03-10T01:00:00Z", value: 10 },
    { timestamp: "2025-03-10T05:00:00Z", value: 20 },
    { timestamp: "2025-03-11T10:00:00Z", value: 60 },
  ];
  const cases: Array<[AggregationFunction, number[], number]> = [
    ["sum", [30, 60, 0], 90],
    ["avg", [15, 60, 0], 30],
    ["max", [20, 60, 0], 60],
    ["min", [10, 60, 0], 10],
  ];

  it.each(cases)("%s: buckets %j, total %d", (func, buckets, total) => {
    const result = quantities({
      events,
      start: "2025-03-10T00:00:00Z",
      end: "2025-03-12T00:00:00Z",
      interval: "day",
      func,
    });
    expect(result.quantities.map((bucket) => bucket.quantity)).toEqual(buckets);
    expect(result.total).toBe(total);
  });
});

describe("TV-11 month drift, week alignment, hour, offsets", () => {
  it("month: drifting labels read whole calendar months; May is outside the total", () => {
    const result = quantities({
      events: at(
        "2025-01-05T00:00:00Z",
        "2025-02-01T00:00:00Z",
        "2025-02-27T00:00:00Z",
        "2025-03-30T00:00:00Z",
        "2025-05-01T00:00:00Z",
      ),
      start: "2025-01-31T00:00:00Z",
      end: "2025-04-30T00:00:00Z",
      interval: "month",
    });
    expect(wire(result)).toEqual({
      quantities: [
        { timestamp: "2025-01-31T00:00:00Z", quantity: 1 },
        { timestamp: "2025-02-28T00:00:00Z", quantity: 2 },
        { timestamp: "2025-03-28T00:00:00Z", quantity: 1 },
        { timestamp: "2025-04-28T00:00:00Z", quantity: 0 },
      ],
      total: 4,
    });
  });

  it("week: a Wednesday label reads the week from the Monday before", () => {
    const result = quantities({
      events: at("2024-12-30T08:00:00Z", "2025-01-05T23:00:00Z", "2025-01-06T00:00:00Z"),
      start: "2025-01-01T00:00:00Z",
      end: "2025-01-08T00:00:00Z",
      interval: "week",
    });
    expect(wire(result)).toEqual({
      quantities: [
        { timestamp: "2025-01-01T00:00:00Z", quantity: 2 },
        { timestamp: "2025-01-08T00:00:00Z", quantity: 1 },
      ],
      total: 3,
    });
  });

  it("hour", () => {
    const result = quantities({
      events: at("2025-01-01T10:59:59Z", "2025-01-01T11:00:00Z", "2025-01-01T11:30:00Z"),
      start: "2025-01-01T10:30:00Z",
      end: "2025-01-01T11:30:00Z",
      interval: "hour",
    });
    expect(wire(result)).toEqual(
      JSON.parse(
        '{"quantities":[{"timestamp":"2025-01-01T10:30:00Z","quantity":1.0},{"timestamp":"2025-01-01T11:30:00Z","quantity":2.0}],"total":3.0}',
      ),
    );
  });

  it("offset input: UTC buckets, labels echoed in UTC", () => {
    const result = quantities({
      events: at("2024-12-31T21:00:00Z", "2024-12-31T23:00:00Z", "2025-01-01T01:00:00Z"),
      start: "2025-01-01T00:00:00+02:00",
      end: "2025-01-02T00:00:00+02:00",
      interval: "day",
    });
    expect(wire(result)).toEqual(
      JSON.parse(
        '{"quantities":[{"timestamp":"2024-12-31T22:00:00Z","quantity":2.0},{"timestamp":"2025-01-01T22:00:00Z","quantity":1.0}],"total":3.0}',
      ),
    );
  });
});

describe("time zones", () => {
  const events = at("2025-01-01T14:59:00Z", "2025-01-01T15:00:00Z");
  const query = {
    events,
    start: "2025-01-01T00:00:00+09:00",
    end: "2025-01-02T00:00:00+09:00",
    interval: "day" as const,
  };

  it("buckets by local day in Asia/Tokyo", () => {
    // 23:59 on Jan 1 and 00:00 on Jan 2, Tokyo time.
    expect(wire(quantities({ ...query, timeZone: "Asia/Tokyo" }))).toEqual({
      quantities: [
        { timestamp: "2024-12-31T15:00:00Z", quantity: 1 },
        { timestamp: "2025-01-01T15:00:00Z", quantity: 1 },
      ],
      total: 2,
    });
    // The same query in UTC puts both events on the second label's day.
    expect(wire(quantities(query))).toEqual({
      quantities: [
        { timestamp: "2024-12-31T15:00:00Z", quantity: 0 },
        { timestamp: "2025-01-01T15:00:00Z", quantity: 2 },
      ],
      total: 2,
    });
  });

  it("counts a 23-hour local day whole (America/New_York spring-forward)", () => {
    const result = quantities({
      // 23:59 EST on Mar 8, 00:00 EST and 23:59 EDT on Mar 9, 00:00 EDT on Mar 10.
      events: at("2025-03-09T04:59:00Z", "2025-03-09T05:00:00Z", "2025-03-10T03:59:00Z", "2025-03-10T04:00:00Z"),
      start: "2025-03-08T12:00:00-05:00",
      end: "2025-03-10T12:00:00-04:00",
      interval: "day",
      timeZone: "America/New_York",
    });
    expect(wire(result)).toEqual({
      quantities: [
        { timestamp: "2025-03-08T17:00:00Z", quantity: 1 },
        { timestamp: "2025-03-09T16:00:00Z", quantity: 2 },
        { timestamp: "2025-03-10T16:00:00Z", quantity: 1 },
      ],
      total: 4,
    });
  });

  it("keeps the repeated hour at Europe/Berlin fall-back as two buckets", () => {
    const result = quantities({
      // 02:30 CEST, then 02:30 CET an hour later.
      events: at("2025-10-26T00:30:00Z", "2025-10-26T01:30:00Z", "2025-10-26T01:45:00Z"),
      start: "2025-10-25T22:00:00Z",
      end: "2025-10-26T22:59:59Z",
      interval: "hour",
      timeZone: "Europe/Berlin",
    });
    expect(result.quantities).toHaveLength(25);
    expect(wire(result)).toMatchObject({
      quantities: expect.arrayContaining([
        { timestamp: "2025-10-26T00:00:00Z", quantity: 1 },
        { timestamp: "2025-10-26T01:00:00Z", quantity: 2 },
      ]),
      total: 3,
    });
  });
});

describe("assembleQuantities contract", () => {
  const boundaries = [new Date("2025-01-01T00:00:00Z"), new Date("2025-01-02T00:00:00Z")];
  const partials = [addToAggregateState(emptyAggregateState(), 5)];

  it("refuses partials that do not match the boundaries", () => {
    expect(() =>
      assembleQuantities({ series: [new Date("2025-01-01T12:00:00Z")], boundaries, partials: [], func: "sum" }),
    ).toThrow(/partial/);
  });

  it("refuses a series point outside the boundaries", () => {
    for (const point of ["2024-12-31T23:59:59Z", "2025-01-02T00:00:00Z"]) {
      expect(() => assembleQuantities({ series: [new Date(point)], boundaries, partials, func: "sum" })).toThrow(
        /outside/,
      );
    }
  });

  it("ignores the store's answer when the series is empty", () => {
    expect(assembleQuantities({ series: [], boundaries, partials, func: "sum" })).toEqual({ quantities: [], total: 0 });
  });
});
