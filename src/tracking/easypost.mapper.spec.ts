import * as fs from 'fs';
import * as path from 'path';
import { parseEasyPostWebhook } from './easypost.mapper';
import { TrackingPayloadError } from './tracking-payload.error';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/tracking');
const fixture = (name: string): Record<string, any> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, 'easypost', name), 'utf8'));

/** A Tracker shaped like EasyPost's, for cases the published fixtures do not cover. */
function tracker(
  overrides: Record<string, unknown> = {},
  details: Record<string, unknown>[] = [],
): Record<string, unknown> {
  return {
    object: 'Tracker',
    id: 'trk_x',
    tracking_code: '9400100000000000000000',
    carrier: 'USPS',
    status: 'in_transit',
    status_detail: 'in_transit',
    est_delivery_date: null,
    tracking_details: details,
    ...overrides,
  };
}
const detail = (status: string, status_detail: string, message: string, datetime: string) => ({
  object: 'TrackingDetail',
  status,
  status_detail,
  message,
  datetime,
  tracking_location: { city: 'AUSTIN', state: 'TX', country: 'US', zip: '78701' },
});

function expectPayloadError(fn: () => unknown, code: string, message: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(TrackingPayloadError);
  expect((thrown as TrackingPayloadError).code).toBe(code);
  expect((thrown as TrackingPayloadError).message).toMatch(message);
}

describe('parseEasyPostWebhook: tracker.updated FedEx in transit (signed fixture)', () => {
  const [update] = parseEasyPostWebhook(fixture('event-tracker-updated-fedex-in-transit.json'));

  it('maps the envelope and tracker', () => {
    expect(update).toMatchObject({
      provider: 'easypost',
      deliveryId: 'evt_1',
      carrier: 'FedEx',
      trackingNumber: '1',
      status: 'in_transit',
      reason: null,
      rawStatus: 'in_transit',
      rawSubstatus: 'arrived_at_facility',
      originalEta: null,
      etaRevised: false,
      pickup: null,
      collectedAtPickup: false,
      deliveredAt: null,
    });
  });

  it('takes the ETA from est_delivery_date_local, not the UTC-midnight est_delivery_date shifted', () => {
    expect(update.eta).toEqual({ date: '2024-08-05' });
  });

  it('maps all 7 scans in order with times, locations and statuses', () => {
    expect(update.events).toHaveLength(7);
    expect(update.events.map((e) => e.status)).toEqual([
      'pre_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
    ]);
    expect(update.events[0]).toEqual({
      status: 'pre_transit',
      reason: null,
      description: 'Shipment information sent to FedEx',
      location: 'US',
      occurredAt: new Date('2024-07-31T15:00:00Z'),
      occurredAtRaw: '2024-07-31T15:00:00Z',
      providerEventId: null,
      rawStatus: 'pre_transit',
      rawSubstatus: 'label_created',
    });
    expect(update.events[6]).toMatchObject({
      description: 'Arrived at FedEx location',
      location: 'EDISON, NJ, US',
      occurredAt: new Date('2024-08-02T18:50:00Z'),
    });
  });

  it('falls back to est_delivery_date as a calendar date when no local date is given', () => {
    const body = fixture('event-tracker-updated-fedex-in-transit.json');
    body.result.carrier_detail.est_delivery_date_local = null;
    expect(parseEasyPostWebhook(body)[0].eta).toEqual({ date: '2024-08-05' });
  });
});

describe('parseEasyPostWebhook: bare USPS Tracker in pre_transit', () => {
  const [update] = parseEasyPostWebhook(fixture('tracker-usps-pre-transit.json'));

  it('accepts a Tracker object without an Event envelope', () => {
    expect(update).toMatchObject({
      deliveryId: null,
      carrier: 'USPS',
      trackingNumber: 'EZ1000000001',
      status: 'pre_transit',
      rawSubstatus: 'status_update',
      eta: { date: '2025-05-09' },
    });
    expect(update.events).toHaveLength(2);
    expect(update.events.map((e) => [e.description, e.location, e.occurredAt?.toISOString()])).toEqual([
      ['Pre-Shipment Info Sent to USPS', null, '2025-04-09T20:40:17.000Z'],
      ['Shipping Label Created', 'HOUSTON, TX', '2025-04-10T09:17:17.000Z'],
    ]);
  });
});

describe('parseEasyPostWebhook: envelopes it cannot use', () => {
  it('rejects tracker.created with no result cleanly as unsupported_event', () => {
    expectPayloadError(
      () => parseEasyPostWebhook(fixture('event-tracker-created-no-result.json')),
      'unsupported_event',
      /evt_ad2365c22d1511f0b5364ffbb3e7a1f1 "tracker.created" has no result/,
    );
  });

  it('rejects non-tracker events and non-tracker results as unsupported', () => {
    expectPayloadError(
      () => parseEasyPostWebhook({ object: 'Event', description: 'batch.created', result: {} }),
      'unsupported_event',
      /"batch.created" is not a tracker event/,
    );
    expectPayloadError(
      () =>
        parseEasyPostWebhook({
          object: 'Event',
          description: 'tracker.updated',
          result: { object: 'Shipment' },
        }),
      'unsupported_event',
      /carries "Shipment", not a Tracker/,
    );
    expectPayloadError(() => parseEasyPostWebhook({ object: 'Refund' }), 'unsupported_event', /"Refund"/);
  });

  it('names the missing or mistyped field', () => {
    expectPayloadError(() => parseEasyPostWebhook(null), 'malformed_payload', /^body is missing$/);
    expectPayloadError(
      () => parseEasyPostWebhook([]),
      'malformed_payload',
      /body must be an object, got an array/,
    );
    expectPayloadError(() => parseEasyPostWebhook({}), 'malformed_payload', /body.object is missing/);
    expectPayloadError(
      () => parseEasyPostWebhook(tracker({ tracking_code: undefined })),
      'malformed_payload',
      /body.tracking_code is missing/,
    );
    expectPayloadError(
      () =>
        parseEasyPostWebhook({
          object: 'Event',
          description: 'tracker.updated',
          result: tracker({ carrier: 42 }),
        }),
      'malformed_payload',
      /body.result.carrier must be a string, got a number/,
    );
    expectPayloadError(
      () => parseEasyPostWebhook(tracker({ tracking_details: [null] })),
      'malformed_payload',
      /body.tracking_details\[0\] is missing/,
    );
    expectPayloadError(
      () => parseEasyPostWebhook(tracker({ tracking_details: 'none' })),
      'malformed_payload',
      /body.tracking_details must be an array/,
    );
  });
});

describe('parseEasyPostWebhook: status table (DOMAIN.md §1)', () => {
  it.each([
    ['pre_transit', 'pre_transit'],
    ['in_transit', 'in_transit'],
    ['out_for_delivery', 'out_for_delivery'],
    ['available_for_pickup', 'available_for_pickup'],
    ['delivered', 'delivered'],
    ['return_to_sender', 'returned'],
    ['cancelled', 'cancelled'],
    ['unknown', 'unknown'],
    ['error', 'unknown'],
    ['something_new', 'unknown'],
  ])('%s → %s', (raw, canonical) => {
    expect(parseEasyPostWebhook(tracker({ status: raw, status_detail: null }))[0].status).toBe(canonical);
  });

  it.each([
    ['damaged', 'damaged'],
    ['lost', 'lost'],
    ['refused', 'refused'],
    ['weather_delay', 'weather'],
    ['delivery_exception', 'other'],
    ['address_correction', 'address_issue'],
    ['held', 'held'],
    [null, 'other'],
  ])('failure + %s → exception/%s', (statusDetail, reason) => {
    const [update] = parseEasyPostWebhook(tracker({ status: 'failure', status_detail: statusDetail }));
    expect([update.status, update.reason]).toEqual(['exception', reason]);
  });

  it('reads an exception reason from the message when the detail is generic', () => {
    const [update] = parseEasyPostWebhook(
      tracker({ status: 'failure', status_detail: 'unknown' }, [
        detail('failure', 'unknown', 'Package held at customs awaiting clearance', '2024-08-01T10:00:00Z'),
      ]),
    );
    expect([update.status, update.reason]).toEqual(['exception', 'customs']);
    expect(update.events[0].reason).toBe('customs');
  });

  it('derives attempt_failed only from the scan message, since EasyPost has no such status', () => {
    const [update] = parseEasyPostWebhook(
      tracker({ status: 'out_for_delivery', status_detail: 'out_for_delivery' }, [
        detail('out_for_delivery', 'out_for_delivery', 'Out for Delivery', '2024-08-01T08:00:00Z'),
        detail(
          'out_for_delivery',
          'unknown',
          'Notice Left (No Authorized Recipient Available)',
          '2024-08-01T15:00:00Z',
        ),
      ]),
    );
    expect([update.status, update.reason]).toEqual(['attempt_failed', 'recipient_unavailable']);
    expect(update.events.map((e) => e.status)).toEqual(['out_for_delivery', 'attempt_failed']);
  });

  it('does not read "attempt" into a delivered scan or a plain pick-up scan', () => {
    const [update] = parseEasyPostWebhook(
      tracker({ status: 'delivered', status_detail: 'arrived_at_destination' }, [
        detail('in_transit', 'arrived_at_facility', 'Picked up', '2024-08-01T08:00:00Z'),
        detail(
          'delivered',
          'arrived_at_destination',
          'Delivered after first delivery attempt',
          '2024-08-02T15:00:00Z',
        ),
      ]),
    );
    expect(update.status).toBe('delivered');
    expect(update.events.map((e) => e.status)).toEqual(['in_transit', 'delivered']);
    expect(update.deliveredAt).toEqual(new Date('2024-08-02T15:00:00Z'));
  });

  it('records the pickup point for available_for_pickup', () => {
    const [update] = parseEasyPostWebhook(
      tracker({ status: 'available_for_pickup', status_detail: 'arrived_at_pickup_location' }, [
        detail(
          'available_for_pickup',
          'arrived_at_pickup_location',
          'Available for Pickup',
          '2024-08-01T08:00:00Z',
        ),
      ]),
    );
    expect(update.pickup).toEqual({ name: null, address: 'AUSTIN, TX, US', deadline: null });
  });

  it('keeps an absurd ETA for the reducer to judge, but never shifts it', () => {
    const [update] = parseEasyPostWebhook(tracker({ est_delivery_date: '2875-08-05T00:00:00Z' }));
    expect(update.eta).toEqual({ date: '2875-08-05' });
  });
});
