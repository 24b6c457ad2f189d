import { describe, expect, it } from "vitest";
import { DomainError } from "../errors/domain-error.js";
import type { QuantityInterval } from "./quantity-interval.js";
import { quantityBoundaries, quantitySeries } from "./quantity-series.js";

const HOUR = 3_600_000;

function series(start: string, end: string, interval: QuantityInterval, timeZone = "UTC"): string[] {
  return quantitySeries(new Date(start), new Date(end), interval, timeZone).map((point) => point.toISOString());
}

function boundaries(start: string, end: string, interval: QuantityInterval, timeZone = "UTC"): string[] {
  return quantityBoundaries(new Date(start), new Date(end), interval, timeZone).map((point) => point.toISOString());
}

function gapsInHours(instants: string[]): number[] {
  return instants.slice(1).map((instant, index) => (Date.parse(instant) - Date.parse(instants[index]!)) / HOUR);
}

describe("quantitySeries", () => {
  it("drifts after a short month (TV-11 month)", () => {
    expect(series("2025-01-31T00:00:00Z", "2025-04-30T00:00:00Z", "month")).toEqual([
      "2025-01-31T00:00:00.000Z",
      "2025-02-28T00:00:00.000Z",
      "2025-03-28T00:00:00.000Z",
      "2025-04-28T00:00:00.000Z",
    ]);
  });

  it("drifts to the leap day in a leap year", () => {
    expect(series("2024-01-31T00:00:00Z", "2024-04-30T00:00:00Z", "month")).toEqual([
      "2024-01-31T00:00:00.000Z",
      "2024-02-29T00:00:00.000Z",
      "2024-03-29T00:00:00.000Z",
      "2024-04-29T00:00:00.000Z",
    ]);
  });

  it("steps a yearly series from a leap day to Feb 28 and stays there", () => {
    expect(series("2024-02-29T00:00:00Z", "2028-03-01T00:00:00Z", "year")).toEqual([
      "2024-02-29T00:00:00.000Z",
      "2025-02-28T00:00:00.000Z",
      "2026-02-28T00:00:00.000Z",
      "2027-02-28T00:00:00.000Z",
      "2028-02-28T00:00:00.000Z",
    ]);
  });

  it("includes end and keeps the start's time of day (TV-09, TV-11 hour)", () => {
    expect(series("2025-03-10T12:00:00Z", "2025-03-12T06:00:00Z", "day")).toEqual([
      "2025-03-10T12:00:00.000Z",
      "2025-03-11T12:00:00.000Z",
    ]);
    expect(series("2025-01-01T10:30:00Z", "2025-01-01T11:30:00Z", "hour")).toEqual([
      "2025-01-01T10:30:00.000Z",
      "2025-01-01T11:30:00.000Z",
    ]);
    expect(series("2025-06-01T00:00:00Z", "2025-06-01T00:00:00Z", "day")).toEqual(["2025-06-01T00:00:00.000Z"]);
  });

  it("is empty when end is before start", () => {
    expect(series("2025-03-12T00:00:00Z", "2025-03-11T00:00:00Z", "day")).toEqual([]);
  });

  it("steps weeks by 7 days from an unaligned start across a year boundary", () => {
    expect(series("2024-12-25T00:00:00Z", "2025-01-15T00:00:00Z", "week")).toEqual([
      "2024-12-25T00:00:00.000Z",
      "2025-01-01T00:00:00.000Z",
      "2025-01-08T00:00:00.000Z",
      "2025-01-15T00:00:00.000Z",
    ]);
  });

  it("steps local days across Europe/Berlin spring-forward (23 h) and New York fall-back (25 h)", () => {
    const berlin = series("2025-03-28T23:00:00Z", "2025-03-31T22:00:00Z", "day", "Europe/Berlin");
    expect(berlin).toEqual([
      "2025-03-28T23:00:00.000Z",
      "2025-03-29T23:00:00.000Z",
      "2025-03-30T22:00:00.000Z",
      "2025-03-31T22:00:00.000Z",
    ]);
    expect(gapsInHours(berlin)).toEqual([24, 23, 24]);
    const newYork = series("2025-11-01T04:00:00Z", "2025-11-03T05:00:00Z", "day", "America/New_York");
    expect(gapsInHours(newYork)).toEqual([24, 25]);
  });

  it("keeps the local date through month drift and DST in a zone (Europe/Berlin)", () => {
    expect(series("2025-01-30T23:00:00Z", "2025-04-29T00:00:00Z", "month", "Europe/Berlin")).toEqual([
      "2025-01-30T23:00:00.000Z", // 01-31 00:00 CET
      "2025-02-27T23:00:00.000Z", // 02-28 00:00 CET
      "2025-03-27T23:00:00.000Z", // 03-28 00:00 CET
      "2025-04-27T22:00:00.000Z", // 04-28 00:00 CEST
    ]);
  });

  it("has 23 and 25 hour points over a spring-forward and a fall-back local day", () => {
    const spring = series("2025-03-29T23:00:00Z", "2025-03-30T21:59:59Z", "hour", "Europe/Berlin");
    expect(spring).toHaveLength(23);
    expect(new Set(gapsInHours(spring))).toEqual(new Set([1]));
    const fall = series("2025-11-02T04:00:00Z", "2025-11-03T04:59:59Z", "hour", "America/New_York");
    expect(fall).toHaveLength(25);
  });

  it("refuses a runaway range", () => {
    const run = () => quantitySeries(new Date("2023-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"), "hour", "UTC");
    expect(run).toThrow(DomainError);
    expect(run).toThrow(expect.objectContaining({ code: "QUANTITIES_RANGE_TOO_LARGE", kind: "invalid" }));
  });

  it("does not hand back the caller's start Date", () => {
    const start = new Date("2025-01-01T00:00:00Z");
    const [first] = quantitySeries(start, start, "day", "UTC");
    expect(first).toEqual(start);
    expect(first).not.toBe(start);
  });
});

describe("quantityBoundaries", () => {
  it("covers the truncated start through the end of the truncated end's period (TV-09)", () => {
    expect(boundaries("2025-03-10T12:00:00Z", "2025-03-12T06:00:00Z", "day")).toEqual([
      "2025-03-10T00:00:00.000Z",
      "2025-03-11T00:00:00.000Z",
      "2025-03-12T00:00:00.000Z",
      "2025-03-13T00:00:00.000Z",
    ]);
  });

  it("gives one period when start and end share it", () => {
    expect(boundaries("2025-06-01T00:00:00Z", "2025-06-01T00:00:00Z", "day")).toEqual([
      "2025-06-01T00:00:00.000Z",
      "2025-06-02T00:00:00.000Z",
    ]);
  });

  it("is empty when end is before start", () => {
    expect(boundaries("2025-03-12T00:00:00Z", "2025-03-11T00:00:00Z", "day")).toEqual([]);
  });

  it("aligns weeks to Mondays across a year boundary", () => {
    expect(boundaries("2024-12-25T00:00:00Z", "2025-01-15T00:00:00Z", "week")).toEqual([
      "2024-12-23T00:00:00.000Z",
      "2024-12-30T00:00:00.000Z",
      "2025-01-06T00:00:00.000Z",
      "2025-01-13T00:00:00.000Z",
      "2025-01-20T00:00:00.000Z",
    ]);
  });

  it("uses calendar months, not the drifting labels", () => {
    expect(boundaries("2024-01-31T00:00:00Z", "2024-04-29T00:00:00Z", "month")).toEqual([
      "2024-01-01T00:00:00.000Z",
      "2024-02-01T00:00:00.000Z",
      "2024-03-01T00:00:00.000Z",
      "2024-04-01T00:00:00.000Z",
      "2024-05-01T00:00:00.000Z",
    ]);
  });

  it("uses year buckets from a leap day", () => {
    expect(boundaries("2024-02-29T00:00:00Z", "2026-02-28T00:00:00Z", "year")).toEqual([
      "2024-01-01T00:00:00.000Z",
      "2025-01-01T00:00:00.000Z",
      "2026-01-01T00:00:00.000Z",
      "2027-01-01T00:00:00.000Z",
    ]);
  });

  it("uses local days in Asia/Tokyo", () => {
    expect(boundaries("2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", "day", "Asia/Tokyo")).toEqual([
      "2024-12-31T15:00:00.000Z",
      "2025-01-01T15:00:00.000Z",
      "2025-01-02T15:00:00.000Z",
    ]);
  });

  it("has 23 and 25 hour periods over Europe/Berlin DST days", () => {
    const spring = boundaries("2025-03-29T23:00:00Z", "2025-03-30T21:30:00Z", "hour", "Europe/Berlin");
    expect(spring).toHaveLength(24);
    expect(spring[0]).toBe("2025-03-29T23:00:00.000Z");
    expect(spring[23]).toBe("2025-03-30T22:00:00.000Z");
    expect(new Set(gapsInHours(spring))).toEqual(new Set([1]));
    const fall = boundaries("2025-10-25T22:00:00Z", "2025-10-26T22:59:59Z", "hour", "Europe/Berlin");
    expect(fall).toHaveLength(26);
    expect(new Set(gapsInHours(fall))).toEqual(new Set([1]));
  });

  it("has 23 and 25 hour day periods over America/New_York DST changes", () => {
    expect(gapsInHours(boundaries("2025-03-08T12:00:00Z", "2025-03-10T12:00:00Z", "day", "America/New_York"))).toEqual([
      24, 23, 24,
    ]);
    expect(gapsInHours(boundaries("2025-11-01T12:00:00Z", "2025-11-03T12:00:00Z", "day", "America/New_York"))).toEqual([
      24, 25, 24,
    ]);
  });

  it("refuses a runaway range", () => {
    expect(() =>
      quantityBoundaries(new Date("2023-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"), "hour", "UTC"),
    ).toThrow(expect.objectContaining({ code: "QUANTITIES_RANGE_TOO_LARGE" }));
  });
});
