import type { StoredEvent } from "@meterline/core";
import { describe, expect, it } from "vitest";
import { toAggregateState } from "./aggregate-row.js";
import { customerKey, EventRow, float64Bits, Int64, METADATA_TYPE, toInsertRow } from "./event-row.js";

const EVENT: StoredEvent = {
  id: "00000000-0000-4000-8000-000000000001",
  organizationId: "00000000-0000-4000-8000-0000000000aa",
  name: "api.call",
  source: "user",
  timestamp: new Date("1969-12-31T23:59:59.500Z"),
  ingestedAt: new Date("2025-06-01T12:35:00.001Z"),
  customerId: null,
  externalCustomerId: "ext-1",
  externalId: "order-1",
  metadata: {},
  position: { partition: 3, offset: 42 },
};

describe("toInsertRow", () => {
  it("writes times as epoch milliseconds and the identifier the event carried as customer_key", () => {
    const row = toInsertRow(EVENT);
    expect(row).toMatchObject({
      timestamp_ms: -500,
      ingested_at_ms: 1748781300001,
      customer_id: null,
      external_customer_id: "ext-1",
      external_id: "order-1",
      customer_key: "ext-1",
      log_partition: 3,
      log_offset: 42,
    });
    expect(customerKey({ customerId: "c", externalCustomerId: null })).toBe("c");
    expect(customerKey({ customerId: "c", externalCustomerId: "e" })).toBe("c");
    expect(customerKey({ customerId: null, externalCustomerId: null })).toBe("");
  });

  it("keeps flat values in parallel arrays, in key order, and leaves non-flat ones out", () => {
    const metadata = JSON.parse(
      '{"s":"x\\"y","n":-0,"big":1e21,"tiny":5e-324,"t":true,"f":false,"z":null,"a":[1],"o":{"s":1},"__proto__":"p"}',
    ) as Record<string, unknown>;
    const row = toInsertRow({ ...EVENT, metadata });
    expect(row.metadata).toBe(
      '{"s":"x\\"y","n":0,"big":1000000000000000000000,"tiny":0.' +
        "0".repeat(323) +
        '5,"t":true,"f":false,"z":null,"a":[1],"o":{"s":1},"__proto__":"p"}',
    );
    expect(row.metadata_keys).toEqual(["s", "n", "big", "tiny", "t", "f", "__proto__"]);
    const { string, number, boolean } = METADATA_TYPE;
    expect(row.metadata_types).toEqual([string, number, number, number, boolean, boolean, string]);
    expect(row.metadata_texts).toEqual([
      'x"y',
      "0",
      "1000000000000000000000",
      `0.${"0".repeat(323)}5`,
      "true",
      "false",
      "p",
    ]);
    expect(row.metadata_number_bits).toEqual([
      "0",
      "0", // -0 is stored as 0, as its JSON text says
      float64Bits(1e21),
      "1",
      float64Bits(1),
      "0",
      "0",
    ]);
  });

  it("writes each double's exact IEEE-754 bits", () => {
    expect(float64Bits(1)).toBe("4607182418800017408");
    expect(float64Bits(-0)).toBe("9223372036854775808");
    expect(float64Bits(5e-324)).toBe("1");
    expect(float64Bits(0.1)).toBe("4591870180066957722");
  });

  it("replaces lone surrogates in stored strings, as UTF-8 storage must", () => {
    const row = toInsertRow({ ...EVENT, name: "a\uD800", metadata: { "k\uDC00": "v\uD800" } });
    expect(row.name).toBe("a\uFFFD");
    expect(row.metadata_keys).toEqual(["k\uFFFD"]);
    expect(row.metadata_texts).toEqual(["v\uFFFD"]);
  });

  it("refuses what has no stored form", () => {
    expect(() => toInsertRow({ ...EVENT, timestamp: new Date(Number.NaN) })).toThrow(RangeError);
    expect(() => toInsertRow({ ...EVENT, metadata: { n: Number.NaN } })).toThrow(RangeError);
  });
});

describe("EventRow", () => {
  const raw = {
    id: EVENT.id,
    organization_id: EVENT.organizationId,
    name: "api.call",
    source: "user",
    timestamp_ms: "-500",
    ingested_at_ms: "1748781300001",
    customer_id: null,
    external_customer_id: "ext-1",
    external_id: "order-1",
    metadata: '{"__proto__":1,"n":1e21}',
    log_partition: 3,
    log_offset: "42",
  };

  it("maps a JSONEachRow row (64-bit integers quoted) back to the event", () => {
    const event = EventRow.parse(raw);
    expect({ ...event, metadata: undefined }).toEqual({ ...EVENT, metadata: undefined });
    expect(Object.hasOwn(event.metadata, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(event.metadata)).toBe(Object.prototype);
    expect(event.metadata.n).toBe(1e21);
  });

  it("rejects rows that do not match", () => {
    expect(EventRow.safeParse({ ...raw, source: "other" }).success).toBe(false);
    expect(EventRow.safeParse({ ...raw, metadata: "[1]" }).success).toBe(false);
    expect(EventRow.safeParse({ ...raw, log_offset: "9007199254740993" }).success).toBe(false);
    expect(Int64.parse(7)).toBe(7);
    expect(Int64.safeParse("1.5").success).toBe(false);
  });
});

describe("toAggregateState", () => {
  it("reads an empty sum as 0 and an overflowed one as an error", () => {
    expect(toAggregateState(2, 0, null, null, null)).toEqual({ count: 2, valueCount: 0, sum: 0, min: null, max: null });
    expect(toAggregateState(1, 1, 2.5, 2.5, 2.5)).toEqual({ count: 1, valueCount: 1, sum: 2.5, min: 2.5, max: 2.5 });
    expect(() => toAggregateState(2, 2, null, 1e308, 1e308)).toThrow(RangeError);
  });
});
