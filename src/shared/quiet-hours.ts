/**
 * Quiet hours: when a text may go out in the recipient's own time zone (DOMAIN.md §4: hold the message
 * until the window opens, never drop it). Pure; the only outside knowledge is the IANA zone database
 * through luxon.
 *
 * A window is `[start, end)` in local wall-clock time and wraps midnight when `start > end`
 * (`21:00-08:00`). At exactly `end` the text may go; at exactly `start` it may not.
 *
 * DST:
 * - the end is found on the local calendar, so a window that spans a DST change still ends at the
 *   local `end` (08:00 is 08:00 whether the night had 23 or 25 hours);
 * - an `end` that does not exist that day (inside a spring-forward gap) ends the window at the instant
 *   of the change, the first moment the local clock reads `end` or later;
 * - an `end` that occurs twice (fall-back overlap) ends the window at its first occurrence after `now`.
 *
 * An unknown or empty time zone is treated as UTC rather than throwing: a bad zone on one customer record
 * must not block their notifications, and UTC is a documented, predictable fallback.
 */
import { IANAZone } from 'luxon';

/** A quiet window in local wall-clock time, `HH:MM` 24-hour. */
export interface QuietWindow {
  start: string;
  end: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight for `HH:MM`, or null when the text is not a valid 24-hour clock time. */
export function parseClockTime(value: string): number | null {
  const match = CLOCK.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** The zone to compute in: the customer's when luxon knows it, UTC otherwise. */
export function resolveTimeZone(timeZone: string | null | undefined): IANAZone {
  // `create` caches the zone and its validity; `IANAZone.isValidZone` builds a new Intl formatter per call.
  const zone = timeZone ? IANAZone.create(timeZone) : null;
  return zone?.isValid ? zone : IANAZone.create('UTC');
}

/** True when `now` falls inside the window in the given zone. A null window is never quiet. */
export function isWithinQuietHours(now: Date, timeZone: string, window: QuietWindow | null): boolean {
  return nextAllowedSendTime(now, timeZone, window).getTime() !== now.getTime();
}

/**
 * The earliest instant at or after `now` at which a text may be sent: `now` itself outside the window,
 * otherwise the instant the window ends. Callers pass a null window for email (never delayed) and for
 * types whose quiet hours are off.
 */
export function nextAllowedSendTime(now: Date, timeZone: string, window: QuietWindow | null): Date {
  if (!window) return now;
  const start = parseClockTime(window.start);
  const end = parseClockTime(window.end);
  // Config validation rejects these; a zero-length or malformed window silently never applies.
  if (start === null || end === null || start === end) return now;

  const zone = resolveTimeZone(timeZone);
  const nowMs = now.getTime();
  // "Wall" milliseconds: the local date and time read as if it were UTC; plain arithmetic, no DST.
  const wallNow = nowMs + zone.offset(nowMs) * MINUTE_MS;
  const localMidnight = Math.floor(wallNow / DAY_MS) * DAY_MS;
  const minuteOfDay = (wallNow - localMidnight) / MINUTE_MS; // fractional: 07:59:30 is still quiet

  const wraps = start > end;
  const inside = wraps
    ? minuteOfDay >= start || minuteOfDay < end
    : minuteOfDay >= start && minuteOfDay < end;
  if (!inside) return now;

  // In a wrapping window, the evening part ends tomorrow; the early-morning part (and a plain window) today.
  const endDay = wraps && minuteOfDay >= start ? localMidnight + DAY_MS : localMidnight;
  return new Date(firstInstantAtOrAfterWall(zone, endDay + end * MINUTE_MS, nowMs));
}

/**
 * The first instant after `afterMs` whose local wall time is `wallMs` (the first of two in a fall-back
 * overlap), or, when that wall time is skipped by a spring-forward gap, the instant of the change itself.
 */
function firstInstantAtOrAfterWall(zone: IANAZone, wallMs: number, afterMs: number): number {
  // Offsets in force on either side of any transition near this wall time (zones change at most once a day).
  const offsets = new Set([zone.offset(wallMs - DAY_MS), zone.offset(wallMs), zone.offset(wallMs + DAY_MS)]);
  const occurrences = [...offsets]
    .map((offset) => wallMs - offset * MINUTE_MS)
    .filter((instant) => instant + zone.offset(instant) * MINUTE_MS === wallMs)
    .sort((a, b) => a - b);
  if (occurrences.length === 0) return gapTransition(zone, wallMs);
  return occurrences.find((instant) => instant > afterMs) ?? afterMs;
}

/**
 * The instant of the spring-forward change that skips `wallMs`. Read with the smaller offset the
 * wall time lands after the change; read with the larger offset, before it. Binary search between,
 * to the minute (every zone changes on a whole minute).
 */
function gapTransition(zone: IANAZone, wallMs: number): number {
  const before = zone.offset(wallMs - DAY_MS);
  const after = zone.offset(wallMs + DAY_MS);
  let lo = wallMs - Math.max(before, after) * MINUTE_MS; // still on the old offset
  let hi = wallMs - Math.min(before, after) * MINUTE_MS; // already on the new offset
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (zone.offset(mid) === zone.offset(lo)) lo = mid;
    else hi = mid;
  }
  return hi;
}
