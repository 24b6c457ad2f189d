import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DiscountDuration } from "../discount/discount.js";
import { DomainError } from "../errors/domain-error.js";
import { discountAmount, discountRepetitionExpired, subscriptionAmount } from "./discount-amount.js";

const percentage = (basisPoints: number) => ({ type: "percentage" as const, basisPoints });
const fixed = (amount: number) => ({ type: "fixed" as const, amount });

describe("TV2 — percentage and fixed discount formula table (spec §13)", () => {
  const rows: Array<
    [base: number, discount: ReturnType<typeof percentage> | ReturnType<typeof fixed>, result: number]
  > = [
    [7000, percentage(3000), 2100],
    [2000, percentage(3000), 600],
    [1999, percentage(2500), 500], // 499.75
    [105, percentage(5000), 53], // 52.5, half up
    [1, percentage(5000), 1], // 0.5
    [14999, percentage(3333), 4999], // 4999.1667
    [3000, fixed(5000), 3000],
    [2000, fixed(1000), 1000],
  ];
  for (const [base, discount, result] of rows) {
    it(`${base} with ${JSON.stringify(discount)} → ${result}`, () => {
      expect(discountAmount(discount, base)).toBe(result);
    });
  }

  it("50 at 2900 bp → 15, not Polar's 14 — Meterline deviation (ARCHITECTURE §7)", () => {
    // Polar: 50 * (2900 / 10000) = 14.499999999999998 as doubles → 14. Exactly it is 14.5 → 15.
    expect(discountAmount(percentage(2900), 50)).toBe(15);
  });
});

describe("discountAmount bounds", () => {
  it("never exceeds the base and is never negative", () => {
    expect(discountAmount(percentage(10_000), 2000)).toBe(2000);
    expect(discountAmount(fixed(0), 2000)).toBe(0);
    expect(discountAmount(fixed(-5), 2000)).toBe(0);
    expect(discountAmount(percentage(3000), 0)).toBe(0);
    expect(discountAmount(percentage(3000), -1000)).toBe(0);
    expect(discountAmount(fixed(500), -1000)).toBe(0);
    expect(discountAmount(percentage(1), 49)).toBe(0); // 0.0049
    expect(discountAmount(percentage(1), 5000)).toBe(1); // exactly 0.5
  });

  it("rejects fractional amounts and out-of-range basis points", () => {
    expect(() => discountAmount(percentage(3000), 10.5)).toThrow(DomainError);
    expect(() => discountAmount(fixed(1.5), 100)).toThrow(DomainError);
    expect(() => discountAmount(percentage(10_001), 100)).toThrow(DomainError);
    expect(() => discountAmount(percentage(-1), 100)).toThrow(DomainError);
    expect(() => discountAmount(percentage(25.5), 100)).toThrow(DomainError);
  });

  it("equals floor((2·base·bp + 10000) / 20000) and stays within [0, base] (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (base, bp) => {
          const amount = discountAmount(percentage(bp), base);
          const expected = base <= 0 ? 0n : (2n * BigInt(base) * BigInt(bp) + 10_000n) / 20_000n;
          expect(BigInt(amount)).toBe(expected);
          expect(amount).toBeGreaterThanOrEqual(0);
          expect(amount).toBeLessThanOrEqual(Math.max(0, base));
        },
      ),
    );
  });

  it("is monotonic in the base (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (base, more, bp) => {
          expect(discountAmount(percentage(bp), base)).toBeLessThanOrEqual(discountAmount(percentage(bp), base + more));
        },
      ),
    );
  });
});

describe("subscriptionAmount (spec §4.1)", () => {
  it("subtracts the discount from the static prices", () => {
    expect(subscriptionAmount(2000, percentage(3000))).toBe(1400); // TV4
    expect(subscriptionAmount(2000, fixed(5000))).toBe(0); // TV8
    expect(subscriptionAmount(2000, null)).toBe(2000);
    expect(subscriptionAmount(0, percentage(5000))).toBe(0); // metered-only product
    expect(subscriptionAmount(50, percentage(2900))).toBe(35); // exact 14.5 → 15
  });
});

function expired(
  duration: DiscountDuration,
  durationInMonths: number | null,
  startedAt: string,
  newPeriodStart: string,
): boolean {
  return discountRepetitionExpired({
    duration,
    durationInMonths,
    subscriptionStartedAt: new Date(startedAt),
    newPeriodStart: new Date(newPeriodStart),
  });
}

describe("discountRepetitionExpired (spec §7.4, Engine rule)", () => {
  it("TV9 — repeating 3 months on a monthly subscription: the 02-15 and 03-15 cycles keep it, 04-15 drops it", () => {
    const startedAt = "2025-01-15T10:00:00Z";
    expect(expired("repeating", 3, startedAt, "2025-02-15T10:00:00Z")).toBe(false);
    expect(expired("repeating", 3, startedAt, "2025-03-15T10:00:00Z")).toBe(false); // = cut-off, not >
    expect(expired("repeating", 3, startedAt, "2025-03-15T10:00:00.001Z")).toBe(true);
    expect(expired("repeating", 3, startedAt, "2025-04-15T10:00:00Z")).toBe(true);
  });

  it("TV10 — repeating on a yearly subscription", () => {
    const startedAt = "2025-03-10T09:00:00Z";
    expect(expired("repeating", 3, startedAt, "2026-03-10T09:00:00Z")).toBe(true); // cut-off 2025-05-10
    expect(expired("repeating", 24, startedAt, "2026-03-10T09:00:00Z")).toBe(false); // cut-off 2027-02-10
    expect(expired("repeating", 24, startedAt, "2027-03-10T09:00:00Z")).toBe(true);
    expect(expired("repeating", 12, startedAt, "2026-03-10T09:00:00Z")).toBe(true); // cut-off 2026-02-10
  });

  it("TV11 — once is removed at the first cycle, so it never discounts usage", () => {
    expect(expired("once", null, "2025-06-01T00:00:00Z", "2025-07-01T00:00:00Z")).toBe(true);
  });

  it("forever never expires", () => {
    expect(expired("forever", null, "2025-06-01T00:00:00Z", "2125-06-01T00:00:00Z")).toBe(false);
  });

  it("repeating 1 month covers only the create order", () => {
    expect(expired("repeating", 1, "2025-06-01T00:00:00Z", "2025-07-01T00:00:00Z")).toBe(true);
  });

  it("adds the months to started_at with the day clamped, like the periods", () => {
    // Jan 31 + 1 month = Feb 28: the Feb 28 cycle keeps the discount, the Mar 31 one drops it.
    expect(expired("repeating", 2, "2025-01-31T12:00:00Z", "2025-02-28T12:00:00Z")).toBe(false);
    expect(expired("repeating", 2, "2025-01-31T12:00:00Z", "2025-03-31T12:00:00Z")).toBe(true);
    // Jan 31 + 2 months = Mar 31 (from the anchor, not Feb 28 + 1 month = Mar 28).
    expect(expired("repeating", 3, "2025-01-31T12:00:00Z", "2025-03-31T12:00:00Z")).toBe(false);
    // Leap day: 2024-01-31 + 1 month = 2024-02-29.
    expect(expired("repeating", 2, "2024-01-31T00:00:00Z", "2024-02-29T00:00:00Z")).toBe(false);
  });

  it("needs a duration in months ≥ 1 for repeating", () => {
    expect(() => expired("repeating", null, "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z")).toThrow(DomainError);
    expect(() => expired("repeating", 0, "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z")).toThrow(DomainError);
    expect(() => expired("repeating", 1.5, "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z")).toThrow(DomainError);
  });
});
