import { addBusinessDays } from './business-days';
import { DeliveryEstimator } from './delivery-estimate';
import { estimateAfterScan, type EstimateModel, type ScanFacts } from './delivery-estimates.service';

/** 40 past parcels on one lane, shipped in November 2026: 2, 3 or 4 business days (20 %, 60 %, 20 %, interleaved). */
function model(accuracy: EstimateModel['accuracy'] = new Map()): EstimateModel {
  const estimator = new DeliveryEstimator();
  const transits = Array.from({ length: 40 }, (_, i) => [2, 3, 3, 3, 4][i % 5]);
  transits.forEach((transit, i) => {
    const shippedOn = addBusinessDays('2026-11-02', i % 10);
    const deliveredOn = addBusinessDays(shippedOn, transit);
    estimator.add({
      carrier: 'acme',
      service: 'ground',
      destinationCountry: 'DE',
      destinationPostcode: '80331',
      shippedOn,
      deliveredOn,
      deliveredAtMs: Date.parse(`${deliveredOn}T12:00:00Z`),
    });
  });
  return { estimator, accuracy };
}

const facts = (over: Partial<ScanFacts> = {}): ScanFacts => ({
  carrier: 'acme',
  service: 'ground',
  status: 'in_transit',
  eta: null,
  originalEta: null,
  deliveredAt: null,
  estimate: null,
  firstEstimate: null,
  etaSource: null,
  estimateError: null,
  carrierEtaError: null,
  destination: { country: 'DE', postcode: '80331', timeZone: 'Europe/Berlin' },
  scans: [],
  ...over,
});

const scan = (at: string) => ({ status: 'in_transit' as const, occurredAt: new Date(at) });

describe('estimateAfterScan: the estimate a shipment stores after each scan', () => {
  const monday = new Date('2026-11-30T10:00:00Z');

  it('makes a window at the first scan and keeps it as the first', () => {
    const columns = estimateAfterScan(
      model(),
      facts({ scans: [scan('2026-11-30T09:00:00Z')] }),
      monday,
      'UTC',
    );
    expect(columns.estimate).toMatchObject({
      earliest: '2026-12-02',
      likely: '2026-12-03',
      latest: '2026-12-04',
      shippedOn: '2026-11-30',
      level: 'lane',
      madeAt: monday.toISOString(),
    });
    expect(columns.firstEstimate).toEqual(columns.estimate);
    expect(columns.etaSource).toBe('estimate'); // the carrier gives no date
  });

  it('re-predicts at a later scan, conditional on the time spent, and never touches the first window', () => {
    const first = estimateAfterScan(model(), facts({ scans: [scan('2026-11-30T09:00:00Z')] }), monday, 'UTC');
    const thursday = new Date('2026-12-03T16:00:00Z');
    const later = estimateAfterScan(
      model(),
      facts({
        estimate: first.estimate,
        firstEstimate: first.firstEstimate,
        scans: [scan('2026-12-03T15:00:00Z')],
      }),
      thursday,
      'UTC',
    );
    // Still travelling on day 3: only the parcels that took 3 or 4 days say anything now.
    expect(later.estimate).toMatchObject({
      earliest: '2026-12-03',
      latest: '2026-12-04',
      shippedOn: '2026-11-30',
    });
    expect(later.estimate!.madeAt).toBe(thursday.toISOString());
    expect(later.firstEstimate).toEqual(first.firstEstimate);
  });

  it("shows the carrier's date without evidence either way, ours once it has been more accurate", () => {
    const withEta = facts({ eta: { date: '2026-12-08' }, scans: [scan('2026-11-30T09:00:00Z')] });
    expect(estimateAfterScan(model(), withEta, monday, 'UTC').etaSource).toBe('carrier');
    const oursBetter = new Map([
      ['acme', { ours: { samples: 25, mae: 0.5 }, carrier: { samples: 25, mae: 1.5 } }],
    ]);
    expect(estimateAfterScan(model(oursBetter), withEta, monday, 'UTC').etaSource).toBe('estimate');
    const carrierBetter = new Map([
      ['acme', { ours: { samples: 25, mae: 1 }, carrier: { samples: 25, mae: 0.2 } }],
    ]);
    expect(estimateAfterScan(model(carrierBetter), withEta, monday, 'UTC').etaSource).toBe('carrier');
  });

  it('says nothing new before the model is trained, and keeps what is stored', () => {
    const stored = estimateAfterScan(
      model(),
      facts({ scans: [scan('2026-11-30T09:00:00Z')] }),
      monday,
      'UTC',
    );
    const columns = estimateAfterScan(
      null,
      facts({ ...stored, scans: [scan('2026-12-01T09:00:00Z')] }),
      new Date('2026-12-01T10:00:00Z'),
      'UTC',
    );
    expect(columns.estimate).toEqual(stored.estimate);
    expect(columns.etaSource).toBe('estimate');
  });

  it('scores the first window and the first carrier ETA once, at delivery, in the customer zone', () => {
    const first = estimateAfterScan(model(), facts({ scans: [scan('2026-11-30T09:00:00Z')] }), monday, 'UTC');
    const delivered = facts({
      ...first,
      status: 'delivered',
      originalEta: { date: '2026-12-01' },
      // 23:30 UTC on Thursday is Friday in Berlin.
      deliveredAt: new Date('2026-12-03T23:30:00Z'),
    });
    const columns = estimateAfterScan(model(), delivered, new Date('2026-12-04T08:00:00Z'), 'UTC');
    expect(columns).toMatchObject({ estimateError: 1, estimateHit: true, carrierEtaError: 3 });
    expect(columns.estimate).toEqual(first.estimate);
    const again = estimateAfterScan(
      model(),
      { ...delivered, estimateError: 1, carrierEtaError: 3 },
      new Date(),
      'UTC',
    );
    expect(again.estimateError).toBeUndefined();
  });

  it('makes no window before the parcel was handed over', () => {
    const columns = estimateAfterScan(
      model(),
      facts({
        status: 'pre_transit',
        scans: [{ status: 'pre_transit', occurredAt: new Date('2026-11-30T09:00:00Z') }],
      }),
      monday,
      'UTC',
    );
    expect(columns.estimate).toBeNull();
    expect(columns.firstEstimate).toBeNull();
  });
});
