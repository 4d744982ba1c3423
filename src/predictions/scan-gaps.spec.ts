import {
  DEFAULT_SCAN_GAP_OPTIONS,
  type GapSample,
  laneKey,
  quantile,
  scanGapThresholds,
  thresholdFor,
} from './scan-gaps';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `count` gaps of 1…count hours (times `unit`), on one lane. */
function lane(carrier: string, country: string | null, count: number, unit = HOUR): GapSample[] {
  return Array.from({ length: count }, (_, i) => ({ carrier, country, gapMs: (i + 1) * unit }));
}

describe('quantile', () => {
  it('interpolates between closest ranks', () => {
    expect(quantile([10], 0.95)).toBe(10);
    expect(quantile([0, 100], 0.95)).toBe(95);
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    // 1…100: rank 0.95 × 99 = 94.05 → 95 + 0.05.
    expect(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.95,
      ),
    ).toBeCloseTo(95.05, 10);
  });

  it('refuses no values', () => {
    expect(() => quantile([], 0.95)).toThrow('no values');
  });
});

describe('scanGapThresholds', () => {
  it("takes each lane's 95th percentile of gaps between scans", () => {
    // Gaps of 1…100 × 6 h on DHL to Germany: P95 = 95.05 × 6 h (570.3 h).
    const t = scanGapThresholds(lane('dhl', 'DE', 100, 6 * HOUR));
    const cells = [t.lanes.get(laneKey('dhl', 'DE'))!, t.carriers.get('dhl')!, t.store!];
    expect(cells.map((c) => [c.level, c.samples])).toEqual([
      ['lane', 100],
      ['carrier', 100],
      ['store', 100],
    ]);
    for (const c of cells) expect(c.ms / HOUR).toBeCloseTo(570.3, 6);
  });

  it('the percentile does not depend on the order of the gaps', () => {
    const samples = lane('ups', 'US', 200);
    const shuffled = [...samples].reverse();
    expect(scanGapThresholds(shuffled).lanes.get(laneKey('ups', 'US'))).toEqual(
      scanGapThresholds(samples).lanes.get(laneKey('ups', 'US')),
    );
  });

  it('never goes below one day: an unscanned night is not news', () => {
    const t = scanGapThresholds(lane('ups', 'US', 100, 0.1 * HOUR));
    expect(t.lanes.get(laneKey('ups', 'US'))!.ms).toBe(DAY);
    expect(DEFAULT_SCAN_GAP_OPTIONS.floorMs).toBe(DAY);
  });

  it('needs enough gaps in a cell: fewer and the cell has no threshold', () => {
    const t = scanGapThresholds([...lane('dpd', 'FR', 49), ...lane('dpd', 'BE', 50)]);
    expect(t.lanes.has(laneKey('dpd', 'FR'))).toBe(false);
    expect(t.lanes.get(laneKey('dpd', 'BE'))!.samples).toBe(50);
    expect(t.carriers.get('dpd')!.samples).toBe(99);
    expect(scanGapThresholds(lane('dpd', 'FR', 49)).store).toBeNull();
  });

  it('ignores gaps that are no gaps (duplicates, reversed or unreadable times)', () => {
    const t = scanGapThresholds([
      ...lane('gls', 'ES', 50),
      { carrier: 'gls', country: 'ES', gapMs: 0 },
      { carrier: 'gls', country: 'ES', gapMs: -HOUR },
      { carrier: 'gls', country: 'ES', gapMs: Number.NaN },
    ]);
    expect(t.lanes.get(laneKey('gls', 'ES'))!.samples).toBe(50);
  });
});

describe('thresholdFor: lane, then carrier, then store, then the fixed days', () => {
  // DHL to Germany: gaps up to 100 h; DHL to Austria: too few; UPS: long gaps (up to 10 days), store-wide mix.
  const thresholds = scanGapThresholds([
    ...lane('dhl', 'DE', 100),
    ...lane('dhl', 'AT', 10, 2 * DAY),
    ...lane('ups', 'US', 60, 4 * HOUR),
  ]);
  const fixed = 3 * DAY;

  it('uses the lane when it has enough history', () => {
    const t = thresholdFor(thresholds, 'dhl', 'DE', fixed);
    expect([t.level, t.samples]).toEqual(['lane', 100]);
    expect(t.ms / HOUR).toBeCloseTo(95.05, 6);
  });

  it("falls back to the carrier's gaps in every country", () => {
    const t = thresholdFor(thresholds, 'dhl', 'AT', fixed);
    expect(t.level).toBe('carrier');
    expect(t.samples).toBe(110);
    // The Austrian gaps (2–20 days) pull the carrier's 95th percentile far above Germany's 95 hours.
    expect(t.ms).toBeGreaterThan(thresholds.lanes.get(laneKey('dhl', 'DE'))!.ms);
  });

  it('falls back to the whole store for a carrier it has never seen', () => {
    expect(thresholdFor(thresholds, 'fedex', 'US', fixed)).toEqual(thresholds.store);
    expect(thresholds.store!.samples).toBe(170);
  });

  it('uses the fixed NO_SCAN_DELAY_DAYS when the store has too little history', () => {
    expect(thresholdFor(scanGapThresholds(lane('dhl', 'DE', 20)), 'dhl', 'DE', fixed)).toEqual({
      ms: fixed,
      level: 'fixed',
      samples: 0,
    });
  });

  it('keeps an unknown destination country as a lane of its own', () => {
    const t = scanGapThresholds(lane('royal_mail', null, 50, 2 * HOUR));
    expect(thresholdFor(t, 'royal_mail', null, fixed).level).toBe('lane');
    expect(thresholdFor(t, 'royal_mail', 'GB', fixed).level).toBe('carrier');
  });
});
