/** Nearest-rank percentile of ascending `sorted` values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export const integer = (value: number) => Math.round(value).toLocaleString("en-US");

export function formatLatency(summary: LatencySummary, digits = 1): string {
  return `p50 ${summary.p50.toFixed(digits)} ms, p99 ${summary.p99.toFixed(digits)} ms (max ${summary.max.toFixed(digits)}, n=${summary.count})`;
}
