// The one percentile the CLI's figures use (bench rows, the replay's engine times): the nearest-rank value.

/** The p-th percentile of `values` by nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}
