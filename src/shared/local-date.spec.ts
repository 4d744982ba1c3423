import { DateTime } from 'luxon';
import { localDate, nextDay } from './local-date';

describe('localDate', () => {
  const zones = [
    'UTC',
    'Europe/London',
    'America/Los_Angeles',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'Asia/Kolkata',
  ];
  // Around midnight in each zone, around both daylight-saving changes of 2026, and at the turn of the year.
  const instants = [
    '2026-03-08T09:59:59Z',
    '2026-03-08T10:00:00Z',
    '2026-03-29T00:30:00Z',
    '2026-10-25T00:59:59Z',
    '2026-11-01T08:30:00Z',
    '2026-12-31T10:00:00Z',
    '2026-12-31T23:59:59Z',
    '2027-01-01T00:00:00Z',
  ].map((iso) => new Date(iso));

  it('gives the date luxon gives in every zone, at every instant', () => {
    for (const zone of zones) {
      for (const instant of instants) {
        expect(`${zone} ${localDate(instant, zone)}`).toBe(
          `${zone} ${DateTime.fromJSDate(instant, { zone }).toISODate()}`,
        );
      }
    }
  });

  it('gives the UTC date for an unknown or missing zone', () => {
    const instant = new Date('2026-12-31T23:30:00Z');
    expect(localDate(instant, 'Mars/Olympus_Mons')).toBe('2026-12-31');
    expect(localDate(instant, null)).toBe('2026-12-31');
    expect(localDate(instant, 'Pacific/Kiritimati')).toBe('2027-01-01');
  });
});

describe('nextDay', () => {
  it('crosses month, year and leap-day ends', () => {
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
    expect(nextDay('2026-06-05')).toBe('2026-06-06');
  });
});
