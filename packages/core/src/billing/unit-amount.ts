import { DomainError } from "../errors/domain-error.js";
import { Decimal, decimalParts } from "./decimal.js";

/** Polar stores `unit_amount` as numeric(17,12): 17 digits, 12 of them fractional (spec §2.2). */
export const UNIT_AMOUNT_MAX_DIGITS = 17;
export const UNIT_AMOUNT_DECIMAL_PLACES = 12;
export const UNIT_AMOUNT_WHOLE_DIGITS = UNIT_AMOUNT_MAX_DIGITS - UNIT_AMOUNT_DECIMAL_PLACES;

/** The pydantic error types Polar answers with, so a 422 detail entry can carry the same `type`. */
export type UnitAmountProblem =
  | "decimal_parsing"
  | "decimal_max_digits"
  | "decimal_max_places"
  | "decimal_whole_digits"
  | "greater_than";

export type UnitAmountCheck = { ok: true; value: Decimal } | { ok: false; problem: UnitAmountProblem; message: string };

function problem(type: UnitAmountProblem, message: string): UnitAmountCheck {
  return { ok: false, problem: type, message };
}

/**
 * Validates a metered `unit_amount` (a JSON number or a numeric string, spec §2.2 and
 * api-conventions §6.3: "> 0, ≤ 17 digits, ≤ 12 decimals").
 *
 * The digit counting mirrors pydantic's `Decimal(max_digits=17, decimal_places=12)`, which Polar
 * uses: the value is normalised first (trailing zeros dropped, so `"10.000000000000"` read back
 * from storage is fine), then
 * - digits = significant digits, counting integer trailing zeros (`"100"` has 3) and leading
 *   fractional zeros (`"0.0002"` has 4);
 * - at most 17 digits, at most 12 decimal places, and at most 17 − 12 = 5 digits before the
 *   point (what numeric(17,12) can hold);
 * - checked in that order, then "> 0", so the first failure names the same problem as Polar.
 * A JSON number enters through its shortest round-trip form, like every double (ARCHITECTURE §7).
 */
export function checkUnitAmount(input: string | number): UnitAmountCheck {
  const text = typeof input === "number" ? (Number.isFinite(input) ? String(input) : "") : input;
  const parts = decimalParts(text);
  if (parts === null) return problem("decimal_parsing", "Input should be a valid decimal");
  // Normalise: move trailing zeros of the significant digits into the exponent.
  const significant = parts.digits.replace(/0+$/, "");
  const exponent = parts.exponent + (parts.digits.length - significant.length);
  let digits: number;
  let decimals: number;
  if (significant === "") {
    digits = 1;
    decimals = 0;
  } else if (exponent >= 0) {
    digits = significant.length + exponent;
    decimals = 0;
  } else {
    decimals = -exponent;
    digits = Math.max(significant.length, decimals);
  }
  if (digits > UNIT_AMOUNT_MAX_DIGITS) {
    return problem(
      "decimal_max_digits",
      `Decimal input should have no more than ${UNIT_AMOUNT_MAX_DIGITS} digits in total`,
    );
  }
  if (decimals > UNIT_AMOUNT_DECIMAL_PLACES) {
    return problem(
      "decimal_max_places",
      `Decimal input should have no more than ${UNIT_AMOUNT_DECIMAL_PLACES} decimal places`,
    );
  }
  if (digits - decimals > UNIT_AMOUNT_WHOLE_DIGITS) {
    return problem(
      "decimal_whole_digits",
      `Decimal input should have no more than ${UNIT_AMOUNT_WHOLE_DIGITS} digits before the decimal point`,
    );
  }
  if (significant === "" || parts.negative) return problem("greater_than", "Input should be greater than 0");
  // Built from the normalised digits: the literal itself may carry thousands of padding zeros.
  const coefficient = BigInt(significant);
  const value =
    exponent >= 0
      ? Decimal.fromInteger(coefficient * 10n ** BigInt(exponent))
      : Decimal.fromScaled(coefficient, -exponent);
  return { ok: true, value };
}

/**
 * The wire form: always 12 fractional digits (`"0.500000000000"`), as Polar reads numeric(17,12)
 * back. Refuses, rather than rounds, a value with more digits: a unit price is never altered.
 */
export function formatUnitAmount(value: Decimal): string {
  if (!value.round(UNIT_AMOUNT_DECIMAL_PLACES, "trunc").equals(value)) {
    throw new DomainError("INVALID_UNIT_AMOUNT", "invalid", `${value} has more than 12 decimal places.`);
  }
  return value.toFixed(UNIT_AMOUNT_DECIMAL_PLACES, "trunc");
}
