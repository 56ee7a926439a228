// Small numeric helpers for the benchmark report.

/** The q-quantile (0..1) of a list of numbers, nearest-rank method. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function round(value, digits = 1) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const MiB = 1024 * 1024;

/** The median: the middle value, or the mean of the two middle values of an even count. */
export function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** min / median / max of several runs, and how many: the statistic every bench row reports. */
export function spread(values, digits = 1) {
  const kept = values.filter((v) => typeof v === 'number' && !Number.isNaN(v));
  return {
    n: kept.length,
    min: round(Math.min(...kept), digits),
    median: round(median(kept), digits),
    max: round(Math.max(...kept), digits),
  };
}

/** "median 243.1 (min 230.2, max 250.0, 5 runs)". */
export function describeSpread(s, unit = '') {
  return `median ${s.median}${unit} (min ${s.min}, max ${s.max}, ${s.n} run${s.n === 1 ? '' : 's'})`;
}
