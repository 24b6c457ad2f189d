import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { DomainError } from "../errors/domain-error.js";
import type { RecurringInterval } from "../product/product.js";
import { addInterval, nextPeriod, periodContaining, periodEnd } from "./period.js";

const at = (iso: string) => new Date(iso);
const DAY = 86_400_000;
const timeOfDay = (date: Date) => (((date.getTime() % DAY) + DAY) % DAY) + 0;

function ends(anchor: string, interval: RecurringInterval, count: number): string[] {
  return Array.from({ length: count }, (_, index) => periodEnd(at(anchor), index, interval).toISOString());
}

describe("TV17 — period arithmetic at month ends (Meterline = the anchor rule, spec §4.4 June column)", () => {
  it("renews a Jan 31 monthly subscription on Feb 28, Mar 31, Apr 30", () => {
    expect(ends("2025-01-31T12:00:00Z", "month", 3)).toEqual([
      "2025-02-28T12:00:00.000Z",
      "2025-03-31T12:00:00.000Z", // Polar's Engine drifts to Mar 28 here (ARCHITECTURE §7)
      "2025-04-30T12:00:00.000Z",
    ]);
  });

  it("renews a Feb 29 yearly subscription on Feb 28 in common years", () => {
    expect(periodEnd(at("2024-02-29T00:00:00Z"), 0, "year").toISOString()).toBe("2025-02-28T00:00:00.000Z");
  });

  it("catches up without moving the anchor: due Feb 28, worker back on May 1", () => {
    const anchor = at("2025-01-31T12:00:00Z");
    const due = at("2025-02-28T12:00:00Z");
    const periods = [nextPeriod(anchor, due, "month")];
    for (let step = 0; step < 2; step += 1) periods.push(nextPeriod(anchor, periods.at(-1)!.end, "month"));
    expect(periods.map(({ index, start, end }) => [index, start.toISOString(), end.toISOString()])).toEqual([
      [1, "2025-02-28T12:00:00.000Z", "2025-03-31T12:00:00.000Z"],
      [2, "2025-03-31T12:00:00.000Z", "2025-04-30T12:00:00.000Z"],
      [3, "2025-04-30T12:00:00.000Z", "2025-05-31T12:00:00.000Z"],
    ]);
    expect(periodContaining(anchor, at("2025-05-01T00:00:00Z"), "month")).toBe(3);
  });
});

describe("month ends and leap days", () => {
  it("clamps to Feb 29 in leap years and returns to the anchor day after", () => {
    expect(ends("2024-01-31T00:00:00Z", "month", 3)).toEqual([
      "2024-02-29T00:00:00.000Z",
      "2024-03-31T00:00:00.000Z",
      "2024-04-30T00:00:00.000Z",
    ]);
    expect(ends("2024-01-29T00:00:00Z", "month", 2)).toEqual(["2024-02-29T00:00:00.000Z", "2024-03-29T00:00:00.000Z"]);
    expect(ends("2023-01-30T00:00:00Z", "month", 2)).toEqual(["2023-02-28T00:00:00.000Z", "2023-03-30T00:00:00.000Z"]);
  });

  it("keeps a 30th anchor on the 30th except in February", () => {
    expect(ends("2025-04-30T06:00:00Z", "month", 11).map((iso) => iso.slice(5, 10))).toEqual([
      "05-30",
      "06-30",
      "07-30",
      "08-30",
      "09-30",
      "10-30",
      "11-30",
      "12-30",
      "01-30",
      "02-28",
      "03-30",
    ]);
  });

  it("returns a Feb 29 yearly anchor to Feb 29 in each leap year", () => {
    expect(ends("2024-02-29T10:00:00Z", "year", 8)).toEqual([
      "2025-02-28T10:00:00.000Z",
      "2026-02-28T10:00:00.000Z",
      "2027-02-28T10:00:00.000Z",
      "2028-02-29T10:00:00.000Z",
      "2029-02-28T10:00:00.000Z",
      "2030-02-28T10:00:00.000Z",
      "2031-02-28T10:00:00.000Z",
      "2032-02-29T10:00:00.000Z",
    ]);
    // 2100 is not a leap year; 2400 is.
    expect(addInterval(at("2096-02-29T00:00:00Z"), 4, "year").toISOString()).toBe("2100-02-28T00:00:00.000Z");
    expect(addInterval(at("2396-02-29T00:00:00Z"), 4, "year").toISOString()).toBe("2400-02-29T00:00:00.000Z");
  });

  it("clamps a monthly Feb 29 anchor's later months only when they are shorter", () => {
    expect(ends("2024-02-29T00:00:00Z", "month", 3)).toEqual([
      "2024-03-29T00:00:00.000Z",
      "2024-04-29T00:00:00.000Z",
      "2024-05-29T00:00:00.000Z",
    ]);
    expect(addInterval(at("2024-02-29T00:00:00Z"), 12, "month").toISOString()).toBe("2025-02-28T00:00:00.000Z");
  });
});

describe("year boundaries, first of month and time of day", () => {
  it("crosses December into January", () => {
    expect(ends("2024-12-15T08:30:00Z", "month", 2)).toEqual(["2025-01-15T08:30:00.000Z", "2025-02-15T08:30:00.000Z"]);
    expect(ends("2024-12-31T23:59:59.999Z", "month", 3)).toEqual([
      "2025-01-31T23:59:59.999Z",
      "2025-02-28T23:59:59.999Z",
      "2025-03-31T23:59:59.999Z",
    ]);
    expect(ends("2024-11-30T00:00:00Z", "month", 3).map((iso) => iso.slice(0, 10))).toEqual([
      "2024-12-30",
      "2025-01-30",
      "2025-02-28",
    ]);
  });

  it("keeps the 1st of the month (TV3) and the time of day of the anchor (TV7)", () => {
    expect(ends("2025-06-01T00:00:00Z", "month", 2)).toEqual(["2025-07-01T00:00:00.000Z", "2025-08-01T00:00:00.000Z"]);
    expect(ends("2025-03-10T09:00:00Z", "year", 2)).toEqual(["2026-03-10T09:00:00.000Z", "2027-03-10T09:00:00.000Z"]);
    expect(periodEnd(at("2025-01-01T00:00:00.001Z"), 0, "month").toISOString()).toBe("2025-02-01T00:00:00.001Z");
  });

  it("handles years before 100 (which Date.UTC would map to the 1900s)", () => {
    expect(addInterval(at("0099-12-31T00:00:00Z"), 1, "month").toISOString()).toBe("0100-01-31T00:00:00.000Z");
    expect(addInterval(at("0050-01-31T00:00:00Z"), 1, "month").toISOString()).toBe("0050-02-28T00:00:00.000Z");
  });
});

describe("DST never moves a boundary (periods are UTC)", () => {
  const originalTimeZone = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTimeZone;
  });

  for (const timeZone of ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"]) {
    it(`gives the same instants with the process in ${timeZone}`, () => {
      process.env.TZ = timeZone;
      // The zone really is in effect, so a boundary computed in local time would differ.
      expect(at("2025-01-15T00:00:00Z").getTimezoneOffset() !== 0).toBe(timeZone !== "UTC");
      // US DST starts 2025-03-09, EU DST ends 2025-10-26, Lord Howe shifts by 30 minutes.
      expect(ends("2025-02-09T12:00:00Z", "month", 2)).toEqual([
        "2025-03-09T12:00:00.000Z",
        "2025-04-09T12:00:00.000Z",
      ]);
      expect(ends("2025-09-26T01:30:00Z", "month", 2)).toEqual([
        "2025-10-26T01:30:00.000Z",
        "2025-11-26T01:30:00.000Z",
      ]);
      expect(ends("2025-01-31T23:30:00Z", "month", 2)).toEqual([
        "2025-02-28T23:30:00.000Z",
        "2025-03-31T23:30:00.000Z",
      ]);
    });
  }
});

describe("periodContaining", () => {
  const anchor = at("2025-01-31T12:00:00Z");

  it("includes a period's start and excludes its end", () => {
    expect(periodContaining(anchor, anchor, "month")).toBe(0);
    expect(periodContaining(anchor, at("2025-02-28T11:59:59.999Z"), "month")).toBe(0);
    expect(periodContaining(anchor, at("2025-02-28T12:00:00Z"), "month")).toBe(1);
    expect(periodContaining(anchor, at("2025-03-01T00:00:00Z"), "month")).toBe(1);
    expect(periodContaining(anchor, at("2025-03-31T11:00:00Z"), "month")).toBe(1);
  });

  it("counts backwards before the anchor", () => {
    expect(periodContaining(anchor, at("2025-01-31T11:59:59Z"), "month")).toBe(-1);
    expect(addInterval(anchor, -1, "month").toISOString()).toBe("2024-12-31T12:00:00.000Z");
    expect(addInterval(anchor, -11, "month").toISOString()).toBe("2024-02-29T12:00:00.000Z");
  });

  it("finds periods far after the anchor", () => {
    const old = at("2000-01-31T00:00:00Z");
    expect(addInterval(old, 1200, "month").toISOString()).toBe("2100-01-31T00:00:00.000Z");
    expect(addInterval(old, 1201, "month").toISOString()).toBe("2100-02-28T00:00:00.000Z");
    expect(periodContaining(old, at("2100-02-28T12:00:00Z"), "month")).toBe(1201);
    expect(periodContaining(at("2024-02-29T00:00:00Z"), at("2124-02-28T23:00:00Z"), "year")).toBe(99);
    expect(periodContaining(at("2024-02-29T00:00:00Z"), at("2124-02-29T00:00:00Z"), "year")).toBe(100);
  });

  it("brackets every instant between two consecutive boundaries (property)", () => {
    const instant = fc.date({ min: at("1900-01-01T00:00:00Z"), max: at("2300-01-01T00:00:00Z"), noInvalidDate: true });
    fc.assert(
      fc.property(
        instant,
        instant,
        fc.constantFrom<RecurringInterval>("month", "year"),
        (anchorDate, moment, interval) => {
          const index = periodContaining(anchorDate, moment, interval);
          expect(addInterval(anchorDate, index, interval).getTime()).toBeLessThanOrEqual(moment.getTime());
          expect(periodEnd(anchorDate, index, interval).getTime()).toBeGreaterThan(moment.getTime());
        },
      ),
    );
  });
});

describe("addInterval (property)", () => {
  it("keeps the anchor's day where it exists, else the month's last day, and the time of day", () => {
    const anchorDate = fc.date({
      min: at("1970-01-01T00:00:00Z"),
      max: at("2200-01-01T00:00:00Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(anchorDate, fc.integer({ min: -2400, max: 2400 }), (anchor, count) => {
        const moved = addInterval(anchor, count, "month");
        const months = anchor.getUTCFullYear() * 12 + anchor.getUTCMonth() + count;
        expect(moved.getUTCFullYear() * 12 + moved.getUTCMonth()).toBe(months);
        const lastDay = new Date(Date.UTC(2000, 0, 1));
        lastDay.setUTCFullYear(Math.floor(months / 12), (months % 12) + 1, 0);
        expect(moved.getUTCDate()).toBe(Math.min(anchor.getUTCDate(), lastDay.getUTCDate()));
        expect(timeOfDay(moved)).toBe(timeOfDay(anchor));
        expect(addInterval(anchor, count + 1, "month").getTime()).toBeGreaterThan(moved.getTime());
      }),
    );
  });
});

describe("nextPeriod", () => {
  it("starts at the current end and ends at the next anchor step", () => {
    const anchor = at("2024-02-29T10:00:00Z");
    expect(nextPeriod(anchor, at("2025-02-28T10:00:00Z"), "year")).toEqual({
      index: 1,
      start: at("2025-02-28T10:00:00Z"),
      end: at("2026-02-28T10:00:00Z"),
    });
    expect(nextPeriod(anchor, at("2027-02-28T10:00:00Z"), "year").end).toEqual(at("2028-02-29T10:00:00Z"));
  });

  it("refuses an end that is not a boundary of the anchor", () => {
    const anchor = at("2025-01-31T12:00:00Z");
    // The Engine's drifted boundary: accepting it would silently mix the two rules.
    expect(() => nextPeriod(anchor, at("2025-03-28T12:00:00Z"), "month")).toThrow(DomainError);
    expect(() => nextPeriod(anchor, at("2025-02-28T12:00:00.001Z"), "month")).toThrow(DomainError);
  });

  it("rejects invalid dates and counts", () => {
    expect(() => addInterval(new Date(Number.NaN), 1, "month")).toThrow(DomainError);
    expect(() => addInterval(at("2025-01-01T00:00:00Z"), 1.5, "month")).toThrow(DomainError);
    expect(() => addInterval(at("2025-01-01T00:00:00Z"), 10_000_000, "year")).toThrow(DomainError);
  });
});
