import { DateTime } from 'luxon';
import { isWithinQuietHours, nextAllowedSendTime, parseClockTime, type QuietWindow } from './quiet-hours';

const NIGHT: QuietWindow = { start: '21:00', end: '08:00' };
const at = (iso: string) => new Date(iso);
const next = (nowIso: string, zone: string, window: QuietWindow | null = NIGHT) =>
  nextAllowedSendTime(at(nowIso), zone, window).toISOString();

describe('parseClockTime', () => {
  it.each([
    ['00:00', 0],
    ['08:00', 480],
    ['21:30', 1290],
    ['23:59', 1439],
  ])('%s is %d minutes after midnight', (value, minutes) => {
    expect(parseClockTime(value)).toBe(minutes);
  });

  it.each(['24:00', '8:00', '08:60', '0800', '', 'ab:cd', ' 08:00'])('rejects %j', (value) => {
    expect(parseClockTime(value)).toBeNull();
  });
});

describe('nextAllowedSendTime', () => {
  it('returns now unchanged when there is no window (email, or quiet hours off)', () => {
    const now = at('2026-06-15T03:00:00Z');
    expect(nextAllowedSendTime(now, 'America/New_York', null)).toBe(now);
  });

  it('returns now unchanged outside the window', () => {
    expect(next('2026-06-15T16:00:00Z', 'America/Los_Angeles')).toBe('2026-06-15T16:00:00.000Z'); // 09:00 PDT
  });

  it('holds an evening message until the next morning (Los Angeles, PDT)', () => {
    expect(next('2026-06-15T05:00:00Z', 'America/Los_Angeles')).toBe('2026-06-15T15:00:00.000Z'); // 22:00 → 08:00
  });

  it('holds an early-morning message until the same morning (New York, EDT)', () => {
    expect(next('2026-06-15T09:30:00Z', 'America/New_York')).toBe('2026-06-15T12:00:00.000Z'); // 05:30 → 08:00
  });

  it('treats the window as [start, end): quiet at exactly start, allowed at exactly end', () => {
    expect(next('2026-06-16T01:00:00Z', 'America/New_York')).toBe('2026-06-16T12:00:00.000Z'); // 21:00 EDT
    expect(next('2026-06-15T12:00:00Z', 'America/New_York')).toBe('2026-06-15T12:00:00.000Z'); // 08:00 EDT
    expect(next('2026-06-16T00:59:59Z', 'America/New_York')).toBe('2026-06-16T00:59:59.000Z'); // 20:59:59 EDT
  });

  it('counts seconds: 07:59:30 is still quiet', () => {
    expect(next('2026-06-15T11:59:30Z', 'America/New_York')).toBe('2026-06-15T12:00:00.000Z');
  });

  it('holds across midnight in a half-hour zone (Asia/Kolkata, +05:30)', () => {
    expect(next('2026-06-15T17:00:00Z', 'Asia/Kolkata')).toBe('2026-06-16T02:30:00.000Z'); // 22:30 → 08:00 IST
    expect(next('2026-06-15T19:00:00Z', 'Asia/Kolkata')).toBe('2026-06-16T02:30:00.000Z'); // 00:30 → 08:00 IST
  });

  it('uses the local date, not the UTC date (Australia/Sydney, AEST, UTC date is a day behind)', () => {
    expect(next('2026-06-15T12:00:00Z', 'Australia/Sydney')).toBe('2026-06-15T22:00:00.000Z'); // 22:00 → 08:00
  });

  it('handles a 45-minute offset (Pacific/Chatham, +12:45 in June)', () => {
    expect(next('2026-06-15T09:00:00Z', 'Pacific/Chatham')).toBe('2026-06-15T19:15:00.000Z'); // 21:45 → 08:00
  });

  it('handles a window that does not wrap midnight (Europe/Berlin, CEST)', () => {
    const lunch = { start: '12:00', end: '14:00' };
    expect(next('2026-06-15T10:30:00Z', 'Europe/Berlin', lunch)).toBe('2026-06-15T12:00:00.000Z'); // 12:30 → 14:00
    expect(next('2026-06-15T09:59:00Z', 'Europe/Berlin', lunch)).toBe('2026-06-15T09:59:00.000Z'); // 11:59
    expect(next('2026-06-15T20:00:00Z', 'Europe/Berlin', lunch)).toBe('2026-06-15T20:00:00.000Z'); // 22:00
  });

  it.each([['Mars/Olympus_Mons'], [''], ['EST5EDT+garbage']])('treats an invalid zone %j as UTC', (zone) => {
    expect(next('2026-06-15T22:00:00Z', zone)).toBe('2026-06-16T08:00:00.000Z');
    expect(next('2026-06-15T12:00:00Z', zone)).toBe('2026-06-15T12:00:00.000Z');
  });

  it('ignores a malformed or zero-length window (config rejects those)', () => {
    expect(next('2026-06-15T03:00:00Z', 'UTC', { start: '08:00', end: '08:00' })).toBe(
      '2026-06-15T03:00:00.000Z',
    );
    expect(next('2026-06-15T03:00:00Z', 'UTC', { start: '9pm', end: '08:00' })).toBe(
      '2026-06-15T03:00:00.000Z',
    );
  });

  describe('DST in New York', () => {
    it('spring forward (2026-03-08): a 10-hour night still ends at 08:00 EDT', () => {
      expect(next('2026-03-08T03:00:00Z', 'America/New_York')).toBe('2026-03-08T12:00:00.000Z'); // 22:00 EST → 08:00 EDT
    });

    it('fall back (2026-11-01): a 12-hour night still ends at 08:00 EST', () => {
      expect(next('2026-11-01T02:00:00Z', 'America/New_York')).toBe('2026-11-01T13:00:00.000Z'); // 22:00 EDT → 08:00 EST
    });

    it('an end inside the spring-forward gap (02:30 does not exist) ends at the change, 03:00 EDT', () => {
      const window = { start: '23:00', end: '02:30' };
      expect(next('2026-03-08T04:30:00Z', 'America/New_York', window)).toBe('2026-03-08T07:00:00.000Z');
      expect(next('2026-03-08T06:59:00Z', 'America/New_York', window)).toBe('2026-03-08T07:00:00.000Z'); // 01:59 EST
      expect(next('2026-03-08T07:00:00Z', 'America/New_York', window)).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT
    });

    it('an ambiguous end (01:30 occurs twice) ends at its first occurrence after now', () => {
      const window = { start: '23:00', end: '01:30' };
      expect(next('2026-11-01T04:00:00Z', 'America/New_York', window)).toBe('2026-11-01T05:30:00.000Z'); // 00:00 EDT → 01:30 EDT
      expect(next('2026-11-01T06:10:00Z', 'America/New_York', window)).toBe('2026-11-01T06:30:00.000Z'); // 01:10 EST → 01:30 EST
      expect(next('2026-11-01T05:40:00Z', 'America/New_York', window)).toBe('2026-11-01T05:40:00.000Z'); // 01:40 EDT: open
    });
  });

  describe('DST in Berlin', () => {
    it('spring forward (2026-03-29): ends at 08:00 CEST', () => {
      expect(next('2026-03-28T21:00:00Z', 'Europe/Berlin')).toBe('2026-03-29T06:00:00.000Z'); // 22:00 CET
    });

    it('fall back (2026-10-25): ends at 08:00 CET', () => {
      expect(next('2026-10-24T20:00:00Z', 'Europe/Berlin')).toBe('2026-10-25T07:00:00.000Z'); // 22:00 CEST
    });

    it('an end in the gap (02:30 on 2026-03-29) ends at 03:00 CEST', () => {
      expect(next('2026-03-28T22:00:00Z', 'Europe/Berlin', { start: '22:00', end: '02:30' })).toBe(
        '2026-03-29T01:00:00.000Z',
      );
    });

    it('an ambiguous end (02:30 on 2026-10-25) ends at the next occurrence', () => {
      const window = { start: '22:00', end: '02:30' };
      expect(next('2026-10-24T22:00:00Z', 'Europe/Berlin', window)).toBe('2026-10-25T00:30:00.000Z'); // 00:00 CEST → 02:30 CEST
      expect(next('2026-10-25T01:15:00Z', 'Europe/Berlin', window)).toBe('2026-10-25T01:30:00.000Z'); // 02:15 CET → 02:30 CET
    });
  });

  describe('DST in Sydney (southern hemisphere)', () => {
    it('April fall back (2026-04-05): ends at 08:00 AEST', () => {
      expect(next('2026-04-04T11:00:00Z', 'Australia/Sydney')).toBe('2026-04-04T22:00:00.000Z'); // 22:00 AEDT
    });

    it('April ambiguous end 02:30 → first occurrence (AEDT)', () => {
      expect(next('2026-04-04T11:00:00Z', 'Australia/Sydney', { start: '22:00', end: '02:30' })).toBe(
        '2026-04-04T15:30:00.000Z',
      );
    });

    it('October spring forward (2026-10-04): ends at 08:00 AEDT', () => {
      expect(next('2026-10-03T12:00:00Z', 'Australia/Sydney')).toBe('2026-10-03T21:00:00.000Z'); // 22:00 AEST
    });

    it('October end in the gap (02:30) → the change at 03:00 AEDT', () => {
      expect(next('2026-10-03T12:00:00Z', 'Australia/Sydney', { start: '22:00', end: '02:30' })).toBe(
        '2026-10-03T16:00:00.000Z',
      );
    });
  });

  describe('DST in Chatham (transitions at 02:45 local, 45-minute offsets)', () => {
    it('September spring forward (2026-09-27): 03:00 does not exist, ends at the change (03:45 +13:45)', () => {
      // 22:45 +12:45 on 2026-09-26; the change is at 02:45 +12:45 = 14:00Z.
      expect(next('2026-09-26T10:00:00Z', 'Pacific/Chatham', { start: '22:00', end: '03:00' })).toBe(
        '2026-09-26T14:00:00.000Z',
      );
    });

    it('September spring forward: 08:00 the next morning is 08:00 +13:45', () => {
      expect(next('2026-09-26T10:00:00Z', 'Pacific/Chatham')).toBe('2026-09-26T18:15:00.000Z');
    });

    it('April fall back (2026-04-05): 08:00 the next morning is 08:00 +12:45', () => {
      expect(next('2026-04-04T09:00:00Z', 'Pacific/Chatham')).toBe('2026-04-04T19:15:00.000Z'); // 22:45 +13:45
    });
  });

  describe('every half hour through the DST weeks, in every zone', () => {
    const zones = [
      'America/Los_Angeles',
      'America/New_York',
      'Europe/Berlin',
      'Asia/Kolkata',
      'Australia/Sydney',
      'Pacific/Chatham',
    ];
    const weeks = [
      '2026-03-05',
      '2026-03-26',
      '2026-04-02',
      '2026-09-24',
      '2026-10-01',
      '2026-10-22',
      '2026-10-29',
    ];
    const windows: QuietWindow[] = [
      NIGHT,
      { start: '22:00', end: '02:30' },
      { start: '01:00', end: '03:00' },
    ];
    const wallMinutes = (date: Date, zone: string) => {
      const local = DateTime.fromJSDate(date, { zone });
      return local.hour * 60 + local.minute;
    };
    const inside = (minute: number, w: QuietWindow) => {
      const s = parseClockTime(w.start)!;
      const e = parseClockTime(w.end)!;
      return s > e ? minute >= s || minute < e : minute >= s && minute < e;
    };

    it.each(zones)('%s: the result is now when open, else the first open minute after now', (zone) => {
      const failures: string[] = [];
      let checked = 0;
      for (const window of windows) {
        for (const week of weeks) {
          const from = Date.parse(`${week}T00:00:00Z`);
          for (let t = from; t < from + 7 * 24 * 3600_000; t += 30 * 60_000) {
            const result = nextAllowedSendTime(new Date(t), zone, window).getTime();
            const quiet = inside(wallMinutes(new Date(t), zone), window);
            const ok = quiet
              ? result > t &&
                result - t <= 12 * 3600_000 &&
                !inside(wallMinutes(new Date(result), zone), window) &&
                inside(wallMinutes(new Date(result - 60_000), zone), window)
              : result === t;
            if (!ok)
              failures.push(
                `${window.start}-${window.end} ${new Date(t).toISOString()} → ${new Date(result).toISOString()}`,
              );
            checked++;
          }
        }
      }
      expect(failures).toEqual([]);
      expect(checked).toBe(windows.length * weeks.length * 7 * 48);
    });
  });
});

describe('isWithinQuietHours', () => {
  it('is true inside the window and false outside or without one', () => {
    expect(isWithinQuietHours(at('2026-06-15T03:00:00Z'), 'America/New_York', NIGHT)).toBe(true); // 23:00 EDT
    expect(isWithinQuietHours(at('2026-06-15T15:00:00Z'), 'America/New_York', NIGHT)).toBe(false); // 11:00 EDT
    expect(isWithinQuietHours(at('2026-06-15T03:00:00Z'), 'America/New_York', null)).toBe(false);
  });
});
