/**
 * How long a parcel usually goes without a scan, from the store's own tracking history (issue 20, "stalled").
 *
 * A gap is the time from one scan of a moving parcel to its next scan. The threshold of a lane is the 95th
 * percentile of its recent gaps: a parcel silent for longer than 95% of the silences its lane has seen is stalled.
 * The lane is carrier × destination country; a lane with fewer than `minSamples` gaps falls back to the carrier
 * (every country), then to the whole store, and with too few even store-wide there is no threshold: the caller
 * then uses the fixed NO_SCAN_DELAY_DAYS. A threshold is never below `floorMs` (one day): a parcel unscanned
 * overnight is not news to a customer, whatever a lane of hourly hub scans says.
 *
 * Pure and deterministic; ScanGaps (scan-gaps.service.ts) feeds it from tracking_events and caches the result.
 */

export interface GapSample {
  carrier: string;
  /** Destination country (ISO 3166-1 alpha-2); null when the order did not say. */
  country: string | null;
  gapMs: number;
}

export interface ScanGapOptions {
  /** Gaps a cell needs before its percentile counts. */
  minSamples: number;
  quantile: number;
  floorMs: number;
}

const MS_PER_DAY = 86_400_000;

export const DEFAULT_SCAN_GAP_OPTIONS: ScanGapOptions = {
  minSamples: 50,
  quantile: 0.95,
  floorMs: MS_PER_DAY,
};

export type GapLevel = 'lane' | 'carrier' | 'store' | 'fixed';

export interface GapThreshold {
  ms: number;
  /** Which rung answered, from how many gaps (0 for the fixed fallback). */
  level: GapLevel;
  samples: number;
}

/** The thresholds of every cell with enough gaps: by `carrier|country`, by carrier, and store-wide. */
export interface GapThresholds {
  lanes: Map<string, GapThreshold>;
  carriers: Map<string, GapThreshold>;
  store: GapThreshold | null;
}

/** The q-quantile of ascending values, linearly interpolated between closest ranks (R type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) throw new Error('quantile of no values');
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

export function laneKey(carrier: string, country: string | null): string {
  return `${carrier}|${country ?? ''}`;
}

export function scanGapThresholds(
  samples: readonly GapSample[],
  options: ScanGapOptions = DEFAULT_SCAN_GAP_OPTIONS,
): GapThresholds {
  const valid = samples.filter((s) => Number.isFinite(s.gapMs) && s.gapMs > 0);
  const cell = (gaps: number[], level: GapLevel): GapThreshold | null => {
    if (gaps.length < options.minSamples) return null;
    const sorted = [...gaps].sort((a, b) => a - b);
    return { ms: Math.max(options.floorMs, quantile(sorted, options.quantile)), level, samples: gaps.length };
  };
  const group = (key: (s: GapSample) => string, level: GapLevel): Map<string, GapThreshold> => {
    const gaps = new Map<string, number[]>();
    for (const s of valid) {
      const list = gaps.get(key(s)) ?? [];
      list.push(s.gapMs);
      gaps.set(key(s), list);
    }
    const out = new Map<string, GapThreshold>();
    for (const [k, list] of gaps) {
      const threshold = cell(list, level);
      if (threshold) out.set(k, threshold);
    }
    return out;
  };
  return {
    lanes: group((s) => laneKey(s.carrier, s.country), 'lane'),
    carriers: group((s) => s.carrier, 'carrier'),
    store: cell(
      valid.map((s) => s.gapMs),
      'store',
    ),
  };
}

/** The threshold for a parcel on this lane: the first rung with enough history, else the fixed fallback. */
export function thresholdFor(
  thresholds: GapThresholds,
  carrier: string,
  country: string | null,
  fallbackMs: number,
): GapThreshold {
  return (
    thresholds.lanes.get(laneKey(carrier, country)) ??
    thresholds.carriers.get(carrier) ??
    thresholds.store ?? { ms: fallbackMs, level: 'fixed', samples: 0 }
  );
}
