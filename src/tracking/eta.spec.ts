import {
  calendarDateFromProvider,
  etaDayDiff,
  etaFromRange,
  isAbsurdEta,
  parseCalendarDate,
  sameEta,
} from './eta';

describe('calendarDateFromProvider', () => {
  it('reads UTC midnight as the calendar date it spells, never the day before', () => {
    expect(calendarDateFromProvider('2016-05-07T00:00:00Z')).toEqual({ date: '2016-05-07' });
    expect(calendarDateFromProvider('2016-05-07T00:00:00.000Z')).toEqual({ date: '2016-05-07' });
    expect(calendarDateFromProvider('2016-05-07T00:00:00+00:00')).toEqual({ date: '2016-05-07' });
    // Even with a US zone hint: a date is not an instant.
    expect(calendarDateFromProvider('2016-05-07T00:00:00Z', 'America/Los_Angeles')).toEqual({
      date: '2016-05-07',
    });
  });

  it('keeps date-only strings', () => {
    expect(calendarDateFromProvider('2024-08-05')).toEqual({ date: '2024-08-05' });
  });

  it('reads a real instant as the date in its own offset, or the hinted zone, or UTC', () => {
    expect(calendarDateFromProvider('2024-08-05T23:30:00-04:00')).toEqual({ date: '2024-08-05' });
    expect(calendarDateFromProvider('2024-08-06T02:30:00Z')).toEqual({ date: '2024-08-06' });
    expect(calendarDateFromProvider('2024-08-05T22:30:00', 'America/New_York')).toEqual({
      date: '2024-08-05',
    });
    expect(calendarDateFromProvider('2025-05-09T20:40:17Z')).toEqual({ date: '2025-05-09' });
  });

  it('returns null for anything that is not a date', () => {
    for (const bad of [null, undefined, '', 'soon', '2024-02-30', '2024-02-30T00:00:00Z', 20240805, {}, []]) {
      expect(calendarDateFromProvider(bad)).toBeNull();
    }
  });
});

describe('etaFromRange', () => {
  it('turns a time window into UTC instants and uses the last day as the date', () => {
    expect(etaFromRange('2024-05-02T09:00:00+02:00', '2024-05-02T13:00:00+02:00')).toEqual({
      date: '2024-05-02',
      windowStart: '2024-05-02T07:00:00.000Z',
      windowEnd: '2024-05-02T11:00:00.000Z',
    });
  });

  it('turns a range of dates into its last date', () => {
    expect(etaFromRange('2024-05-01', '2024-05-03')).toEqual({ date: '2024-05-03' });
  });

  it('falls back to the one bound given and rejects an inverted range', () => {
    expect(etaFromRange(null, '2024-05-03')).toEqual({ date: '2024-05-03' });
    expect(etaFromRange('2024-05-01', null)).toEqual({ date: '2024-05-01' });
    expect(etaFromRange('2024-05-04', '2024-05-03')).toBeNull();
    expect(etaFromRange(null, undefined)).toBeNull();
  });
});

describe('isAbsurdEta', () => {
  const now = new Date('2024-08-02T12:00:00Z');
  const shipped = new Date('2024-07-31T14:45:27Z');

  it('flags the year-2875 ETA and anything more than a year ahead', () => {
    expect(isAbsurdEta({ date: '2875-08-05' }, shipped, now)).toBe(true);
    expect(isAbsurdEta({ date: '2025-08-10' }, shipped, now)).toBe(true);
    expect(isAbsurdEta({ date: '2025-07-30' }, shipped, now)).toBe(false);
  });

  it('flags an ETA before shipping, with one day of slack for time zones', () => {
    expect(isAbsurdEta({ date: '2024-07-29' }, shipped, now)).toBe(true);
    expect(isAbsurdEta({ date: '2024-07-30' }, shipped, now)).toBe(false);
    expect(isAbsurdEta({ date: '2024-08-05' }, shipped, now)).toBe(false);
    expect(isAbsurdEta({ date: '2024-07-01' }, null, now)).toBe(false);
  });

  it('flags an unreadable date and accepts no ETA', () => {
    expect(isAbsurdEta({ date: 'next week' }, shipped, now)).toBe(true);
    expect(isAbsurdEta(null, shipped, now)).toBe(false);
    expect(isAbsurdEta('2024-08-05', shipped, now)).toBe(false);
  });
});

describe('calendar-day helpers', () => {
  it('counts whole calendar days across months and leap days', () => {
    expect(etaDayDiff({ date: '2024-08-05' }, { date: '2024-08-04' })).toBe(1);
    expect(etaDayDiff('2024-03-01', '2024-02-28')).toBe(2);
    expect(etaDayDiff('2023-03-01', '2023-02-28')).toBe(1);
    expect(etaDayDiff('2024-08-04', '2024-08-05')).toBe(-1);
    expect(etaDayDiff('2024-08-05', '2024-08-05')).toBe(0);
  });

  it('validates calendar dates and compares ETAs including windows', () => {
    expect(parseCalendarDate('2024-02-29')).toBe('2024-02-29');
    expect(parseCalendarDate('2023-02-29')).toBeNull();
    expect(sameEta({ date: '2024-08-05' }, { date: '2024-08-05', windowStart: null })).toBe(true);
    expect(
      sameEta({ date: '2024-08-05' }, { date: '2024-08-05', windowStart: '2024-08-05T08:00:00.000Z' }),
    ).toBe(false);
    expect(sameEta(null, null)).toBe(true);
    expect(sameEta(null, { date: '2024-08-05' })).toBe(false);
  });
});
