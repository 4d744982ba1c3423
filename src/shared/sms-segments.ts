/**
 * SMS length and cost analysis with Twilio's segmentation rules (DOMAIN.md §4).
 *
 * GSM-7: 160 septets in a single message, 153 per part once it is split (the user data header takes 7).
 * Extension-table characters are an escape plus a character, so they cost 2 septets and are never split
 * across parts. One character outside GSM-7 switches the whole message to UCS-2: 70 UTF-16 code units
 * single, 67 per part, and a surrogate pair (most emoji) is never split across parts.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsAnalysis {
  encoding: SmsEncoding;
  /** Billable parts; 0 for an empty text. */
  segments: number;
  /** Characters (Unicode code points) in the text. */
  length: number;
  /** Septets for GSM-7, UTF-16 code units for UCS-2, excluding the padding lost to unsplittable characters. */
  unitsUsed: number;
  /** Distinct characters outside GSM-7, in order of first appearance. */
  nonGsmCharacters: string[];
}

export const GSM7_SINGLE_SEGMENT = 160;
export const GSM7_MULTI_SEGMENT = 153;
export const UCS2_SINGLE_SEGMENT = 70;
export const UCS2_MULTI_SEGMENT = 67;

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC_SET = new Set(Array.from(GSM7_BASIC));
const EXTENSION_SET = new Set(Array.from(GSM7_EXTENSION));

/** Septets a character costs in GSM-7, or null when it is not in GSM-7 at all. */
export function gsm7Septets(char: string): 1 | 2 | null {
  if (BASIC_SET.has(char)) return 1;
  if (EXTENSION_SET.has(char)) return 2;
  return null;
}

export function isGsm7(text: string): boolean {
  for (const char of text) if (gsm7Septets(char) === null) return false;
  return true;
}

const escapeForClass = (chars: string) => chars.replace(/[\\\][^-]/g, '\\$&');

/** Septets by UTF-16 code (every GSM-7 character is one unit): a table below 256, a map above, 0 = not GSM-7. */
const LATIN1_COST = new Uint8Array(256);
const OTHER_COST = new Map<number, number>();
for (const [chars, cost] of [
  [GSM7_BASIC, 1],
  [GSM7_EXTENSION, 2],
] as const) {
  for (const char of chars) {
    const code = char.charCodeAt(0);
    if (code < 256) LATIN1_COST[code] = cost;
    else OTHER_COST.set(code, cost);
  }
}

export function analyzeSms(text: string): SmsAnalysis {
  const gsm7 = analyzeGsm7(text);
  if (gsm7) return gsm7;
  const chars = Array.from(text);
  const nonGsm: string[] = [];
  for (const char of chars) {
    if (gsm7Septets(char) === null && !nonGsm.includes(char)) nonGsm.push(char);
  }
  const encoding: SmsEncoding = nonGsm.length === 0 ? 'GSM-7' : 'UCS-2';
  const costs = chars.map((char) => (encoding === 'GSM-7' ? (gsm7Septets(char) as number) : char.length));
  const unitsUsed = costs.reduce((sum, cost) => sum + cost, 0);
  const single = encoding === 'GSM-7' ? GSM7_SINGLE_SEGMENT : UCS2_SINGLE_SEGMENT;
  const perPart = encoding === 'GSM-7' ? GSM7_MULTI_SEGMENT : UCS2_MULTI_SEGMENT;

  let segments: number;
  if (unitsUsed === 0) segments = 0;
  else if (unitsUsed <= single) segments = 1;
  else {
    // Fill parts greedily; a character that does not fit whole starts the next part.
    segments = 1;
    let used = 0;
    for (const cost of costs) {
      if (used + cost > perPart) {
        segments += 1;
        used = 0;
      }
      used += cost;
    }
  }
  return { encoding, segments, length: chars.length, unitsUsed, nonGsmCharacters: nonGsm };
}

/** analyzeSms's common case, all GSM-7, in one pass without building arrays (it runs for every message); null otherwise. */
function analyzeGsm7(text: string): SmsAnalysis | null {
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const cost = code < 256 ? LATIN1_COST[code] : (OTHER_COST.get(code) ?? 0);
    if (cost === 0) return null;
    units += cost;
  }
  let segments = units === 0 ? 0 : 1;
  if (units > GSM7_SINGLE_SEGMENT) {
    // Fill parts greedily; an escaped character that does not fit whole starts the next part.
    let used = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const cost = code < 256 ? LATIN1_COST[code] : OTHER_COST.get(code)!;
      if (used + cost > GSM7_MULTI_SEGMENT) {
        segments += 1;
        used = 0;
      }
      used += cost;
    }
  }
  return { encoding: 'GSM-7', segments, length: text.length, unitsUsed: units, nonGsmCharacters: [] };
}

/**
 * Look-alikes that word processors and Intl put into text, mapped to their GSM-7 equivalents (what Twilio's
 * Smart Encoding does): typographic quotes, dashes, ellipsis and the various non-breaking spaces.
 */
const SMART_ENCODING: Record<string, string> = {
  '\u00A0': ' ',
  '\u2007': ' ',
  '\u2009': ' ',
  '\u202F': ' ',
  '\u200B': '',
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u02BC': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u00AB': '"',
  '\u00BB': '"',
  '\u2039': "'",
  '\u203A': "'",
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u2022': '-',
};
const SMART_ENCODED_CLASS = `[${escapeForClass(Object.keys(SMART_ENCODING).join(''))}]`;
const SMART_ENCODED = new RegExp(SMART_ENCODED_CLASS, 'u');
const SMART_ENCODED_ALL = new RegExp(SMART_ENCODED_CLASS, 'gu');

/** Replaces typographic look-alikes only; letters are left alone. */
export function smartEncode(text: string): string {
  return SMART_ENCODED.test(text) ? text.replace(SMART_ENCODED_ALL, (char) => SMART_ENCODING[char]) : text;
}

/**
 * Smart encoding plus accented letters outside GSM-7 reduced to their base letter (á → a, ç → c, œ → oe),
 * for text we generate ourselves (weekday and month names, reason wording) so a Spanish "sábado" does not
 * turn a whole message into UCS-2. Letters GSM-7 has (é, ñ, ü, ß, …) are kept.
 */
export function transliterateToGsm7(text: string): string {
  let out = '';
  for (const raw of smartEncode(text)) {
    if (gsm7Septets(raw) !== null) {
      out += raw;
      continue;
    }
    const special = TRANSLITERATIONS[raw];
    if (special !== undefined) {
      out += special;
      continue;
    }
    const base = raw.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    out += base !== raw && isGsm7(base) ? base : raw;
  }
  return out;
}

const TRANSLITERATIONS: Record<string, string> = {
  œ: 'oe',
  Œ: 'OE',
  ç: 'c',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
};
