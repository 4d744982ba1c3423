import * as fs from 'fs';
import * as path from 'path';
import { parseShip24Webhook } from './ship24.mapper';
import { TrackingPayloadError } from './tracking-payload.error';

const FIXTURES = path.resolve(__dirname, '../../test/fixtures/ship24');
const fixture = (name: string): Record<string, any> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

function tracking(
  tn: string,
  milestone: string,
  statusCode: string | null,
  events: Record<string, unknown>[] = [],
) {
  return {
    tracker: { trackerId: `trk-${tn}`, trackingNumber: tn, courierCode: ['dhl'] },
    shipment: { statusMilestone: milestone, statusCode, delivery: { estimatedDeliveryDate: null } },
    events,
    metadata: { messageId: `msg-${tn}` },
  };
}

describe('parseShip24Webhook: webhook example from Ship24 API reference (S24DEMO, delivered)', () => {
  const updates = parseShip24Webhook(fixture('webhook-trackings-s24demo-delivered-sdk-docs.json'));

  it('maps the tracking with its milestone, message id and courier', () => {
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      provider: 'ship24',
      deliveryId: '356a7f93-3ce5-4b49-b560-156537283df9',
      trackingNumber: 'S24DEMO456393',
      // Ship24's courier code `us-post`, which the registry lists as USPS.
      carrier: 'usps',
      status: 'delivered',
      rawStatus: 'delivered',
      rawSubstatus: 'delivery_delivered',
    });
  });

  it('keeps Ship24 event ids as stable dedupe keys and maps every event milestone', () => {
    expect(updates[0].events).toHaveLength(9);
    expect(updates[0].events[0]).toMatchObject({
      providerEventId: 'ee8ebe96-4eae-4a91-9a99-8f3afa6a0f46',
      status: 'delivered',
      description: 'Delivered to the addressee',
      location: 'SAN RAFAEL, CA 94901',
    });
    expect(updates[0].events[1].status).toBe('out_for_delivery');
    expect(updates[0].events.slice(2).every((e) => e.status === 'in_transit')).toBe(true);
  });

  it('keeps local wall-clock times without an offset as given (never shifted)', () => {
    expect(updates[0].events[0].occurredAtRaw).toBe('2021-03-04T17:12:57');
    expect(updates[0].deliveredAt?.toISOString()).toBe('2021-03-04T17:12:57.000Z');
  });
});

describe('parseShip24Webhook: the tracking example of Ship24 OpenAPI spec', () => {
  const [update] = parseShip24Webhook(fixture('tracking-openapi-example-usps-delivered.json'));

  it('accepts a bare tracking and reads the courier window as calendar dates', () => {
    expect(update).toMatchObject({ trackingNumber: '9400115901047177598206', status: 'delivered' });
    expect(update.eta?.date).toBe('2021-03-04');
    expect(update.events.at(-1)).toMatchObject({ status: 'pre_transit', rawSubstatus: 'data_order_created' });
  });
});

describe('parseShip24Webhook: courier codes', () => {
  const withCourier = (courierCode: unknown) => ({
    trackings: [
      { ...tracking('E5000005', 'in_transit', null), tracker: { trackingNumber: 'E5000005', courierCode } },
    ],
  });

  it.each([
    ['us-post', 'usps'],
    ['dhl', 'dhl'],
    ['fedex', 'fedex'],
    ['nl-post', 'postnl'],
    ['be-post', 'bpost'],
    ['at-post', 'austrian_post'],
    ['ch-post', 'swiss_post'],
    ['se-post', 'postnord'],
    ['no-post', 'bring'],
    ['es-post', 'correos'],
    ['it-post', 'poste_italiane'],
    ['fr-post', 'la_poste'],
    ['ca-post', 'canada_post'],
    ['dpd-de', 'dpd_de'],
    ['dpd-pl', 'dpd_pl'],
  ])('resolves courier code %s to %s', (code, id) => {
    expect(parseShip24Webhook(withCourier([code]))[0].carrier).toBe(id);
  });

  it('keeps a courier code the registry does not list as given, and reads the code from the events', () => {
    expect(parseShip24Webhook(withCourier(['cn-post']))[0].carrier).toBe('cn-post');
    const [update] = parseShip24Webhook({
      trackings: [
        {
          ...tracking('F6000006', 'in_transit', null, [
            {
              eventId: 'e1',
              courierCode: 'nl-post',
              statusMilestone: 'in_transit',
              occurrenceDatetime: null,
            },
          ]),
          tracker: { trackingNumber: 'F6000006' },
        },
      ],
    });
    expect(update.carrier).toBe('postnl');
  });
});

describe('parseShip24Webhook: milestones and codes', () => {
  it('carries several trackings in one webhook', () => {
    const updates = parseShip24Webhook({
      trackings: [
        tracking('A1000001', 'in_transit', null),
        tracking('B2000002', 'out_for_delivery', 'delivery_out_for_delivery'),
      ],
    });
    expect(updates.map((u) => [u.trackingNumber, u.status])).toEqual([
      ['A1000001', 'in_transit'],
      ['B2000002', 'out_for_delivery'],
    ]);
  });

  it.each([
    ['pending', null, 'unknown', null],
    ['info_received', null, 'pre_transit', null],
    ['failed_attempt', 'delivery_failed_attempt', 'attempt_failed', null],
    ['available_for_pickup', null, 'available_for_pickup', null],
    ['exception', null, 'exception', 'other'],
    ['exception', 'exception_return_to_sender', 'returned', null],
    ['exception', 'exception_customs', 'exception', 'customs'],
    ['exception', 'exception_address_incorrect', 'exception', 'address_issue'],
    ['exception', 'exception_damaged', 'exception', 'damaged'],
  ])('milestone %s with statusCode %s → %s (%s)', (milestone, code, status, reason) => {
    const [update] = parseShip24Webhook({ trackings: [tracking('C3000003', milestone, code)] });
    expect(update.status).toBe(status);
    expect(update.reason).toBe(reason);
  });

  it('lets the shipment milestone outrank the newest event', () => {
    const [update] = parseShip24Webhook({
      trackings: [
        tracking('D4000004', 'exception', null, [
          {
            eventId: 'e1',
            status: 'Delivered',
            statusMilestone: 'delivered',
            occurrenceDatetime: '2024-01-02T10:00:00',
          },
        ]),
      ],
    });
    expect(update.status).toBe('exception');
    expect(update.events[0].status).toBe('delivered');
  });

  it('refuses a body without trackings or a tracking without a milestone', () => {
    expect(() => parseShip24Webhook({ hello: 1 })).toThrow(TrackingPayloadError);
    expect(() =>
      parseShip24Webhook({ trackings: [{ tracker: { trackingNumber: 'X1' }, shipment: {} }] }),
    ).toThrow(/statusMilestone is missing/);
  });
});
