/**
 * Estimated delivery dates as calendar dates (DOMAIN.md §1 "ETA").
 *
 * EasyPost `est_delivery_date` and Shippo `eta` encode a *date* as UTC midnight. Turned into a Date and shown in
 * a US time zone, `2016-05-07T00:00:00Z` becomes May 6th, so a UTC-midnight value is read as the calendar date
 * it spells and never goes through a Date object. Dates are compared as whole calendar days, never as instants.
 */
import { DateTime } from 'luxon';
import { knownZone } from './event-time';
import type { Eta } from '../shared/tracking.types';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const UTC_MIDNIGHT = /^(\d{4}-\d{2}-\d{2})T00:00(?::00(?:\.0{1,9})?)?(?:Z|[+-]00(?::?00)?)$/i;
const WITH_TIME =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?\s?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const MS_PER_DAY = 86_400_000;
/** An ETA more than this far ahead of now is test data or a typo (a published EasyPost payload says 2875). */
const MAX_DAYS_AHEAD = 366;
/** An ETA a day before the ship date can still be honest across time zones; more than that cannot. */
const DAYS_BEFORE_SHIPPING_TOLERATED = 1;

/** `YYYY-MM-DD` when the string is a real calendar date, else null (rejects 2024-02-30). */
export function parseCalendarDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = DATE_ONLY.exec(value.trim());
  if (!match) return null;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  const valid =
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(m) - 1 &&
    date.getUTCDate() === Number(d);
  return valid ? `${y}-${m}-${d}` : null;
}

/**
 * A provider's ETA value as a calendar date. Date-only and UTC-midnight values keep the date they spell. A real
 * instant with a time of day is the date in the string's own offset (the carrier's local day), or in `zoneHint`
 * for a local time without offset, or in UTC when neither is known.
 */
export function calendarDateFromProvider(value: unknown, zoneHint?: string | null): Eta | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  const dateOnly = parseCalendarDate(trimmed);
  if (dateOnly) return { date: dateOnly };

  const midnight = UTC_MIDNIGHT.exec(trimmed);
  if (midnight) {
    const date = parseCalendarDate(midnight[1]);
    return date ? { date } : null;
  }

  const local = localDateTime(trimmed, zoneHint);
  return local ? { date: local.toISODate() as string } : null;
}

/**
 * An ETA range (AfterShip `estimated_delivery_date_min/max`, `datetime_min/max`). Bounds with a time of day become
 * a window of UTC instants; the ETA's date is the last day of the range, the day the customer is told "by".
 */
export function etaFromRange(start: unknown, end: unknown, zoneHint?: string | null): Eta | null {
  const endEta = calendarDateFromProvider(end, zoneHint);
  const startEta = calendarDateFromProvider(start, zoneHint);
  if (!endEta) return startEta;
  if (!startEta) return endEta;
  if (startEta.date > endEta.date) return null;

  const startInstant = hasTimeOfDay(start) ? localDateTime(String(start).trim(), zoneHint) : null;
  const endInstant = hasTimeOfDay(end) ? localDateTime(String(end).trim(), zoneHint) : null;
  if (startInstant && endInstant && startInstant <= endInstant) {
    return {
      date: endEta.date,
      windowStart: startInstant.toUTC().toISO(),
      windowEnd: endInstant.toUTC().toISO(),
    };
  }
  return { date: endEta.date };
}

/**
 * True for an ETA no sane carrier means: unreadable, more than a day before the parcel shipped (or the tracker was
 * created), or more than a year ahead of now.
 */
export function isAbsurdEta(eta: Eta | string | null, shippedOrCreated: Date | null, now: Date): boolean {
  if (eta === null) return false;
  const date = parseCalendarDate(typeof eta === 'string' ? eta : eta.date);
  if (!date) return true;
  if (shippedOrCreated && !Number.isNaN(shippedOrCreated.getTime())) {
    if (etaDayDiff(date, utcDay(shippedOrCreated)) < -DAYS_BEFORE_SHIPPING_TOLERATED) return true;
  }
  return etaDayDiff(date, utcDay(now)) > MAX_DAYS_AHEAD;
}

/** Whole calendar days from `b` to `a` (positive when `a` is later). */
export function etaDayDiff(a: Eta | string, b: Eta | string): number {
  return dayNumber(typeof a === 'string' ? a : a.date) - dayNumber(typeof b === 'string' ? b : b.date);
}

export function sameEta(a: Eta | null, b: Eta | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.date === b.date &&
    (a.windowStart ?? null) === (b.windowStart ?? null) &&
    (a.windowEnd ?? null) === (b.windowEnd ?? null)
  );
}

/** The UTC calendar day of an instant. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function dayNumber(date: string): number {
  const valid = parseCalendarDate(date);
  if (!valid) throw new RangeError(`not a calendar date: ${date}`);
  const [y, m, d] = valid.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

function hasTimeOfDay(value: unknown): boolean {
  return typeof value === 'string' && WITH_TIME.test(value.trim()) && !UTC_MIDNIGHT.test(value.trim());
}

function localDateTime(value: string, zoneHint?: string | null): DateTime | null {
  if (!WITH_TIME.test(value)) return null;
  const iso = value.replace(' ', 'T').replace(/\s/g, '').replace(/z$/, 'Z');
  // setZone keeps the string's own offset, so the date is the carrier's local day, not ours.
  const parsed = DateTime.fromISO(iso, { zone: knownZone(zoneHint) ?? 'utc', setZone: true });
  return parsed.isValid ? parsed : null;
}
