import { DomainError } from "../errors/domain-error.js";

/**
 * Cents (or whole units) beyond 2^53 cannot be a JS number exactly; such an amount is a data
 * error, not a bill.
 */
export function toSafeCents(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new DomainError("AMOUNT_OUT_OF_RANGE", "invalid", `${what} (${value}) is beyond the safe integer range.`);
  }
  return Number(value);
}

/**
 * Guards the core's money inputs: amounts are whole cents (ARCHITECTURE §3 invariant 8). A
 * fractional or non-finite amount reaching the billing maths is a bug upstream, so it stops here
 * rather than being rounded into an order.
 */
export function assertCents(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new DomainError("INVALID_AMOUNT", "invalid", `${what} must be a whole number of cents, got ${value}.`);
  }
}
