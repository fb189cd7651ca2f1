/**
 * Order statistics for the bench tables.
 *
 * @module
 */

/** The q-quantile (0..1) of `values`, nearest-rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** Median (nearest-rank). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** 99th percentile (nearest-rank: the maximum when there are fewer than 100 values). */
export function p99(values: readonly number[]): number {
  return quantile(values, 0.99);
}
