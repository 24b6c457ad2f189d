import type { LogRecord } from "@meterline/core";
import { describe, expect, it } from "vitest";
import { decodeLogRecord, encodeLogRecord, InvalidLogRecordError } from "./log-record-envelope.js";

const record: LogRecord = {
  id: "0b7e3a52-52c9-4c39-9d4c-0d3f9b0fbb11",
  organizationId: "5a0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d",
  name: "ai.usage ✨",
  source: "user",
  timestamp: new Date("2025-06-01T12:34:56.789Z"),
  customerId: null,
  externalCustomerId: "kunde-ä-1",
  externalId: "ext 🔑 1",
  metadata: { tokens: 42, model: "gpt", cached: false },
};

describe("encodeLogRecord", () => {
  it("writes a version 1 snake_case envelope", () => {
    expect(JSON.parse(encodeLogRecord(record))).toEqual({
      version: 1,
      id: record.id,
      organization_id: record.organizationId,
      name: "ai.usage ✨",
      source: "user",
      timestamp: "2025-06-01T12:34:56.789Z",
      customer_id: null,
      external_customer_id: "kunde-ä-1",
      external_id: "ext 🔑 1",
      metadata: { tokens: 42, model: "gpt", cached: false },
    });
  });

  it.each([
    ["a bigint", 10n],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
  ])("refuses %s in metadata instead of writing null", (_, value) => {
    expect(() => encodeLogRecord({ ...record, metadata: { value } })).toThrow();
  });

  it("refuses an invalid timestamp", () => {
    expect(() => encodeLogRecord({ ...record, timestamp: new Date(Number.NaN) })).toThrow(RangeError);
  });
});

describe("decodeLogRecord", () => {
  it("round-trips every field and metadata type", () => {
    const metadata = {
      text: "plain",
      numericText: "42",
      unicode: 'Grüße, 世界 🚀 — e\u0301 "quoted" \\ back\nslash',
      "ключ 🔑": "unicode key",
      largeInteger: 9007199254740991,
      float: 2.675,
      tiny: 1.5e-7,
      huge: 1e21,
      negative: -0.5,
      yes: true,
      no: false,
      nested: { list: [1, "two", null] },
    };
    const system: LogRecord = { ...record, source: "system", customerId: record.id, metadata };
    for (const input of [record, system]) {
      const encoded = encodeLogRecord(input);
      expect(decodeLogRecord(encoded)).toStrictEqual(input);
      expect(decodeLogRecord(Buffer.from(encoded, "utf8"))).toStrictEqual(input);
    }
  });

  it("keeps a __proto__ metadata key as data", () => {
    const decoded = decodeLogRecord(encodeLogRecord({ ...record, metadata: JSON.parse('{"__proto__":"x","a":1}') }));
    expect(Object.keys(decoded.metadata)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(decoded.metadata)).toBe(Object.prototype);
  });

  const valid = JSON.parse(encodeLogRecord(record)) as Record<string, unknown>;
  it.each([
    ["a missing value", null],
    ["text that is not JSON", "{not json"],
    ["a JSON array", "[]"],
    ["another envelope version", JSON.stringify({ ...valid, version: 2 })],
    ["a missing field", JSON.stringify({ ...valid, organization_id: undefined })],
    ["an unknown source", JSON.stringify({ ...valid, source: "robot" })],
    ["a timestamp without a zone", JSON.stringify({ ...valid, timestamp: "2025-06-01T12:34:56" })],
    ["metadata that is not an object", JSON.stringify({ ...valid, metadata: [1] })],
  ])("rejects %s", (_, value) => {
    expect(() => decodeLogRecord(value)).toThrow(InvalidLogRecordError);
  });
});
