import { describe, expect, it } from "vitest";
import { DomainError } from "../errors/domain-error.js";
import {
  checkQuantitiesRange,
  isQuantitiesStartAllowed,
  QUANTITIES_MAX_RANGE_DAYS,
  QUANTITIES_MIN_START_TIMESTAMP,
} from "./quantities-range.js";
import type { QuantityInterval } from "./quantity-interval.js";

describe("checkQuantitiesRange", () => {
  it("rejects 8 days of hours (TV-09) and allows 7", () => {
    expect(checkQuantitiesRange("2025-01-01T00:00:00Z", "2025-01-09T00:00:00Z", "hour")).toBe(false);
    expect(checkQuantitiesRange("2025-01-01T00:00:00Z", "2025-01-08T23:59:59Z", "hour")).toBe(true);
  });

  // Last allowed end date and first rejected one, from 2023-01-01 (2024 is a leap year).
  const limits: Array<[QuantityInterval, string, string]> = [
    ["hour", "2023-01-08", "2023-01-09"],
    ["day", "2024-01-02", "2024-01-03"],
    ["week", "2024-01-01", "2024-01-02"],
    ["month", "2026-12-31", "2027-01-01"],
    ["year", "2032-12-29", "2032-12-30"],
  ];

  it.each(limits)("%s: allows up to %s and rejects %s", (interval, lastAllowed, firstRejected) => {
    const start = "2023-01-01T00:00:00Z";
    expect(checkQuantitiesRange(start, `${lastAllowed}T23:59:59Z`, interval)).toBe(true);
    expect(checkQuantitiesRange(start, `${firstRejected}T00:00:00Z`, interval)).toBe(false);
  });

  it("has Polar's limits", () => {
    expect(QUANTITIES_MAX_RANGE_DAYS).toEqual({ hour: 7, day: 366, week: 365, month: 1460, year: 3650 });
  });

  it("counts the dates as written in each timestamp's own offset", () => {
    // UTC dates are 01-02 and 01-08 (6 days), but as written it is 01-01 to 01-09 (8 days).
    expect(checkQuantitiesRange("2025-01-01T23:00:00-02:00", "2025-01-09T00:30:00+01:00", "hour")).toBe(false);
    // UTC dates are 12-31 and 01-09 (9 days), but as written it is 01-01 to 01-08 (7 days).
    expect(checkQuantitiesRange("2025-01-01T00:00:00+02:00", "2025-01-08T23:00:00-05:00", "hour")).toBe(true);
  });

  it("passes a negative difference", () => {
    expect(checkQuantitiesRange("2025-03-12T00:00:00Z", "2025-01-01T00:00:00Z", "hour")).toBe(true);
  });

  it("refuses input without an ISO 8601 date", () => {
    expect(() => checkQuantitiesRange("yesterday", "2025-01-01T00:00:00Z", "day")).toThrow(DomainError);
  });
});

describe("minimum start", () => {
  it("is 2023-01-01T00:00:00Z, compared as an instant", () => {
    expect(QUANTITIES_MIN_START_TIMESTAMP).toBe("2023-01-01T00:00:00Z");
    expect(isQuantitiesStartAllowed(new Date("2023-01-01T00:00:00Z"))).toBe(true);
    expect(isQuantitiesStartAllowed(new Date("2022-12-31T23:59:59.999Z"))).toBe(false);
    // Written as January 1 but an hour before the minimum instant.
    expect(isQuantitiesStartAllowed(new Date("2023-01-01T00:00:00+01:00"))).toBe(false);
  });
});
