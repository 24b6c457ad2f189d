import { describe, expect, it } from "vitest";
import { DomainError } from "../errors/domain-error.js";
import { rolloverUnits } from "./rollover.js";

const credit = (units: number, rollover: boolean) => ({ units, rollover });

describe("rolloverUnits (metering §7.6, billing §5.5)", () => {
  it("TV-14 — rollover through benefit cycles", () => {
    // Cycle 1: granted 100 (rollover), usage 30 → carry 70.
    expect(rolloverUnits({ usage: 30, credits: [credit(100, true)] })).toBe(70);
    // Cycle 2: window 70 + 100 (both rollover), usage 200 → balance −30 → carry 0.
    expect(rolloverUnits({ usage: 200, credits: [credit(70, true), credit(100, true)] })).toBe(0);
    // Zero usage compounds without a cap: 100 → 200 → 300.
    expect(rolloverUnits({ usage: 0, credits: [credit(100, true)] })).toBe(100);
    expect(rolloverUnits({ usage: 0, credits: [credit(100, true), credit(100, true)] })).toBe(200);
    // With rollover: false nothing carries.
    expect(rolloverUnits({ usage: 30, credits: [credit(100, false)] })).toBe(0);
    // Usage 30.6 carries 69 (the balance 69.4 is truncated).
    expect(rolloverUnits({ usage: 30.6, credits: [credit(100, true)] })).toBe(69);
  });

  it("TV-15 — mixed credits: usage eats the non-rollover pack first", () => {
    expect(rolloverUnits({ usage: 120, credits: [credit(100, true), credit(50, false)] })).toBe(30);
    expect(rolloverUnits({ usage: 20, credits: [credit(100, true), credit(50, false)] })).toBe(100);
  });

  it("TV6 — CR200R with 150 units carries 50; the next period's 300 units carry 0", () => {
    expect(rolloverUnits({ usage: 150, credits: [credit(200, true)] })).toBe(50);
    expect(rolloverUnits({ usage: 300, credits: [credit(50, true), credit(200, true)] })).toBe(0);
    expect(rolloverUnits({ usage: 150, credits: [credit(200, false)] })).toBe(0); // TV6 without rollover
  });

  it("keeps each running sum non-negative on its own", () => {
    // A revoke (−100) before any rollover credit clamps to 0 and then +100 counts in full.
    expect(rolloverUnits({ usage: 0, credits: [credit(-100, true), credit(100, true)] })).toBe(100);
    // A non-rollover revoke cannot eat the rollover credits.
    expect(rolloverUnits({ usage: 0, credits: [credit(-500, false), credit(100, true)] })).toBe(100);
    expect(rolloverUnits({ usage: 0, credits: [credit(100, true), credit(-100, true), credit(50, true)] })).toBe(50);
  });

  it("is 0 for an empty window and never negative", () => {
    expect(rolloverUnits({ usage: 0, credits: [] })).toBe(0);
    expect(rolloverUnits({ usage: 500, credits: [credit(100, true)] })).toBe(0);
  });

  it("truncates toward zero exactly, without double artefacts", () => {
    // As doubles 0.1 + 0.2 − 0.3 is 5.55e-17; here usage 99.7 against 100 leaves exactly 0.3 → 0.
    expect(rolloverUnits({ usage: 99.7, credits: [credit(100, true)] })).toBe(0);
    expect(rolloverUnits({ usage: 0.000001, credits: [credit(100, true)] })).toBe(99);
    expect(rolloverUnits({ usage: 1e-300, credits: [credit(1, true)] })).toBe(0);
  });

  it("never carries more than whole rollover credits", () => {
    expect(rolloverUnits({ usage: 0, credits: [credit(10.5, true), credit(100, false)] })).toBe(10);
  });

  it("rejects a non-finite usage", () => {
    expect(() => rolloverUnits({ usage: Number.NaN, credits: [] })).toThrow(DomainError);
  });
});
