import type { PyError } from "./py-error.js";
import { pyError } from "./py-error.js";
import { type CheckResult, pyScalar } from "./py-schema.js";

export interface PyDecimalOptions {
  /** Total significant digits, as pydantic counts them (after dropping trailing zeros). */
  maxDigits: number;
  decimalPlaces: number;
  /** An integer bound the value must exceed. */
  gt?: number;
}

/** Python's `Decimal(str)` syntax once whitespace and underscores are gone (specials aside). */
const DECIMAL_TEXT = /^([+-]?)(?=\d|\.\d)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const SPECIAL_TEXT = /^[+-]?(?:inf|infinity|s?nan\d*)$/i;

interface Normalized {
  negative: boolean;
  /** Significant digits without leading or trailing zeros; `""` for zero. */
  digits: string;
  /** value = digits × 10^exponent. */
  exponent: number;
}

function decimalError(type: string, msg: string, input: unknown, ctx: Record<string, unknown>): PyError {
  return pyError.custom(type, msg, input, ctx);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** What `Decimal(text).normalize()` holds, or null when Python's `Decimal` would not parse the text. */
function normalize(text: string): Normalized | "special" | null {
  // CPython's decimal strips surrounding whitespace and ignores underscores between digits.
  const compact = text.trim().replaceAll("_", "");
  if (SPECIAL_TEXT.test(compact)) return "special";
  const match = DECIMAL_TEXT.exec(compact);
  if (match === null) return null;
  const [, sign = "", whole = "", fraction = "", exponentText = "0"] = match;
  const exponentValue = Number(exponentText);
  // Beyond 2^53 the exponent is out of every bound anyway; ±Infinity keeps the comparisons right.
  const written = Number.isSafeInteger(exponentValue) ? exponentValue : exponentValue * Number.POSITIVE_INFINITY;
  const allDigits = `${whole}${fraction}`.replace(/^0+/, "");
  const digits = allDigits.replace(/0+$/, "");
  if (digits === "") return { negative: false, digits: "", exponent: 0 };
  return {
    negative: sign === "-",
    digits,
    exponent: written - fraction.length + (allDigits.length - digits.length),
  };
}

/** Plain decimal notation, no exponent and no trailing fractional zeros: `"0.000000000001"`, `"1500"`. */
function plainText({ negative, digits, exponent }: Normalized): string {
  if (digits === "") return "0";
  let text: string;
  if (exponent >= 0) text = digits + "0".repeat(exponent);
  else {
    const padded = digits.padStart(-exponent + 1, "0");
    const point = padded.length + exponent;
    text = `${padded.slice(0, point)}.${padded.slice(point)}`;
  }
  return negative ? `-${text}` : text;
}

/** Compares the (bounded) value with an integer, exactly. */
function compareWithInteger(value: Normalized, bound: number): number {
  const scale = Math.max(0, -value.exponent);
  const magnitude = value.digits === "" ? 0n : BigInt(value.digits) * 10n ** BigInt(value.exponent + scale);
  const scaled = value.negative ? -magnitude : magnitude;
  const boundScaled = BigInt(bound) * 10n ** BigInt(scale);
  return scaled < boundScaled ? -1 : scaled > boundScaled ? 1 : 0;
}

/**
 * pydantic's `Decimal` field with `max_digits`/`decimal_places` (and `gt`), as Polar declares
 * `unit_amount`. Strings follow Python's `Decimal` syntax; a JSON number enters through its
 * shortest round-trip text, which is what pydantic-core does with a JSON float. Digits are
 * counted on the normalized value (trailing zeros dropped, `"10.000000000000"` is 2 digits),
 * in pydantic's order: total digits, decimal places, whole digits, then the bound.
 *
 * The value comes back as a plain decimal string, never through a double: `"0.000000000001"`
 * stays exactly that.
 */
export function checkPyDecimal(input: unknown, options: PyDecimalOptions): CheckResult<string> {
  let text: string;
  if (typeof input === "string") text = input;
  else if (typeof input === "number") {
    if (!Number.isFinite(input))
      return { ok: false, error: pyError.custom("finite_number", "Input should be a finite number", input) };
    text = String(input);
  } else {
    return {
      ok: false,
      error: pyError.custom(
        "decimal_type",
        "Decimal input should be an integer, float, string or Decimal object",
        input,
      ),
    };
  }
  const value = normalize(text);
  if (value === null)
    return { ok: false, error: pyError.custom("decimal_parsing", "Input should be a valid decimal", input) };
  if (value === "special")
    return { ok: false, error: pyError.custom("finite_number", "Input should be a finite number", input) };

  const significant = Math.max(value.digits.length, 1);
  const decimals = value.exponent >= 0 ? 0 : -value.exponent;
  const digits = value.exponent >= 0 ? significant + value.exponent : Math.max(significant, decimals);
  const { maxDigits, decimalPlaces } = options;
  if (digits > maxDigits) {
    return {
      ok: false,
      error: decimalError(
        "decimal_max_digits",
        `Decimal input should have no more than ${plural(maxDigits, "digit")} in total`,
        input,
        { max_digits: maxDigits },
      ),
    };
  }
  if (decimals > decimalPlaces) {
    return {
      ok: false,
      error: decimalError(
        "decimal_max_places",
        `Decimal input should have no more than ${plural(decimalPlaces, "decimal place")}`,
        input,
        { decimal_places: decimalPlaces },
      ),
    };
  }
  const wholeDigits = maxDigits - decimalPlaces;
  if (digits - decimals > wholeDigits) {
    return {
      ok: false,
      error: decimalError(
        "decimal_whole_digits",
        `Decimal input should have no more than ${plural(wholeDigits, "digit")} before the decimal point`,
        input,
        { whole_digits: wholeDigits },
      ),
    };
  }
  if (options.gt !== undefined && compareWithInteger(value, options.gt) <= 0) {
    return { ok: false, error: pyError.greaterThan(options.gt, input) };
  }
  return { ok: true, value: plainText(value) };
}

export function pyDecimal(options: PyDecimalOptions) {
  return pyScalar((input) => checkPyDecimal(input, options), {
    anyOf: [
      { type: "number", ...(options.gt !== undefined && { exclusiveMinimum: options.gt }) },
      { type: "string", pattern: "^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$" },
    ],
  });
}
