import { describe, expect, it } from "vitest";
import { randomIdGenerator, timeOrderedUuid4 } from "./id-generator.js";

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("timeOrderedUuid4", () => {
  it("is a UUID version 4 (RFC 4122 variant) whose first 48 bits are the time", () => {
    const id = timeOrderedUuid4(Date.UTC(2025, 5, 19, 12, 49, 27, 123), new Uint8Array(10).fill(0xff));
    expect(id).toMatch(UUID4);
    expect(Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(Date.UTC(2025, 5, 19, 12, 49, 27, 123));
    expect(id).toBe("0197883c-ac53-4fff-bfff-ffffffffffff");
    expect(timeOrderedUuid4(0, new Uint8Array(10))).toBe("00000000-0000-4000-8000-000000000000");
  });

  it("sorts by time, whatever the random bits", () => {
    const earlier = timeOrderedUuid4(1_750_000_000_000, new Uint8Array(10).fill(0xff));
    const later = timeOrderedUuid4(1_750_000_000_001, new Uint8Array(10));
    expect(earlier < later).toBe(true);
  });

  it("refuses too few random bytes", () => {
    expect(() => timeOrderedUuid4(1, new Uint8Array(9))).toThrow(RangeError);
  });
});

describe("randomIdGenerator.eventId", () => {
  it("makes distinct version 4 ids that sort by their time", () => {
    const at = new Date("2026-11-30T04:00:00Z");
    const ids = Array.from({ length: 1000 }, () => randomIdGenerator.eventId(at));
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(UUID4);
    expect(randomIdGenerator.eventId(new Date(at.getTime() + 1)) > ids.reduce((a, b) => (a > b ? a : b))).toBe(true);
  });
});
