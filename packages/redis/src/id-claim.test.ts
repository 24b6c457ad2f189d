import { describe, expect, it } from "vitest";
import { formatIdClaim, parseIdClaim } from "./id-claim.js";

describe("IdClaim", () => {
  it("round-trips, names with the separator included", () => {
    for (const claim of [
      { state: "claimed", name: "billing.cycleSubscription" },
      { state: "added", name: "a|b|c" },
      { state: "added", name: "" },
    ] as const) {
      expect(parseIdClaim(formatIdClaim(claim))).toEqual(claim);
    }
  });

  it("rejects what it did not write", () => {
    expect(() => parseIdClaim("billing.cycleSubscription")).toThrow(/Malformed/);
    expect(() => parseIdClaim("done|x")).toThrow(/Malformed/);
  });
});
