import * as fs from 'fs';
import * as path from 'path';
import { parseShipEngineWebhook } from './shipengine.mapper';
import { TrackingPayloadError } from './tracking-payload.error';

const FIXTURES = path.resolve(__dirname, '../../test/fixtures/shipengine');
const fixture = (name: string): Record<string, any> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

function webhook(data: Record<string, unknown>) {
  return {
    resource_url: 'https://api.shipengine.com/v1/tracking?carrier_code=fedex&tracking_number=123456789012',
    resource_type: 'API_TRACK',
    data: { tracking_number: '123456789012', events: [], ...data },
  };
}

describe('parseShipEngineWebhook: ShipEngine docs example, USPS "picked up at the post office"', () => {
  const [update] = parseShipEngineWebhook(fixture('webhook-api-track-usps-picked-up-at-post-office.json'));

  it('reads DE at the post office as delivered and collected at a pickup point, carrier from resource_url', () => {
    expect(update).toMatchObject({
      provider: 'shipengine',
      carrier: 'usps',
      trackingNumber: '9361269903502070406152',
      status: 'delivered',
      collectedAtPickup: true,
    });
    expect(update.deliveredAt?.toISOString()).toBe('2019-04-12T17:45:26.734Z');
    expect(update.events[0]).toMatchObject({
      status: 'delivered',
      collectedAtPickup: true,
      location: 'AUSTIN, TX',
    });
  });
});

describe('parseShipEngineWebhook: other published payloads', () => {
  it('maps an IT webhook with its ETA as a calendar date', () => {
    const [update] = parseShipEngineWebhook(fixture('webhook-api-track-ups-in-transit.json'));
    expect(update).toMatchObject({ carrier: 'ups', status: 'in_transit', eta: { date: '2025-10-23' } });
    expect(update.events[0].occurredAt?.toISOString()).toBe('2025-10-22T20:00:00.000Z');
  });

  it('accepts a bare tracking response (ShipEngine SDK mock) where DE outranks the newest out-for-delivery scan', () => {
    const [update] = parseShipEngineWebhook(fixture('tracking-stamps-com-delivered-sdk-mock.json'));
    expect(update).toMatchObject({ status: 'delivered', collectedAtPickup: false, carrier: 'unknown' });
    expect(update.events.map((e) => e.status)).toEqual(['out_for_delivery', 'in_transit']);
  });
});

describe('parseShipEngineWebhook: status codes', () => {
  it.each([
    ['UN', null, null, 'unknown', null],
    ['NY', null, null, 'pre_transit', null],
    ['AC', null, 'Picked up by carrier', 'in_transit', null],
    ['AC', null, 'A shipping label has been prepared for your package', 'pre_transit', null],
    ['IT', 'OUT_FOR_DELIVERY', null, 'out_for_delivery', null],
    ['IT', null, 'Out for delivery today', 'out_for_delivery', null],
    ['IT', 'AWAITING_COLLECTION_FROM_PICKUP_POINT', null, 'available_for_pickup', null],
    ['SP', null, null, 'available_for_pickup', null],
    ['AT', null, 'Delivery attempted - no one home', 'attempt_failed', 'recipient_unavailable'],
    ['EX', null, 'Incorrect address', 'exception', 'address_issue'],
    ['EX', null, 'Returned to sender', 'returned', null],
    ['DE', null, 'Delivered, front door', 'delivered', null],
  ])('%s (%s, "%s") → %s (%s)', (code, detail, text, status, reason) => {
    const [update] = parseShipEngineWebhook(
      webhook({ status_code: code, status_detail_code: detail, carrier_status_description: text }),
    );
    expect(update.status).toBe(status);
    expect(update.reason).toBe(reason);
    expect(update.carrier).toBe('fedex');
  });

  it('refuses other resource types and payloads without a status code', () => {
    expect(() => parseShipEngineWebhook({ resource_type: 'BATCH', resource_url: 'x' })).toThrow(
      /not a tracking event/,
    );
    expect(() => parseShipEngineWebhook(webhook({ status_code: undefined }))).toThrow(TrackingPayloadError);
  });
});
