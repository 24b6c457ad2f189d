import { describe, expect, it } from "vitest";
import { DEFAULT_QUANTITIES_TIME_ZONE, isValidTimeZone } from "./time-zone.js";

describe("isValidTimeZone", () => {
  it.each(["UTC", "Etc/UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe"])(
    "accepts %s",
    (name) => {
      expect(isValidTimeZone(name)).toBe(true);
    },
  );

  it.each(["", "Mars/Olympus", "Europe/Berlinn", "+02:00", "-0500", "Z"])("rejects %j", (name) => {
    expect(isValidTimeZone(name)).toBe(false);
  });

  it("defaults quantities to UTC", () => {
    expect(DEFAULT_QUANTITIES_TIME_ZONE).toBe("UTC");
    expect(isValidTimeZone(DEFAULT_QUANTITIES_TIME_ZONE)).toBe(true);
  });
});
