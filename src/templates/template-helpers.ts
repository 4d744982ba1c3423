/**
 * Handlebars helpers for notification templates: dates and ETAs in the customer's language and time zone,
 * status and exception wording from templates/i18n/{locale}.json, links, plurals and comparisons.
 *
 * Helpers read `locale`, `timeZone` and `now` from the root context (`@root`) unless a hash argument
 * overrides them, and know the output mode from `@renderMode`: 'html' returns links as markup. Accents are kept
 * in every mode; the SMS renderer decides for the whole text whether they cost a segment (SMS_ACCENTS).
 * Helpers throw on missing input: Handlebars' strict mode does not check helper arguments.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HelperDelegate, HelperOptions } from 'handlebars';
import { IANAZone } from 'luxon';
import { LOCALES, type SupportedLocale } from '../shared/notification.types';
import {
  CANONICAL_STATUSES,
  EXCEPTION_REASONS,
  type CanonicalStatus,
  type ExceptionReason,
} from '../shared/tracking.types';

export type RenderMode = 'html' | 'text' | 'sms';

export interface ReasonWording {
  /** What happened, in plain words. */
  text: string;
  /** What the customer can do next. */
  step: string;
  /** Both in one short line for SMS. */
  short: string;
  /** `step` for a message with no tracking link: it must not send the customer to a tracking page. */
  stepNoLink?: string;
  /** `short` for a message with no tracking link. */
  shortNoLink?: string;
}

export interface I18nCatalog {
  status: Record<CanonicalStatus, string>;
  reason: Record<ExceptionReason, ReasonWording>;
  relativeDay: { today: string; tomorrow: string; yesterday: string };
  eta: { window: string; from: string; until: string; acrossDays: string };
  trackingLink: string;
  email: Record<string, string>;
}

export type I18nCatalogs = Record<SupportedLocale, I18nCatalog>;

export class TemplateRenderError extends Error {
  readonly code = 'template_render_failed';
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

/** Reads and checks every locale's catalog: a missing status or reason string fails at start-up, not at send. */
export function loadI18nCatalogs(templatesDir: string): I18nCatalogs {
  const catalogs = {} as I18nCatalogs;
  for (const locale of LOCALES) {
    const file = path.join(templatesDir, 'i18n', `${locale}.json`);
    const catalog = JSON.parse(fs.readFileSync(file, 'utf8')) as I18nCatalog;
    const missing = [
      ...CANONICAL_STATUSES.filter((s) => typeof catalog.status?.[s] !== 'string').map((s) => `status.${s}`),
      ...EXCEPTION_REASONS.filter(
        (r) => !catalog.reason?.[r]?.text || !catalog.reason[r].step || !catalog.reason[r].short,
      ).map((r) => `reason.${r}`),
    ];
    if (missing.length > 0) throw new Error(`${file} is missing ${missing.join(', ')}`);
    catalogs[locale] = catalog;
  }
  return catalogs;
}

/** Names usable with `knownHelpersOnly`; the built-ins if, unless, each, with and lookup come on top (not `log`). */
export const TEMPLATE_HELPER_NAMES = [
  'formatDate',
  'formatTime',
  'etaText',
  'relativeDay',
  'trackingLink',
  'statusLabel',
  'reasonText',
  't',
  'plural',
  'eq',
  'ne',
  'gt',
  'lt',
  'and',
  'or',
  'not',
] as const;
export type TemplateHelperName = (typeof TEMPLATE_HELPER_NAMES)[number];

/** Region used for each language's date and time formats: "Tuesday 12 May, 10:00" rather than US style. */
const INTL_LOCALE: Record<SupportedLocale, string> = { en: 'en-GB', es: 'es-ES', fr: 'fr-FR', de: 'de-DE' };

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface FormatContext {
  language: SupportedLocale;
  intlLocale: string;
  timeZone: string;
  mode: RenderMode;
  catalog: I18nCatalog;
  root: Record<string, unknown>;
}

type Temporal = { kind: 'date'; utcMidnight: Date; iso: string } | { kind: 'instant'; date: Date };

function parseTemporal(helper: string, value: unknown): Temporal {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TemplateRenderError(`${helper}: invalid date`);
    return { kind: 'instant', date: value };
  }
  if (typeof value !== 'string' || value === '') {
    throw new TemplateRenderError(
      `${helper}: expected a date (YYYY-MM-DD) or an ISO instant, got ${describe(value)}`,
    );
  }
  const match = CALENDAR_DATE.exec(value);
  if (match) {
    const utcMidnight = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    if (utcMidnight.toISOString().slice(0, 10) !== value)
      throw new TemplateRenderError(`${helper}: invalid date ${value}`);
    return { kind: 'date', utcMidnight, iso: value };
  }
  // An instant must carry its offset: a bare local time would be read in the server's zone.
  if (!/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    throw new TemplateRenderError(
      `${helper}: "${value}" is neither a date (YYYY-MM-DD) nor an ISO instant with offset`,
    );
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TemplateRenderError(`${helper}: invalid instant ${value}`);
  return { kind: 'instant', date };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (is the variable name right?)';
  if (value === null) return 'null (wrap it in {{#if}})';
  return JSON.stringify(value);
}

/**
 * Building an Intl.DateTimeFormat costs far more than formatting with one, and a render builds several;
 * formatters are immutable, so one per (locale, options) is shared. Luxon, the project's date library, formats
 * through the same Intl formatters, but a DateTime built, zoned and localised per call costs about 40 µs against
 * 3 µs here, more than a whole SMS render; so the render path alone calls Intl directly.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, options);
    if (formatters.size > 5000) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The calendar day (YYYY-MM-DD) a temporal falls on for the customer: dates never move, instants do. */
function localDay(t: Temporal, timeZone: string): string {
  if (t.kind === 'date') return t.iso;
  const parts = dateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(t.date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function dayNumber(isoDay: string): number {
  const [y, m, d] = isoDay.split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

const DATE_STYLES: Record<string, Intl.DateTimeFormatOptions> = {
  long: { weekday: 'long', day: 'numeric', month: 'long' },
  full: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  short: { day: 'numeric', month: 'short' },
  numeric: { day: '2-digit', month: '2-digit', year: 'numeric' },
  weekday: { weekday: 'long' },
};

function formatDay(t: Temporal, ctx: FormatContext, style = 'long'): string {
  const options = DATE_STYLES[style];
  if (!options)
    throw new TemplateRenderError(
      `formatDate: unknown style "${style}" (use ${Object.keys(DATE_STYLES).join(', ')})`,
    );
  // A calendar date is formatted as UTC midnight in UTC so that no zone can move it to the day before.
  const [date, timeZone] = t.kind === 'date' ? [t.utcMidnight, 'UTC'] : [t.date, ctx.timeZone];
  return dateTimeFormat(ctx.intlLocale, { ...options, timeZone }).format(date);
}

/**
 * Our estimated window (issue 20) as the language writes a range of days: "7–9 December", "7–9 de diciembre",
 * "7.–9. Dezember"; a one-day window is that day in full.
 */
function estimateWindowText(window: { earliest: unknown; latest: unknown }, ctx: FormatContext): string {
  const earliest = parseTemporal('etaText (earliest)', window.earliest);
  const latest = parseTemporal('etaText (latest)', window.latest);
  if (earliest.kind !== 'date' || latest.kind !== 'date')
    throw new TemplateRenderError('etaText: an estimated window is two calendar dates (YYYY-MM-DD)');
  if (earliest.iso === latest.iso) return formatDay(earliest, ctx);
  return dateTimeFormat(ctx.intlLocale, { day: 'numeric', month: 'long', timeZone: 'UTC' }).formatRange(
    earliest.utcMidnight,
    latest.utcMidnight,
  );
}

function formatClock(t: Temporal, ctx: FormatContext, helper: string): string {
  if (t.kind === 'date') throw new TemplateRenderError(`${helper}: "${t.iso}" is a date without a time`);
  return dateTimeFormat(ctx.intlLocale, {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: ctx.timeZone,
  }).format(t.date);
}

/** today / tomorrow / yesterday as a word, or null further away. */
function relativeWord(t: Temporal, ctx: FormatContext): string | null {
  const diff = daysFromNow(t, ctx);
  if (diff === 0) return ctx.catalog.relativeDay.today;
  if (diff === 1) return ctx.catalog.relativeDay.tomorrow;
  if (diff === -1) return ctx.catalog.relativeDay.yesterday;
  return null;
}

function daysFromNow(t: Temporal, ctx: FormatContext): number {
  const now = parseTemporal('relativeDay (now)', ctx.root.now);
  return dayNumber(localDay(t, ctx.timeZone)) - dayNumber(localDay(now, ctx.timeZone));
}

function fill(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

function isSupportedLocale(value: unknown): value is SupportedLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Zones already checked: building a formatter to test one costs ~100 µs, and every helper call asks. */
const validZones = new Set<string>();
function isValidTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  if (validZones.size > 1000) validZones.clear();
  validZones.add(zone);
  return true;
}

const pluralRules = new Map<string, Intl.PluralRules>();
function pluralRulesFor(locale: string): Intl.PluralRules {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules;
}

function lastArgOptions(args: unknown[]): HelperOptions {
  return args[args.length - 1] as HelperOptions;
}

export interface HelperRegistry {
  registerHelper(name: string, fn: HelperDelegate): void;
  SafeString: new (value: string) => unknown;
  escapeExpression(value: string): string;
}

/** Registers every helper on an isolated Handlebars instance. */
export function registerTemplateHelpers(
  hbs: HelperRegistry,
  catalogs: I18nCatalogs,
  /** The inline style the layout's CSS gives `<tag class="…">`, for markup helpers add at render time. */
  inlineStyle: (tag: string, className: string) => string | null = () => null,
): void {
  const context = (options: HelperOptions, helper: string): FormatContext => {
    const root = (options.data?.root ?? {}) as Record<string, unknown>;
    const hash = (options.hash ?? {}) as Record<string, unknown>;
    const requested = (hash.locale ?? root.locale) as unknown;
    const tag = typeof requested === 'string' ? requested : '';
    const language = tag.split('-')[0].toLowerCase();
    if (!isSupportedLocale(language))
      throw new TemplateRenderError(`${helper}: unsupported locale ${describe(requested)}`);
    const timeZone = (hash.timeZone ?? root.timeZone) as unknown;
    if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone)) {
      throw new TemplateRenderError(`${helper}: invalid time zone ${describe(timeZone)}`);
    }
    return {
      language,
      intlLocale: tag.includes('-') ? tag : INTL_LOCALE[language],
      timeZone,
      mode: (options.data?.renderMode as RenderMode | undefined) ?? 'text',
      catalog: catalogs[language],
      root,
    };
  };
  /**
   * Generated words keep their accents in every channel: whether a text message keeps them is decided once for
   * the whole text (TemplateEngine.renderSms, SMS_ACCENTS), so "sábado" and "Sofía" read alike.
   */
  const out = (_ctx: FormatContext, text: string): string => text;

  const helpers: Record<TemplateHelperName, HelperDelegate> = {
    formatDate(value: unknown, options: HelperOptions) {
      const ctx = context(options, 'formatDate');
      return out(
        ctx,
        formatDay(parseTemporal('formatDate', value), ctx, options.hash?.style as string | undefined),
      );
    },

    formatTime(value: unknown, options: HelperOptions) {
      const ctx = context(options, 'formatTime');
      return out(ctx, formatClock(parseTemporal('formatTime', value), ctx, 'formatTime'));
    },

    etaText(eta: unknown, options: HelperOptions) {
      const ctx = context(options, 'etaText');
      if (eta && typeof eta === 'object' && 'earliest' in eta && 'latest' in eta) {
        return out(ctx, estimateWindowText(eta as { earliest: unknown; latest: unknown }, ctx));
      }
      if (!eta || typeof eta !== 'object' || !('date' in eta)) {
        throw new TemplateRenderError(`etaText: expected an ETA object, got ${describe(eta)}`);
      }
      const { date, windowStart, windowEnd } = eta as {
        date: unknown;
        windowStart?: unknown;
        windowEnd?: unknown;
      };
      const relative = options.hash?.relative === true;
      const dayText = (t: Temporal) => (relative ? relativeWord(t, ctx) : null) ?? formatDay(t, ctx);
      const start = windowStart ? parseTemporal('etaText (windowStart)', windowStart) : null;
      const end = windowEnd ? parseTemporal('etaText (windowEnd)', windowEnd) : null;
      const { eta: patterns } = ctx.catalog;
      let text: string;
      if (start && end && localDay(start, ctx.timeZone) !== localDay(end, ctx.timeZone)) {
        const at = (t: Temporal) => `${dayText(t)} ${formatClock(t, ctx, 'etaText')}`;
        text = fill(patterns.acrossDays, { start: at(start), end: at(end) });
      } else if (start && end) {
        // The window's own day in the customer's zone: that is when the van comes, whatever the carrier's zone.
        text = fill(patterns.window, {
          date: dayText(start),
          start: formatClock(start, ctx, 'etaText'),
          end: formatClock(end, ctx, 'etaText'),
        });
      } else if (start) {
        text = fill(patterns.from, { date: dayText(start), start: formatClock(start, ctx, 'etaText') });
      } else if (end) {
        text = fill(patterns.until, { date: dayText(end), end: formatClock(end, ctx, 'etaText') });
      } else {
        text = dayText(parseTemporal('etaText (date)', date));
      }
      return out(ctx, text);
    },

    relativeDay(value: unknown, options: HelperOptions) {
      const ctx = context(options, 'relativeDay');
      const t = parseTemporal('relativeDay', value);
      const word = relativeWord(t, ctx);
      if (word) return out(ctx, word);
      const diff = daysFromNow(t, ctx);
      return out(ctx, formatDay(t, ctx, diff > 1 && diff < 7 ? 'weekday' : 'long'));
    },

    /** {{trackingLink}}, {{trackingLink url}}, {{trackingLink url "Label"}} or label="…": an anchor in HTML, the URL elsewhere. */
    trackingLink(...args: unknown[]) {
      const options = lastArgOptions(args);
      const ctx = context(options, 'trackingLink');
      const shipment = ctx.root.shipment as { trackingUrl?: unknown } | undefined;
      const url = args.length > 1 ? args[0] : shipment?.trackingUrl;
      if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
        throw new TemplateRenderError(`trackingLink: expected an http(s) URL, got ${describe(url)}`);
      }
      if (ctx.mode !== 'html') return url;
      const hashLabel = options.hash?.label;
      const label =
        typeof hashLabel === 'string'
          ? hashLabel
          : args.length > 2 && typeof args[1] === 'string'
            ? args[1]
            : ctx.catalog.trackingLink;
      const className = typeof options.hash?.class === 'string' ? options.hash.class : 'button';
      const e = hbs.escapeExpression;
      const style = inlineStyle('a', className);
      return new hbs.SafeString(
        `<a href="${e(url)}" class="${e(className)}"${style ? ` style="${e(style)}"` : ''}>${e(label)}</a>`,
      );
    },

    statusLabel(status: unknown, options: HelperOptions) {
      const ctx = context(options, 'statusLabel');
      const label = typeof status === 'string' ? ctx.catalog.status[status as CanonicalStatus] : undefined;
      if (!label) throw new TemplateRenderError(`statusLabel: unknown status ${describe(status)}`);
      return out(ctx, label);
    },

    reasonText(reason: unknown, options: HelperOptions) {
      const ctx = context(options, 'reasonText');
      const key = (reason ?? 'other') as ExceptionReason;
      const wording = ctx.catalog.reason[key];
      if (!wording) throw new TemplateRenderError(`reasonText: unknown reason ${describe(reason)}`);
      const part =
        (options.hash?.part as string | undefined) ?? (options.hash?.short === true ? 'short' : 'both');
      // Without a tracking link, "check the tracking page" would be a promise the message cannot keep.
      const shipment = ctx.root.shipment as { trackingUrl?: unknown } | undefined;
      const noLink = shipment !== undefined && !shipment.trackingUrl;
      const step = (noLink && wording.stepNoLink) || wording.step;
      const short = (noLink && wording.shortNoLink) || wording.short;
      const text =
        part === 'text'
          ? wording.text
          : part === 'step'
            ? step
            : part === 'short'
              ? short
              : `${wording.text} ${step}`;
      return out(ctx, text);
    },

    /** A catalog string by dotted key, `{name}` placeholders filled from the hash: {{t "email.why" brand=brand.name}}. */
    t(key: unknown, options: HelperOptions) {
      const ctx = context(options, 't');
      const value =
        typeof key === 'string'
          ? key
              .split('.')
              .reduce<unknown>(
                (node, part) =>
                  node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined,
                ctx.catalog,
              )
          : undefined;
      if (typeof value !== 'string')
        throw new TemplateRenderError(`t: no text "${String(key)}" for ${ctx.language}`);
      const values = Object.fromEntries(
        Object.entries(options.hash ?? {}).map(([k, v]) => [k, String(v ?? '')]),
      );
      return out(ctx, fill(value, values));
    },

    plural(count: unknown, singular: unknown, plural: unknown, options: HelperOptions) {
      const ctx = context(options, 'plural');
      if (typeof count !== 'number' || typeof singular !== 'string' || typeof plural !== 'string') {
        throw new TemplateRenderError('plural: use {{plural count "singular" "plural"}}');
      }
      return pluralRulesFor(ctx.intlLocale).select(count) === 'one' ? singular : plural;
    },

    eq: (a: unknown, b: unknown) => a === b,
    ne: (a: unknown, b: unknown) => a !== b,
    gt: (a: unknown, b: unknown) => (a as number) > (b as number),
    lt: (a: unknown, b: unknown) => (a as number) < (b as number),
    and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
    or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
    not: (value: unknown) => !value,
  };

  for (const name of TEMPLATE_HELPER_NAMES) hbs.registerHelper(name, helpers[name]);
}
