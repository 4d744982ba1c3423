import { addTo, merge, p50p90, percentile, totalOf } from './histogram';

describe('histogram', () => {
  it('counts whole values and adds histograms together', () => {
    const a = {};
    addTo(a, 2);
    addTo(a, 2.9);
    addTo(a, null);
    addTo(a, Number.NaN);
    addTo(a, 5, 3);
    expect(a).toEqual({ 2: 2, 5: 3 });
    expect(merge({ 5: 1, 7: 1 }, a)).toEqual({ 2: 2, 5: 4, 7: 1 });
    expect(totalOf(a)).toBe(5);
  });

  it('answers nearest-rank percentiles', () => {
    // 1..10 once each: P50 is the 5th value, P90 the 9th.
    const h = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [String(i + 1), 1]));
    expect(p50p90(h)).toEqual({ p50: 5, p90: 9 });
    expect(percentile({ 3: 1 }, 0.9)).toBe(3);
    expect(percentile({ 10: 1, 2: 3 }, 0.5)).toBe(2); // keys sort as numbers, not strings
    expect(percentile({ 1: 1, 2: 1 }, 0.5)).toBe(1);
    expect(p50p90({})).toEqual({ p50: null, p90: null });
  });
});
