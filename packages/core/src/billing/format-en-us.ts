import type { Decimal } from "./decimal.js";

/**
 * en_US number and currency text for order-line labels, written out by hand over `Decimal`
 * rather than with `Intl.NumberFormat`: Intl takes a double (so 1e21 units or a 12-decimal price
 * would already be rounded) and its rounding mode is not the half-even that Polar's Babel uses.
 */

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, ",");
}

/**
 * `unsigned` is the already rounded absolute value. The sign comes from the value before
 * rounding, as in Babel (`format_decimal(-0.0001)` is `"-0"`): a net that credits exceeded by a
 * hair still reads as negative.
 */
function withGroupingAndSign(value: Decimal, unsigned: string, prefix: string): string {
  const [whole = "0", fraction] = unsigned.split(".");
  const grouped = groupThousands(whole) + (fraction === undefined ? "" : `.${fraction}`);
  return `${value.isNegative() ? "-" : ""}${prefix}${grouped}`;
}

/**
 * Babel's en_US decimal pattern `#,##0.###`: grouping commas, at most `maxFractionDigits`
 * fractional digits (3 by default) rounded half-even, no trailing zeros, no exponent.
 * `1234.5678` → `"1,234.568"`, `-50` → `"-50"`.
 */
export function formatEnUsNumber(value: Decimal, maxFractionDigits = 3): string {
  return withGroupingAndSign(value, value.abs().round(maxFractionDigits, "half_even").toString(), "");
}

/**
 * Babel's en_US USD pattern `¤#,##0.00` applied to cents / 100, rounded half-even to whole cents
 * of a dollar: `"0.5"` cents → `"$0.00"`, `"1.5"` cents → `"$0.02"`, 500000 → `"$5,000.00"`,
 * −100 → `"-$1.00"`.
 */
export function formatEnUsCurrency(cents: Decimal): string {
  const dollars = cents.shift(-2);
  return withGroupingAndSign(dollars, dollars.abs().toFixed(2, "half_even"), "$");
}
