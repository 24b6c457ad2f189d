import { describe, expect, it } from "vitest";
import { checkAwareDateTime } from "./aware-date-time.js";

function accepted(input: unknown): string {
  const result = checkAwareDateTime(input);
  if (!result.ok) throw new Error(`rejected: ${result.error.msg}`);
  return result.value.toISOString();
}

function rejected(input: unknown) {
  const result = checkAwareDateTime(input);
  if (result.ok) throw new Error("accepted");
  return result.error;
}

describe("checkAwareDateTime", () => {
  it("accepts Z and offsets and converts to UTC", () => {
    expect(accepted("2025-06-01T00:00:00Z")).toBe("2025-06-01T00:00:00.000Z");
    expect(accepted("2025-06-01T02:30:00+02:30")).toBe("2025-06-01T00:00:00.000Z");
    expect(accepted("2025-05-31T19:00:00-0500")).toBe("2025-06-01T00:00:00.000Z");
    expect(accepted("2025-06-01 00:00z")).toBe("2025-06-01T00:00:00.000Z");
    expect(accepted("2025-06-01T00:00:00.123456Z")).toBe("2025-06-01T00:00:00.123Z");
    expect(accepted("2024-02-29T12:00:00Z")).toBe("2024-02-29T12:00:00.000Z");
  });

  it("reads numbers as Unix seconds, or milliseconds above 2e10", () => {
    expect(accepted(1748736000)).toBe("2025-06-01T00:00:00.000Z");
    expect(accepted(1748736000.5)).toBe("2025-06-01T00:00:00.500Z");
    expect(accepted(1748736000000)).toBe("2025-06-01T00:00:00.000Z");
    expect(accepted("1748736000")).toBe("2025-06-01T00:00:00.000Z");
    expect(accepted(-86400)).toBe("1969-12-31T00:00:00.000Z");
  });

  it("rejects naive datetimes and bare dates with timezone_aware", () => {
    for (const input of ["2025-06-01T00:00:00", "2025-06-01"]) {
      expect(rejected(input)).toEqual({ type: "timezone_aware", msg: "Input should have timezone info", input });
    }
  });

  it("reports a bad date part as datetime_from_date_parsing", () => {
    expect(rejected("yesterday")).toEqual({
      type: "datetime_from_date_parsing",
      msg: "Input should be a valid datetime or date, input is too short",
      input: "yesterday",
      ctx: { error: "input is too short" },
    });
    expect(rejected("2025-13-01T00:00:00Z")).toMatchObject({
      type: "datetime_from_date_parsing",
      ctx: { error: "month value is outside expected range of 1-12" },
    });
    expect(rejected("2025-02-29T00:00:00Z")).toMatchObject({ ctx: { error: "day value is outside expected range" } });
  });

  it("reports a bad time part as datetime_parsing", () => {
    expect(rejected("2025-06-01T25:00:00Z")).toEqual({
      type: "datetime_parsing",
      msg: "Input should be a valid datetime, hour value is outside expected range of 0-23",
      input: "2025-06-01T25:00:00Z",
      ctx: { error: "hour value is outside expected range of 0-23" },
    });
    expect(rejected("2025-06-01X00:00:00Z")).toMatchObject({ type: "datetime_parsing" });
    expect(rejected("2025-06-01T00:00:00+25:00")).toMatchObject({
      ctx: { error: "timezone offset must be less than 24 hours" },
    });
  });

  it("rejects other JSON types with datetime_type", () => {
    for (const input of [true, null, {}, []]) expect(rejected(input)).toMatchObject({ type: "datetime_type" });
  });
});
