import * as fs from 'fs';
import * as path from 'path';
import { parseShippoWebhook } from './shippo.mapper';
import { TrackingPayloadError } from './tracking-payload.error';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/tracking');
const fixture = (name: string): Record<string, any> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, 'shippo', name), 'utf8'));

function track(
  status: Record<string, unknown> | null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    event: 'track_updated',
    test: false,
    data: {
      carrier: 'usps',
      tracking_number: '9205590164917312751089',
      tracking_status: status,
      tracking_history: [],
      ...extra,
    },
  };
}
const status = (s: string, substatus?: string | null, details = 'Update', date = '2024-08-01T10:00:00Z') => ({
  status: s,
  substatus:
    substatus === undefined
      ? undefined
      : substatus === null
        ? null
        : { code: substatus, text: substatus, action_required: false },
  status_details: details,
  status_date: date,
  location: { city: 'Austin', state: 'TX', zip: '78701', country: 'US' },
});

describe('parseShippoWebhook: docs track_updated example (status and substatus disagree)', () => {
  const [update] = parseShippoWebhook(fixture('webhook-track-updated-docs-schema-example.json'));

  it('trusts DELIVERED over the information_received substatus', () => {
    expect(update).toMatchObject({
      provider: 'shippo',
      deliveryId: null,
      carrier: 'usps',
      trackingNumber: '9205590164917312751089',
      status: 'delivered',
      reason: null,
      rawStatus: 'DELIVERED',
      rawSubstatus: 'information_received',
      deliveredAt: new Date('2016-07-23T00:00:00Z'),
      pickup: null,
    });
  });

  it('reads eta and original_eta as calendar dates', () => {
    expect(update.eta).toEqual({ date: '2019-08-24' });
    expect(update.originalEta).toEqual({ date: '2021-07-23' });
  });

  it('maps the one history entry without a provider id', () => {
    expect(update.events).toEqual([
      {
        status: 'delivered',
        reason: null,
        description: 'Your shipment has been delivered at the destination mailbox.',
        location: 'Las Vegas, NV, US',
        occurredAt: new Date('2016-07-23T00:00:00Z'),
        occurredAtRaw: '2016-07-23T00:00:00Z',
        providerEventId: null,
        rawStatus: 'DELIVERED',
        rawSubstatus: 'information_received',
      },
    ]);
  });
});

describe('parseShippoWebhook: USPS 2016 GET response (older API, no substatus)', () => {
  const [update] = parseShippoWebhook(fixture('track-usps-delivered-2016-get.json'));

  it('maps the bare Track object', () => {
    expect(update).toMatchObject({
      carrier: 'usps',
      trackingNumber: '9205590164917337534322',
      status: 'delivered',
      rawStatus: 'DELIVERED',
      rawSubstatus: null,
      deliveredAt: new Date('2016-12-08T15:19:00Z'),
      originalEta: null,
    });
  });

  it('reads the UTC-midnight eta as Dec 8th, not Dec 7th', () => {
    expect(update.eta).toEqual({ date: '2016-12-08' });
  });

  it('maps all 11 history entries and finds "out for delivery" in the text', () => {
    expect(update.events).toHaveLength(11);
    expect(update.events.map((e) => e.status)).toEqual([
      'unknown',
      'unknown',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'out_for_delivery',
      'delivered',
    ]);
    expect(update.events[9]).toMatchObject({
      description: 'Your shipment is out for delivery.',
      location: 'Berkeley, CA, US',
      occurredAt: new Date('2016-12-08T10:29:00Z'),
      rawStatus: 'TRANSIT',
    });
    expect(update.events.every((e) => e.providerEventId === null)).toBe(true);
  });
});

describe('parseShippoWebhook: status table', () => {
  it.each([
    ['PRE_TRANSIT', null, 'pre_transit', null],
    ['TRANSIT', null, 'in_transit', null],
    ['TRANSIT', 'package_departed', 'in_transit', null],
    ['TRANSIT', 'delayed', 'in_transit', null],
    ['TRANSIT', 'out_for_delivery', 'out_for_delivery', null],
    ['TRANSIT', 'pickup_available', 'available_for_pickup', null],
    ['TRANSIT', 'delivery_attempted', 'attempt_failed', null],
    ['TRANSIT', 'notice_left', 'attempt_failed', 'recipient_unavailable'],
    ['TRANSIT', 'address_issue', 'exception', 'address_issue'],
    ['TRANSIT', 'package_held', 'exception', 'held'],
    ['TRANSIT', 'package_damaged', 'exception', 'damaged'],
    ['TRANSIT', 'contact_carrier', 'exception', 'other'],
    ['TRANSIT', 'location_inaccessible', 'exception', 'address_issue'],
    ['DELIVERED', 'information_received', 'delivered', null],
    ['RETURNED', 'return_to_sender', 'returned', null],
    ['RETURNED', 'package_unclaimed', 'returned', null],
    ['FAILURE', 'package_lost', 'exception', 'lost'],
    ['FAILURE', 'package_disposed', 'exception', 'lost'],
    ['FAILURE', 'package_damaged', 'exception', 'damaged'],
    ['FAILURE', 'package_undeliverable', 'exception', 'other'],
    ['FAILURE', null, 'exception', 'other'],
    ['UNKNOWN', null, 'unknown', null],
    ['SOMETHING_NEW', null, 'unknown', null],
  ])('%s + %s → %s (%s)', (raw, substatus, canonical, reason) => {
    const [update] = parseShippoWebhook(track(status(raw, substatus)));
    expect([update.status, update.reason]).toEqual([canonical, reason]);
  });

  it('reads older text-only TRANSIT updates for pickup and failed attempts', () => {
    expect(parseShippoWebhook(track(status('TRANSIT', null, 'Available for Pickup')))[0].status).toBe(
      'available_for_pickup',
    );
    const [attempt] = parseShippoWebhook(
      track(status('TRANSIT', null, 'Notice Left (No Authorized Recipient Available)')),
    );
    expect([attempt.status, attempt.reason]).toEqual(['attempt_failed', 'recipient_unavailable']);
  });

  it('ignores text once a substatus is present', () => {
    expect(
      parseShippoWebhook(track(status('TRANSIT', 'package_arrived', 'Out for delivery tomorrow')))[0].status,
    ).toBe('in_transit');
  });

  it('uses the tracking_status location as the pickup address', () => {
    const [update] = parseShippoWebhook(track(status('TRANSIT', 'pickup_available')));
    expect(update.pickup).toEqual({ name: null, address: 'Austin, TX, US', deadline: null });
  });

  it('treats a null tracking_status as unknown', () => {
    expect(parseShippoWebhook(track(null))[0]).toMatchObject({
      status: 'unknown',
      rawStatus: null,
      events: [],
    });
  });
});

describe('parseShippoWebhook: rejects', () => {
  const fail = (body: unknown): TrackingPayloadError => {
    try {
      parseShippoWebhook(body);
    } catch (err) {
      expect(err).toBeInstanceOf(TrackingPayloadError);
      return err as TrackingPayloadError;
    }
    throw new Error('expected a TrackingPayloadError');
  };

  it('other events as unsupported, broken bodies as malformed with the field named', () => {
    expect(fail({ event: 'transaction_created', data: {} })).toMatchObject({ code: 'unsupported_event' });
    expect(fail({ event: 'track_updated' }).message).toBe('body.data is missing');
    expect(fail({ event: 'track_updated', data: { carrier: 'usps' } }).message).toBe(
      'data.tracking_number is missing',
    );
    expect(fail(track('DELIVERED' as never)).message).toBe(
      'data.tracking_status must be an object, got a string',
    );
    expect(fail(track(null, { tracking_history: {} })).message).toBe(
      'data.tracking_history must be an array, got an object',
    );
    expect(fail(42)).toMatchObject({
      code: 'malformed_payload',
      message: 'body must be an object, got a number',
    });
  });
});
