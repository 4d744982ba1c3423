import * as fs from 'fs';
import * as path from 'path';
import { parseShopifyTopic } from './shopify.mapper';
import { TrackingPayloadError } from './tracking-payload.error';

const FIXTURES = path.resolve(__dirname, '../../test/fixtures/shopify');
const fixture = (name: string): Record<string, any> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

describe('parseShopifyTopic: Shopify REST order (shopify_python_api fixture)', () => {
  const message = parseShopifyTopic('orders/create', fixture('order-rest-python-api.json'), 'wh-1');

  it('reads only what messages and verification need: number without "#", contact, postcode, country, region', () => {
    expect(message.order).toEqual({
      id: '450789469',
      number: '1001',
      cancelled: false,
      customerName: 'Bob Norman',
      email: 'bob.norman@hostmail.com',
      phone: '555-625-1199',
      locale: null,
      postcode: '40202',
      countryCode: 'US',
      provinceCode: 'KY',
      fulfillments: [
        {
          id: '255858046',
          orderId: '450789469',
          company: null,
          trackingNumbers: ['1Z2345'],
          shipmentStatus: null,
          updatedAt: '2014-01-22T15:58:27-05:00',
        },
      ],
    });
  });

  it('makes no scan of a fulfillment without shipment_status', () => {
    expect(message.scans).toEqual([]);
  });

  it('reads orders/cancelled as a cancelled order', () => {
    expect(
      parseShopifyTopic('orders/cancelled', fixture('order-rest-python-api.json')).order?.cancelled,
    ).toBe(true);
  });
});

describe('parseShopifyTopic: fulfillments and fulfillment events', () => {
  it('reads a REST fulfillment (envelope or bare) with its tracking numbers and company', () => {
    const wrapped = parseShopifyTopic('fulfillments/create', fixture('fulfillment-rest-python-api.json'));
    const bare = parseShopifyTopic(
      'fulfillments/update',
      fixture('fulfillment-rest-python-api.json').fulfillment,
    );
    for (const m of [wrapped, bare]) {
      expect(m.fulfillments).toEqual([
        expect.objectContaining({
          id: '255858046',
          orderId: '450789469',
          company: 'null-company',
          trackingNumbers: ['1Z2345'],
        }),
      ]);
    }
  });

  it.each([
    ['label_printed', 'pre_transit', null],
    ['confirmed', 'pre_transit', null],
    ['in_transit', 'in_transit', null],
    ['out_for_delivery', 'out_for_delivery', null],
    ['attempted_delivery', 'attempt_failed', null],
    ['ready_for_pickup', 'available_for_pickup', null],
    ['delivered', 'delivered', null],
    ['failure', 'exception', 'other'],
    ['delayed', 'exception', 'delayed'],
  ])('shipment_status %s becomes a %s scan (%s) with a stable id', (shipmentStatus, status, reason) => {
    const body = {
      ...fixture('fulfillment-rest-python-api.json').fulfillment,
      shipment_status: shipmentStatus,
    };
    const [scan] = parseShopifyTopic('fulfillments/update', body, 'wh-2').scans;
    expect(scan).toMatchObject({
      provider: 'shopify',
      trackingNumber: '1Z2345',
      status,
      reason,
      deliveryId: 'wh-2',
    });
    expect(scan.events[0].providerEventId).toBe(`255858046:${shipmentStatus}`);
    expect(scan.events[0].occurredAt?.toISOString()).toBe('2013-11-01T20:06:08.000Z');
  });

  it('reads picked_up as delivered and collected at the pickup point', () => {
    const body = { ...fixture('fulfillment-rest-python-api.json').fulfillment, shipment_status: 'picked_up' };
    expect(parseShopifyTopic('fulfillments/update', body).scans[0]).toMatchObject({
      status: 'delivered',
      collectedAtPickup: true,
    });
  });

  it('reads a REST fulfillment event', () => {
    const { event } = parseShopifyTopic(
      'fulfillment_events/create',
      fixture('fulfillment-event-rest-python-api.json'),
    );
    expect(event).toEqual({
      id: '12584341209251',
      fulfillmentId: '2608403447971',
      orderId: '2776493818019',
      status: 'label_printed',
      happenedAt: '2021-01-25T16:32:23-05:00',
      location: null,
      message: null,
    });
  });

  it('refuses topics Wismo does not subscribe to, and bodies without ids', () => {
    expect(() => parseShopifyTopic('products/create', {})).toThrow(/not one Wismo subscribes to/);
    expect(() => parseShopifyTopic('orders/create', { name: '#1' })).toThrow(TrackingPayloadError);
  });
});
