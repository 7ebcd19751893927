/** Small statistics over run results; medians because a 2-core machine has noisy outliers. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  // Non-null: mid and mid - 1 are inside a non-empty array.
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The median of figures measured in every run; undefined when any run lacks one (or there is none). */
export function medianOfAll(values: readonly (number | undefined)[]): number | undefined {
  const measured = values.filter((v): v is number => v !== undefined);
  return measured.length === values.length && measured.length > 0 ? median(measured) : undefined;
}

/** Nearest-rank percentile (p in 0..100) of values already sorted ascending. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index] as number;
}

export function minMax(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}
