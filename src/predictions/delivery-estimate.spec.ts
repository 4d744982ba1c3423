import { LANES, seededRandom, draw } from '../../test/support/delivery-history';
import { addBusinessDays, businessDaysBetween } from './business-days';
import { DeliveredShipment, DeliveryEstimator, laneKeys, regionOf } from './delivery-estimate';

const DAY = 86_400_000;
const lane = LANES[1];

function delivered(shippedOn: string, transit: number, facts = lane): DeliveredShipment {
  const deliveredOn = addBusinessDays(shippedOn, transit);
  return { ...facts, shippedOn, deliveredOn, deliveredAtMs: Date.parse(`${deliveredOn}T14:00:00Z`) };
}

/** `count` deliveries of `facts`, shipped on successive weekdays from 2026-06-01 with transits from `weights`. */
function learn(estimator: DeliveryEstimator, count: number, weights: number[], facts = lane, seed = 1): void {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++)
    estimator.add(delivered(addBusinessDays('2026-06-01', i), draw(weights, random), facts));
}

const NOW = Date.parse('2026-11-30T09:00:00Z');

describe('DeliveryEstimator', () => {
  it('answers P10, P50 and P90 of the lane in business days', () => {
    const estimator = new DeliveryEstimator();
    learn(estimator, 400, [0, 0, 0, 20, 50, 25, 5]); // cumulative: 3 → 20%, 4 → 70%, 5 → 95%
    const estimate = estimator.estimate(lane, '2026-11-30', NOW);
    expect(estimate).toMatchObject({ status: 'estimated', level: 'lane_weekday' });
    if (estimate.status !== 'estimated') throw new Error('no estimate');
    expect(businessDaysBetween('2026-11-30', estimate.earliest)).toBe(3);
    expect(businessDaysBetween('2026-11-30', estimate.likely)).toBe(4);
    expect(businessDaysBetween('2026-11-30', estimate.latest)).toBe(5);
  });

  it('says it cannot estimate yet with fewer than ten deliveries, even store-wide', () => {
    const estimator = new DeliveryEstimator();
    learn(estimator, 9, lane.transitWeights);
    expect(estimator.estimate(lane, '2026-11-30', NOW)).toEqual({
      status: 'cannot_estimate_yet',
      reason: 'fewer than 10 past deliveries, even store-wide',
    });
    learn(estimator, 1, lane.transitWeights, lane, 2);
    expect(estimator.estimate(lane, '2026-11-30', NOW).status).toBe('estimated');
  });

  it('falls back one rung at a time: weekday, regions, route, then store-wide', () => {
    const estimator = new DeliveryEstimator();
    // 30 deliveries of the lane, all shipped on Mondays: a Tuesday shipment has no weekday cell.
    for (let week = 0; week < 30; week++)
      estimator.add(delivered(addBusinessDays('2026-06-01', week * 5), 4));
    const at = (facts: typeof lane, shippedOn: string) => {
      const e = estimator.estimate(facts, shippedOn, NOW);
      return e.status === 'estimated' ? e.level : e.status;
    };
    expect(at(lane, '2026-11-30')).toBe('lane_weekday'); // a Monday
    expect(at(lane, '2026-12-01')).toBe('lane');
    expect(at({ ...lane, destinationPostcode: '10001' }, '2026-12-01')).toBe('country_route');
    expect(at({ ...lane, destinationCountry: 'CA', destinationPostcode: 'M5V' }, '2026-12-01')).toBe(
      'carrier_service',
    );
    expect(at({ ...lane, carrier: 'fedex' }, '2026-12-01')).toBe('store');
  });

  it('moves the window later for a parcel still in transit after some days', () => {
    const estimator = new DeliveryEstimator();
    learn(estimator, 400, [0, 40, 30, 15, 10, 5]);
    const day0 = estimator.estimate(lane, '2026-11-30', NOW);
    const day3 = estimator.estimate(lane, '2026-11-30', NOW + 3 * DAY, '2026-12-03');
    if (day0.status !== 'estimated' || day3.status !== 'estimated') throw new Error('no estimate');
    expect(day3.earliest > day0.earliest).toBe(true);
    expect(day3.likely > day0.likely).toBe(true);
    expect(day3.earliest >= '2026-12-03').toBe(true); // never a window that has already passed
  });

  it('says so instead of guessing for a parcel out longer than almost every past one', () => {
    const estimator = new DeliveryEstimator();
    learn(estimator, 50, [0, 50, 50]);
    const late = estimator.estimate(lane, '2026-11-30', NOW + 20 * DAY, '2026-12-28');
    expect(late).toEqual({
      status: 'cannot_estimate_yet',
      reason: 'in transit longer than almost every past parcel',
    });
  });

  it('weighs recent deliveries more than old ones', () => {
    const estimator = new DeliveryEstimator({ halfLifeDays: 14 });
    // Half a year of 5-day parcels, then a month of 2-day ones: the network got faster.
    for (let i = 0; i < 120; i++) estimator.add(delivered(addBusinessDays('2026-05-01', i), 5));
    for (let i = 0; i < 20; i++) estimator.add(delivered(addBusinessDays('2026-11-02', i), 2));
    const estimate = estimator.estimate(lane, '2026-11-30', NOW);
    if (estimate.status !== 'estimated') throw new Error('no estimate');
    expect(businessDaysBetween('2026-11-30', estimate.likely)).toBe(2);
  });

  it("keeps a cell's most recent deliveries when it trims, whatever order they were learnt in", () => {
    // Weighting all but off, so only what the cell kept decides. A cell that keeps 10 trims when it holds 21:
    // 11 slow parcels of last spring (learnt newest first), then 10 fast ones of the autumn (oldest first), all
    // shipped on Mondays. The trim must keep the 10 fast ones.
    const estimator = new DeliveryEstimator({ halfLifeDays: 100_000, maxPerCell: 10 });
    for (let week = 10; week >= 0; week--)
      estimator.add(delivered(addBusinessDays('2026-03-02', week * 5), 8));
    for (let week = 0; week < 10; week++)
      estimator.add(delivered(addBusinessDays('2026-09-07', week * 5), 2));
    const estimate = estimator.estimate(lane, '2026-11-30', NOW);
    if (estimate.status !== 'estimated') throw new Error('no estimate');
    expect(estimate).toMatchObject({ level: 'lane_weekday', basedOn: 10 });
    expect(businessDaysBetween('2026-11-30', estimate.earliest)).toBe(2);
    expect(businessDaysBetween('2026-11-30', estimate.latest)).toBe(2);
  });

  it('never uses a delivery that happened after the moment asked about', () => {
    const estimator = new DeliveryEstimator();
    learn(estimator, 40, [0, 0, 0, 0, 1]);
    expect(estimator.estimate(lane, '2026-06-01', Date.parse('2026-06-01T00:00:00Z')).status).toBe(
      'cannot_estimate_yet',
    );
  });
});

describe('lanes', () => {
  it('groups postcodes into coarse regions by country', () => {
    expect(regionOf('US', '94105-1234')).toBe('US:941');
    expect(regionOf('gb', 'sw1a 1aa')).toBe('GB:SW');
    expect(regionOf('DE', '80331')).toBe('DE:80');
    expect(regionOf('FR', null)).toBe('FR');
    expect(regionOf(null, null)).toBe('??');
  });

  it('keys a shipment at every rung of the ladder', () => {
    expect(laneKeys(lane, '2026-12-01')).toEqual({
      lane_weekday: 'ups|ground|US:100>US:941|1',
      lane: 'ups|ground|US:100>US:941',
      country_route: 'ups|ground|us>us',
      carrier_service: 'ups|ground',
      store: '*',
    });
  });
});
