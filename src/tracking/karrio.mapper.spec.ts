import * as fs from 'fs';
import * as path from 'path';
import { parseKarrioWebhook } from './karrio.mapper';
import { TrackingPayloadError } from './tracking-payload.error';

const FIXTURES = path.resolve(__dirname, '../../test/fixtures/karrio');
const fixture = (name: string): Record<string, any> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
/** karrio's webhook sender posts `dict(event=event, data=data)` (events/task_definitions/base/webhook.py). */
const envelope = (event: string, data: unknown) => ({ event, data });

describe('parseKarrioWebhook: karrio test tracker (UPS, in transit)', () => {
  const [update] = parseKarrioWebhook(
    envelope('tracker.updated', fixture('tracker-ups-in-transit-test-response.json')),
  );

  it('maps the tracker and its event, local date and time kept as given', () => {
    expect(update).toMatchObject({
      provider: 'karrio',
      carrier: 'ups',
      trackingNumber: '1Z12345E6205277936',
      status: 'in_transit',
      rawStatus: 'in_transit',
      eta: null,
    });
    expect(update.events[0]).toMatchObject({
      description: 'UPS INTERNAL ACTIVITY CODE',
      location: 'BONN',
      occurredAtRaw: '2010-08-30T10:39',
      rawSubstatus: 'KB',
    });
    expect(update.events[0].occurredAt?.toISOString()).toBe('2010-08-30T10:39:00.000Z');
  });

  it('accepts the bare tracker too (DHL Express update response)', () => {
    const [bare] = parseKarrioWebhook(fixture('tracker-dhl-express-update-test-response.json'));
    expect(bare).toMatchObject({
      carrier: 'dhl_express',
      trackingNumber: '00340434292135100124',
      status: 'in_transit',
    });
  });
});

describe('parseKarrioWebhook: statuses', () => {
  const tracker = (status: string, extra: Record<string, unknown> = {}) => ({
    object_type: 'tracker',
    carrier_name: 'dhl_parcel_de',
    tracking_number: '00340434161094042557',
    status,
    delivered: status === 'delivered',
    estimated_delivery: '2024-01-22',
    events: [{ date: '2024-01-20', time: '07:16 AM', description: 'Scan', code: 'X', location: 'KOELN' }],
    ...extra,
  });

  it.each([
    ['pending', 'pre_transit', null],
    ['in_transit', 'in_transit', null],
    ['out_for_delivery', 'out_for_delivery', null],
    ['ready_for_pickup', 'available_for_pickup', null],
    ['delivery_failed', 'attempt_failed', null],
    ['delivery_delayed', 'exception', 'delayed'],
    ['on_hold', 'exception', 'held'],
    ['return_to_sender', 'returned', null],
    ['cancelled', 'cancelled', null],
    ['delivered', 'delivered', null],
    ['unknown', 'unknown', null],
  ])('%s → %s (%s)', (status, canonical, reason) => {
    const [update] = parseKarrioWebhook(envelope('tracker.created', tracker(status)));
    expect(update.status).toBe(canonical);
    expect(update.reason).toBe(reason);
    expect(update.eta).toEqual({ date: '2024-01-22' });
  });

  it('reads "07:16 AM" as 07:16 and prefers an ISO timestamp when karrio gives one', () => {
    const [update] = parseKarrioWebhook(
      envelope(
        'tracker.updated',
        tracker('in_transit', {
          events: [
            { date: '2024-01-20', time: '07:16 PM', description: 'a' },
            { date: '2024-01-19', time: '9:05', timestamp: '2024-01-19T09:05:00+01:00', description: 'b' },
          ],
        }),
      ),
    );
    expect(update.events.map((e) => e.occurredAtRaw)).toEqual([
      '2024-01-20T19:16',
      '2024-01-19T09:05:00+01:00',
    ]);
    expect(update.events[1].occurredAt?.toISOString()).toBe('2024-01-19T08:05:00.000Z');
  });

  it('refuses non-tracker events and trackers without a number', () => {
    expect(() => parseKarrioWebhook(envelope('shipment.purchased', {}))).toThrow(/not a tracker event/);
    expect(() => parseKarrioWebhook(envelope('tracker.updated', { status: 'in_transit' }))).toThrow(
      TrackingPayloadError,
    );
  });
});
