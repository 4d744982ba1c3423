/**
 * Finds the identifiers a shopper pastes into chat: order numbers, carrier tracking numbers, email
 * addresses, postcodes and phone numbers. Pure and offline.
 *
 * Detection runs from the most specific shape to the least (email, tracking, phone, postcode, order), and a
 * span claimed by one kind is never reused by another, so a tracking number is never also an order number or
 * a phone number. Ambiguous digit runs are settled by the words just before them ("order", "zip", "call me").
 */

export type Carrier = 'ups' | 'usps' | 'fedex' | 'dhl' | 'royal_mail' | 'unknown';

export interface TrackingNumberEntity {
  value: string;
  carrier: Carrier;
}

export interface ExtractedEntities {
  /** Upper-cased, without a leading `#` ("#ws-1042" → "WS-1042"). */
  orderNumbers: string[];
  /** Upper-cased, spaces removed. */
  trackingNumbers: TrackingNumberEntity[];
  /** Lower-cased. */
  emails: string[];
  /** Upper-cased; UK and Canadian codes with a single space before the inward part. */
  postcodes: string[];
  /** Digits only, with a leading `+` when the shopper gave one. */
  phones: string[];
}

export interface EntityExtractorOptions {
  /** The shop's order-number shape, without anchors; flags other than `i` are ignored. */
  orderNumberPattern: RegExp;
}

export type EntityKind = 'order' | 'tracking' | 'email' | 'postcode' | 'phone';

export interface EntitySpan {
  kind: EntityKind;
  start: number;
  end: number;
  value: string;
  carrier?: Carrier;
}

/**
 * Default order-number shape: an optional `#`, up to three capital letters, an optional dash, 4–10 digits
 * ("#1042", "10423", "WS-100234"). A string so it can live in configuration.
 */
export const DEFAULT_ORDER_NUMBER_PATTERN = '#?[A-Z]{0,3}-?\\d{4,10}';

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi;
const UPS = /(?<![a-z0-9])1Z[0-9A-Z]{16}(?![a-z0-9])/gi;
const S10 = /(?<![a-z0-9])([A-Z]{2})\s?(\d{3})\s?(\d{3})\s?(\d{3})\s?([A-Z]{2})(?![a-z0-9])/gi;
/** Digits in groups of four separated by single spaces, as carriers print them ("9400 1000 0000 …"). */
const GROUPED_DIGITS = /(?<![\w+])\d{4}(?: \d{4}){1,4}(?: \d{1,4})?(?![\w])/g;
const DIGIT_RUN = /(?<![\w+-])\d+(?![\w-])/g;
const PHONE_INTERNATIONAL = /\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)/g;
const PHONE_US = /(?<![\w+])\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)/g;
const PHONE_EU_GROUPED = /(?<![\w+])0?\d{3,4}[\s.-]\d{3}[\s.-]?\d{3,4}(?!\d)/g;
const UK_POSTCODE = /(?<![a-z0-9])([A-Z]{1,2}\d[A-Z\d]?)\s?(\d[A-Z]{2})(?![a-z0-9])/gi;
const CA_POSTCODE =
  /(?<![a-z0-9])([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPR-TV-Z])[ -]?(\d[ABCEGHJ-NPR-TV-Z]\d)(?![a-z0-9])/gi;
const ZIP_PLUS_FOUR = /(?<![\w-])\d{5}-\d{4}(?![\w-])/g;
const FIVE_DIGITS = /(?<![\w#-])\d{5}(?![\w-])/g;

const ORDER_CONTEXT =
  /(?:order|ordr|pedido|orden|compra|commande|bestellung)\s*(?:number|num|no\.?|nr\.?|n[º°o]\.?|#|id|numero|número|de)?\s*(?:is|es|el|:)?\s*[:#]?\s*$/i;
const TRACKING_CONTEXT = /(?:tracking|track|seguimiento|gu[ií]a|awb|waybill|envío|envio)[^.?!\d]{0,20}$/i;
const PHONE_CONTEXT =
  /(?:phone|cell|mobile|call|text me|tel[eé]?f?o?n?o?|tlf|m[oó]vil|celular|whatsapp|ll[aá]m[ae]|ll[aá]menme)[^.?!\d]{0,20}$/i;
const POSTCODE_CONTEXT =
  /(?:zip|zipcode|postcode|post code|postal|c\.?p\.?|c[oó]digo postal|plz|code postal)[^.?!\d]{0,12}$/i;
const US_STATE_BEFORE = /(?:^|[\s,])[A-Z]{2},?\s+$/;
const ADDRESS_CONTEXT =
  /(?:address|addr|street|st\.|avenue|ave\b|road|rd\b|direcci[oó]n|calle|avenida|avda|c\/)/i;
const YEAR = /^(?:19|20)\d{2}$/;

function before(text: string, index: number, length = 40): string {
  return text.slice(Math.max(0, index - length), index);
}

function carrierForS10(country: string): Carrier {
  switch (country.toUpperCase()) {
    case 'GB':
      return 'royal_mail';
    case 'US':
      return 'usps';
    case 'DE':
      return 'dhl';
    default:
      return 'unknown';
  }
}

/** The carrier a run of digits most likely belongs to, or undefined when the length fits none. */
function carrierForDigits(digits: string): Carrier | undefined {
  const n = digits.length;
  if (n >= 20 && n <= 22) return 'usps';
  if (n === 12 || n === 15) return 'fedex';
  if (n === 10) return 'dhl';
  return undefined;
}

class SpanSet {
  readonly spans: EntitySpan[] = [];

  free(start: number, end: number): boolean {
    return this.spans.every((s) => end <= s.start || start >= s.end);
  }

  add(span: EntitySpan): boolean {
    if (!this.free(span.start, span.end)) return false;
    this.spans.push(span);
    return true;
  }
}

function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  let m: RegExpExecArray | null;
  while ((m = global.exec(text)) !== null) {
    if (m[0].length === 0) {
      global.lastIndex++;
      continue;
    }
    yield m;
  }
}

function findTracking(text: string, spans: SpanSet): void {
  for (const m of matches(UPS, text)) {
    spans.add({
      kind: 'tracking',
      start: m.index,
      end: m.index + m[0].length,
      value: m[0].toUpperCase(),
      carrier: 'ups',
    });
  }
  for (const m of matches(S10, text)) {
    const value = m[0].replace(/\s/g, '').toUpperCase();
    spans.add({
      kind: 'tracking',
      start: m.index,
      end: m.index + m[0].length,
      value,
      carrier: carrierForS10(m[5]),
    });
  }
  for (const m of matches(GROUPED_DIGITS, text)) {
    const digits = m[0].replace(/ /g, '');
    const carrier = carrierForDigits(digits);
    if (carrier && carrier !== 'dhl') {
      spans.add({ kind: 'tracking', start: m.index, end: m.index + m[0].length, value: digits, carrier });
    }
  }
  for (const m of matches(DIGIT_RUN, text)) {
    const carrier = carrierForDigits(m[0]);
    if (!carrier) continue;
    const prefix = before(text, m.index);
    if (carrier === 'dhl' && !TRACKING_CONTEXT.test(prefix)) {
      // Ten digits is also a phone number or a long order number; only the words before tell them apart.
      if (PHONE_CONTEXT.test(prefix) || ORDER_CONTEXT.test(prefix) || /#\s*$/.test(prefix)) continue;
    }
    spans.add({ kind: 'tracking', start: m.index, end: m.index + m[0].length, value: m[0], carrier });
  }
}

function findPhones(text: string, spans: SpanSet): void {
  const add = (start: number, raw: string): void => {
    const digits = raw.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) return;
    const value = (raw.trim().startsWith('+') ? '+' : '') + digits;
    spans.add({ kind: 'phone', start, end: start + raw.length, value });
  };
  for (const m of matches(PHONE_INTERNATIONAL, text)) add(m.index, m[0]);
  for (const m of matches(PHONE_US, text)) add(m.index, m[0]);
  for (const m of matches(PHONE_EU_GROUPED, text)) {
    // Grouped digits without a "+" could be anything; a leading 0 or phone words make it a phone.
    if (m[0].startsWith('0') || PHONE_CONTEXT.test(before(text, m.index))) add(m.index, m[0]);
  }
  for (const m of matches(DIGIT_RUN, text)) {
    if (m[0].length >= 7 && m[0].length <= 15 && PHONE_CONTEXT.test(before(text, m.index)))
      add(m.index, m[0]);
  }
}

function findPostcodes(text: string, spans: SpanSet): void {
  for (const m of matches(UK_POSTCODE, text)) {
    if (/^\d(?:st|nd|rd|th)$/i.test(m[2])) continue; // "ps5 2nd", not a postcode
    const value = `${m[1]} ${m[2]}`.toUpperCase();
    spans.add({ kind: 'postcode', start: m.index, end: m.index + m[0].length, value });
  }
  for (const m of matches(CA_POSTCODE, text)) {
    const value = `${m[1]} ${m[2]}`.toUpperCase();
    spans.add({ kind: 'postcode', start: m.index, end: m.index + m[0].length, value });
  }
  for (const m of matches(ZIP_PLUS_FOUR, text)) {
    spans.add({ kind: 'postcode', start: m.index, end: m.index + m[0].length, value: m[0] });
  }
  const addressAt = text.search(ADDRESS_CONTEXT);
  for (const m of matches(FIVE_DIGITS, text)) {
    const prefix = before(text, m.index);
    if (ORDER_CONTEXT.test(prefix)) continue;
    const postal =
      POSTCODE_CONTEXT.test(prefix) ||
      US_STATE_BEFORE.test(before(text, m.index, 6)) ||
      (addressAt >= 0 && addressAt < m.index);
    if (postal) spans.add({ kind: 'postcode', start: m.index, end: m.index + m[0].length, value: m[0] });
  }
}

function findOrders(text: string, spans: SpanSet, pattern: RegExp): void {
  const flags = pattern.flags.includes('i') ? 'gi' : 'g';
  const re = new RegExp(`(?<![A-Za-z0-9])(?:${pattern.source})(?![A-Za-z0-9])`, flags);
  for (const m of matches(re, text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!spans.free(start, end)) continue;
    const value = m[0].replace(/^#\s*/, '').toUpperCase();
    if (!/\d/.test(value)) continue;
    const prefix = before(text, start);
    const explicit = m[0].startsWith('#') || ORDER_CONTEXT.test(prefix) || /[A-Z]/.test(value);
    if (!explicit) {
      // Bare numbers that are really dates, times, money or years.
      const prev = text[start - 1] ?? '';
      const next = text.slice(end, end + 2);
      if (/[/:.,$€£]/.test(prev) || /^[/:.,]\d/.test(next) || /^\s?(?:€|eur|usd|dollars|euros)/i.test(next))
        continue;
      if (YEAR.test(value)) continue;
    }
    spans.add({ kind: 'order', start, end, value });
  }
}

/** Every entity with its position, for callers that need to mask them (the intent classifier does). */
export function findEntitySpans(text: string, opts: EntityExtractorOptions): EntitySpan[] {
  const spans = new SpanSet();
  for (const m of matches(EMAIL, text)) {
    spans.add({ kind: 'email', start: m.index, end: m.index + m[0].length, value: m[0].toLowerCase() });
  }
  findTracking(text, spans);
  findPhones(text, spans);
  findPostcodes(text, spans);
  findOrders(text, spans, opts.orderNumberPattern);
  return [...spans.spans].sort((a, b) => a.start - b.start);
}

function unique<T>(values: T[], key: (v: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function extractEntities(text: string, opts: EntityExtractorOptions): ExtractedEntities {
  return entitiesFromSpans(findEntitySpans(text, opts));
}

export function entitiesFromSpans(spans: EntitySpan[]): ExtractedEntities {
  const values = (kind: EntityKind): string[] =>
    unique(
      spans.filter((s) => s.kind === kind).map((s) => s.value),
      (v) => v,
    );
  return {
    orderNumbers: values('order'),
    trackingNumbers: unique(
      spans
        .filter((s) => s.kind === 'tracking')
        .map((s) => ({ value: s.value, carrier: s.carrier ?? ('unknown' as Carrier) })),
      (t) => t.value,
    ),
    emails: values('email'),
    postcodes: values('postcode'),
    phones: values('phone'),
  };
}
