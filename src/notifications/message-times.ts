/**
 * Times as support staff should read them: in the customer's own zone, with the zone named, because that is
 * what the customer was told ("1 Dez, 0:13") and when quiet hours end; and, for a message not sent yet, why it
 * waits. Pure: the support API adds these fields to what it returns, the pages only show them.
 */
import { DateTime, IANAZone } from 'luxon';
import type { CanonicalStatus } from '../shared/tracking.types';

export interface LocalTime {
  /** The instant (ISO 8601, UTC). */
  iso: string;
  /** "Tue 1 Dec, 00:13 CET" in the customer's zone and language. */
  text: string;
  /** The customer's IANA zone, e.g. Europe/Berlin. */
  zone: string;
  /** The zone's short name at that instant, e.g. CET or GMT+1. */
  zoneName: string;
}

export type WaitReason = 'quiet_hours' | 'debounce' | 'retry';

export interface NotificationTimes {
  createdAtLocal: LocalTime | null;
  scheduledForLocal: LocalTime | null;
  sentAtLocal: LocalTime | null;
  /** Why a message that has not gone out yet is waiting; null once it went out (or will not). */
  waitReason: WaitReason | null;
  /** The same in words for the support page, with the local send time. */
  waitText: string | null;
}

export interface ShipmentTimes {
  lastEventAtLocal: LocalTime | null;
  deliveredAtLocal: LocalTime | null;
}

function validZone(zone: string | null | undefined): string {
  return zone && IANAZone.isValidZone(zone) ? zone : 'UTC';
}

const LOCAL_TIME_FORMAT: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** An instant in the customer's zone, with the zone named. `locale` is the customer's (en-GB, de-DE…). */
export function localTime(
  instant: Date | string | null | undefined,
  timeZone: string | null | undefined,
  locale = 'en-GB',
): LocalTime | null {
  if (!instant) return null;
  const date = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(date.getTime())) return null;
  const zone = validZone(timeZone);
  let local = DateTime.fromJSDate(date, { zone }).setLocale(locale);
  let text: string;
  try {
    text = local.toLocaleString(LOCAL_TIME_FORMAT);
  } catch {
    // A malformed locale tag in stored data reads in British English rather than failing the page.
    local = local.setLocale('en-GB');
    text = local.toLocaleString(LOCAL_TIME_FORMAT);
  }
  return { iso: date.toISOString(), text, zone, zoneName: local.offsetNameShort ?? zone };
}

/** Why a notification has not gone out yet, from what its row says. */
export function waitReasonOf(
  n: {
    status: string;
    scheduledFor: Date | null;
    quietHoursDelayed: boolean;
    attemptCount?: number;
    errorCode?: string | null;
  },
  now: Date,
): WaitReason | null {
  if (n.status !== 'pending' && n.status !== 'queued') return null;
  if ((n.attemptCount ?? 0) > 0 && n.errorCode) return 'retry';
  if (n.quietHoursDelayed && n.scheduledFor && n.scheduledFor.getTime() > now.getTime()) return 'quiet_hours';
  return 'debounce';
}

const WAIT_TEXT: Record<WaitReason, (at: string) => string> = {
  quiet_hours: (at) => `Held for the customer's quiet hours; goes out ${at}`,
  debounce: (at) => `Waiting briefly in case a newer update replaces it; goes out ${at}`,
  retry: (at) => `Retrying after a temporary error; next try ${at}`,
};

export function notificationTimes(
  n: {
    status: string;
    createdAt: Date | null;
    scheduledFor: Date | null;
    sentAt: Date | null;
    quietHoursDelayed: boolean;
    attemptCount?: number;
    errorCode?: string | null;
  },
  timeZone: string | null | undefined,
  locale: string | null | undefined,
  now: Date,
): NotificationTimes {
  const loc = intlLocale(locale);
  const scheduled = localTime(n.scheduledFor, timeZone, loc);
  const waitReason = waitReasonOf(n, now);
  return {
    createdAtLocal: localTime(n.createdAt, timeZone, loc),
    scheduledForLocal: scheduled,
    sentAtLocal: localTime(n.sentAt, timeZone, loc),
    waitReason,
    waitText: waitReason && scheduled ? WAIT_TEXT[waitReason](`${scheduled.text} (${scheduled.zone})`) : null,
  };
}

export function shipmentTimes(
  s: { lastEventAt: Date | null; deliveredAt: Date | null; status?: CanonicalStatus },
  timeZone: string | null | undefined,
  locale: string | null | undefined,
): ShipmentTimes {
  const loc = intlLocale(locale);
  return {
    lastEventAtLocal: localTime(s.lastEventAt, timeZone, loc),
    deliveredAtLocal: localTime(s.deliveredAt, timeZone, loc),
  };
}

/** A BCP 47 tag Intl accepts ("de" → "de-DE"; "es-MX" kept). */
function intlLocale(locale: string | null | undefined): string {
  const tag = (locale ?? '').trim();
  if (/^[a-z]{2}-[A-Z]{2}$/.test(tag)) return tag;
  const language = tag.slice(0, 2).toLowerCase();
  return { en: 'en-GB', es: 'es-ES', fr: 'fr-FR', de: 'de-DE' }[language] ?? 'en-GB';
}
