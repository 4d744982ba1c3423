/**
 * What the tracking page shows of one parcel, in the shopper's language and time zone: pure, so every rule
 * (which language, what counts as a delay, how much of a scan's place to show, the progress step) is unit-tested
 * apart from the database and the HTML.
 *
 * It shows the parcel only: never the customer's name, email, phone or street address. Scan places are cut to
 * city level (a carrier can put a street and house number there).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { carrierDisplayName, carrierTrackingUrl } from '../carriers/carrier-registry';
import { LOCALES, type SupportedLocale } from '../shared/notification.types';
import type { CanonicalStatus, Eta, PickupPoint } from '../shared/tracking.types';
import type { I18nCatalogs } from '../templates/template-helpers';

export type PageStrings = Record<string, string> & { steps: Record<string, string> };

export function loadPageStrings(viewsDir: string): Record<SupportedLocale, PageStrings> {
  return Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      JSON.parse(readFileSync(join(viewsDir, 'track', 'strings', `${locale}.json`), 'utf8')) as PageStrings,
    ]),
  ) as Record<SupportedLocale, PageStrings>;
}

/** `{name}` placeholders filled in; values are text (the view escapes them). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => (key in values ? String(values[key]) : all));
}

const isLocale = (value: string | null | undefined): value is SupportedLocale =>
  !!value && (LOCALES as readonly string[]).includes(value);

const primary = (tag: string | null | undefined) => (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];

/**
 * The page's language, first that applies: `?lang=`, the language picker (its cookie), the customer's locale,
 * the browser's Accept-Language (by q-value), the store's default.
 */
export function chooseLanguage(sources: {
  query?: string | null;
  picked?: string | null;
  customerLocale?: string | null;
  acceptLanguage?: string | null;
  fallback: SupportedLocale;
}): SupportedLocale {
  for (const candidate of [sources.query, sources.picked, sources.customerLocale]) {
    const lang = primary(candidate);
    if (isLocale(lang)) return lang;
  }
  const accepted = (sources.acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = Number(
        params
          .find((p) => p.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? '1',
      );
      return { lang: primary(tag), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((a) => a.q > 0 && isLocale(a.lang))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return accepted.length ? (accepted[0].lang as SupportedLocale) : sources.fallback;
}

const POSTCODE = /\b(?:\d{4,6}(?:-\d{3,4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b/gi;
const STREET_WORD =
  /\b(street|st|road|rd|avenue|ave|blvd|boulevard|lane|ln|drive|dr|way|court|ct|place|pl|straße|strasse|str|weg|gasse|platz|allee|rue|chemin|calle|avenida|via|viale|plaza)\b\.?/i;
const LEADING_NUMBER = /^\d{1,4}[a-z]?\s+\S+\s+\S+/i;

/** A part of an address that names a street (and so a house), not a place. */
function isStreet(part: string): boolean {
  return STREET_WORD.test(part) || LEADING_NUMBER.test(part);
}

/** "Hauptstr. 5, 10115 Berlin, DE" → "Berlin, DE"; "Brooklyn, NY 11201" → "Brooklyn, NY". */
export function cityLevel(location: string | null | undefined): string | null {
  if (!location) return null;
  const parts = location
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p && !isStreet(p))
    .map((p) =>
      p
        .replace(POSTCODE, '')
        .replace(/\s{2,}/g, ' ')
        .trim(),
    )
    .filter(Boolean);
  return parts.length ? parts.slice(-2).join(', ') : null;
}

export const STEP_KEYS = ['shipped', 'transit', 'near', 'delivered'] as const;

/** Which of the four steps a status has reached (0-based); returned and cancelled parcels show no progress. */
export function stepOf(status: CanonicalStatus): number | null {
  switch (status) {
    case 'pre_transit':
    case 'unknown':
      return 0;
    case 'in_transit':
    case 'exception':
      return 1;
    case 'out_for_delivery':
    case 'available_for_pickup':
    case 'attempt_failed':
      return 2;
    case 'delivered':
      return 3;
    default:
      return null;
  }
}

export interface ParcelFacts {
  carrier: string;
  trackingNumber: string;
  status: CanonicalStatus;
  exceptionReason: string | null;
  eta: Eta | null;
  originalEta: Eta | null;
  promisedDate: string | null;
  deliveredAt: Date | null;
  collectedAtPickup: boolean;
  pickup: (PickupPoint & { hours?: string | null }) | null;
  lastEventAt: Date | null;
  updatedAt: Date;
  orderNumber: string | null;
  parcelIndex: number;
  parcelCount: number;
  country: string | null;
  timeZone: string;
  /**
   * Our window from the store's own deliveries (issue 20), shown when the carrier gives no usable date, or in place
   * of its date when ours was chosen for this carrier (`chosen`).
   */
  estimate?: { earliest: string; likely: string; latest: string; chosen?: boolean } | null;
}

export interface EventFacts {
  status: CanonicalStatus;
  description: string;
  location: string | null;
  occurredAt: Date | null;
}

export interface ParcelPage {
  lang: SupportedLocale;
  s: PageStrings;
  statusText: string;
  reasonText: string | null;
  returned: boolean;
  order: string | null;
  parcelOf: string | null;
  progress: {
    label: string;
    text: string;
    steps: { label: string; done: boolean; current: boolean }[];
  } | null;
  eta: string | null;
  etaNote: string | null;
  estimate: string | null;
  estimateNote: string | null;
  delay: string | null;
  delivered: string | null;
  updated: string | null;
  timeline: { when: string; iso: string | null; text: string; place: string | null }[];
  carrier: { name: string; trackingNumber: string; url: string | null; linkText: string };
  pickup: {
    name: string | null;
    address: string | null;
    hours: string | null;
    deadline: string | null;
  } | null;
}

function zoned(instant: Date, zone: string, lang: string): DateTime {
  const dt = DateTime.fromJSDate(instant).setZone(zone);
  return (dt.isValid ? dt : DateTime.fromJSDate(instant).setZone('UTC')).setLocale(lang);
}

const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone's short name at the instant ("EST", "GMT+1"), exactly as luxon's `offsetNameShort` gives it, from one
 * formatter per language and zone: luxon builds a new Intl.DateTimeFormat on every call, which took most of the
 * page's CPU (a date per timeline scan).
 */
export function zoneNameShort(dt: DateTime): string {
  const locale = dt.locale ?? 'en';
  const zone = dt.zoneName ?? 'UTC';
  const key = `${locale}|${zone}`;
  let format = zoneNameFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZoneName: 'short',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: zone,
    });
    zoneNameFormats.set(key, format);
  }
  return format.formatToParts(dt.toJSDate()).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

const dateOf = (date: string, lang: string) => {
  const dt = DateTime.fromISO(date.slice(0, 10), { zone: 'UTC' }).setLocale(lang);
  return dt.isValid ? dt.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' }) : date;
};

/** The page of one parcel. `today` is the customer's local date (a past date is never shown as expected). */
export function buildParcelPage(
  parcel: ParcelFacts,
  events: EventFacts[],
  lang: SupportedLocale,
  strings: PageStrings,
  catalogs: I18nCatalogs,
  now: Date,
): ParcelPage {
  const zone = parcel.timeZone || 'UTC';
  const when = (d: Date) => {
    const dt = zoned(d, zone, lang);
    return `${dt.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' })} ${zoneNameShort(dt)}`.trim();
  };
  const time = (iso: string) => zoned(new Date(iso), zone, lang).toLocaleString(DateTime.TIME_SIMPLE);
  const today = zoned(now, zone, lang).toISODate() ?? '';
  const catalog = catalogs[lang];
  const statusText = catalog.status[parcel.status] ?? parcel.status;
  const finished = ['delivered', 'returned', 'cancelled'].includes(parcel.status);
  const atPickup = parcel.status === 'available_for_pickup';

  let eta: string | null = null;
  if (!finished && !atPickup && parcel.eta?.date && parcel.eta.date >= today) {
    eta =
      parcel.eta.windowStart && parcel.eta.windowEnd
        ? fill(strings.window, {
            date: dateOf(parcel.eta.date, lang),
            start: time(parcel.eta.windowStart),
            end: time(parcel.eta.windowEnd),
          })
        : dateOf(parcel.eta.date, lang);
  }
  // Late against the first date the carrier gave or the store's promise: the later of those that the new date
  // passes, so the page names the date the shopper most recently had.
  const current = parcel.eta?.date ?? '';
  const previous = [parcel.originalEta?.date, parcel.promisedDate]
    .filter((d): d is string => !!d && d < current)
    .sort()
    .pop();
  const delay =
    !finished && eta && previous
      ? fill(strings.delay, { current: dateOf(parcel.eta!.date, lang), previous: dateOf(previous, lang) })
      : null;

  const step = stepOf(parcel.status);
  const progress =
    step === null
      ? null
      : {
          label: strings.steps[STEP_KEYS[step]],
          text: fill(strings.progress, { step: step + 1, label: strings.steps[STEP_KEYS[step]] }),
          steps: STEP_KEYS.map((key, i) => ({
            label: strings.steps[key],
            done: i <= step,
            current: i === step,
          })),
        };

  // Our window stands in when the carrier gives no date (or one already past), labelled as an estimate.
  function estimateOf(): { estimate: string | null; estimateNote: string | null; etaNote: string | null } {
    const window = parcel.estimate;
    const waiting = !finished && !atPickup && !eta;
    if (!waiting) return { estimate: null, estimateNote: null, etaNote: null };
    if (!window || window.latest < today)
      return { estimate: null, estimateNote: null, etaNote: strings.noEta };
    const day = (d: string) => dateOf(d < today ? today : d, lang);
    return {
      estimate:
        window.earliest === window.latest
          ? day(window.likely)
          : fill(strings.estimate, {
              earliest: day(window.earliest),
              latest: day(window.latest),
              likely: day(window.likely),
            }),
      // Chosen over a carrier date (ours has been closer lately for this carrier), or standing in for none.
      estimateNote: window.chosen ? strings.estimateChosenNote : strings.estimateNote,
      etaNote: null,
    };
  }

  const carrierName = carrierDisplayName(parcel.carrier, parcel.trackingNumber) || parcel.carrier;
  const deadline = parcel.pickup?.deadline;
  return {
    lang,
    s: strings,
    statusText,
    reasonText:
      parcel.status === 'exception' && parcel.exceptionReason
        ? (catalog.reason[parcel.exceptionReason as keyof typeof catalog.reason]?.text ?? null)
        : null,
    returned: parcel.status === 'returned',
    order: parcel.orderNumber ? fill(strings.order, { order: parcel.orderNumber }) : null,
    parcelOf:
      parcel.parcelCount > 1
        ? fill(strings.parcelOf, { index: parcel.parcelIndex, count: parcel.parcelCount })
        : null,
    progress,
    eta,
    ...estimateOf(),

    delay,
    delivered:
      parcel.status === 'delivered' && parcel.deliveredAt
        ? fill(parcel.collectedAtPickup ? strings.collectedOn : strings.deliveredOn, {
            when: when(parcel.deliveredAt),
          })
        : null,
    updated: parcel.lastEventAt ? fill(strings.lastUpdated, { when: when(parcel.lastEventAt) }) : null,
    timeline: events.map((e) => ({
      when: e.occurredAt ? when(e.occurredAt) : '',
      iso: e.occurredAt ? e.occurredAt.toISOString() : null,
      text: e.description?.trim() || (catalog.status[e.status] ?? e.status),
      place: cityLevel(e.location),
    })),
    carrier: {
      name: carrierName,
      trackingNumber: parcel.trackingNumber,
      url: carrierTrackingUrl(parcel.carrier, parcel.trackingNumber, {
        country: parcel.country,
        language: lang,
      }),
      linkText: fill(strings.carrierSite, { carrier: carrierName }),
    },
    pickup:
      parcel.pickup && (atPickup || parcel.collectedAtPickup)
        ? {
            name: parcel.pickup.name,
            address: parcel.pickup.address,
            hours: parcel.pickup.hours ?? null,
            deadline: atPickup && deadline ? fill(strings.collectBy, { date: dateOf(deadline, lang) }) : null,
          }
        : null,
  };
}
