import { DomainError } from "../errors/domain-error.js";

/**
 * How a value is brought to fewer fractional digits.
 * - `half_up`: ties away from zero (Python/Java ROUND_HALF_UP). Money is only ever rounded this
 *   way on non-negative values, where it is the textbook "half up" (ARCHITECTURE §3 invariant 8).
 * - `half_even`: ties to the even neighbour; only for display (Babel's en_US labels, spec §5.4).
 * - `floor` / `ceil`: toward −∞ / +∞. `trunc`: toward zero (rollover, metering §7.6).
 */
export type RoundingMode = "half_up" | "half_even" | "floor" | "ceil" | "trunc";

/**
 * Parsing stops beyond this exponent magnitude: `"1e999999999"` would otherwise make BigInt build
 * a billion-digit number. Doubles need at most ~340 (5e-324 has 324 fractional digits).
 */
const MAX_EXPONENT = 10_000;

const DECIMAL_SYNTAX = /^([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?$/;

/** The pieces of a decimal literal before any BigInt is built, so callers can bound them first. */
export interface DecimalParts {
  negative: boolean;
  /** Significant digits without leading zeros; `""` means the value is zero. */
  digits: string;
  /** value = digits × 10^exponent; ±Infinity for an exponent too large to hold. */
  exponent: number;
}

/** Splits `[+-]digits[.digits][e[+-]digits]`; null when the text is not such a literal. */
export function decimalParts(text: string): DecimalParts | null {
  const match = DECIMAL_SYNTAX.exec(text);
  if (match === null) return null;
  const [, sign, mantissa = "", exponentText] = match;
  const point = mantissa.indexOf(".");
  const whole = point === -1 ? mantissa : mantissa.slice(0, point);
  const fraction = point === -1 ? "" : mantissa.slice(point + 1);
  // An exponent beyond 2^53 cannot be held exactly; it is out of any range, so ±Infinity says enough.
  const exponentValue = exponentText === undefined ? 0 : Number(exponentText);
  const exponent = Number.isSafeInteger(exponentValue)
    ? exponentValue - fraction.length
    : Math.sign(exponentValue) * Number.POSITIVE_INFINITY;
  const digits = (whole + fraction).replace(/^0+/, "");
  return { negative: sign === "-" && digits !== "", digits, exponent: digits === "" ? 0 : exponent };
}

function invalid(message: string, input: unknown): DomainError {
  return new DomainError("INVALID_DECIMAL", "invalid", message, { input, type: "decimal_parsing" });
}

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** Integer division rounded by `mode`; `divisor` > 0. */
function divideRounded(dividend: bigint, divisor: bigint, mode: RoundingMode): bigint {
  const quotient = dividend / divisor; // BigInt division truncates toward zero
  const remainder = dividend % divisor; // same sign as the dividend
  if (remainder === 0n) return quotient;
  const negative = dividend < 0n;
  const awayFromZero = negative ? quotient - 1n : quotient + 1n;
  switch (mode) {
    case "trunc":
      return quotient;
    case "floor":
      return negative ? awayFromZero : quotient;
    case "ceil":
      return negative ? quotient : awayFromZero;
    case "half_up":
    case "half_even": {
      const twice = 2n * (negative ? -remainder : remainder);
      if (twice > divisor) return awayFromZero;
      if (twice < divisor) return quotient;
      if (mode === "half_up") return awayFromZero;
      return quotient % 2n === 0n ? quotient : awayFromZero;
    }
  }
}

/**
 * An exact decimal: `coefficient × 10^−scale` over BigInt. Money maths never touches a double
 * (ARCHITECTURE §3 invariant 8); a double enters only through `fromNumber`, which takes its
 * shortest round-trip form (ARCHITECTURE §7: 2.675 stays 2.675).
 *
 * `scale` (≥ 0) is the number of fractional digits the value carries, trailing zeros included, as
 * Python's Decimal keeps them (`"10.000000000000"` has scale 12). Equality and ordering are
 * numeric; `toString` drops the trailing zeros.
 */
export class Decimal {
  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);

  private constructor(
    readonly coefficient: bigint,
    readonly scale: number,
  ) {}

  /** `coefficient × 10^−scale`; `scale` must be a non-negative integer. */
  static fromScaled(coefficient: bigint, scale: number): Decimal {
    if (!Number.isSafeInteger(scale) || scale < 0 || scale > MAX_EXPONENT) {
      throw invalid(`Scale must be an integer between 0 and ${MAX_EXPONENT}.`, scale);
    }
    return new Decimal(coefficient, scale);
  }

  /** A literal such as `"0.000000000001"`, `"-12.50"`, `".5"` or `"1.5e-7"`; no spaces, NaN or Infinity. */
  static parse(text: string): Decimal {
    const parts = decimalParts(text);
    if (parts === null) throw invalid(`"${text}" is not a decimal number.`, text);
    if (parts.digits === "") return Decimal.ZERO;
    if (!(Math.abs(parts.exponent) <= MAX_EXPONENT)) throw invalid(`"${text}" is out of range.`, text);
    const magnitude = BigInt(parts.digits);
    const coefficient = parts.negative ? -magnitude : magnitude;
    return parts.exponent >= 0
      ? new Decimal(coefficient * pow10(parts.exponent), 0)
      : new Decimal(coefficient, -parts.exponent);
  }

  static fromInteger(value: number | bigint): Decimal {
    if (typeof value === "bigint") return new Decimal(value, 0);
    if (!Number.isSafeInteger(value)) throw invalid(`${value} is not a safe integer.`, value);
    return new Decimal(BigInt(value), 0);
  }

  /**
   * A double through its shortest round-trip string (`String(n)`, e.g. `"2.675"`, `"1e-7"`,
   * `"1e+21"`), not its binary expansion: Meterline's deviation from Polar (ARCHITECTURE §7).
   */
  static fromNumber(value: number): Decimal {
    if (!Number.isFinite(value)) throw invalid(`${value} is not a finite number.`, value);
    return Decimal.parse(String(value));
  }

  static max(first: Decimal, second: Decimal): Decimal {
    return first.compare(second) >= 0 ? first : second;
  }

  static min(first: Decimal, second: Decimal): Decimal {
    return first.compare(second) <= 0 ? first : second;
  }

  /** The coefficient brought to a larger or equal scale, exactly. */
  private coefficientAt(scale: number): bigint {
    return this.coefficient * pow10(scale - this.scale);
  }

  add(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.coefficientAt(scale) + other.coefficientAt(scale), scale);
  }

  sub(other: Decimal): Decimal {
    return this.add(other.negate());
  }

  mul(other: Decimal): Decimal {
    return new Decimal(this.coefficient * other.coefficient, this.scale + other.scale);
  }

  negate(): Decimal {
    return new Decimal(-this.coefficient, this.scale);
  }

  abs(): Decimal {
    return this.coefficient < 0n ? this.negate() : this;
  }

  /** Multiplies by 10^places exactly (`shift(-2)` turns cents into dollars). */
  shift(places: number): Decimal {
    if (!Number.isSafeInteger(places)) throw invalid(`${places} is not an integer.`, places);
    if (places <= 0) return Decimal.fromScaled(this.coefficient, this.scale - places);
    if (places <= this.scale) return new Decimal(this.coefficient, this.scale - places);
    return new Decimal(this.coefficient * pow10(places - this.scale), 0);
  }

  /** −1, 0 or 1, numerically (trailing zeros do not matter). */
  compare(other: Decimal): -1 | 0 | 1 {
    const scale = Math.max(this.scale, other.scale);
    const left = this.coefficientAt(scale);
    const right = other.coefficientAt(scale);
    return left < right ? -1 : left > right ? 1 : 0;
  }

  equals(other: Decimal): boolean {
    return this.compare(other) === 0;
  }

  sign(): -1 | 0 | 1 {
    return this.coefficient < 0n ? -1 : this.coefficient > 0n ? 1 : 0;
  }

  isZero(): boolean {
    return this.coefficient === 0n;
  }

  isNegative(): boolean {
    return this.coefficient < 0n;
  }

  /** Rounded to at most `fractionDigits` fractional digits by `mode`; exact when it already fits. */
  round(fractionDigits: number, mode: RoundingMode): Decimal {
    if (!Number.isSafeInteger(fractionDigits) || fractionDigits < 0) {
      throw invalid(`${fractionDigits} is not a valid number of fraction digits.`, fractionDigits);
    }
    if (this.scale <= fractionDigits) return this;
    return new Decimal(divideRounded(this.coefficient, pow10(this.scale - fractionDigits), mode), fractionDigits);
  }

  /** The integer `mode` rounds to, as a BigInt. */
  toInteger(mode: RoundingMode): bigint {
    return this.round(0, mode).coefficient;
  }

  /** Exactly `fractionDigits` fractional digits (rounded by `mode` when needed), no exponent. */
  toFixed(fractionDigits: number, mode: RoundingMode): string {
    const rounded = this.round(fractionDigits, mode);
    return formatScaled(rounded.coefficientAt(fractionDigits), fractionDigits);
  }

  /** Plain notation, no exponent, no trailing fractional zeros, never `"-0"`. */
  toString(): string {
    let coefficient = this.coefficient;
    let scale = this.scale;
    while (scale > 0 && coefficient % 10n === 0n) {
      coefficient /= 10n;
      scale -= 1;
    }
    return formatScaled(coefficient, scale);
  }

  toJSON(): string {
    return this.toString();
  }
}

function formatScaled(coefficient: bigint, scale: number): string {
  const negative = coefficient < 0n;
  const digits = (negative ? -coefficient : coefficient).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? "-" : ""}${whole}${scale > 0 ? `.${fraction}` : ""}`;
}
