import { describe, expect, it } from "vitest";
import { Decimal } from "./decimal.js";
import { formatEnUsCurrency, formatEnUsNumber } from "./format-en-us.js";

const number = (text: string) => formatEnUsNumber(Decimal.parse(text));
const currency = (cents: string) => formatEnUsCurrency(Decimal.parse(cents));

describe("formatEnUsNumber (Babel en_US #,##0.###, half-even)", () => {
  it("groups thousands and keeps at most 3 fractional digits", () => {
    expect(number("1000")).toBe("1,000");
    expect(number("1234.5678")).toBe("1,234.568");
    expect(number("1234567")).toBe("1,234,567");
    expect(number("999")).toBe("999");
    expect(number("0")).toBe("0");
    expect(number("12.5")).toBe("12.5");
    expect(number("1e21")).toBe("1,000,000,000,000,000,000,000");
  });

  it("rounds ties to even at the third fractional digit", () => {
    expect(number("0.0005")).toBe("0");
    expect(number("0.0015")).toBe("0.002");
    expect(number("0.0025")).toBe("0.002");
    expect(number("2.00050000001")).toBe("2.001");
    expect(number("999.9995")).toBe("1,000");
  });

  it("signs negatives with a hyphen-minus, from the value before rounding like Babel", () => {
    expect(number("-50")).toBe("-50");
    expect(number("-1234.5")).toBe("-1,234.5");
    expect(number("-0.0001")).toBe("-0");
  });
});

describe("formatEnUsCurrency (Babel en_US ¤#,##0.00 of cents / 100, half-even)", () => {
  it("writes dollars with two decimals", () => {
    expect(currency("10")).toBe("$0.10");
    expect(currency("5000")).toBe("$50.00");
    expect(currency("500000")).toBe("$5,000.00");
    expect(currency("0")).toBe("$0.00");
    expect(currency("-100")).toBe("-$1.00");
  });

  it("rounds fractional cents half-even", () => {
    expect(currency("0.5")).toBe("$0.00");
    expect(currency("1.5")).toBe("$0.02");
    expect(currency("2.5")).toBe("$0.02");
    expect(currency("0.0002")).toBe("$0.00");
    expect(currency("0.500000000001")).toBe("$0.01");
    expect(currency("99999.999999999999")).toBe("$1,000.00");
  });
});
