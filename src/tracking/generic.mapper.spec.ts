import {
  GENERIC_EVENT_EXAMPLE,
  GENERIC_EVENT_SCHEMA,
  GENERIC_MAX_EVENTS,
  parseGenericWebhook,
} from './generic.mapper';
import { TrackingPayloadError } from './tracking-payload.error';
import { CANONICAL_STATUSES } from '../shared/tracking.types';

const event = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  carrier: 'dhl',
  trackingNumber: '1234567890',
  status: 'in_transit',
  occurredAt: '2024-05-01T08:00:00+02:00',
  ...overrides,
});

function issuesOf(body: unknown): string[] {
  try {
    parseGenericWebhook(body);
  } catch (err) {
    expect(err).toBeInstanceOf(TrackingPayloadError);
    expect((err as TrackingPayloadError).code).toBe('malformed_payload');
    return [...(err as TrackingPayloadError).issues];
  }
  throw new Error('expected a TrackingPayloadError');
}

describe('parseGenericWebhook', () => {
  it('accepts the documented example', () => {
    const [update] = parseGenericWebhook(GENERIC_EVENT_EXAMPLE, 'msg_1');
    expect(update).toEqual({
      provider: 'generic',
      deliveryId: 'msg_1',
      carrier: 'ups',
      trackingNumber: '1Z999AA10123456784',
      status: 'available_for_pickup',
      reason: null,
      rawStatus: 'available_for_pickup',
      rawSubstatus: null,
      eta: {
        date: '2024-05-02',
        windowStart: '2024-05-02T08:00:00.000Z',
        windowEnd: '2024-05-02T16:00:00.000Z',
      },
      originalEta: null,
      etaRevised: false,
      pickup: { name: 'Kiosk Müller', address: 'Hauptstraße 1, 10115 Berlin', deadline: '2024-05-09' },
      collectedAtPickup: false,
      deliveredAt: null,
      events: [
        {
          status: 'available_for_pickup',
          reason: null,
          description: 'Arrived at UPS Access Point',
          location: 'Berlin, DE',
          occurredAt: new Date('2024-05-02T12:05:00Z'),
          occurredAtRaw: '2024-05-02T14:05:00+02:00',
          providerEventId: 'scan-000123',
          rawStatus: 'available_for_pickup',
          rawSubstatus: null,
          collectedAtPickup: false,
        },
      ],
    });
  });

  it('documents every canonical status in its schema', () => {
    expect(GENERIC_EVENT_SCHEMA.properties.status.enum).toEqual([...CANONICAL_STATUSES]);
  });

  it('defaults an exception reason to other and keeps a given one', () => {
    expect(parseGenericWebhook(event({ status: 'exception' }))[0].reason).toBe('other');
    expect(parseGenericWebhook(event({ status: 'exception', reason: 'customs' }))[0].reason).toBe('customs');
    expect(parseGenericWebhook(event({ status: 'attempt_failed' }))[0].reason).toBeNull();
  });

  it('groups a batch by shipment; the newest event sets the status whatever the order', () => {
    const updates = parseGenericWebhook({
      events: [
        event({ status: 'delivered', occurredAt: '2024-05-02T15:00:00Z', collectedAtPickup: true }),
        event({ trackingNumber: 'OTHER', status: 'pre_transit' }),
        event({
          status: 'out_for_delivery',
          occurredAt: '2024-05-02T07:00:00Z',
          eta: { date: '2024-05-02' },
        }),
      ],
    });
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatchObject({
      trackingNumber: '1234567890',
      status: 'delivered',
      collectedAtPickup: true,
      deliveredAt: new Date('2024-05-02T15:00:00Z'),
      eta: { date: '2024-05-02' },
    });
    expect(updates[0].events).toHaveLength(2);
    expect(updates[1]).toMatchObject({ trackingNumber: 'OTHER', status: 'pre_transit' });
  });

  it('accepts exactly 100 events and refuses 101', () => {
    const many = (n: number) => ({
      events: Array.from({ length: n }, (_, i) => event({ eventId: `e${i}` })),
    });
    expect(parseGenericWebhook(many(GENERIC_MAX_EVENTS))[0].events).toHaveLength(100);
    expect(issuesOf(many(GENERIC_MAX_EVENTS + 1))).toEqual([
      'events has 101 entries; at most 100 per request',
    ]);
    expect(issuesOf({ events: [] })).toEqual(['events is empty']);
  });

  it('reports every problem with its field path at once', () => {
    const issues = issuesOf({
      events: [
        event(),
        {
          carrier: '',
          tracking_number: 'X',
          status: 'shipped',
          reason: 'lost',
          occurredAt: '2024-05-01T08:00:00',
          eta: { date: '2024-02-30', windowStart: 'soon' },
          pickup: { deadline: 'friday' },
          collectedAtPickup: 'yes',
        },
        'not an event',
      ],
    });
    expect(issues).toEqual([
      'events[1].tracking_number is not a known field',
      'events[1].carrier is empty',
      'events[1].trackingNumber is missing',
      `events[1].status must be one of ${CANONICAL_STATUSES.join(', ')}; got "shipped"`,
      'events[1].occurredAt must be ISO 8601 with an offset or Z (e.g. 2024-05-02T14:05:00+02:00), got "2024-05-01T08:00:00"',
      'events[1].collectedAtPickup must be a boolean, got a string',
      'events[1].eta.date must be a calendar date YYYY-MM-DD, got "2024-02-30"',
      'events[1].eta.windowStart must be ISO 8601 with an offset or Z (e.g. 2024-05-02T14:05:00+02:00), got "soon"',
      'events[1].pickup.deadline must be YYYY-MM-DD or ISO 8601 with an offset, got "friday"',
      'events[2] must be an object, got a string',
    ]);
  });

  it('puts the first problems in the message and counts the rest', () => {
    try {
      parseGenericWebhook({ events: Array.from({ length: 7 }, () => ({})) });
      throw new Error('expected a TrackingPayloadError');
    } catch (err) {
      expect((err as TrackingPayloadError).message).toMatch(
        /^events\[0\]\.carrier is missing; .* \(and \d+ more\)$/,
      );
    }
  });

  it('rejects cross-field contradictions', () => {
    expect(issuesOf(event({ status: 'in_transit', reason: 'lost' }))).toEqual([
      'reason is only allowed with status exception or attempt_failed, not in_transit',
    ]);
    expect(issuesOf(event({ collectedAtPickup: true }))).toEqual([
      'collectedAtPickup is only allowed with status delivered',
    ]);
    expect(
      issuesOf(
        event({
          eta: { date: '2024-05-02', windowStart: '2024-05-02T16:00:00Z', windowEnd: '2024-05-02T08:00:00Z' },
        }),
      ),
    ).toEqual(['eta.windowStart is after windowEnd']);
    expect(issuesOf({ events: [event()], extra: 1 })).toEqual(['extra is not allowed next to events']);
  });

  it('rejects non-objects and over-long strings', () => {
    expect(issuesOf(null)).toEqual(['body must be an object, got null']);
    expect(issuesOf([event()])).toEqual(['body must be an object, got an array']);
    expect(issuesOf(event({ trackingNumber: 'x'.repeat(65) }))).toEqual([
      'trackingNumber is longer than 64 characters',
    ]);
    expect(issuesOf(event({ status: 'toString' }))[0]).toMatch(/^status must be one of/);
  });
});
