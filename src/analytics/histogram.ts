/**
 * Whole-number distributions kept as sparse counts (`{ "3": 120, "4": 410 }`): transit in business days, time to
 * first scan in whole hours, scan latency in whole minutes. Rollups add them up; percentiles come out exact
 * (nearest rank), so a figure computed by hand from the raw events matches the API to the unit.
 */
export type Histogram = Record<string, number>;

export function addTo(target: Histogram, value: number | null | undefined, count = 1): void {
  if (value === null || value === undefined || !Number.isFinite(value)) return;
  const key = String(Math.trunc(value));
  target[key] = (target[key] ?? 0) + count;
}

export function merge(target: Histogram, source: Histogram | null | undefined): Histogram {
  // for…in, not Object.entries: a year of rollup rows is tens of thousands of keys, and no pair arrays are made.
  if (source) for (const key in source) target[key] = (target[key] ?? 0) + source[key];
  return target;
}

export function totalOf(histogram: Histogram): number {
  return Object.values(histogram).reduce((a, b) => a + b, 0);
}

/** Nearest-rank percentile (the smallest value with at least p of the samples at or below it); null when empty. */
export function percentile(histogram: Histogram, p: number): number | null {
  const entries = Object.entries(histogram)
    .map(([k, n]) => [Number(k), n] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (!total) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [value, n] of entries) {
    seen += n;
    if (seen >= rank) return value;
  }
  return entries[entries.length - 1][0];
}

export function p50p90(histogram: Histogram): { p50: number | null; p90: number | null } {
  return { p50: percentile(histogram, 0.5), p90: percentile(histogram, 0.9) };
}
