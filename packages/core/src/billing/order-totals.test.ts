import { describe, expect, it } from "vitest";
import { DomainError } from "../errors/domain-error.js";
import { orderTotals } from "./order-totals.js";

const D30 = { type: "percentage" as const, basisPoints: 3000 };
const lines = (...amounts: number[]) => amounts.map((amount) => ({ amount }));
const totals = (...values: number[]) => {
  const [subtotalAmount, discountAmount, netAmount, taxAmount, totalAmount] = values;
  return { subtotalAmount, discountAmount, netAmount, taxAmount, totalAmount };
};

describe("orderTotals (spec §6.3, no tax)", () => {
  it("TV3 — no discount", () => {
    expect(orderTotals(lines(2000, 5000))).toEqual(totals(7000, 0, 7000, 0, 7000));
    expect(orderTotals(lines(2000), null)).toEqual(totals(2000, 0, 2000, 0, 2000));
  });

  it("TV4/TV5 — 30% over the whole subtotal, usage lines included", () => {
    expect(orderTotals(lines(2000), D30)).toEqual(totals(2000, 600, 1400, 0, 1400));
    expect(orderTotals(lines(2000, 5000), D30)).toEqual(totals(7000, 2100, 4900, 0, 4900));
  });

  it("TV8 — a fixed discount larger than the subtotal stops at the subtotal", () => {
    const discount = { type: "fixed" as const, amount: 5000 };
    expect(orderTotals(lines(2000), discount)).toEqual(totals(2000, 2000, 0, 0, 0));
    expect(orderTotals(lines(2000, 1000), discount)).toEqual(totals(3000, 3000, 0, 0, 0));
  });

  it("TV9/TV11/TV12 — repeating, once and final usage orders", () => {
    expect(orderTotals(lines(2000, 3000), { type: "percentage", basisPoints: 5000 })).toEqual(
      totals(5000, 2500, 2500, 0, 2500),
    );
    expect(orderTotals(lines(2000, 2000), { type: "percentage", basisPoints: 10_000 })).toEqual(
      totals(4000, 4000, 0, 0, 0),
    );
    expect(orderTotals(lines(2500), D30)).toEqual(totals(2500, 750, 1750, 0, 1750));
  });

  it("TV16 — metered-only order", () => {
    expect(orderTotals(lines(207, 247))).toEqual(totals(454, 0, 454, 0, 454));
  });

  it("TV19 — proration credits lower the subtotal", () => {
    expect(orderTotals(lines(-1000, 2500))).toEqual(totals(1500, 0, 1500, 0, 1500));
    expect(orderTotals(lines(-1000, 2500, 5000))).toEqual(totals(6500, 0, 6500, 0, 6500));
  });

  it("gives no discount on an empty or negative subtotal", () => {
    expect(orderTotals([], D30)).toEqual(totals(0, 0, 0, 0, 0));
    expect(orderTotals(lines(-1000, 200), D30)).toEqual(totals(-800, 0, -800, 0, -800));
    expect(orderTotals(lines(-1000), { type: "fixed", amount: 500 })).toEqual(totals(-1000, 0, -1000, 0, -1000));
  });

  it("uses the exact discount (50 at 2900 bp → 15, ARCHITECTURE §7)", () => {
    expect(orderTotals(lines(50), { type: "percentage", basisPoints: 2900 })).toEqual(totals(50, 15, 35, 0, 35));
  });

  it("rejects fractional line amounts instead of rounding them into the order", () => {
    expect(() => orderTotals(lines(100.5))).toThrow(DomainError);
    expect(() => orderTotals(lines(Number.NaN))).toThrow(DomainError);
    expect(() => orderTotals(lines(Number.MAX_SAFE_INTEGER, 10))).toThrow(DomainError);
  });
});
