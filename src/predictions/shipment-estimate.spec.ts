import type { StoredEstimate } from '../shared/tracking.types';
import {
  DEFAULT_CHOICE_RULE,
  preferredSource,
  scoreDelivery,
  shippedOnOf,
  shownDelivery,
  shownSource,
  storedWindow,
} from './shipment-estimate';

const window = (earliest: string, likely: string, latest: string): StoredEstimate => ({
  earliest,
  likely,
  latest,
  madeAt: '2026-12-01T09:00:00.000Z',
  level: 'lane',
  basedOn: 30,
  shippedOn: '2026-11-30',
});

describe('preferredSource: per carrier, the source more accurate lately', () => {
  const record = (ours: [number, number | null], carrier: [number, number | null]) => ({
    ours: { samples: ours[0], mae: ours[1] },
    carrier: { samples: carrier[0], mae: carrier[1] },
  });

  it('prefers ours when its mean absolute error is lower and both have enough deliveries', () => {
    expect(preferredSource(record([20, 0.4], [20, 1.3]))).toBe('estimate');
    expect(preferredSource(record([50, 1.3], [20, 0.4]))).toBe('carrier');
  });

  it('gives a tie to the carrier', () => {
    expect(preferredSource(record([30, 0.8], [30, 0.8]))).toBe('carrier');
  });

  it('has no preference with fewer than the minimum on either side, or no record at all', () => {
    expect(DEFAULT_CHOICE_RULE.minSamples).toBe(20);
    expect(preferredSource(record([19, 0.1], [200, 2]))).toBeNull();
    expect(preferredSource(record([200, 0.1], [19, 2]))).toBeNull();
    expect(preferredSource(record([5, 0.1], [5, 2]), { windowDays: 30, minSamples: 5 })).toBe('estimate');
    expect(preferredSource(undefined)).toBeNull();
  });
});

describe('shownSource: the preference, while its date is still ahead', () => {
  const today = '2026-12-04';
  const ours = window('2026-12-07', '2026-12-08', '2026-12-09');

  it('shows the preferred source when it has a usable date', () => {
    expect(shownSource('estimate', { date: '2026-12-10' }, ours, today)).toBe('estimate');
    expect(shownSource('carrier', { date: '2026-12-10' }, ours, today)).toBe('carrier');
  });

  it('falls back to the other source when the preferred one has none still ahead', () => {
    expect(
      shownSource(
        'estimate',
        { date: '2026-12-10' },
        window('2026-12-01', '2026-12-02', '2026-12-03'),
        today,
      ),
    ).toBe('carrier');
    expect(shownSource('carrier', { date: '2026-12-03' }, ours, today)).toBe('estimate');
    expect(shownSource('carrier', null, ours, today)).toBe('estimate');
  });

  it('without a preference: the carrier ETA when present, ours otherwise, nothing when neither', () => {
    expect(shownSource(null, { date: '2026-12-05' }, ours, today)).toBe('carrier');
    expect(shownSource(null, null, ours, today)).toBe('estimate');
    expect(shownSource(null, null, null, today)).toBeNull();
    expect(shownSource(null, { date: '2026-12-04' }, null, today)).toBe('carrier'); // today is still ahead
  });
});

describe('shownDelivery: what a page or message shows today', () => {
  const shipment = {
    status: 'in_transit' as const,
    eta: { date: '2026-12-10' },
    estimate: window('2026-12-02', '2026-12-03', '2026-12-08'),
    etaSource: 'estimate' as const,
  };

  it('shows a window that began in the past from today', () => {
    expect(shownDelivery(shipment, '2026-12-04')).toEqual({
      source: 'estimate',
      earliest: '2026-12-04',
      likely: '2026-12-04',
      latest: '2026-12-08',
    });
  });

  it("gives the carrier's date once our window has passed", () => {
    expect(shownDelivery(shipment, '2026-12-09')).toEqual({ source: 'carrier', eta: { date: '2026-12-10' } });
  });

  it('shows no expected delivery for a parcel at a pickup point or delivered', () => {
    expect(shownDelivery({ ...shipment, status: 'available_for_pickup' }, '2026-12-04')).toBeNull();
    expect(shownDelivery({ ...shipment, status: 'delivered' }, '2026-12-04')).toBeNull();
  });

  it("never shows our window before the parcel's first scan (the carrier's date only)", () => {
    expect(shownDelivery({ ...shipment, status: 'pre_transit' }, '2026-12-04')).toEqual({
      source: 'carrier',
      eta: { date: '2026-12-10' },
    });
  });
});

describe('shippedOnOf: the day transit counts from', () => {
  const day = (d: Date) => d.toISOString().slice(0, 10);

  it('is the first scan that means the parcel was handed over, never a label printed', () => {
    const scans = [
      { status: 'pre_transit' as const, occurredAt: new Date('2026-11-27T10:00:00Z') },
      { status: 'in_transit' as const, occurredAt: new Date('2026-11-30T18:00:00Z') },
      { status: 'in_transit' as const, occurredAt: new Date('2026-12-01T06:00:00Z') },
    ];
    expect(shippedOnOf(null, scans, day)).toBe('2026-11-30');
  });

  it('keeps the known day, unless a late scan shows an earlier one', () => {
    const later = [{ status: 'in_transit' as const, occurredAt: new Date('2026-12-02T10:00:00Z') }];
    expect(shippedOnOf('2026-11-30', later, day)).toBe('2026-11-30');
    const earlier = [{ status: 'in_transit' as const, occurredAt: new Date('2026-11-29T10:00:00Z') }];
    expect(shippedOnOf('2026-11-30', earlier, day)).toBe('2026-11-29');
    expect(shippedOnOf(null, [{ status: 'pre_transit', occurredAt: new Date() }], day)).toBeNull();
  });
});

describe('storedWindow', () => {
  it('keeps the answer with when it was made and the day transit counts from', () => {
    const made = new Date('2026-12-01T09:00:00Z');
    expect(
      storedWindow(
        {
          status: 'estimated',
          earliest: '2026-12-02',
          likely: '2026-12-03',
          latest: '2026-12-04',
          level: 'lane',
          basedOn: 12,
        },
        '2026-11-30',
        made,
      ),
    ).toEqual({
      earliest: '2026-12-02',
      likely: '2026-12-03',
      latest: '2026-12-04',
      madeAt: '2026-12-01T09:00:00.000Z',
      level: 'lane',
      basedOn: 12,
      shippedOn: '2026-11-30',
    });
    expect(storedWindow({ status: 'cannot_estimate_yet', reason: 'few' }, '2026-11-30', made)).toBeNull();
  });
});

describe('scoreDelivery: first window and first carrier ETA against the delivery day', () => {
  const first = window('2026-12-02', '2026-12-03', '2026-12-04'); // Wed–Fri

  it('counts business days, positive when it arrived later', () => {
    expect(scoreDelivery(first, { date: '2026-12-02' }, '2026-12-07')).toEqual({
      estimateError: 2, // Thursday → Monday
      estimateHit: false,
      carrierEtaError: 3,
    });
    expect(scoreDelivery(first, { date: '2026-12-08' }, '2026-12-03')).toEqual({
      estimateError: 0,
      estimateHit: true,
      carrierEtaError: -3,
    });
  });

  it('counts a Saturday delivery on the next business day, as the model does', () => {
    expect(scoreDelivery(first, null, '2026-12-05')).toEqual({
      estimateError: 2,
      estimateHit: false,
      carrierEtaError: null,
    });
  });

  it('leaves a source without a first date unscored', () => {
    expect(scoreDelivery(null, null, '2026-12-03')).toEqual({
      estimateError: null,
      estimateHit: null,
      carrierEtaError: null,
    });
  });
});
