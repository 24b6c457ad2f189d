import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors/domain-error.js";
import { Decimal } from "./decimal.js";
import { priceMeteredLine } from "./metered-line.js";

function line(unitAmount: string, capAmount: number | null, consumedUnits: number, creditedUnits = 0) {
  return priceMeteredLine({ unitAmount, capAmount, consumedUnits, creditedUnits, meterName: "API Calls" });
}

describe("TV1 — metered price formula table (spec §13)", () => {
  const rows: Array<[unitAmount: string, cap: number | null, net: number, amount: number]> = [
    ["100", null, 1, 100],
    ["100", null, 1.994, 199],
    ["100", null, 1.995, 200],
    ["100", 5000, 1000, 5000],
    ["100", 5000, 1, 100],
    ["0.5", null, 3, 2],
    ["0.000000000001", null, 1_000_000, 0],
    ["0.000000000001", null, 1_000_000_000_000, 1],
    ["10", 5000, -50, 0],
    ["10", 0, 40, 0],
    ["1.5", null, 1234.5678, 1852],
  ];
  for (const [unitAmount, cap, net, amount] of rows) {
    it(`${unitAmount} × ${net} units, cap ${cap} → ${amount}`, () => {
      expect(line(unitAmount, cap, net).amount).toBe(amount);
    });
  }

  it("2.675 units at 100 bills 268, not Polar's 267 — Meterline deviation (ARCHITECTURE §7)", () => {
    // Polar expands the double 2.67499999999999982236431605997495353221893310546875 (→ 267);
    // Meterline takes its shortest form 2.675, so raw is exactly 267.5 and rounds half up.
    const priced = line("100", null, 2.675);
    expect(priced.billableUnits.toString()).toBe("2.675");
    expect(priced.amount).toBe(268);
  });

  it("1.995 → 200 and 1.994 → 199 from the exact decimals 199.5 and 199.4 — Meterline deviation (ARCHITECTURE §7)", () => {
    // Polar reaches the same amounts through 199.50000000000001066 and 199.39999…; here the raw
    // values are exact, and 199.5 is a true tie that half up sends to 200.
    expect(line("100", null, 1.995)).toMatchObject({ amount: 200, billableUnits: Decimal.parse("1.995") });
    expect(line("100", null, 1.994)).toMatchObject({ amount: 199, billableUnits: Decimal.parse("1.994") });
  });

  it("labels the rows as Polar does", () => {
    expect(line("100", 5000, 1000).label).toBe("API Calls — (1,000 consumed units) × $1.00— Capped at $50.00");
    expect(line("10", 5000, -50).label).toBe("API Calls — (-50 consumed units) × $0.10");
    expect(line("10", 0, 40).label).toBe("API Calls — (40 consumed units) × $0.10— Capped at $0.00");
    expect(line("1.5", null, 1234.5678).label).toBe("API Calls — (1,234.568 consumed units) × $0.02");
    expect(line("0.5", null, 3).label).toBe("API Calls — (3 consumed units) × $0.00");
  });

  it("reports whether the cap bound", () => {
    expect(line("100", 5000, 1000).capped).toBe(true);
    expect(line("100", 5000, 50).capped).toBe(false);
    expect(line("100", 5000, 50.005).capped).toBe(true); // 5000.5 → 5001 > 5000
    expect(line("100", 5000, 50.004).capped).toBe(false); // 5000.4 → 5000, not above the cap
    expect(line("10", 0, 0).capped).toBe(false);
    expect(line("10", 0, -5).capped).toBe(false);
  });
});

describe("TV16 — two fractional unit prices (spec §13)", () => {
  it("prices the output and input token lines with their $0.00 unit labels", () => {
    const output = priceMeteredLine({
      unitAmount: "0.0006",
      capAmount: null,
      consumedUnits: 345_678,
      creditedUnits: 0,
      meterName: "Output tokens",
    });
    const input = priceMeteredLine({
      unitAmount: "0.0002",
      capAmount: null,
      consumedUnits: 1_234_567,
      creditedUnits: 0,
      meterName: "Input tokens",
    });
    expect(output).toMatchObject({ amount: 207, label: "Output tokens — (345,678 consumed units) × $0.00" });
    expect(input).toMatchObject({ amount: 247, label: "Input tokens — (1,234,567 consumed units) × $0.00" });
    expect(output.amount + input.amount).toBe(454);
  });
});

describe("credits (spec §5.3, TV3–TV6, metering TV-16)", () => {
  it("subtracts credits before pricing and the cap", () => {
    const priced = line("10", 5000, 1000, 200);
    expect(priced).toMatchObject({ amount: 5000, capped: true });
    expect(priced.netUnits.toString()).toBe("800");
    expect(priced.label).toBe("API Calls — (800 consumed units) × $0.10— Capped at $50.00");
    expect(line("10", 5000, 300, 250)).toMatchObject({ amount: 500, label: "API Calls — (50 consumed units) × $0.10" });
  });

  it("bills 0 for a negative net and shows it in the label", () => {
    const priced = line("10", 5000, 150, 200);
    expect(priced).toMatchObject({ amount: 0, capped: false, label: "API Calls — (-50 consumed units) × $0.10" });
    expect(priced.netUnits.toString()).toBe("-50");
    expect(priced.billableUnits.toString()).toBe("0");
    const metering = priceMeteredLine({
      unitAmount: "50",
      capAmount: 1000,
      consumedUnits: 130,
      creditedUnits: 100,
      meterName: "API calls",
    });
    expect(metering.label).toBe("API calls — (30 consumed units) × $0.50— Capped at $10.00");
    expect(line("50", 1000, 80, 100).label).toBe("API Calls — (-20 consumed units) × $0.50");
  });

  it("computes the net exactly from both numbers' shortest forms", () => {
    // As doubles, 0.3 − 0.1 is 0.19999999999999998 and would bill 19.999… → 20 only by luck.
    expect(line("100", null, 0.3, 0.1).netUnits.toString()).toBe("0.2");
    expect(line("0.5", null, 100.3, 100.2).amount).toBe(0); // 0.05
    expect(line("100", null, 100.005, 100).amount).toBe(1); // exactly 0.5 → 1
  });
});

describe("label formatting edge cases", () => {
  it("groups and rounds the units half-even to 3 decimals", () => {
    expect(line("1", null, 1234.5675).label).toContain("(1,234.568 consumed units)");
    expect(line("1", null, 1234.5665).label).toContain("(1,234.566 consumed units)");
    expect(line("1", 100, 1e21).label).toContain("(1,000,000,000,000,000,000,000 consumed units)");
  });

  it("writes unit prices and caps as dollars rounded half-even", () => {
    expect(line("0.5", null, 1).label).toContain("× $0.00");
    expect(line("1.5", null, 1).label).toContain("× $0.02");
    expect(line("2.5", null, 1).label).toContain("× $0.02");
    expect(line("10.000000000000", 500_000, 10_000_000).label).toBe(
      "API Calls — (10,000,000 consumed units) × $0.10— Capped at $5,000.00",
    );
  });

  it("shows a hair of excess credit as -0, as Babel does", () => {
    expect(line("1", null, 99.9996, 100).label).toBe("API Calls — (-0 consumed units) × $0.01");
  });
});

describe("guards", () => {
  it("rejects impossible inputs instead of billing them", () => {
    expect(() => line("-1", null, 1)).toThrow(DomainError);
    expect(() => line("abc", null, 1)).toThrow(DomainError);
    expect(() => line("1", 1.5, 1)).toThrow(DomainError);
    expect(() => line("1", -1, 1)).toThrow(DomainError);
    expect(() => line("1", null, Number.NaN)).toThrow(DomainError);
    expect(() => line("1", null, Number.POSITIVE_INFINITY)).toThrow(DomainError);
  });

  it("refuses an uncapped amount beyond 2^53 cents but caps a huge one", () => {
    expect(() => line("100", null, 1e300)).toThrow(DomainError);
    expect(line("100", 5000, 1e300)).toMatchObject({ amount: 5000, capped: true });
  });
});

describe("properties", () => {
  // Every valid unit price: up to 5 whole and 12 fractional digits, > 0.
  const unitAmount = fc
    .integer({ min: 0, max: 12 })
    .chain((scale) =>
      fc
        .bigInt({ min: 1n, max: 10n ** BigInt(5 + scale) - 1n })
        .map((coefficient) => Decimal.fromScaled(coefficient, scale)),
    );
  const units = fc.double({ min: -1e6, max: 1e9, noNaN: true });
  const cap = fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null });

  it("equals the BigInt reference: round half up once, then the cap", () => {
    fc.assert(
      fc.property(unitAmount, units, fc.integer({ min: 0, max: 1000 }), cap, (price, consumed, credited, capAmount) => {
        const priced = line(price.toString(), capAmount, consumed, credited);
        const net = Decimal.fromNumber(consumed).sub(Decimal.fromInteger(credited));
        const billable = net.isNegative() ? Decimal.ZERO : net;
        // Reference: floor(raw + 1/2) with raw = c / 10^s.
        const raw = price.mul(billable);
        const unit = 10n ** BigInt(raw.scale);
        const rounded = (2n * raw.coefficient + unit) / (2n * unit);
        const expected = capAmount !== null && rounded > BigInt(capAmount) ? capAmount : Number(rounded);
        expect(priced.amount).toBe(expected);
        expect(priced.capped).toBe(capAmount !== null && rounded > BigInt(capAmount));
        if (capAmount !== null) expect(priced.amount).toBeLessThanOrEqual(capAmount);
      }),
    );
  });

  it("never bills less for more usage", () => {
    fc.assert(
      fc.property(unitAmount, units, units, cap, (price, first, second, capAmount) => {
        const [low, high] = first <= second ? [first, second] : [second, first];
        expect(line(price.toString(), capAmount, low).amount).toBeLessThanOrEqual(
          line(price.toString(), capAmount, high).amount,
        );
      }),
    );
  });
});
