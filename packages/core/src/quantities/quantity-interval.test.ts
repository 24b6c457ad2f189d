import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors/domain-error.js";
import { addQuantityInterval, nextPeriodStart, periodStart, type QuantityInterval } from "./quantity-interval.js";

const HOUR = 3_600_000;

function period(instant: string, interval: QuantityInterval, timeZone = "UTC"): [string, string] {
  const at = new Date(instant);
  return [periodStart(at, interval, timeZone).toISOString(), nextPeriodStart(at, interval, timeZone).toISOString()];
}

function step(instant: string, interval: QuantityInterval, timeZone = "UTC"): string {
  return addQuantityInterval(new Date(instant), interval, timeZone).toISOString();
}

describe("periodStart / nextPeriodStart in UTC", () => {
  it("truncates to each calendar unit", () => {
    const at = "2025-03-12T12:34:56.789Z"; // a Wednesday
    expect(period(at, "hour")).toEqual(["2025-03-12T12:00:00.000Z", "2025-03-12T13:00:00.000Z"]);
    expect(period(at, "day")).toEqual(["2025-03-12T00:00:00.000Z", "2025-03-13T00:00:00.000Z"]);
    expect(period(at, "week")).toEqual(["2025-03-10T00:00:00.000Z", "2025-03-17T00:00:00.000Z"]);
    expect(period(at, "month")).toEqual(["2025-03-01T00:00:00.000Z", "2025-04-01T00:00:00.000Z"]);
    expect(period(at, "year")).toEqual(["2025-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"]);
  });

  it("starts weeks on Monday, including the Sunday before and across a year boundary", () => {
    expect(period("2025-03-16T23:59:59.999Z", "week")[0]).toBe("2025-03-10T00:00:00.000Z");
    expect(period("2025-03-17T00:00:00.000Z", "week")[0]).toBe("2025-03-17T00:00:00.000Z");
    expect(period("2025-01-01T00:00:00Z", "week")).toEqual(["2024-12-30T00:00:00.000Z", "2025-01-06T00:00:00.000Z"]);
  });

  it("handles month ends and leap days", () => {
    expect(period("2024-02-29T15:00:00Z", "day")).toEqual(["2024-02-29T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]);
    expect(period("2024-02-29T15:00:00Z", "month")).toEqual(["2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]);
    expect(period("2025-02-28T23:59:59Z", "month")).toEqual(["2025-02-01T00:00:00.000Z", "2025-03-01T00:00:00.000Z"]);
    expect(period("2024-01-31T00:00:00Z", "month")[1]).toBe("2024-02-01T00:00:00.000Z");
    expect(period("2024-12-31T23:59:59.999Z", "year")).toEqual([
      "2024-01-01T00:00:00.000Z",
      "2025-01-01T00:00:00.000Z",
    ]);
    expect(period("2024-12-31T23:59:59.999Z", "month")[1]).toBe("2025-01-01T00:00:00.000Z");
  });
});

describe("periodStart / nextPeriodStart in other zones", () => {
  it("uses local days in a zone without DST (Asia/Tokyo, UTC+9)", () => {
    expect(period("2025-01-01T14:59:59Z", "day", "Asia/Tokyo")).toEqual([
      "2024-12-31T15:00:00.000Z",
      "2025-01-01T15:00:00.000Z",
    ]);
    expect(period("2025-01-01T15:00:00Z", "day", "Asia/Tokyo")[0]).toBe("2025-01-01T15:00:00.000Z");
    expect(period("2025-06-15T00:00:00Z", "year", "Asia/Tokyo")[0]).toBe("2024-12-31T15:00:00.000Z");
  });

  it("aligns hours to local whole hours in a half-hour zone (Asia/Kolkata, UTC+5:30)", () => {
    expect(period("2025-01-01T10:00:00Z", "hour", "Asia/Kolkata")).toEqual([
      "2025-01-01T09:30:00.000Z",
      "2025-01-01T10:30:00.000Z",
    ]);
  });

  it("gives 23- and 25-hour days at Europe/Berlin DST changes", () => {
    const spring = period("2025-03-30T12:00:00Z", "day", "Europe/Berlin");
    expect(spring).toEqual(["2025-03-29T23:00:00.000Z", "2025-03-30T22:00:00.000Z"]);
    const fall = period("2025-10-26T12:00:00Z", "day", "Europe/Berlin");
    expect(fall).toEqual(["2025-10-25T22:00:00.000Z", "2025-10-26T23:00:00.000Z"]);
  });

  it("gives 23- and 25-hour days at America/New_York DST changes", () => {
    expect(period("2025-03-09T12:00:00Z", "day", "America/New_York")).toEqual([
      "2025-03-09T05:00:00.000Z",
      "2025-03-10T04:00:00.000Z",
    ]);
    expect(period("2025-11-02T12:00:00Z", "day", "America/New_York")).toEqual([
      "2025-11-02T04:00:00.000Z",
      "2025-11-03T05:00:00.000Z",
    ]);
  });

  it("keeps hours real across Europe/Berlin spring-forward (01:00 CET is followed by 03:00 CEST)", () => {
    expect(period("2025-03-30T00:59:59Z", "hour", "Europe/Berlin")).toEqual([
      "2025-03-30T00:00:00.000Z",
      "2025-03-30T01:00:00.000Z",
    ]);
    expect(period("2025-03-30T01:30:00Z", "hour", "Europe/Berlin")).toEqual([
      "2025-03-30T01:00:00.000Z",
      "2025-03-30T02:00:00.000Z",
    ]);
  });

  it("makes the repeated local hour at fall-back two periods (Berlin and New York)", () => {
    // 02:30 CEST and 02:30 CET
    expect(period("2025-10-26T00:30:00Z", "hour", "Europe/Berlin")[0]).toBe("2025-10-26T00:00:00.000Z");
    expect(period("2025-10-26T01:30:00Z", "hour", "Europe/Berlin")[0]).toBe("2025-10-26T01:00:00.000Z");
    // 01:30 EDT and 01:30 EST
    expect(period("2025-11-02T05:30:00Z", "hour", "America/New_York")).toEqual([
      "2025-11-02T05:00:00.000Z",
      "2025-11-02T06:00:00.000Z",
    ]);
    expect(period("2025-11-02T06:30:00Z", "hour", "America/New_York")).toEqual([
      "2025-11-02T06:00:00.000Z",
      "2025-11-02T07:00:00.000Z",
    ]);
  });

  it("starts a day whose midnight is skipped when the clock jumps (America/Santiago)", () => {
    // 2024-09-08 00:00 -04 jumps to 01:00 -03 at 04:00Z.
    expect(period("2024-09-08T12:00:00Z", "day", "America/Santiago")).toEqual([
      "2024-09-08T04:00:00.000Z",
      "2024-09-09T03:00:00.000Z",
    ]);
    expect(period("2024-09-07T12:00:00Z", "day", "America/Santiago")[1]).toBe("2024-09-08T04:00:00.000Z");
  });

  it("starts a day whose midnight repeats at the first midnight (America/Havana)", () => {
    // 2025-11-02 01:00 CDT falls back to 00:00 CST at 05:00Z, so local 00:00–01:00 happens twice.
    expect(period("2025-11-02T04:30:00Z", "day", "America/Havana")).toEqual([
      "2025-11-02T04:00:00.000Z",
      "2025-11-03T05:00:00.000Z",
    ]);
    expect(period("2025-11-02T05:30:00Z", "day", "America/Havana")[0]).toBe("2025-11-02T04:00:00.000Z");
  });

  it("starts a period at a half-hour offset change (Australia/Lord_Howe)", () => {
    // Fall-back 02:00 +11 → 01:30 +10:30 at 15:00Z.
    expect(period("2025-04-05T14:59:00Z", "hour", "Australia/Lord_Howe")).toEqual([
      "2025-04-05T14:00:00.000Z",
      "2025-04-05T15:00:00.000Z",
    ]);
    expect(period("2025-04-05T15:10:00Z", "hour", "Australia/Lord_Howe")).toEqual([
      "2025-04-05T15:00:00.000Z",
      "2025-04-05T15:30:00.000Z",
    ]);
    // Spring-forward 02:00 +10:30 → 02:30 +11 at 15:30Z.
    expect(period("2025-10-04T15:10:00Z", "hour", "Australia/Lord_Howe")).toEqual([
      "2025-10-04T14:30:00.000Z",
      "2025-10-04T15:30:00.000Z",
    ]);
    expect(period("2025-10-04T15:45:00Z", "hour", "Australia/Lord_Howe")).toEqual([
      "2025-10-04T15:30:00.000Z",
      "2025-10-04T16:00:00.000Z",
    ]);
  });

  it("rejects an unknown zone and an invalid instant", () => {
    expect(() => periodStart(new Date("2025-01-01T00:00:00Z"), "day", "Mars/Olympus")).toThrow(DomainError);
    expect(() => periodStart(new Date(Number.NaN), "day", "UTC")).toThrow(DomainError);
  });
});

describe("period invariants (property)", () => {
  const zones = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/Santiago",
    "America/Havana",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
  ];
  const intervals: QuantityInterval[] = ["hour", "day", "week", "month", "year"];

  // Uniform instants rarely land near an offset change, so half the samples sit within two days of one.
  const transitions: Array<[string, string]> = [
    ["Europe/Berlin", "2025-03-30T01:00:00Z"],
    ["Europe/Berlin", "2025-10-26T01:00:00Z"],
    ["America/New_York", "2025-03-09T07:00:00Z"],
    ["America/New_York", "2025-11-02T06:00:00Z"],
    ["America/Santiago", "2024-09-08T04:00:00Z"],
    ["America/Santiago", "2025-04-06T03:00:00Z"],
    ["America/Havana", "2025-11-02T05:00:00Z"],
    ["Australia/Lord_Howe", "2025-04-05T15:00:00Z"],
    ["Australia/Lord_Howe", "2025-10-04T15:30:00Z"],
  ];
  const zonedInstant = fc.oneof(
    fc.record({
      zone: fc.constantFrom(...zones),
      time: fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2030, 0, 1) }),
    }),
    fc.constantFrom(...transitions).chain(([zone, at]) =>
      fc.record({
        zone: fc.constant(zone),
        time: fc.integer({ min: -48 * HOUR, max: 48 * HOUR }).map((d) => Date.parse(at) + d),
      }),
    ),
  );

  it("each instant lies in [periodStart, nextPeriodStart) and the periods tile time", () => {
    fc.assert(
      fc.property(zonedInstant, fc.constantFrom(...intervals), ({ zone, time }, interval) => {
        const start = periodStart(new Date(time), interval, zone).getTime();
        const next = nextPeriodStart(new Date(time), interval, zone).getTime();
        expect(start).toBeLessThanOrEqual(time);
        expect(next).toBeGreaterThan(time);
        expect(periodStart(new Date(start), interval, zone).getTime()).toBe(start);
        expect(periodStart(new Date(next - 1), interval, zone).getTime()).toBe(start);
        expect(periodStart(new Date(next), interval, zone).getTime()).toBe(next);
        if (interval === "hour") expect(next - start).toBeLessThanOrEqual(HOUR);
        if (interval === "day") {
          expect(next - start).toBeGreaterThanOrEqual(22 * HOUR);
          expect(next - start).toBeLessThanOrEqual(26 * HOUR);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("addQuantityInterval", () => {
  it("clamps month and year steps to the last day of a shorter month", () => {
    expect(step("2025-01-31T00:00:00Z", "month")).toBe("2025-02-28T00:00:00.000Z");
    expect(step("2024-01-31T00:00:00Z", "month")).toBe("2024-02-29T00:00:00.000Z");
    expect(step("2024-12-31T08:15:00Z", "month")).toBe("2025-01-31T08:15:00.000Z");
    expect(step("2024-02-29T00:00:00Z", "year")).toBe("2025-02-28T00:00:00.000Z");
    expect(step("2023-02-28T00:00:00Z", "year")).toBe("2024-02-28T00:00:00.000Z");
  });

  it("steps whole local days, so a day across DST lasts 23 or 25 hours", () => {
    expect(step("2025-03-29T23:00:00Z", "day", "Europe/Berlin")).toBe("2025-03-30T22:00:00.000Z");
    expect(step("2025-10-25T22:00:00Z", "day", "Europe/Berlin")).toBe("2025-10-26T23:00:00.000Z");
    expect(step("2025-03-08T05:00:00Z", "week", "America/New_York")).toBe("2025-03-15T04:00:00.000Z");
  });

  it("resolves skipped and repeated local times the way PostgreSQL does", () => {
    // 02:30 on 03-30 does not exist in Berlin: taken with the CET offset, i.e. 03:30 CEST.
    expect(step("2025-03-29T01:30:00Z", "day", "Europe/Berlin")).toBe("2025-03-30T01:30:00.000Z");
    // 02:30 on 10-26 happens twice in Berlin: the later one (CET) is chosen.
    expect(step("2025-10-25T00:30:00Z", "day", "Europe/Berlin")).toBe("2025-10-26T01:30:00.000Z");
  });

  it("steps 60 real minutes for hours, across DST too", () => {
    expect(step("2025-03-30T00:30:00Z", "hour", "Europe/Berlin")).toBe("2025-03-30T01:30:00.000Z");
    expect(step("2025-11-02T05:30:00Z", "hour", "America/New_York")).toBe("2025-11-02T06:30:00.000Z");
  });
});
