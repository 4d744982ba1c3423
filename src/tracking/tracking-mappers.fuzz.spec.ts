import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { parseAfterShipWebhook } from './aftership.mapper';
import { parseEasyPostWebhook } from './easypost.mapper';
import { GENERIC_EVENT_EXAMPLE, parseGenericWebhook } from './generic.mapper';
import { applyUpdate, initialShipmentState, isTerminal } from './shipment-state';
import { parseKarrioWebhook } from './karrio.mapper';
import { parseShip24Webhook } from './ship24.mapper';
import { parseShipEngineWebhook } from './shipengine.mapper';
import { parseShippoWebhook } from './shippo.mapper';
import { parseShopifyTopic } from './shopify.mapper';
import { parseTrack17Webhook } from './track17.mapper';
import { TrackingPayloadError } from './tracking-payload.error';
import { CANONICAL_STATUSES, EXCEPTION_REASONS, TrackingUpdate } from '../shared/tracking.types';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/tracking');
const load = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
/** Payloads of the feeds added in issue 21, kept in this repository (test/fixtures/<provider>/SOURCES.md). */
const FEED_FIXTURES = path.resolve(__dirname, '../../test/fixtures');
const loadFeed = (name: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(FEED_FIXTURES, name), 'utf8'));

type Mapper = (body: unknown) => TrackingUpdate[];
const MAPPERS: [string, Mapper, unknown[]][] = [
  [
    'easypost',
    parseEasyPostWebhook,
    [
      load('easypost/event-tracker-updated-fedex-in-transit.json'),
      load('easypost/tracker-usps-pre-transit.json'),
      load('easypost/event-tracker-created-no-result.json'),
    ],
  ],
  [
    'aftership',
    parseAfterShipWebhook,
    [
      load('aftership/webhook-tracking-update-intransit-trimmed-2026-07.json'),
      load('aftership/api-tracking-fedex-delivered-no-offsets.json'),
    ],
  ],
  [
    'shippo',
    parseShippoWebhook,
    [
      load('shippo/webhook-track-updated-docs-schema-example.json'),
      load('shippo/track-usps-delivered-2016-get.json'),
    ],
  ],
  [
    '17track',
    parseTrack17Webhook,
    [
      loadFeed('17track/webhook-tracking-updated-dhl-paket-pickup-docs.json'),
      loadFeed('17track/webhook-tracking-stopped-docs.json'),
      loadFeed('17track/gettrackinfo-exception-returning-correios.json'),
    ],
  ],
  [
    'ship24',
    parseShip24Webhook,
    [
      loadFeed('ship24/webhook-trackings-s24demo-delivered-sdk-docs.json'),
      loadFeed('ship24/tracking-openapi-example-usps-delivered.json'),
    ],
  ],
  [
    'shipengine',
    parseShipEngineWebhook,
    [
      loadFeed('shipengine/webhook-api-track-usps-picked-up-at-post-office.json'),
      loadFeed('shipengine/webhook-api-track-ups-in-transit.json'),
      loadFeed('shipengine/tracking-stamps-com-delivered-sdk-mock.json'),
    ],
  ],
  [
    'karrio',
    parseKarrioWebhook,
    [
      { event: 'tracker.updated', data: loadFeed('karrio/tracker-ups-in-transit-test-response.json') },
      loadFeed('karrio/tracker-dhl-express-update-test-response.json'),
    ],
  ],
  [
    'shopify fulfillment',
    (body) => parseShopifyTopic('fulfillments/update', body).scans,
    [loadFeed('shopify/fulfillment-rest-python-api.json'), loadFeed('shopify/order-rest-python-api.json')],
  ],
  [
    'generic',
    (body) => parseGenericWebhook(body),
    [GENERIC_EVENT_EXAMPLE, { events: [GENERIC_EVENT_EXAMPLE, GENERIC_EVENT_EXAMPLE] }],
  ],
];

/** Runs the mapper; anything thrown other than TrackingPayloadError fails the property, and output must be well-formed. */
function mapsOrRejectsCleanly(mapper: Mapper, body: unknown): void {
  let updates: TrackingUpdate[];
  try {
    updates = mapper(body);
  } catch (err) {
    if (!(err instanceof TrackingPayloadError)) throw err;
    expect(['malformed_payload', 'unsupported_event']).toContain(err.code);
    expect(err.message.length).toBeGreaterThan(0);
    return;
  }
  expect(Array.isArray(updates)).toBe(true);
  for (const u of updates) {
    expect(CANONICAL_STATUSES).toContain(u.status);
    if (u.reason !== null) expect(EXCEPTION_REASONS).toContain(u.reason);
    expect(typeof u.trackingNumber).toBe('string');
    expect(u.trackingNumber.length).toBeGreaterThan(0);
    if (u.eta) expect(u.eta.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const ev of u.events) {
      expect(CANONICAL_STATUSES).toContain(ev.status);
      expect(typeof ev.description).toBe('string');
      if (ev.occurredAt) expect(Number.isNaN(ev.occurredAt.getTime())).toBe(false);
    }
    // The reducer must digest anything a mapper produced.
    applyUpdate(initialShipmentState('2024-01-01'), u, u.events, { now: new Date('2024-06-01T00:00:00Z') });
  }
}

type PathSegment = string | number;
function allPaths(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  const out: PathSegment[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...allPaths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...allPaths(v, [...prefix, k]));
  }
  return out;
}

const DELETE = Symbol('delete');
function mutate(root: unknown, at: PathSegment[], replacement: unknown): unknown {
  if (at.length === 0) return replacement === DELETE ? undefined : replacement;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  const [head, ...rest] = at;
  if (rest.length === 0 && replacement === DELETE) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else {
    copy[head] = mutate(copy[head], rest, replacement);
  }
  return copy;
}

/** Values that break naive code: wrong types, prototype-ish keys, impossible dates, huge numbers. */
const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    DELETE,
    null,
    '',
    'constructor',
    '__proto__',
    'toString',
    '2024-02-30T00:00:00Z',
    '2875-08-05T00:00:00Z',
    'NaN',
    Number.MAX_SAFE_INTEGER,
    -0,
    [],
    {},
    [null],
    { toString: 'x', valueOf: 1 },
    'Exception_013',
    'tracker.updated',
    'Tracker',
    'Event',
    'track_updated',
    'tracking_update',
    'TRACKING_UPDATED',
    'Exception_Returning',
    'API_TRACK',
    'DE',
    'tracker.updated',
    'delivered',
    'in_transit',
  ),
);

describe.each(MAPPERS)('%s mapper under hostile input', (_name, mapper, seeds) => {
  it('only ever throws TrackingPayloadError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => mapsOrRejectsCleanly(mapper, body)),
      { numRuns: 300 },
    );
  });

  it('only ever throws TrackingPayloadError on arbitrary JS values, including non-JSON ones', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withBigInt: true }), (body) =>
        mapsOrRejectsCleanly(mapper, body),
      ),
      { numRuns: 200 },
    );
  });

  it('only ever throws TrackingPayloadError on real payloads with fields replaced or removed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), hostile), { minLength: 1, maxLength: 4 }),
        (seed, edits) => {
          let body: unknown = seed;
          for (const [pick, replacement] of edits) {
            const paths = allPaths(body);
            body = mutate(body, paths[pick % paths.length], replacement);
          }
          mapsOrRejectsCleanly(mapper, body);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('applyUpdate under arbitrary update sequences', () => {
  const statusArb = fc.constantFrom(...CANONICAL_STATUSES);
  const updateArb = fc.record({
    status: statusArb,
    at: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
    eta: fc.option(fc.integer({ min: -400, max: 800 }), { nil: null }),
  });
  const base = new Date('2024-08-01T00:00:00Z').getTime();
  const toUpdate = (u: {
    status: (typeof CANONICAL_STATUSES)[number];
    at: number | null;
    eta: number | null;
  }): TrackingUpdate => ({
    provider: 'generic',
    deliveryId: null,
    carrier: 'x',
    trackingNumber: '1',
    status: u.status,
    reason: null,
    rawStatus: u.status,
    rawSubstatus: null,
    eta: u.eta === null ? null : { date: new Date(base + u.eta * 86_400_000).toISOString().slice(0, 10) },
    originalEta: null,
    etaRevised: false,
    pickup: null,
    collectedAtPickup: false,
    deliveredAt: null,
    events:
      u.at === null
        ? []
        : [
            {
              status: u.status,
              reason: null,
              description: '',
              location: null,
              occurredAt: new Date(base + u.at * 3_600_000),
              occurredAtRaw: null,
              providerEventId: null,
              rawStatus: null,
              rawSubstatus: null,
            },
          ],
  });

  it('never leaves returned or cancelled, leaves delivered only for returned/exception, and never moves lastEventAt back', () => {
    fc.assert(
      fc.property(fc.array(updateArb, { maxLength: 25 }), (sequence) => {
        let state = initialShipmentState('2024-08-05');
        for (const raw of sequence) {
          const u = toUpdate(raw);
          const { next, changes } = applyUpdate(state, u, u.events, {
            now: new Date(base),
            shippedAt: new Date(base),
          });
          if (state.status === 'returned' || state.status === 'cancelled')
            expect(next.status).toBe(state.status);
          if (state.status === 'delivered')
            expect(['delivered', 'returned', 'exception']).toContain(next.status);
          if (state.lastEventAt)
            expect(next.lastEventAt!.getTime()).toBeGreaterThanOrEqual(state.lastEventAt.getTime());
          if (isTerminal(next.status)) expect(changes.filter((c) => c.kind !== 'status_changed')).toEqual([]);
          state = next;
        }
      }),
      { numRuns: 500 },
    );
  });
});
