/** Exponential backoff after failed attempt `attempt` (1-based): `backoffMs · 2^(attempt − 1)`. */
export function retryDelayMs(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** Math.max(0, attempt - 1);
}
