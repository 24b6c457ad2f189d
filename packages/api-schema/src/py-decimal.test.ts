import { describe, expect, it } from "vitest";
import { checkPyDecimal } from "./py-decimal.js";

const UNIT_AMOUNT = { gt: 0, maxDigits: 17, decimalPlaces: 12 };

function unitAmount(input: unknown) {
  return checkPyDecimal(input, UNIT_AMOUNT);
}

describe("checkPyDecimal with unit_amount's constraints (> 0, 17 digits, 12 decimals)", () => {
  it.each([
    ["0.000000000001", "0.000000000001"],
    ["0.0002", "0.0002"],
    ["10", "10"],
    ["10.000000000000", "10"],
    ["99999.999999999999", "99999.999999999999"],
    ["1.5", "1.5"],
    [" 1.50 ", "1.5"],
    ["+2", "2"],
    [".5", "0.5"],
    ["5.", "5"],
    ["1_000", "1000"],
    ["1.5E+3", "1500"],
    ["2.5e-3", "0.0025"],
    ["000123.4500", "123.45"],
    [0.000000000001, "0.000000000001"],
    [0.1, "0.1"],
    [100, "100"],
    [1.5e-7, "0.00000015"],
  ])("keeps %j exactly as %j", (input, expected) => {
    expect(unitAmount(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["1e-13", "decimal_max_places"],
    [1e-13, "decimal_max_places"],
    ["0.0000000000001", "decimal_max_places"],
    // 0.1 + 0.2 is 0.30000000000000004: a float artefact is refused, never rounded away.
    [0.1 + 0.2, "decimal_max_places"],
    ["12345.1234567890123", "decimal_max_digits"],
    ["123456.123456789012", "decimal_max_digits"],
    ["123456789012345678", "decimal_max_digits"],
    [1e21, "decimal_max_digits"],
    // pydantic counts leading fractional zeros as digits: 18 of them trip max_digits first.
    ["0.000000000000000001", "decimal_max_digits"],
    ["100000", "decimal_whole_digits"],
    ["100000.5", "decimal_whole_digits"],
    ["0", "greater_than"],
    ["0.000", "greater_than"],
    ["-0", "greater_than"],
    ["-1", "greater_than"],
    [-0.5, "greater_than"],
    ["", "decimal_parsing"],
    ["abc", "decimal_parsing"],
    ["1.2.3", "decimal_parsing"],
    ["0x10", "decimal_parsing"],
    ["1,5", "decimal_parsing"],
    ["NaN", "finite_number"],
    ["Infinity", "finite_number"],
    ["-inf", "finite_number"],
    [true, "decimal_type"],
    [null, "decimal_type"],
    [{ value: "1" }, "decimal_type"],
  ])("refuses %j with %s", (input, type) => {
    const result = unitAmount(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.type).toBe(type);
      expect(result.error.input).toBe(input);
    }
  });

  it("words each error as pydantic does", () => {
    expect(unitAmount("1e-13")).toEqual({
      ok: false,
      error: {
        type: "decimal_max_places",
        msg: "Decimal input should have no more than 12 decimal places",
        input: "1e-13",
        ctx: { decimal_places: 12 },
      },
    });
    expect(unitAmount("123456.123456789012")).toMatchObject({
      error: { msg: "Decimal input should have no more than 17 digits in total", ctx: { max_digits: 17 } },
    });
    expect(unitAmount("100000")).toMatchObject({
      error: {
        msg: "Decimal input should have no more than 5 digits before the decimal point",
        ctx: { whole_digits: 5 },
      },
    });
    expect(unitAmount("0")).toMatchObject({ error: { msg: "Input should be greater than 0", ctx: { gt: 0 } } });
    expect(unitAmount("x")).toMatchObject({ error: { msg: "Input should be a valid decimal" } });
    expect(unitAmount(false)).toMatchObject({
      error: { msg: "Decimal input should be an integer, float, string or Decimal object" },
    });
  });

  it("uses singular words for a bound of one", () => {
    expect(checkPyDecimal("1.25", { maxDigits: 1, decimalPlaces: 1 })).toMatchObject({
      error: { msg: "Decimal input should have no more than 1 digit in total" },
    });
  });

  it("keeps negative values when no bound is set", () => {
    expect(checkPyDecimal("-1.50", { maxDigits: 17, decimalPlaces: 12 })).toEqual({ ok: true, value: "-1.5" });
  });
});
