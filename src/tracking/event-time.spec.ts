import { hasExplicitOffset, parseEventTime } from './event-time';

describe('parseEventTime', () => {
  it('reads Z and offset times as the instant they name, keeping the raw string', () => {
    expect(parseEventTime('2024-08-02T19:26:52.000Z')).toEqual({
      instant: new Date('2024-08-02T19:26:52.000Z'),
      raw: '2024-08-02T19:26:52.000Z',
    });
    expect(parseEventTime('2018-08-16T03:50:45+00:00').instant).toEqual(new Date('2018-08-16T03:50:45Z'));
    expect(parseEventTime('2024-01-01T10:00:00+0200').instant).toEqual(new Date('2024-01-01T08:00:00Z'));
    expect(parseEventTime('2024-01-01T10:00:00-05:00').instant).toEqual(new Date('2024-01-01T15:00:00Z'));
    expect(parseEventTime('2024-01-01 10:00:00 +02:00').instant).toEqual(new Date('2024-01-01T08:00:00Z'));
  });

  it('reads a local wall-clock time as UTC when no zone is known', () => {
    // AfterShip checkpoint_time from the FedEx fixture.
    expect(parseEventTime('2018-07-31T14:33:00')).toEqual({
      instant: new Date('2018-07-31T14:33:00Z'),
      raw: '2018-07-31T14:33:00',
    });
  });

  it('applies a zone hint only to local times, never on top of an explicit offset', () => {
    expect(parseEventTime('2018-07-31T14:33:00', 'America/New_York').instant).toEqual(
      new Date('2018-07-31T18:33:00Z'),
    );
    expect(parseEventTime('2018-01-31T14:33:00', 'America/New_York').instant).toEqual(
      new Date('2018-01-31T19:33:00Z'),
    );
    expect(parseEventTime('2018-07-31T14:33:00Z', 'America/New_York').instant).toEqual(
      new Date('2018-07-31T14:33:00Z'),
    );
    expect(parseEventTime('2018-07-31T14:33:00+02:00', 'Asia/Tokyo').instant).toEqual(
      new Date('2018-07-31T12:33:00Z'),
    );
  });

  it('is idempotent: re-reading the stored instant does not shift it again', () => {
    const first = parseEventTime('2018-07-31T14:33:00', 'Europe/Berlin').instant!;
    const again = parseEventTime(first.toISOString(), 'Europe/Berlin').instant!;
    expect(again).toEqual(first);
  });

  it('ignores an unknown zone hint instead of failing', () => {
    expect(parseEventTime('2018-07-31T14:33:00', 'Mars/Olympus').instant).toEqual(
      new Date('2018-07-31T14:33:00Z'),
    );
  });

  it('rejects impossible and unsupported strings but keeps them raw', () => {
    for (const bad of [
      '2024-02-30T10:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01T25:00:00Z',
      'yesterday',
      '2018',
      '2018-W01',
    ]) {
      expect(parseEventTime(bad)).toEqual({ instant: null, raw: bad });
    }
    expect(parseEventTime('2875-01-01T00:00:00Z').instant).toBeNull();
  });

  it('returns nulls for non-strings', () => {
    for (const value of [null, undefined, 1712741696, {}, [], true]) {
      expect(parseEventTime(value)).toEqual({ instant: null, raw: null });
    }
  });
});

describe('hasExplicitOffset', () => {
  it('tells offset-bearing strings from local ones', () => {
    expect(hasExplicitOffset('2024-01-01T10:00:00Z')).toBe(true);
    expect(hasExplicitOffset('2024-01-01T10:00:00-07:00')).toBe(true);
    expect(hasExplicitOffset('2024-01-01T10:00:00')).toBe(false);
    expect(hasExplicitOffset('2024-01-01')).toBe(false);
  });
});
