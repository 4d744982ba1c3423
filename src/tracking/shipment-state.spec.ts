import * as fs from 'fs';
import * as path from 'path';
import { parseAfterShipWebhook } from './aftership.mapper';
import { eventDedupeKey } from './content-hash';
import { parseEasyPostWebhook } from './easypost.mapper';
import { applyUpdate, detectNoScanDelay, initialShipmentState, ShipmentState } from './shipment-state';
import { parseShippoWebhook } from './shippo.mapper';
import type { ShipmentDomainEvent, TrackingEventInput, TrackingUpdate } from '../shared/tracking.types';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/tracking');
const load = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

const FIXTURE_UPDATES: [string, () => TrackingUpdate][] = [
  [
    'easypost/event-tracker-updated-fedex-in-transit.json',
    () => parseEasyPostWebhook(load('easypost/event-tracker-updated-fedex-in-transit.json'))[0],
  ],
  [
    'easypost/tracker-usps-pre-transit.json',
    () => parseEasyPostWebhook(load('easypost/tracker-usps-pre-transit.json'))[0],
  ],
  [
    'aftership/webhook-tracking-update-intransit-trimmed-2026-07.json',
    () => parseAfterShipWebhook(load('aftership/webhook-tracking-update-intransit-trimmed-2026-07.json'))[0],
  ],
  [
    'aftership/api-tracking-fedex-delivered-no-offsets.json',
    () => parseAfterShipWebhook(load('aftership/api-tracking-fedex-delivered-no-offsets.json'))[0],
  ],
  [
    'shippo/webhook-track-updated-docs-schema-example.json',
    () => parseShippoWebhook(load('shippo/webhook-track-updated-docs-schema-example.json'))[0],
  ],
  [
    'shippo/track-usps-delivered-2016-get.json',
    () => parseShippoWebhook(load('shippo/track-usps-delivered-2016-get.json'))[0],
  ],
];

/** The smallest store that behaves like the real one: dedupe keys seen so far plus the reduced state. */
class InMemoryShipment {
  private readonly seen = new Set<string>();
  state: ShipmentState = initialShipmentState();
  readonly changes: ShipmentDomainEvent[] = [];

  constructor(private readonly now: Date) {}

  ingest(update: TrackingUpdate): void {
    const fresh = update.events.filter((ev) => {
      const key = eventDedupeKey(update.trackingNumber, ev);
      if (this.seen.has(key)) return false;
      this.seen.add(key);
      return true;
    });
    const result = applyUpdate(this.state, update, fresh, { now: this.now });
    this.state = result.next;
    this.changes.push(...result.changes);
  }
}

/** Deterministic shuffle (mulberry32) so a failure names its seed. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** One webhook per scan, as providers that push scan by scan do. */
function perScan(update: TrackingUpdate): TrackingUpdate[] {
  return update.events.map((ev) => ({
    ...update,
    status: ev.status,
    reason: ev.reason,
    rawStatus: ev.rawStatus,
    rawSubstatus: ev.rawSubstatus,
    collectedAtPickup: ev.collectedAtPickup === true,
    deliveredAt: ev.status === 'delivered' ? ev.occurredAt : null,
    events: [ev],
  }));
}

function nowAfter(update: TrackingUpdate): Date {
  const times = update.events.map((e) => e.occurredAt?.getTime() ?? 0);
  return new Date(Math.max(...times) + 86_400_000);
}

describe('replaying every fixture: duplicated and shuffled delivery gives the same state as once in order', () => {
  describe.each(FIXTURE_UPDATES)('%s', (_name, parse) => {
    const update = parse();
    const now = nowAfter(update);

    it('whole update delivered three times with its events shuffled', () => {
      const once = new InMemoryShipment(now);
      once.ingest(update);
      for (const seed of [1, 2, 3, 42, 1337]) {
        const replay = new InMemoryShipment(now);
        for (let i = 0; i < 3; i++)
          replay.ingest({ ...update, events: shuffle(update.events, seed * 10 + i) });
        expect(replay.state).toEqual(once.state);
      }
      expect(once.state.status).toBe(update.status);
    });

    it('scan-by-scan webhooks, each three times, in shuffled order', () => {
      const inOrder = new InMemoryShipment(now);
      for (const u of perScan(update)) inOrder.ingest(u);
      for (const seed of [7, 8, 9, 99, 2024]) {
        const replay = new InMemoryShipment(now);
        const deliveries = shuffle([...perScan(update), ...perScan(update), ...perScan(update)], seed);
        for (const u of deliveries) replay.ingest(u);
        expect(replay.state).toEqual(inOrder.state);
      }
      expect(inOrder.state.status).toBe(update.status);
      expect(inOrder.state.lastEventAt).toEqual(new Date(nowAfter(update).getTime() - 86_400_000));
    });
  });

  it('lands on the concrete final states the fixtures describe', () => {
    const finals = FIXTURE_UPDATES.map(([name, parse]) => {
      const update = parse();
      const shipment = new InMemoryShipment(nowAfter(update));
      shipment.ingest(update);
      const { status, reason, eta, deliveredAt } = shipment.state;
      return [name, status, reason, eta?.date ?? null, deliveredAt?.toISOString() ?? null];
    });
    expect(finals).toEqual([
      ['easypost/event-tracker-updated-fedex-in-transit.json', 'in_transit', null, '2024-08-05', null],
      ['easypost/tracker-usps-pre-transit.json', 'pre_transit', null, '2025-05-09', null],
      ['aftership/webhook-tracking-update-intransit-trimmed-2026-07.json', 'in_transit', null, null, null],
      [
        'aftership/api-tracking-fedex-delivered-no-offsets.json',
        'delivered',
        null,
        null,
        '2018-08-01T17:19:47.000Z',
      ],
      // The docs example's 2019 ETA is years after its 2016 scans: ignored as absurd.
      [
        'shippo/webhook-track-updated-docs-schema-example.json',
        'delivered',
        null,
        null,
        '2016-07-23T00:00:00.000Z',
      ],
      // UTC-midnight eta stays Dec 8th end to end.
      [
        'shippo/track-usps-delivered-2016-get.json',
        'delivered',
        null,
        '2016-12-08',
        '2016-12-08T15:19:00.000Z',
      ],
    ]);
  });
});

const NOW = new Date('2024-08-03T12:00:00Z');

function scan(
  status: TrackingEventInput['status'],
  at: string,
  overrides: Partial<TrackingEventInput> = {},
): TrackingEventInput {
  return {
    status,
    reason: null,
    description: `${status} scan`,
    location: 'EDISON, NJ, US',
    occurredAt: new Date(at),
    occurredAtRaw: at,
    providerEventId: null,
    rawStatus: status,
    rawSubstatus: null,
    ...overrides,
  };
}

function update(
  status: TrackingUpdate['status'],
  events: TrackingEventInput[],
  overrides: Partial<TrackingUpdate> = {},
): TrackingUpdate {
  return {
    provider: 'easypost',
    deliveryId: null,
    carrier: 'FedEx',
    trackingNumber: '1',
    status,
    reason: null,
    rawStatus: status,
    rawSubstatus: null,
    eta: null,
    originalEta: null,
    etaRevised: false,
    pickup: null,
    collectedAtPickup: false,
    deliveredAt: null,
    events,
    ...overrides,
  };
}

function state(overrides: Partial<ShipmentState> = {}): ShipmentState {
  return { ...initialShipmentState(), ...overrides };
}

const apply = (current: ShipmentState, u: TrackingUpdate, opts: { shippedAt?: Date | null } = {}) =>
  applyUpdate(current, u, u.events, { now: NOW, ...opts });

describe('applyUpdate: status', () => {
  it('moves forward and emits status_changed with the scan time', () => {
    const { next, changes, warnings } = apply(
      state(),
      update('in_transit', [scan('in_transit', '2024-08-01T10:00:00Z')]),
    );
    expect(next).toMatchObject({
      status: 'in_transit',
      reason: null,
      lastEventAt: new Date('2024-08-01T10:00:00Z'),
    });
    expect(changes).toEqual([
      {
        kind: 'status_changed',
        from: 'unknown',
        to: 'in_transit',
        reason: null,
        collectedAtPickup: false,
        occurredAt: new Date('2024-08-01T10:00:00Z'),
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('sets deliveredAt on delivery', () => {
    const { next } = apply(
      state({ status: 'out_for_delivery' }),
      update('delivered', [scan('delivered', '2024-08-02T15:00:00Z')], {
        deliveredAt: new Date('2024-08-02T15:00:00Z'),
      }),
    );
    expect(next).toMatchObject({ status: 'delivered', deliveredAt: new Date('2024-08-02T15:00:00Z') });
  });

  it('does not revert delivered because of a late scan', () => {
    const delivered = state({
      status: 'delivered',
      lastEventAt: new Date('2024-08-02T15:00:00Z'),
      deliveredAt: new Date('2024-08-02T15:00:00Z'),
    });
    const late = update('in_transit', [scan('in_transit', '2024-08-01T10:00:00Z')]);
    const { next, changes } = apply(delivered, late);
    expect(next).toEqual(delivered);
    expect(changes).toEqual([]);
  });

  it('does not leave delivered for a newer moving scan either, and says so', () => {
    const delivered = state({ status: 'delivered', lastEventAt: new Date('2024-08-02T15:00:00Z') });
    const { next, changes, warnings } = apply(
      delivered,
      update('out_for_delivery', [scan('out_for_delivery', '2024-08-03T08:00:00Z')]),
    );
    expect(next.status).toBe('delivered');
    expect(next.lastEventAt).toEqual(new Date('2024-08-03T08:00:00Z'));
    expect(changes).toEqual([]);
    expect(warnings).toEqual(['ignored easypost status out_for_delivery for a shipment already delivered']);
  });

  it('lets delivered become returned, and returned stay final', () => {
    const delivered = state({
      status: 'delivered',
      lastEventAt: new Date('2024-08-02T15:00:00Z'),
      deliveredAt: new Date('2024-08-02T15:00:00Z'),
    });
    const { next: returned } = apply(
      delivered,
      update('returned', [scan('returned', '2024-08-03T09:00:00Z')]),
    );
    expect(returned).toMatchObject({ status: 'returned', deliveredAt: null });
    const { next: after } = apply(returned, update('delivered', [scan('delivered', '2024-08-05T09:00:00Z')]));
    expect(after.status).toBe('returned');
  });

  it('lets the tracking-level status outrank the last scan (AfterShip lost after a delivered scan)', () => {
    const events = [scan('in_transit', '2024-08-01T10:00:00Z'), scan('delivered', '2024-08-02T15:00:00Z')];
    const { next } = apply(state(), update('exception', events, { reason: 'lost' }));
    expect([next.status, next.reason]).toEqual(['exception', 'lost']);

    // Same scans again, now with a tracking-level correction, after we had recorded delivered.
    const delivered = apply(state(), update('delivered', events)).next;
    const corrected = apply(delivered, update('exception', events, { reason: 'lost' }));
    expect([corrected.next.status, corrected.next.reason, corrected.next.deliveredAt]).toEqual([
      'exception',
      'lost',
      null,
    ]);
    expect(corrected.changes[0]).toMatchObject({
      kind: 'status_changed',
      from: 'delivered',
      to: 'exception',
      reason: 'lost',
    });
  });

  it('applies a tracking-level status from an update without scans, but never backwards from terminal', () => {
    const moving = state({ status: 'in_transit', lastEventAt: new Date('2024-08-01T10:00:00Z') });
    expect(apply(moving, update('out_for_delivery', [])).next.status).toBe('out_for_delivery');
    const delivered = state({ status: 'delivered', lastEventAt: new Date('2024-08-01T10:00:00Z') });
    expect(apply(delivered, update('in_transit', [])).next.status).toBe('delivered');
    expect(apply(delivered, update('exception', [], { reason: 'lost' })).next.status).toBe('delivered');
  });

  it('ignores the status of a stale update and never moves lastEventAt backwards', () => {
    const current = state({ status: 'out_for_delivery', lastEventAt: new Date('2024-08-02T08:00:00Z') });
    const { next, changes } = apply(
      current,
      update('in_transit', [scan('in_transit', '2024-08-01T10:00:00Z')]),
    );
    expect(next.status).toBe('out_for_delivery');
    expect(next.lastEventAt).toEqual(new Date('2024-08-02T08:00:00Z'));
    expect(changes).toEqual([]);
  });

  it('lets an exception recover to in_transit when the scan is newer, not when older', () => {
    const exception = state({
      status: 'exception',
      reason: 'weather',
      lastEventAt: new Date('2024-08-02T08:00:00Z'),
    });
    expect(
      apply(exception, update('in_transit', [scan('in_transit', '2024-08-02T20:00:00Z')])).next,
    ).toMatchObject({
      status: 'in_transit',
      reason: null,
    });
    expect(
      apply(exception, update('in_transit', [scan('in_transit', '2024-08-01T20:00:00Z')])).next.status,
    ).toBe('exception');
  });

  it('emits a change when only the exception reason changes', () => {
    const exception = state({
      status: 'exception',
      reason: 'weather',
      lastEventAt: new Date('2024-08-02T08:00:00Z'),
    });
    const { changes } = apply(
      exception,
      update('exception', [scan('exception', '2024-08-03T08:00:00Z')], { reason: 'lost' }),
    );
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'status_changed', from: 'exception', to: 'exception', reason: 'lost' }),
    ]);
  });

  it('never lets unknown (AfterShip Expired, Shippo UNKNOWN) replace a known status', () => {
    const moving = state({ status: 'in_transit', lastEventAt: new Date('2024-08-01T10:00:00Z') });
    expect(apply(moving, update('unknown', [scan('unknown', '2024-08-02T10:00:00Z')])).next.status).toBe(
      'in_transit',
    );
  });

  it('infers collection at the pickup point when a waiting parcel is delivered', () => {
    const waiting = state({ status: 'available_for_pickup', lastEventAt: new Date('2024-08-01T10:00:00Z') });
    const { next, changes } = apply(
      waiting,
      update('delivered', [scan('delivered', '2024-08-02T10:00:00Z')]),
    );
    expect(next.collectedAtPickup).toBe(true);
    expect(changes[0]).toMatchObject({ kind: 'status_changed', to: 'delivered', collectedAtPickup: true });
  });

  it('keeps the pickup point from the update', () => {
    const pickup = { name: 'Kiosk', address: 'Main St 1', deadline: '2024-08-09' };
    const { next } = apply(
      state(),
      update('available_for_pickup', [scan('available_for_pickup', '2024-08-02T10:00:00Z')], { pickup }),
    );
    expect(next.pickup).toEqual(pickup);
  });
});

describe('applyUpdate: ETA and delay', () => {
  const moving = state({
    status: 'in_transit',
    lastEventAt: new Date('2024-08-01T10:00:00Z'),
    eta: { date: '2024-08-05' },
    originalEta: { date: '2024-08-05' },
  });
  const withEta = (date: string, extra: Partial<TrackingUpdate> = {}) =>
    update('in_transit', [scan('in_transit', '2024-08-02T10:00:00Z')], { eta: { date }, ...extra });

  it('emits eta_changed and delayed when the ETA moves a day later', () => {
    const { next, changes } = apply(moving, withEta('2024-08-06'));
    expect(next.eta).toEqual({ date: '2024-08-06' });
    expect(next.originalEta).toEqual({ date: '2024-08-05' });
    expect(changes).toEqual([
      { kind: 'eta_changed', from: { date: '2024-08-05' }, to: { date: '2024-08-06' } },
      { kind: 'delayed', previous: '2024-08-05', current: '2024-08-06', cause: 'eta_later' },
    ]);
  });

  it('emits only eta_changed when the ETA moves earlier or only its window changes, and nothing when equal', () => {
    expect(apply(moving, withEta('2024-08-04')).changes.map((c) => c.kind)).toEqual(['eta_changed']);
    const windowed = update('in_transit', [scan('in_transit', '2024-08-02T10:00:00Z')], {
      eta: {
        date: '2024-08-05',
        windowStart: '2024-08-05T13:00:00.000Z',
        windowEnd: '2024-08-05T17:00:00.000Z',
      },
    });
    expect(apply(moving, windowed).changes.map((c) => c.kind)).toEqual(['eta_changed']);
    expect(apply(moving, withEta('2024-08-05')).changes).toEqual([]);
  });

  it('emits delayed once when the ETA first passes the promised date', () => {
    const promised = state({
      promisedDate: '2024-08-05',
      status: 'in_transit',
      lastEventAt: new Date('2024-08-01T10:00:00Z'),
    });
    const first = apply(promised, withEta('2024-08-07'));
    expect(first.changes).toContainEqual({
      kind: 'delayed',
      previous: '2024-08-05',
      current: '2024-08-07',
      cause: 'eta_later',
    });
    expect(first.next.originalEta).toEqual({ date: '2024-08-07' });
    const window = update('in_transit', [scan('in_transit', '2024-08-02T11:00:00Z')], {
      eta: {
        date: '2024-08-07',
        windowStart: '2024-08-07T13:00:00.000Z',
        windowEnd: '2024-08-07T17:00:00.000Z',
      },
    });
    expect(apply(first.next, window).changes.map((c) => c.kind)).toEqual(['eta_changed']);
  });

  it("compares a first ETA with the provider's original ETA (Shippo eta vs original_eta)", () => {
    const fresh = state();
    const { next, changes } = apply(fresh, withEta('2024-08-08', { originalEta: { date: '2024-08-06' } }));
    expect(changes).toContainEqual({
      kind: 'delayed',
      previous: '2024-08-06',
      current: '2024-08-08',
      cause: 'eta_later',
    });
    expect(next.originalEta).toEqual({ date: '2024-08-06' });
  });

  it('ignores an absurd ETA with a warning', () => {
    const { next, changes, warnings } = apply(moving, withEta('2875-08-05'));
    expect(next.eta).toEqual({ date: '2024-08-05' });
    expect(changes).toEqual([]);
    expect(warnings).toEqual(['ignored absurd ETA 2875-08-05 from easypost']);
    const beforeShipping = apply(moving, withEta('2024-07-01'), {
      shippedAt: new Date('2024-07-31T14:00:00Z'),
    });
    expect(beforeShipping.next.eta).toEqual({ date: '2024-08-05' });
    expect(beforeShipping.warnings).toEqual(['ignored absurd ETA 2024-07-01 from easypost']);
  });

  it('ignores the ETA of a stale update', () => {
    const current = state({
      status: 'in_transit',
      lastEventAt: new Date('2024-08-02T10:00:00Z'),
      eta: { date: '2024-08-06' },
    });
    const stale = update('in_transit', [scan('in_transit', '2024-08-01T10:00:00Z')], {
      eta: { date: '2024-08-05' },
    });
    expect(apply(current, stale).next.eta).toEqual({ date: '2024-08-06' });
  });

  it('records but does not announce an ETA after delivery', () => {
    const delivered = state({ status: 'delivered', lastEventAt: new Date('2024-08-02T10:00:00Z') });
    const { next, changes } = apply(
      delivered,
      update('delivered', [scan('delivered', '2024-08-02T10:00:00Z')], { eta: { date: '2024-08-06' } }),
    );
    expect(next.eta).toEqual({ date: '2024-08-06' });
    expect(changes).toEqual([]);
  });
});

describe('detectNoScanDelay', () => {
  const last = new Date('2024-08-01T10:00:00Z');
  const at = (iso: string) => new Date(iso);

  it('fires after the given number of days without a scan for moving shipments', () => {
    const moving = state({ status: 'in_transit', lastEventAt: last });
    expect(detectNoScanDelay(moving, at('2024-08-04T09:59:59Z'), 3)).toBe(false);
    expect(detectNoScanDelay(moving, at('2024-08-04T10:00:00Z'), 3)).toBe(true);
  });

  it('never fires for terminal, pickup-point or exception states, or with no scan at all', () => {
    const late = at('2024-09-01T00:00:00Z');
    for (const status of [
      'delivered',
      'returned',
      'cancelled',
      'available_for_pickup',
      'exception',
    ] as const) {
      expect(detectNoScanDelay(state({ status, lastEventAt: last }), late, 3)).toBe(false);
    }
    expect(detectNoScanDelay(state({ status: 'in_transit', lastEventAt: null }), late, 3)).toBe(false);
    expect(detectNoScanDelay(state({ status: 'in_transit', lastEventAt: last }), late, 0)).toBe(false);
  });
});
