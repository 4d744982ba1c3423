import * as fs from 'fs';
import * as path from 'path';
import { parseAfterShipWebhook } from './aftership.mapper';
import { TrackingPayloadError } from './tracking-payload.error';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/tracking');
const fixture = (name: string): Record<string, any> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, 'aftership', name), 'utf8'));

function webhook(msg: Record<string, unknown>, event = 'tracking_update'): Record<string, unknown> {
  return {
    event,
    event_id: 'evt-1',
    msg: {
      tracking_number: 'TN1',
      slug: 'dhl',
      tag: 'InTransit',
      subtag: 'InTransit_001',
      checkpoints: [],
      ...msg,
    },
    ts: 1712741696,
  };
}

function payloadError(fn: () => unknown): TrackingPayloadError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrackingPayloadError);
    return err as TrackingPayloadError;
  }
  throw new Error('expected a TrackingPayloadError');
}

describe('parseAfterShipWebhook: 2026-07 trimmed tracking_update', () => {
  const [update] = parseAfterShipWebhook(fixture('webhook-tracking-update-intransit-trimmed-2026-07.json'));

  it('maps the minimal envelope', () => {
    expect(update).toMatchObject({
      provider: 'aftership',
      deliveryId: '94dadd60-ed26-46d0-aa52-3ced925a50ff',
      carrier: 'usps',
      trackingNumber: '0000000000000000',
      status: 'in_transit',
      reason: null,
      rawStatus: 'InTransit',
      rawSubstatus: 'InTransit_001',
      eta: null,
      originalEta: null,
      etaRevised: false,
      pickup: null,
      deliveredAt: null,
    });
  });

  it('keeps the offset-less checkpoint time raw and reads it as UTC', () => {
    expect(update.events).toEqual([
      {
        status: 'in_transit',
        reason: null,
        description: 'Departed Shipping Partner Facility, USPS Awaiting Item',
        location: null,
        occurredAt: new Date('2021-01-14T00:52:00Z'),
        occurredAtRaw: '2021-01-14T00:52:00',
        providerEventId: null,
        rawStatus: 'InTransit',
        rawSubstatus: 'InTransit_001',
        collectedAtPickup: false,
      },
    ]);
  });
});

describe('parseAfterShipWebhook: FedEx delivered Tracking (GET response, local times)', () => {
  const [update] = parseAfterShipWebhook(fixture('api-tracking-fedex-delivered-no-offsets.json'));

  it('maps the tracking-level status, pickup store and delivery time', () => {
    expect(update).toMatchObject({
      deliveryId: null,
      carrier: 'fedex',
      trackingNumber: '1111111111111',
      status: 'delivered',
      reason: null,
      rawSubstatus: 'Delivered_001',
      collectedAtPickup: false,
      eta: null,
      pickup: { name: 'Flagship Store', address: null, deadline: null },
      deliveredAt: new Date('2018-08-01T17:19:47Z'),
    });
  });

  it('maps all 11 checkpoints, including the mid-journey Exception_001', () => {
    expect(update.events).toHaveLength(11);
    expect(update.events.map((e) => e.status)).toEqual([
      'pre_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'exception',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'out_for_delivery',
      'delivered',
    ]);
    expect(update.events[4]).toMatchObject({
      reason: 'other',
      description: 'Shipment exception - Barcode label unreadable and replaced',
      location: 'KEASBEY, NJ',
      occurredAtRaw: '2018-08-01T04:13:04',
    });
    expect(update.events[10].occurredAt).toEqual(new Date('2018-08-01T17:19:47Z'));
  });

  it('is the same Tracking whether it arrives in a webhook msg or a GET response', () => {
    const tracking = fixture('api-tracking-fedex-delivered-no-offsets.json').data.tracking;
    const [viaWebhook] = parseAfterShipWebhook({ event: 'tracking_update', event_id: 'e', msg: tracking });
    expect({ ...viaWebhook, deliveryId: null }).toEqual(update);
  });

  it('lets the tracking-level Exception_013 outrank a last checkpoint that says delivered', () => {
    const tracking = fixture('api-tracking-fedex-delivered-no-offsets.json').data.tracking;
    const [lost] = parseAfterShipWebhook({
      event: 'tracking_update',
      msg: { ...tracking, tag: 'Exception', subtag: 'Exception_013' },
    });
    expect([lost.status, lost.reason, lost.deliveredAt]).toEqual(['exception', 'lost', null]);
    expect(lost.events[10].status).toBe('delivered');
  });
});

describe('parseAfterShipWebhook: tags and subtags', () => {
  it.each([
    ['Pending', null, 'unknown', null],
    ['InfoReceived', 'InfoReceived_001', 'pre_transit', null],
    ['InTransit', 'InTransit_007', 'in_transit', null],
    ['OutForDelivery', 'OutForDelivery_001', 'out_for_delivery', null],
    ['AvailableForPickup', 'AvailableForPickup_001', 'available_for_pickup', null],
    ['AttemptFail', 'AttemptFail_001', 'attempt_failed', null],
    ['AttemptFail', 'AttemptFail_002', 'attempt_failed', 'recipient_unavailable'],
    ['AttemptFail', 'AttemptFail_003', 'attempt_failed', 'recipient_unavailable'],
    ['Delivered', 'Delivered_001', 'delivered', null],
    ['Expired', 'Expired_001', 'unknown', null],
    ['Exception', 'Exception_001', 'exception', 'other'],
    ['Exception', 'Exception_002', 'exception', 'address_issue'],
    ['Exception', 'Exception_003', 'exception', 'refused'],
    ['Exception', 'Exception_004', 'exception', 'customs'],
    ['Exception', 'Exception_005', 'exception', 'delayed'],
    ['Exception', 'Exception_006', 'exception', 'held'],
    ['Exception', 'Exception_007', 'exception', 'address_issue'],
    ['Exception', 'Exception_008', 'exception', 'recipient_unavailable'],
    ['Exception', 'Exception_009', 'exception', 'other'],
    ['Exception', 'Exception_010', 'returned', null],
    ['Exception', 'Exception_011', 'returned', null],
    ['Exception', 'Exception_012', 'exception', 'damaged'],
    ['Exception', 'Exception_013', 'exception', 'lost'],
    ['Exception', 'Exception_016', 'exception', 'delayed'],
    ['Exception', 'Exception_017', 'exception', 'weather'],
    ['Exception', 'Exception_018', 'exception', 'customs'],
    ['Exception', 'Exception_099', 'exception', 'other'],
    ['Exception', null, 'exception', 'other'],
    // A subtag from another family is ignored: the tag wins.
    ['InTransit', 'Exception_010', 'in_transit', null],
    ['SomethingNew', null, 'unknown', null],
  ])('%s / %s → %s (%s)', (tag, subtag, status, reason) => {
    const [update] = parseAfterShipWebhook(webhook({ tag, subtag }));
    expect([update.status, update.reason]).toEqual([status, reason]);
  });

  it('marks Delivered_002 as collected at the pickup point, on the tracking and the checkpoint', () => {
    const [update] = parseAfterShipWebhook(
      webhook({
        tag: 'Delivered',
        subtag: 'Delivered_002',
        checkpoints: [
          {
            checkpoint_time: '2024-05-03T10:00:00+02:00',
            tag: 'AvailableForPickup',
            subtag: 'AvailableForPickup_001',
            message: 'Ready',
            location: 'Kiosk, Berlin',
          },
          {
            checkpoint_time: '2024-05-04T17:30:00+02:00',
            tag: 'Delivered',
            subtag: 'Delivered_002',
            message: 'Picked up by customer',
          },
        ],
      }),
    );
    expect(update.collectedAtPickup).toBe(true);
    expect(update.events.map((e) => e.collectedAtPickup)).toEqual([false, true]);
    expect(update.deliveredAt).toEqual(new Date('2024-05-04T15:30:00Z'));
  });

  it('describes the pickup point for AvailableForPickup', () => {
    const [update] = parseAfterShipWebhook(
      webhook({
        tag: 'AvailableForPickup',
        subtag: 'AvailableForPickup_001',
        pickup_location: 'Packstation 123',
        checkpoints: [
          {
            checkpoint_time: '2024-05-03T10:00:00',
            tag: 'AvailableForPickup',
            message: 'Ready',
            city: 'Berlin',
            country_iso3: 'DEU',
          },
        ],
      }),
    );
    expect(update.pickup).toEqual({ name: 'Packstation 123', address: 'Berlin, DEU', deadline: null });
  });
});

describe('parseAfterShipWebhook: estimated delivery', () => {
  it('reads expected_delivery as a calendar date', () => {
    expect(parseAfterShipWebhook(webhook({ expected_delivery: '2024-05-07' }))[0].eta).toEqual({
      date: '2024-05-07',
    });
    expect(parseAfterShipWebhook(webhook({ expected_delivery: '2024-05-07T00:00:00Z' }))[0].eta).toEqual({
      date: '2024-05-07',
    });
  });

  it('prefers the latest estimate with its window, and keeps the first estimate as original', () => {
    const [update] = parseAfterShipWebhook(
      webhook(
        {
          expected_delivery: '2024-05-05',
          first_estimated_delivery: { type: 'specific', datetime: '2024-05-05' },
          latest_estimated_delivery: {
            type: 'range',
            datetime_min: '2024-05-07T09:00:00+02:00',
            datetime_max: '2024-05-07T13:00:00+02:00',
          },
        },
        'edd_revise',
      ),
    );
    expect(update.eta).toEqual({
      date: '2024-05-07',
      windowStart: '2024-05-07T07:00:00.000Z',
      windowEnd: '2024-05-07T11:00:00.000Z',
    });
    expect(update.originalEta).toEqual({ date: '2024-05-05' });
    expect(update.etaRevised).toBe(true);
  });

  it('reads a courier estimate given as a date range', () => {
    const [update] = parseAfterShipWebhook(
      webhook({
        courier_estimated_delivery_date: {
          estimated_delivery_date: null,
          estimated_delivery_date_min: '2024-05-06',
          estimated_delivery_date_max: '2024-05-08',
        },
      }),
    );
    expect(update.eta).toEqual({ date: '2024-05-08' });
  });
});

describe('parseAfterShipWebhook: rejects', () => {
  it('non-tracking events as unsupported', () => {
    const err = payloadError(() => parseAfterShipWebhook({ event: 'order_created', msg: {} }));
    expect(err.code).toBe('unsupported_event');
    expect(err.message).toBe('AfterShip event "order_created" is not a tracking event');
  });

  it('missing fields with their path', () => {
    expect(payloadError(() => parseAfterShipWebhook({ event: 'tracking_update' })).message).toBe(
      'body.msg is missing',
    );
    expect(payloadError(() => parseAfterShipWebhook(webhook({ tracking_number: undefined }))).message).toBe(
      'msg.tracking_number is missing',
    );
    expect(payloadError(() => parseAfterShipWebhook(webhook({ tag: 7 }))).message).toBe(
      'msg.tag must be a string, got a number',
    );
    expect(payloadError(() => parseAfterShipWebhook(webhook({ checkpoints: [1] }))).message).toBe(
      'msg.checkpoints[0] must be an object, got a number',
    );
    expect(payloadError(() => parseAfterShipWebhook({ hello: 'world' })).message).toBe(
      'body.event is missing',
    );
    expect(payloadError(() => parseAfterShipWebhook('tracking_update')).code).toBe('malformed_payload');
  });
});
