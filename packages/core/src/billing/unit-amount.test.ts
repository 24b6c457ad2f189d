import { describe, expect, it } from "vitest";
import { DomainError } from "../errors/domain-error.js";
import { Decimal } from "./decimal.js";
import { checkUnitAmount, formatUnitAmount, type UnitAmountProblem } from "./unit-amount.js";

function accepted(input: string | number): string {
  const check = checkUnitAmount(input);
  if (!check.ok) throw new Error(`${input} was rejected: ${check.message}`);
  return check.value.toString();
}

function rejected(input: string | number): UnitAmountProblem {
  const check = checkUnitAmount(input);
  if (check.ok) throw new Error(`${input} was accepted`);
  return check.problem;
}

describe("checkUnitAmount (numeric(17,12): > 0, ≤ 17 digits, ≤ 12 decimals, ≤ 5 whole digits)", () => {
  it("accepts the spec's prices as strings or numbers", () => {
    expect(accepted("10")).toBe("10");
    expect(accepted("0.0002")).toBe("0.0002");
    expect(accepted("0.000000000001")).toBe("0.000000000001");
    expect(accepted(0.5)).toBe("0.5");
    expect(accepted(1e-12)).toBe("0.000000000001");
    expect(accepted("1.5e-7")).toBe("0.00000015");
  });

  it("accepts the largest value numeric(17,12) holds", () => {
    expect(accepted("99999.999999999999")).toBe("99999.999999999999");
  });

  it("accepts values read back from storage with trailing zeros, and padding zeros in general", () => {
    expect(accepted("10.000000000000")).toBe("10");
    expect(accepted("1.50000000000000000000")).toBe("1.5");
    expect(accepted(`0000000${"0".repeat(20_000)}1`)).toBe("1");
    expect(accepted(`1${"0".repeat(20_000)}e-20000`)).toBe("1");
  });

  it("rejects more than 12 decimal places", () => {
    expect(rejected("0.0000000000001")).toBe("decimal_max_places");
    expect(rejected(1e-13)).toBe("decimal_max_places");
    expect(rejected("1.1234567890123")).toBe("decimal_max_places");
  });

  it("rejects more than 5 digits before the point", () => {
    expect(rejected("100000")).toBe("decimal_whole_digits");
    expect(rejected("123456.5")).toBe("decimal_whole_digits");
    expect(rejected("1e5")).toBe("decimal_whole_digits");
  });

  it("rejects more than 17 digits in total before looking at places or whole digits (pydantic's order)", () => {
    expect(rejected("12345.1234567890123")).toBe("decimal_max_digits");
    expect(rejected("123456789012345678")).toBe("decimal_max_digits");
    expect(rejected("1e-99999999999999999999")).toBe("decimal_max_digits");
    expect(rejected("1e99999999999999999999")).toBe("decimal_max_digits");
  });

  it("rejects zero and negatives after the digit checks", () => {
    expect(rejected("0")).toBe("greater_than");
    expect(rejected("0.000000000000")).toBe("greater_than");
    expect(rejected(-1)).toBe("greater_than");
    expect(rejected("-0.5")).toBe("greater_than");
    expect(rejected("-0.0000000000001")).toBe("decimal_max_places");
  });

  it("rejects what is not a decimal literal", () => {
    for (const input of ["", "abc", " 1", "1,5", "NaN", "Infinity", Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(rejected(input), String(input)).toBe("decimal_parsing");
    }
  });

  it("carries pydantic's messages for the 422 detail", () => {
    const check = checkUnitAmount("0.0000000000001");
    expect(check).toEqual({
      ok: false,
      problem: "decimal_max_places",
      message: "Decimal input should have no more than 12 decimal places",
    });
    expect(checkUnitAmount("0")).toMatchObject({ message: "Input should be greater than 0" });
  });
});

describe("formatUnitAmount", () => {
  it("always writes 12 fractional digits, as Polar reads numeric(17,12) back", () => {
    expect(formatUnitAmount(Decimal.parse("0.5"))).toBe("0.500000000000");
    expect(formatUnitAmount(Decimal.parse("10"))).toBe("10.000000000000");
    expect(formatUnitAmount(Decimal.parse("0.000000000001"))).toBe("0.000000000001");
    expect(formatUnitAmount(Decimal.parse("99999.999999999999"))).toBe("99999.999999999999");
    expect(formatUnitAmount(Decimal.parse("1.50000000000000000"))).toBe("1.500000000000");
  });

  it("refuses to round a price with more than 12 decimals", () => {
    expect(() => formatUnitAmount(Decimal.parse("0.0000000000001"))).toThrow(DomainError);
  });
});
