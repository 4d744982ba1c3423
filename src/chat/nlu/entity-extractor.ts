/**
 * Finds the identifiers a shopper pastes into chat: order numbers, carrier tracking numbers, email
 * addresses, postcodes and phone numbers. Pure and offline.
 *
 * Detection runs from the most specific shape to the least (email, tracking, phone, postcode, order), and a
 * span claimed by one kind is never reused by another, so a tracking number is never also an order number or
 * a phone number. Ambiguous digit runs are settled by the words just before them ("order", "zip", "call me"), by
 * what the conversation asked for last, and by the rest of the message (next to an order number, a bare
 * five-digit number is the postcode).
 *
 * Order numbers are read as shoppers type them ("ws9307", "WS 9307", "#ws-009307") and written in the store's
 * form: the forms the store's pattern accepts are listed, most likely first ("WS-009307" for a pattern
 * `WS-\d{6}`), and the chat looks them up in that order.
 */

export type Carrier = 'ups' | 'usps' | 'fedex' | 'dhl' | 'royal_mail' | 'unknown';

export interface TrackingNumberEntity {
  value: string;
  carrier: Carrier;
}

export interface ExtractedEntities {
  /** Upper-cased, without a leading `#`, in the store's form when the pattern settles it ("ws9307" → "WS-009307"). */
  orderNumbers: string[];
  /** Per order number, every form the store's pattern accepts, most likely first (the first is orderNumbers[i]). */
  orderNumberForms: Record<string, string[]>;
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
  /**
   * What the conversation asked for last: after "send your order number" a bare number is one; after "send the
   * email or postcode" a bare four- or five-digit number is a postcode.
   */
  expecting?: 'order' | 'contact';
}

export type EntityKind = 'order' | 'tracking' | 'email' | 'postcode' | 'phone';

export interface EntitySpan {
  kind: EntityKind;
  start: number;
  end: number;
  value: string;
  carrier?: Carrier;
  /** Orders: every accepted form, most likely first (value is the first). */
  forms?: string[];
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
/** Austrian, Swiss, Belgian, Danish, Australian postcodes: only read as such when a postcode is expected. */
const FOUR_DIGITS = /(?<![\w#-])\d{4}(?![\w-])/g;
/** Dutch postcodes ("1012 AB"). */
const NL_POSTCODE = /(?<![a-z0-9])(\d{4})\s?([A-Z]{2})(?![a-z0-9])/g;
/**
 * An order number as typed: an optional `#`, up to four letters, an optional dash (or a space after capitals),
 * and digits. Letters glued to digits ("ws9307") are a prefix; "my 10423" is not ("my" is lower case and apart).
 */
const ORDER_TOKEN =
  /(?<![A-Za-z0-9@._%+-])(#\s?)?(?:([A-Za-z]{1,4})-|([A-Za-z]{1,4})|([A-Z]{1,4})\s)?(\d{3,12})(?![A-Za-z0-9@]|-\d)/g;

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
/** How far zero-padding may lengthen the digits a shopper typed ("9307" → "009307"). */
const MAX_PADDING = 6;

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

/** Global copies of the patterns, compiled once: a chat turn runs about twenty of them. */
const GLOBAL_PATTERNS = new WeakMap<RegExp, RegExp>();

/** Every non-empty match, collected at once so that callers may nest loops over the same pattern. */
function matches(re: RegExp, text: string): RegExpExecArray[] {
  let global = GLOBAL_PATTERNS.get(re);
  if (!global) {
    global = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    GLOBAL_PATTERNS.set(re, global);
  }
  global.lastIndex = 0;
  const found: RegExpExecArray[] = [];
  let m: RegExpExecArray | null;
  while ((m = global.exec(text)) !== null) {
    if (m[0].length === 0) {
      global.lastIndex++;
      continue;
    }
    found.push(m);
  }
  return found;
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

function findPostcodes(text: string, spans: SpanSet, expecting?: 'order' | 'contact'): void {
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
  for (const m of matches(NL_POSTCODE, text)) {
    if (!POSTCODE_CONTEXT.test(before(text, m.index)) && expecting !== 'contact') continue;
    const value = `${m[1]} ${m[2]}`.toUpperCase();
    spans.add({ kind: 'postcode', start: m.index, end: m.index + m[0].length, value });
  }
  const addressAt = text.search(ADDRESS_CONTEXT);
  for (const m of matches(FIVE_DIGITS, text)) {
    const prefix = before(text, m.index);
    if (ORDER_CONTEXT.test(prefix)) continue;
    const postal =
      POSTCODE_CONTEXT.test(prefix) ||
      US_STATE_BEFORE.test(before(text, m.index, 6)) ||
      (addressAt >= 0 && addressAt < m.index) ||
      expecting === 'contact';
    if (postal) spans.add({ kind: 'postcode', start: m.index, end: m.index + m[0].length, value: m[0] });
  }
  for (const m of matches(FOUR_DIGITS, text)) {
    const prefix = before(text, m.index);
    if (ORDER_CONTEXT.test(prefix) || YEAR.test(m[0])) continue;
    if (POSTCODE_CONTEXT.test(prefix) || expecting === 'contact')
      spans.add({ kind: 'postcode', start: m.index, end: m.index + m[0].length, value: m[0] });
  }
}

/** The literal text every order number of the pattern starts with ("WS-" for `WS-\d{6}`), or "". */
export function literalPrefix(pattern: RegExp): string {
  let source = pattern.source.replace(/^\^/, '').replace(/^#\??/, '');
  let prefix = '';
  while (source.length > 0) {
    const escaped = /^\\([-#/ ])/.exec(source);
    if (escaped) {
      prefix += escaped[1];
      source = source.slice(2);
      continue;
    }
    if (!/^[A-Za-z #/-]/.test(source)) break;
    // A quantifier after this character makes it optional or repeated: not part of a fixed prefix.
    if (/^[?*+{]/.test(source.slice(1))) break;
    prefix += source[0];
    source = source.slice(1);
  }
  return prefix;
}

/**
 * The forms of a typed order number the store's pattern accepts, most likely first: the typed letters (or the
 * pattern's own prefix when none were typed) with and without a dash, then the digits zero-padded.
 */
export function orderNumberForms(
  letters: string,
  digits: string,
  pattern: RegExp,
  options: { allowPrefix: boolean; dashFirst: boolean },
): string[] {
  const anchored = new RegExp(`^(?:${pattern.source})$`, pattern.flags.includes('i') ? 'i' : '');
  const prefix = literalPrefix(pattern).toUpperCase();
  const heads: string[] = [];
  const upper = letters.toUpperCase();
  if (upper) {
    if (prefix && prefix.replace(/[^A-Z]/g, '') === upper) heads.push(prefix);
    heads.push(...(options.dashFirst ? [`${upper}-`, upper] : [upper, `${upper}-`]));
  } else {
    heads.push('');
    if (prefix && options.allowPrefix) heads.push(prefix);
  }
  const bodies = [digits];
  for (let width = digits.length + 1; width <= digits.length + MAX_PADDING; width++)
    bodies.push(digits.padStart(width, '0'));
  const forms: string[] = [];
  for (const body of bodies) {
    for (const head of heads) {
      const form = head + body;
      if (!forms.includes(form) && anchored.test(form)) forms.push(form);
    }
  }
  return forms;
}

function findOrders(
  text: string,
  spans: SpanSet,
  pattern: RegExp,
  expecting: 'order' | 'contact' | undefined,
): void {
  for (const m of matches(ORDER_TOKEN, text)) {
    const hash = m[1] !== undefined;
    const letters = m[2] ?? m[3] ?? m[4] ?? '';
    const digits = m[5];
    const start = m.index;
    const end = start + m[0].length;
    if (!spans.free(start, end)) continue;
    const prefix = before(text, start);
    const named = ORDER_CONTEXT.test(prefix);
    const explicit = hash || letters.length > 0 || named;
    if (!explicit) {
      // Bare numbers that are really dates, times, money or years.
      const prev = text[start - 1] ?? '';
      const next = text.slice(end, end + 2);
      if (/[/:.,$€£]/.test(prev) || /^[/:.,]\d/.test(next) || /^\s?(?:€|eur|usd|dollars|euros)/i.test(next))
        continue;
      if (YEAR.test(digits) && expecting !== 'order') continue;
    }
    const forms = orderNumberForms(letters, digits, pattern, {
      // A bare number only gets the store's prefix when the shopper (or the question asked) says it is an order.
      allowPrefix: hash || named || expecting === 'order',
      dashFirst: m[2] !== undefined || m[4] !== undefined,
    });
    // A bare number nobody called an order ("I ordered 3 items, 123 total") is one only as typed, never padded.
    const accepted = explicit || expecting === 'order' ? forms : forms.filter((f) => f === digits);
    if (accepted.length === 0) continue;
    spans.add({ kind: 'order', start, end, value: accepted[0], forms: accepted });
  }
}

/**
 * Next to an order number the shopper named as such, a bare four- or five-digit number is the postcode they
 * were asked for ("WS-009307 28013"), not a second order.
 */
function settlePostcodes(text: string, spans: SpanSet): void {
  const named = spans.spans.filter(
    (s) =>
      s.kind === 'order' &&
      (/[#A-Za-z]/.test(text.slice(s.start, s.end)) || ORDER_CONTEXT.test(before(text, s.start))),
  );
  if (named.length === 0) return;
  for (const re of [FIVE_DIGITS, FOUR_DIGITS]) {
    for (const m of matches(re, text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (YEAR.test(m[0]) && re === FOUR_DIGITS) continue;
      const bareOrder = spans.spans.find(
        (s) => s.kind === 'order' && !named.includes(s) && s.start === start && s.end === end,
      );
      if (bareOrder) Object.assign(bareOrder, { kind: 'postcode', value: m[0], forms: undefined });
      else spans.add({ kind: 'postcode', start, end, value: m[0] });
    }
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
  findPostcodes(text, spans, opts.expecting);
  findOrders(text, spans, opts.orderNumberPattern, opts.expecting);
  settlePostcodes(text, spans);
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
  const orderNumberForms: Record<string, string[]> = {};
  for (const span of spans)
    if (span.kind === 'order') orderNumberForms[span.value] ??= span.forms ?? [span.value];
  return {
    orderNumbers: values('order'),
    orderNumberForms,
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
