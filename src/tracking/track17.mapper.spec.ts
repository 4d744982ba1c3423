import * as fs from 'fs';
import * as path from 'path';
import { parseTrack17Webhook } from './track17.mapper';
import { TrackingPayloadError } from './tracking-payload.error';

const FIXTURES = path.resolve(__dirname, '../../test/fixtures/17track');
const fixture = (name: string): Record<string, any> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

/** A TRACKING_UPDATED push shaped like 17TRACK's, for cases the published examples do not cover. */
function push(latest: { status: string; sub_status: string }, events: Record<string, unknown>[] = []) {
  return {
    event: 'TRACKING_UPDATED',
    data: {
      number: 'RR123456789CN',
      carrier: 3011,
      track_info: {
        latest_status: { ...latest, sub_status_descr: null },
        time_metrics: { estimated_delivery_date: { source: 'Official', from: null, to: null } },
        tracking: { providers: [{ provider: { key: 3011, name: 'China Post' }, events }] },
      },
    },
  };
}
const event = (stage: string | null, sub: string | null, time: string, description = 'scan') => ({
  time_iso: time,
  time_utc: null,
  description,
  location: 'BEIJING',
  stage,
  sub_status: sub,
});

describe('parseTrack17Webhook: 17TRACK docs example (DHL Paket, TRACKING_UPDATED)', () => {
  const [update] = parseTrack17Webhook(fixture('webhook-tracking-updated-dhl-paket-pickup-docs.json'));

  it('lets latest_status (Exception_Other) outrank the newest event, whose stage is AvailableForPickup', () => {
    expect(update).toMatchObject({
      provider: '17track',
      trackingNumber: '1234567890',
      // 17TRACK's carrier key 7041, which the registry lists as DHL Paket.
      carrier: 'dhl_paket',
      status: 'exception',
      reason: 'other',
      rawStatus: 'Exception',
      rawSubstatus: 'Exception_Other',
      eta: null,
    });
    expect(update.events).toHaveLength(1);
    expect(update.events[0]).toMatchObject({
      status: 'available_for_pickup',
      location: 'Germany',
      providerEventId: null,
    });
  });

  it('reads the event time with its own offset (08:47+01:00 is 07:47 UTC) and keeps the original string', () => {
    expect(update.events[0].occurredAt?.toISOString()).toBe('2022-09-14T07:47:00.000Z');
    expect(update.events[0].occurredAtRaw).toBe('2022-09-14T08:47:00+01:00');
  });
});

describe('parseTrack17Webhook: other published payloads', () => {
  it('accepts TRACKING_STOPPED and records nothing (the last status stays true)', () => {
    expect(parseTrack17Webhook(fixture('webhook-tracking-stopped-docs.json'))).toEqual([]);
  });

  it('maps Exception_Returning to returned, from a gettrackinfo response', () => {
    const updates = parseTrack17Webhook(fixture('gettrackinfo-exception-returning-correios.json'));
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      trackingNumber: 'AA555666777BR',
      carrier: 'Correios',
      status: 'returned',
    });
    expect(updates[0].events[0].status).toBe('returned');
  });
});

describe('parseTrack17Webhook: carrier codes', () => {
  /** A push naming 17TRACK's carrier key on the number and, when given, on the provider. */
  function withCarrier(code: number, provider?: { key: number; name: string }) {
    const body = push({ status: 'InTransit', sub_status: 'InTransit_Other' });
    body.data.carrier = code;
    body.data.track_info.tracking.providers = provider ? [{ provider, events: [] }] : [];
    return body;
  }

  it.each([
    [100002, 'ups'],
    [100003, 'fedex'],
    [21051, 'usps'],
    [100001, 'dhl_express'],
    [7041, 'dhl_paket'],
    [100005, 'gls'],
    [100007, 'dpd_de'],
    [100031, 'hermes_de'],
  ])('resolves carrier key %s to %s, with or without a provider name', (code, id) => {
    expect(parseTrack17Webhook(withCarrier(code))[0].carrier).toBe(id);
    expect(
      parseTrack17Webhook(withCarrier(code, { key: code, name: 'Whatever 17TRACK calls it' }))[0].carrier,
    ).toBe(id);
  });

  it("prefers the provider's key (the carrier 17TRACK actually found) to the registered one", () => {
    const [update] = parseTrack17Webhook(withCarrier(100001, { key: 7041, name: 'DHL Paket' }));
    expect(update.carrier).toBe('dhl_paket');
  });

  it('keeps the name 17TRACK gives for a key the registry does not list, else the bare key', () => {
    expect(parseTrack17Webhook(withCarrier(3011, { key: 3011, name: 'China Post' }))[0].carrier).toBe(
      'China Post',
    );
    expect(parseTrack17Webhook(withCarrier(999999))[0].carrier).toBe('17track-999999');
  });
});

describe('parseTrack17Webhook: statuses and reasons', () => {
  it.each([
    ['InfoReceived', 'InfoReceived', 'pre_transit', null],
    ['InTransit', 'InTransit_PickedUp', 'in_transit', null],
    ['InTransit', 'InTransit_CustomsRequiringInformation', 'exception', 'customs'],
    ['OutForDelivery', 'OutForDelivery_Other', 'out_for_delivery', null],
    ['AvailableForPickup', 'AvailableForPickup_Other', 'available_for_pickup', null],
    ['DeliveryFailure', 'DeliveryFailure_NoBody', 'attempt_failed', 'recipient_unavailable'],
    ['DeliveryFailure', 'DeliveryFailure_Rejected', 'exception', 'refused'],
    ['DeliveryFailure', 'DeliveryFailure_InvalidAddress', 'exception', 'address_issue'],
    ['DeliveryFailure', 'DeliveryFailure_Security', 'exception', 'held'],
    ['Delivered', 'Delivered_Other', 'delivered', null],
    ['Exception', 'Exception_Returned', 'returned', null],
    ['Exception', 'Exception_Damage', 'exception', 'damaged'],
    ['Exception', 'Exception_Lost', 'exception', 'lost'],
    ['Exception', 'Exception_Delayed', 'exception', 'delayed'],
    ['Exception', 'Exception_Cancel', 'cancelled', null],
    ['Expired', 'Expired_Other', 'unknown', null],
    ['NotFound', 'NotFound_Other', 'unknown', null],
  ])('%s / %s → %s (%s)', (status, sub, canonical, reason) => {
    const [update] = parseTrack17Webhook(push({ status, sub_status: sub }));
    expect(update.status).toBe(canonical);
    expect(update.reason).toBe(reason);
  });

  it('ignores a sub-status from another main status (the main status wins)', () => {
    const [update] = parseTrack17Webhook(push({ status: 'Delivered', sub_status: 'Exception_Lost' }));
    expect(update).toMatchObject({ status: 'delivered', reason: null });
  });

  it('maps each milestone stage of the events', () => {
    const stages = [
      'InfoReceived',
      'PickedUp',
      'Departure',
      'Arrival',
      'AvailableForPickup',
      'OutForDelivery',
      'Delivered',
      'Returning',
      'Returned',
    ];
    const [update] = parseTrack17Webhook(
      push(
        { status: 'InTransit', sub_status: 'InTransit_Other' },
        stages.map((s, i) => event(s, null, `2024-03-0${1 + (i % 9)}T10:00:00+08:00`)),
      ),
    );
    expect(update.events.map((e) => e.status)).toEqual([
      'pre_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'available_for_pickup',
      'out_for_delivery',
      'delivered',
      'returned',
      'returned',
    ]);
  });

  it('reads the ETA window as calendar dates, ending on the "to" day', () => {
    const body = push({ status: 'InTransit', sub_status: 'InTransit_Other' });
    body.data.track_info.time_metrics.estimated_delivery_date = {
      source: 'Official',
      from: '2022-05-01T08:00:00-04:00',
      to: '2022-05-03T20:00:00-04:00',
    } as never;
    const [update] = parseTrack17Webhook(body);
    expect(update.eta?.date).toBe('2022-05-03');
  });

  it('refuses a push without a tracking number, and other events, with a TrackingPayloadError', () => {
    expect(() => parseTrack17Webhook({ event: 'TRACKING_UPDATED', data: { carrier: 3011 } })).toThrow(
      TrackingPayloadError,
    );
    expect(() => parseTrack17Webhook({ event: 'SOMETHING_NEW', data: { number: 'X' } })).toThrow(
      /not a tracking push/,
    );
  });
});
