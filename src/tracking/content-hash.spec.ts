import { eventContentHash, eventDedupeKey, normaliseTrackingNumber } from './content-hash';
import type { TrackingEventInput } from '../shared/tracking.types';

const scan = (overrides: Partial<TrackingEventInput> = {}): TrackingEventInput => ({
  status: 'in_transit',
  reason: null,
  description: 'Arrived at FedEx location',
  location: 'ORLANDO, FL, US',
  occurredAt: new Date('2024-07-31T22:35:00Z'),
  occurredAtRaw: '2024-07-31T22:35:00Z',
  providerEventId: null,
  rawStatus: 'in_transit',
  rawSubstatus: 'arrived_at_facility',
  ...overrides,
});

describe('eventContentHash', () => {
  it('is a stable sha256 hex digest', () => {
    expect(eventContentHash('1', scan())).toMatch(/^[0-9a-f]{64}$/);
    expect(eventContentHash('1', scan())).toBe(eventContentHash('1', scan()));
  });

  it('ignores what providers change between deliveries: case, whitespace, ids, raw codes, time notation', () => {
    const base = eventContentHash('1Z 999-AA1', scan());
    expect(
      eventContentHash(
        '1z999aa1',
        scan({
          description: '  arrived at   FedEx location ',
          location: 'Orlando,  FL, US',
          providerEventId: 'changes-every-call',
          rawSubstatus: 'something_else',
          occurredAtRaw: '2024-07-31T18:35:00-04:00',
        }),
      ),
    ).toBe(base);
  });

  it('changes with tracking number, status, time, description or location', () => {
    const base = eventContentHash('1', scan());
    expect(eventContentHash('2', scan())).not.toBe(base);
    expect(eventContentHash('1', scan({ status: 'out_for_delivery' }))).not.toBe(base);
    expect(eventContentHash('1', scan({ occurredAt: new Date('2024-07-31T22:36:00Z') }))).not.toBe(base);
    expect(eventContentHash('1', scan({ description: 'Departed FedEx location' }))).not.toBe(base);
    expect(eventContentHash('1', scan({ location: 'EDISON, NJ, US' }))).not.toBe(base);
  });

  it('falls back to the raw time when there is no instant, and keeps field boundaries apart', () => {
    const a = eventContentHash('1', scan({ occurredAt: null, occurredAtRaw: 'Tuesday' }));
    const b = eventContentHash('1', scan({ occurredAt: null, occurredAtRaw: null }));
    expect(a).not.toBe(b);
    expect(eventContentHash('1', scan({ description: 'a b', location: null }))).not.toBe(
      eventContentHash('1', scan({ description: 'a', location: 'b' })),
    );
  });
});

describe('eventDedupeKey', () => {
  it('prefers a stable provider id and otherwise uses the content hash', () => {
    expect(eventDedupeKey('1', scan({ providerEventId: 'cp_1' }))).toBe('id:cp_1');
    expect(eventDedupeKey('1', scan())).toBe(`sha256:${eventContentHash('1', scan())}`);
  });

  it('normalises tracking numbers', () => {
    expect(normaliseTrackingNumber(' 1z 999-aa1 ')).toBe('1Z999AA1');
  });
});
