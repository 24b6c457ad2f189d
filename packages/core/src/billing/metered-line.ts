import { DomainError } from "../errors/domain-error.js";
import { Decimal } from "./decimal.js";
import { formatEnUsCurrency, formatEnUsNumber } from "./format-en-us.js";
import { toSafeCents } from "./safe-cents.js";

export interface MeteredLineInput {
  /** Cents per unit, a decimal string as stored (`"0.0002"`, `"10.000000000000"`). */
  unitAmount: string;
  /** Whole cents, or null for no cap. */
  capAmount: number | null;
  /** The meter's aggregate over the pending window (a double). */
  consumedUnits: number;
  /** The non-negative running sum of the window's credits. */
  creditedUnits: number;
  meterName: string;
}

export interface MeteredLine {
  /** consumed − credited, exactly; negative when credits exceed usage. */
  netUnits: Decimal;
  /** max(0, net). */
  billableUnits: Decimal;
  /** Whole cents, after rounding and the cap. */
  amount: number;
  /** The cap lowered the amount. */
  capped: boolean;
  label: string;
}

/**
 * Prices one metered order line (spec §5.3–5.4, with ARCHITECTURE §7's deviations):
 *
 *   net      = consumed − credited        exact, each double taken by its shortest form
 *   billable = max(0, net)                a negative net bills 0
 *   raw      = unitAmount × billable      exact: no 28-digit context as in Polar
 *   amount   = round half up (raw ≥ 0)    the one rounding of the line (invariant 8)
 *   amount   = min(amount, cap)           after rounding and after credits
 *
 * Units enter through their shortest round-trip string, not Polar's binary expansion, so 2.675
 * units at 100 cents bill 268 (Polar: 267), and consumed 0.3 − credited 0.1 is 0.2, not the
 * double 0.19999999999999998.
 */
export function priceMeteredLine(input: MeteredLineInput): MeteredLine {
  const unitAmount = Decimal.parse(input.unitAmount);
  if (unitAmount.isNegative()) {
    throw new DomainError("INVALID_UNIT_AMOUNT", "invalid", `Unit amount ${input.unitAmount} is negative.`);
  }
  const cap = input.capAmount;
  if (cap !== null && (!Number.isSafeInteger(cap) || cap < 0)) {
    throw new DomainError("INVALID_CAP_AMOUNT", "invalid", `Cap amount ${cap} is not a non-negative integer.`);
  }

  const netUnits = Decimal.fromNumber(input.consumedUnits).sub(Decimal.fromNumber(input.creditedUnits));
  const billableUnits = Decimal.max(Decimal.ZERO, netUnits);
  const rounded = unitAmount.mul(billableUnits).toInteger("half_up");
  const capped = cap !== null && rounded > BigInt(cap);
  const amount = capped ? cap : toSafeCents(rounded, "A metered line");

  // "— Capped at" follows the price with no space before the dash: Polar's label, kept verbatim.
  const label =
    `${input.meterName} — (${formatEnUsNumber(netUnits)} consumed units) × ${formatEnUsCurrency(unitAmount)}` +
    (capped ? `— Capped at ${formatEnUsCurrency(Decimal.fromInteger(cap))}` : "");
  return { netUnits, billableUnits, amount, capped, label };
}
