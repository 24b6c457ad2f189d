import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors/domain-error.js";
import { Decimal, decimalParts, type RoundingMode } from "./decimal.js";

const PLAIN = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;

/** The value as a coefficient at a chosen common scale: the reference the properties compare to. */
function at(value: Decimal, scale: number): bigint {
  return value.coefficient * 10n ** BigInt(scale - value.scale);
}

function floorDiv(dividend: bigint, divisor: bigint): bigint {
  const quotient = dividend / divisor;
  return dividend % divisor !== 0n && dividend < 0n ? quotient - 1n : quotient;
}

const decimalArbitrary = fc
  .record({ coefficient: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), scale: fc.integer({ min: 0, max: 20 }) })
  .map(({ coefficient, scale }) => Decimal.fromScaled(coefficient, scale));

describe("Decimal.parse", () => {
  it("keeps every digit of a 12-decimal unit price and the scale as written", () => {
    const price = Decimal.parse("0.000000000001");
    expect(price.toString()).toBe("0.000000000001");
    expect(price.scale).toBe(12);
    const stored = Decimal.parse("10.000000000000");
    expect(stored.scale).toBe(12);
    expect(stored.toString()).toBe("10");
    expect(stored.equals(Decimal.fromInteger(10))).toBe(true);
  });

  it("accepts signs, bare points and exponents", () => {
    expect(Decimal.parse("+1.50").toString()).toBe("1.5");
    expect(Decimal.parse("-12.5").toString()).toBe("-12.5");
    expect(Decimal.parse(".5").toString()).toBe("0.5");
    expect(Decimal.parse("5.").toString()).toBe("5");
    expect(Decimal.parse("1.5e-7").toString()).toBe("0.00000015");
    expect(Decimal.parse("1.5E+3").toString()).toBe("1500");
    expect(Decimal.parse("-0").toString()).toBe("0");
    expect(Decimal.parse("-0.000").isNegative()).toBe(false);
    expect(Decimal.parse("0e999999999999").isZero()).toBe(true);
  });

  it("rejects anything that is not a plain literal", () => {
    for (const text of ["", " 1", "1 ", "1,5", "1_000", "NaN", "Infinity", "-", ".", "1e", "e5", "0x10", "1.2.3"]) {
      expect(() => Decimal.parse(text), text).toThrow(DomainError);
    }
  });

  it("refuses exponents that would build enormous BigInts", () => {
    expect(() => Decimal.parse("1e999999999")).toThrow(DomainError);
    expect(() => Decimal.parse("1e-99999999999999999999")).toThrow(DomainError);
    expect(decimalParts("1e99999999999999999999")?.exponent).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("Decimal.fromNumber (shortest round-trip form, ARCHITECTURE §7)", () => {
  it("takes the double's shortest string, not its binary expansion", () => {
    expect(Decimal.fromNumber(2.675).toString()).toBe("2.675");
    expect(Decimal.fromNumber(0.1).toString()).toBe("0.1");
    expect(Decimal.fromNumber(1.995).toString()).toBe("1.995");
  });

  it("expands exponent forms exactly", () => {
    expect(Decimal.fromNumber(1e-7).toString()).toBe("0.0000001");
    expect(Decimal.fromNumber(1.5e-10).toString()).toBe("0.00000000015");
    expect(Decimal.fromNumber(1e21).toString()).toBe("1000000000000000000000");
    expect(Decimal.fromNumber(1.2345e25).toString()).toBe("12345000000000000000000000");
    expect(Decimal.fromNumber(-0).toString()).toBe("0");
    expect(Decimal.fromNumber(Number.MIN_VALUE).scale).toBe(324);
    expect(Decimal.fromNumber(Number.MAX_VALUE).toString()).toHaveLength(309);
  });

  it("rejects NaN and infinities", () => {
    expect(() => Decimal.fromNumber(Number.NaN)).toThrow(DomainError);
    expect(() => Decimal.fromNumber(Number.POSITIVE_INFINITY)).toThrow(DomainError);
  });

  it("round-trips every finite double and never prints an exponent", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = Decimal.fromNumber(value).toString();
        expect(text).toMatch(PLAIN);
        expect(Number(text)).toBe(value === 0 ? 0 : value);
      }),
      { numRuns: 2000 },
    );
  });

  it("orders like the doubles it came from", () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(finite, finite, (first, second) => {
        const expected = first < second ? -1 : first > second ? 1 : 0;
        expect(Decimal.fromNumber(first).compare(Decimal.fromNumber(second))).toBe(expected);
      }),
    );
  });
});

describe("Decimal.fromInteger and fromScaled", () => {
  it("builds integers from safe numbers and BigInts only", () => {
    expect(Decimal.fromInteger(-42).toString()).toBe("-42");
    expect(Decimal.fromInteger(10n ** 30n).toString()).toBe(`1${"0".repeat(30)}`);
    expect(() => Decimal.fromInteger(1.5)).toThrow(DomainError);
    expect(() => Decimal.fromInteger(2 ** 53)).toThrow(DomainError);
    expect(Decimal.fromScaled(12345n, 4).toString()).toBe("1.2345");
    expect(() => Decimal.fromScaled(1n, -1)).toThrow(DomainError);
  });
});

describe("arithmetic", () => {
  it("adds, subtracts and multiplies exactly where doubles do not", () => {
    expect(Decimal.parse("0.1").add(Decimal.parse("0.2")).toString()).toBe("0.3");
    expect(Decimal.fromNumber(0.3).sub(Decimal.fromNumber(0.1)).toString()).toBe("0.2");
    expect(Decimal.parse("0.000000000001").mul(Decimal.fromInteger(1_000_000_000_000)).toString()).toBe("1");
    expect(Decimal.parse("1.5").mul(Decimal.parse("1234.5678")).toString()).toBe("1851.8517");
    expect(Decimal.parse("-2.5").mul(Decimal.parse("-4")).toString()).toBe("10");
    expect(Decimal.parse("1.10").mul(Decimal.parse("2.0")).scale).toBe(3);
  });

  it("shifts the point by powers of ten", () => {
    expect(Decimal.parse("0.5").shift(-2).toString()).toBe("0.005");
    expect(Decimal.parse("1.25").shift(1).toString()).toBe("12.5");
    expect(Decimal.parse("1.25").shift(5).toString()).toBe("125000");
    expect(Decimal.parse("7").shift(0).toString()).toBe("7");
  });

  it("compares numerically regardless of trailing zeros", () => {
    expect(Decimal.parse("1.50").compare(Decimal.parse("1.5"))).toBe(0);
    expect(Decimal.parse("-1").compare(Decimal.parse("0.000000000001"))).toBe(-1);
    expect(Decimal.max(Decimal.parse("2"), Decimal.parse("10")).toString()).toBe("10");
    expect(Decimal.min(Decimal.parse("2"), Decimal.parse("-10")).toString()).toBe("-10");
    expect(Decimal.parse("-3").abs().toString()).toBe("3");
    expect(Decimal.parse("-3").sign()).toBe(-1);
  });

  it("agrees with BigInt arithmetic at a common scale (property)", () => {
    fc.assert(
      fc.property(decimalArbitrary, decimalArbitrary, (first, second) => {
        const common = Math.max(first.scale, second.scale);
        const sum = first.add(second);
        expect(sum.scale).toBe(common);
        expect(at(sum, common)).toBe(at(first, common) + at(second, common));
        const difference = first.sub(second);
        expect(at(difference, common)).toBe(at(first, common) - at(second, common));
        const product = first.mul(second);
        expect(product.scale).toBe(first.scale + second.scale);
        expect(product.coefficient).toBe(first.coefficient * second.coefficient);
        const expectedOrder =
          at(first, common) < at(second, common) ? -1 : at(first, common) > at(second, common) ? 1 : 0;
        expect(first.compare(second)).toBe(expectedOrder);
      }),
    );
  });

  it("prints a plain literal that parses back to the same value (property)", () => {
    fc.assert(
      fc.property(decimalArbitrary, (value) => {
        const text = value.toString();
        expect(text).toMatch(PLAIN);
        expect(Decimal.parse(text).equals(value)).toBe(true);
      }),
    );
  });
});

describe("rounding", () => {
  const table: Array<[string, Record<RoundingMode, string>]> = [
    ["2.5", { half_up: "3", half_even: "2", floor: "2", ceil: "3", trunc: "2" }],
    ["3.5", { half_up: "4", half_even: "4", floor: "3", ceil: "4", trunc: "3" }],
    ["2.4999999999999999", { half_up: "2", half_even: "2", floor: "2", ceil: "3", trunc: "2" }],
    ["2.5000000000000001", { half_up: "3", half_even: "3", floor: "2", ceil: "3", trunc: "2" }],
    ["-2.5", { half_up: "-3", half_even: "-2", floor: "-3", ceil: "-2", trunc: "-2" }],
    ["-2.4", { half_up: "-2", half_even: "-2", floor: "-3", ceil: "-2", trunc: "-2" }],
    ["0.5", { half_up: "1", half_even: "0", floor: "0", ceil: "1", trunc: "0" }],
    ["7", { half_up: "7", half_even: "7", floor: "7", ceil: "7", trunc: "7" }],
  ];
  for (const [value, expected] of table) {
    it(`rounds ${value} to an integer in every mode`, () => {
      for (const mode of Object.keys(expected) as RoundingMode[]) {
        expect(Decimal.parse(value).toInteger(mode).toString(), mode).toBe(expected[mode]);
      }
    });
  }

  it("rounds to fraction digits and formats a fixed number of them", () => {
    expect(Decimal.parse("1234.5675").round(3, "half_even").toString()).toBe("1234.568");
    expect(Decimal.parse("1234.5665").round(3, "half_even").toString()).toBe("1234.566");
    expect(Decimal.parse("0.005").toFixed(2, "half_even")).toBe("0.00");
    expect(Decimal.parse("0.015").toFixed(2, "half_even")).toBe("0.02");
    expect(Decimal.parse("0.5").toFixed(12, "trunc")).toBe("0.500000000000");
    expect(Decimal.parse("-0.004").toFixed(2, "half_up")).toBe("0.00");
    expect(Decimal.parse("12").toFixed(0, "floor")).toBe("12");
    expect(() => Decimal.parse("1").round(-1, "floor")).toThrow(DomainError);
  });

  it("rounds half up exactly: floor(x + 1/2) on non-negative values (property)", () => {
    const nonNegative = fc
      .record({ coefficient: fc.bigInt({ min: 0n, max: 10n ** 25n }), scale: fc.integer({ min: 0, max: 15 }) })
      .map(({ coefficient, scale }) => Decimal.fromScaled(coefficient, scale));
    fc.assert(
      fc.property(nonNegative, (value) => {
        const unit = 10n ** BigInt(value.scale);
        expect(value.toInteger("half_up")).toBe(floorDiv(2n * value.coefficient + unit, 2n * unit));
      }),
    );
  });

  it("is monotonic and within half a unit in every mode (property)", () => {
    const modes: RoundingMode[] = ["half_up", "half_even", "floor", "ceil", "trunc"];
    fc.assert(
      fc.property(decimalArbitrary, decimalArbitrary, fc.constantFrom(...modes), (first, second, mode) => {
        const [low, high] = first.compare(second) <= 0 ? [first, second] : [second, first];
        expect(low.toInteger(mode) <= high.toInteger(mode)).toBe(true);
        const rounded = Decimal.fromInteger(first.toInteger(mode));
        const distance = rounded.sub(first).abs();
        expect(distance.compare(Decimal.ONE)).toBe(-1);
        if (mode === "half_up" || mode === "half_even")
          expect(distance.compare(Decimal.parse("0.5"))).toBeLessThanOrEqual(0);
        expect(first.toInteger("floor") <= first.toInteger("ceil")).toBe(true);
        expect(first.toInteger("ceil") - first.toInteger("floor") <= 1n).toBe(true);
      }),
    );
  });

  it("sends ties up: n + 0.5 → n + 1 for every n ≥ 0 (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), (whole) => {
        expect(Decimal.fromScaled(whole * 10n + 5n, 1).toInteger("half_up")).toBe(whole + 1n);
      }),
    );
  });
});
