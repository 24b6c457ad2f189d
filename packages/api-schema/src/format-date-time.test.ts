import { describe, expect, it } from "vitest";
import { formatDateTime } from "./format-date-time.js";

describe("formatDateTime", () => {
  it("omits a zero fraction", () => {
    expect(formatDateTime(new Date("2025-06-01T00:00:00Z"))).toBe("2025-06-01T00:00:00Z");
  });

  it("writes a non-zero fraction as six digits", () => {
    expect(formatDateTime(new Date("2025-06-01T00:00:00.600Z"))).toBe("2025-06-01T00:00:00.600000Z");
    expect(formatDateTime(new Date("2025-06-01T00:00:00.001Z"))).toBe("2025-06-01T00:00:00.001000Z");
  });

  it("always writes UTC with Z", () => {
    expect(formatDateTime(new Date("2025-06-01T02:00:00+02:00"))).toBe("2025-06-01T00:00:00Z");
  });

  it("matches the checklist's timestamp pattern (item 41)", () => {
    const pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
    for (const iso of ["2024-02-29T23:59:59.999Z", "1999-12-31T00:00:00Z"]) {
      expect(formatDateTime(new Date(iso))).toMatch(pattern);
    }
  });
});
