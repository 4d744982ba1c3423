/**
 * The message corpus: every notification type × channel × language, rendered from the default templates with
 * variables built exactly as the sender builds them (message-variables.ts), for each scenario a customer can be
 * in. It reads every message as a customer would and fails on the mistakes that make shoppers stop trusting
 * the texts: a raw carrier code, the help page where tracking is promised, a "delay" to the same day, a past
 * day given as expected, an empty or unrendered variable, a text over its segment budget.
 */
import { DateTime } from 'luxon';
import { carrierDisplayName } from '../carriers/carrier-registry';
import {
  LOCALES,
  NOTIFICATION_TYPES,
  type NotificationType,
  type SupportedLocale,
} from '../shared/notification.types';
import type { CanonicalStatus, ExceptionReason } from '../shared/tracking.types';
import { EXCEPTION_REASONS } from '../shared/tracking.types';
import { defaultTemplateKey, loadDefaultTemplates } from '../templates/default-templates';
import { SMS_SEGMENTS_LIMIT, TemplateEngine } from '../templates/template-engine';
import {
  buildTemplateVariables,
  delayIsNews,
  type MessageFacts,
  type SiblingParcel,
} from './message-variables';
import { sendTimeVerdict } from './notification-policy';

const engine = new TemplateEngine();
const templates = loadDefaultTemplates(engine.templatesDir);
const SUPPORT_URL = 'https://northwind-outfitters.com/help';
/** Our signed tracking page of the parcel, as the sender links it (`?s=` names the channel). */
const TRACKING_PAGE = 'https://track.northwind-outfitters.com/t/Q2x3bTk4Zl9hQnZ0LWtmRw';
/** Friday 4 December 2026, 10:00 in Berlin. */
const NOW = new Date('2026-12-04T09:00:00Z');

const STATUS_OF: Record<NotificationType, CanonicalStatus> = {
  shipped: 'in_transit',
  arriving_tomorrow: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  delivery_attempt_failed: 'attempt_failed',
  available_for_pickup: 'available_for_pickup',
  pickup_reminder: 'available_for_pickup',
  delivered: 'delivered',
  order_complete: 'delivered',
  delayed: 'in_transit',
  stalled: 'in_transit',
  exception: 'exception',
  returned_to_sender: 'returned',
};

const NAMES: Record<SupportedLocale, string> = {
  en: 'Olivia Brown',
  es: 'Sofía Hernández',
  fr: 'Chloé Dubois',
  de: 'Jonas Weber',
};

interface Scenario {
  name: string;
  carrier: string;
  trackingNumber: string;
  country: string;
  timeZone: string;
  /** Per type, the facts this scenario changes. */
  change?: (facts: MessageFacts, type: NotificationType) => void;
  /** A day that must never be presented as expected. */
  pastDay?: string;
  /** Our window (issue 20) is the date shown: a message that gives a date words it as an estimate. */
  estimateShown?: boolean;
}

/** Our window as stored with a shipment (issue 20). */
const window = (earliest: string, likely: string, latest: string) => ({
  earliest,
  likely,
  latest,
  madeAt: '2026-12-04T08:00:00.000Z',
  level: 'lane',
  basedOn: 40,
  shippedOn: '2026-12-02',
});

const parcel = (
  id: string,
  status: CanonicalStatus,
  createdAt: string,
  deliveredAt: string | null,
): SiblingParcel => ({
  id,
  status,
  createdAt: new Date(createdAt),
  deliveredAt: deliveredAt ? new Date(deliveredAt) : null,
  trackingNumber: `TN-${id}`,
});

const SCENARIOS: Scenario[] = [
  {
    name: 'single parcel',
    carrier: 'ups',
    trackingNumber: '1Z999AA10123456784',
    country: 'US',
    timeZone: 'America/New_York',
  },
  {
    name: 'split order, first parcel of two',
    carrier: 'dhl_paket',
    trackingNumber: '00340434161094042557',
    country: 'DE',
    timeZone: 'Europe/Berlin',
    change: (f) => {
      f.parcels = [
        parcel(
          f.shipment.id,
          f.shipment.status,
          '2026-11-28T10:00:00Z',
          f.shipment.deliveredAt?.toISOString() ?? null,
        ),
        parcel('other', 'in_transit', '2026-11-28T10:05:00Z', null),
      ];
    },
  },
  {
    name: 'split order, the last parcel completes it',
    carrier: 'gls',
    trackingNumber: '12345678901',
    country: 'ES',
    timeZone: 'Europe/Madrid',
    change: (f) => {
      f.parcels = [
        parcel('first', 'delivered', '2026-11-28T10:00:00Z', '2026-12-03T10:00:00Z'),
        parcel(
          f.shipment.id,
          f.shipment.status,
          '2026-11-28T10:05:00Z',
          f.shipment.deliveredAt?.toISOString() ?? null,
        ),
      ];
    },
  },
  {
    name: 'pickup point (Packstation) waiting since 1 December',
    carrier: 'dhl',
    trackingNumber: '00340434161094042557',
    country: 'DE',
    timeZone: 'Europe/Berlin',
    pastDay: '2026-12-01',
    change: (f) => {
      f.shipment.eta = { date: '2026-12-01' };
      f.shipment.pickup = {
        name: 'Packstation 123',
        address: 'Invalidenstraße 1, 10115 Berlin',
        deadline: '2026-12-08',
      };
    },
  },
  {
    name: 'no ETA',
    carrier: 'royal_mail',
    trackingNumber: 'AH489125522GB',
    country: 'GB',
    timeZone: 'Europe/London',
    change: (f) => {
      f.shipment.eta = null;
      f.shipment.originalEta = null;
      f.shipment.promisedDate = null;
    },
  },
  {
    name: 'ETA later than told',
    carrier: 'dpd_de',
    trackingNumber: '05222222222222',
    country: 'DE',
    timeZone: 'Europe/Berlin',
    change: (f) => {
      f.lastToldEtaDate = '2026-12-05';
      f.shipment.eta = { date: '2026-12-07' };
    },
  },
  {
    name: 'ETA earlier than told',
    carrier: 'colissimo',
    trackingNumber: '6A12345678901',
    country: 'FR',
    timeZone: 'Europe/Paris',
    change: (f) => {
      f.lastToldEtaDate = '2026-12-09';
      f.shipment.eta = { date: '2026-12-07' };
    },
  },
  {
    name: 'ETA unchanged',
    carrier: 'australia_post',
    trackingNumber: '33QQQ12345678',
    country: 'AU',
    timeZone: 'Australia/Sydney',
    change: (f) => {
      f.lastToldEtaDate = '2026-12-07';
      f.shipment.eta = { date: '2026-12-07' };
    },
  },
  {
    name: 'ETA in the past',
    carrier: 'bpost',
    trackingNumber: '323212345678901234567890',
    country: 'BE',
    timeZone: 'Europe/Brussels',
    pastDay: '2026-12-02',
    change: (f) => {
      f.shipment.eta = { date: '2026-12-02' };
    },
  },
  {
    name: 'unknown carrier',
    carrier: 'Bluebird Couriers',
    trackingNumber: 'BB-99812',
    country: 'US',
    timeZone: 'America/Chicago',
  },
  {
    name: 'quiet hours: delivered at 21:30, told at 08:00 the next morning',
    carrier: 'canada_post',
    trackingNumber: '1016390040001418',
    country: 'CA',
    timeZone: 'America/Toronto',
    change: (f) => {
      f.now = new Date('2026-12-04T13:00:00Z');
      f.shipment.deliveredAt = new Date('2026-12-04T02:30:00Z');
    },
  },
  {
    name: 'our estimate, the carrier gives no date',
    carrier: 'royal_mail',
    trackingNumber: 'AH489125522GB',
    country: 'GB',
    timeZone: 'Europe/London',
    estimateShown: true,
    change: (f) => {
      f.shipment.eta = null;
      f.shipment.originalEta = null;
      f.shipment.estimate = window('2026-12-07', '2026-12-08', '2026-12-09');
      f.shipment.etaSource = 'estimate';
    },
  },
  {
    name: "our estimate, more accurate lately than the carrier's date",
    carrier: 'dpd_de',
    trackingNumber: '05222222222222',
    country: 'DE',
    timeZone: 'Europe/Berlin',
    estimateShown: true,
    change: (f) => {
      f.shipment.eta = { date: '2026-12-11' };
      f.shipment.estimate = window('2026-12-07', '2026-12-08', '2026-12-10');
      f.shipment.etaSource = 'estimate';
    },
  },
  {
    name: 'our estimate, a window that began in the past',
    carrier: 'colissimo',
    trackingNumber: '6A12345678901',
    country: 'FR',
    timeZone: 'Europe/Paris',
    pastDay: '2026-12-02',
    estimateShown: true,
    change: (f) => {
      f.shipment.eta = null;
      f.shipment.estimate = window('2026-12-02', '2026-12-03', '2026-12-08');
      f.shipment.etaSource = 'estimate';
    },
  },
  {
    name: 'our estimate, already past: the carrier date instead',
    carrier: 'correos',
    trackingNumber: 'PQ4F6P0700312340128001C',
    country: 'ES',
    timeZone: 'Europe/Madrid',
    pastDay: '2026-12-03',
    change: (f) => {
      f.shipment.eta = { date: '2026-12-09' };
      f.shipment.estimate = window('2026-12-01', '2026-12-02', '2026-12-03');
      f.shipment.etaSource = 'estimate';
    },
  },
  ...EXCEPTION_REASONS.map<Scenario>((reason) => ({
    name: `exception reason ${reason}`,
    carrier: 'fedex',
    trackingNumber: '123456789012',
    country: 'MX',
    timeZone: 'America/Mexico_City',
    change: (f, type) => {
      if (['delivery_attempt_failed', 'exception', 'returned_to_sender', 'delayed'].includes(type))
        f.shipment.reason = reason as ExceptionReason;
    },
  })),
  {
    // A render without a page of ours (the editor's preview of a parcel without one) and no carrier page either.
    name: 'no tracking page at all',
    carrier: 'yamato',
    trackingNumber: '123456789012',
    country: 'JP',
    timeZone: 'Asia/Tokyo',
    change: (f) => {
      f.trackingPageUrl = null;
    },
  },
  ...EXCEPTION_REASONS.map<Scenario>((reason) => ({
    name: `exception reason ${reason}, carrier with no tracking page`,
    carrier: 'yamato',
    trackingNumber: '123456789012',
    country: 'JP',
    timeZone: 'Asia/Tokyo',
    change: (f, type) => {
      if (['delivery_attempt_failed', 'exception', 'returned_to_sender', 'delayed'].includes(type))
        f.shipment.reason = reason as ExceptionReason;
    },
  })),
];

function factsFor(scenario: Scenario, type: NotificationType, locale: SupportedLocale): MessageFacts {
  const status = STATUS_OF[type];
  const facts: MessageFacts = {
    locale,
    now: NOW,
    customer: { name: NAMES[locale], timeZone: scenario.timeZone, country: scenario.country },
    order: { number: 'WS-009302' },
    shipment: {
      id: 'this',
      carrier: scenario.carrier,
      trackingNumber: scenario.trackingNumber,
      status,
      reason: type === 'exception' || type === 'delivery_attempt_failed' ? 'recipient_unavailable' : null,
      eta: { date: '2026-12-07' },
      originalEta: { date: '2026-12-05' },
      promisedDate: '2026-12-05',
      pickup:
        status === 'available_for_pickup'
          ? {
              name: 'Kiosk am Hauptbahnhof',
              address: 'Friedrichstraße 123, 10117 Berlin',
              deadline: '2026-12-11',
            }
          : null,
      collectedAtPickup: false,
      deliveredAt: status === 'delivered' ? new Date('2026-12-04T08:12:00Z') : null,
    },
    parcels: [],
    lastToldEtaDate: null,
    brand: { name: 'Northwind Outfitters', supportUrl: SUPPORT_URL },
    unsubscribeUrl: 'https://northwind-outfitters.com/u/3f9a2c7e1b/shipping-updates',
    trackingPageUrl: TRACKING_PAGE,
  };
  scenario.change?.(facts, type);
  // The proactive types as they are planned: "arriving tomorrow" announces the customer's tomorrow, "stalled" has a
  // last scan days ago, "order complete" is the last of two parcels.
  if (type === 'arriving_tomorrow')
    facts.arrivingOn = DateTime.fromJSDate(facts.now, { zone: facts.customer.timeZone })
      .plus({ days: 1 })
      .toISODate();
  if (type === 'stalled') facts.shipment.lastEventAt = new Date('2026-11-30T15:20:00Z');
  if (
    type === 'order_complete' &&
    !facts.parcels.some((p) => p.id !== facts.shipment.id && p.status === 'delivered')
  )
    facts.parcels = [
      parcel('first', 'delivered', '2026-11-28T10:00:00Z', '2026-12-02T10:00:00Z'),
      parcel(
        facts.shipment.id,
        'delivered',
        '2026-11-28T10:05:00Z',
        facts.shipment.deliveredAt!.toISOString(),
      ),
    ];
  if (facts.shipment.status !== 'available_for_pickup' && type !== 'delivery_attempt_failed')
    facts.shipment.pickup = null;
  return facts;
}

/** Words that promise the customer a page to follow the parcel on (labels such as "tracking number" aside). */
const PROMISES: Record<SupportedLocale, RegExp> = {
  en: /track(?!ing number)|tracking page|the link/i,
  es: /seguimiento(?! en directo: |:)?(?<!número de seguimiento)|en el enlace|mira el enlace/i,
  fr: /suivi(?! :)|suivre|page de suivi|le lien/i,
  de: /sendungsverfolgung|verfolgen|der link|im link/i,
};
const LABELS: Record<SupportedLocale, RegExp> = {
  en: /tracking number/gi,
  es: /número de seguimiento/gi,
  fr: /numéro de suivi/gi,
  de: /sendungsnummer/gi,
};
const PREVIOUSLY: Record<SupportedLocale, RegExp> = {
  en: /: ([^(.\n]+?) \((?:previously|was) ([^)]+)\)/,
  es: /: ([^(.\n]+?) \(antes: ([^)]+)\)/,
  fr: /: ([^(.\n]+?) \(au lieu du ([^)]+)\)/,
  de: /: ([^(.\n]+?) \(bisher: ([^)]+)\)/,
};
/** The messages that state an expected date while the parcel travels. */
const ESTIMATE_TYPES: readonly NotificationType[] = ['shipped', 'delayed'];
/** How each language labels our own window (issue 20). */
const ESTIMATED: Record<SupportedLocale, RegExp> = {
  en: /estimate/i,
  es: /estimad|estimación/i,
  fr: /estimée|estimation/i,
  de: /geschätzt|schätzung/i,
};
const LEFTOVERS = /undefined|\bnull\b|\[object|NaN|\{\{|\}\}|\(\s*\)/;
/** An optional part that rendered empty leaves " , " or ": ." behind (plain text only: markup spaces vary). */
const GAPS = / [,.] |: \.| {2}\S/;

const decode = (html: string) =>
  html
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCharCode(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The carrier's code, as a word of its own outside links ("dhl" in www.dhl.de is not shown to anyone). */
function showsCode(text: string, code: string): boolean {
  const withoutLinks = text.replace(/https?:\/\/\S+/g, ' ');
  return new RegExp(`(^|[^\\w.-])${code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(
    withoutLinks,
  );
}

interface Rendered {
  part: string;
  text: string;
}

function render(
  type: NotificationType,
  channel: 'sms' | 'email',
  locale: SupportedLocale,
  facts: MessageFacts,
) {
  const vars = buildTemplateVariables({
    ...facts,
    unsubscribeUrl: channel === 'email' ? facts.unsubscribeUrl : null,
    trackingPageUrl: facts.trackingPageUrl ? `${facts.trackingPageUrl}?s=${channel}` : null,
  });
  const template = templates.get(defaultTemplateKey(type, channel, locale))!;
  if (channel === 'sms') {
    const sms = engine.renderSms(template.parts.body!, vars, 'auto');
    return { vars, parts: [{ part: 'sms', text: sms.body }] as Rendered[], segments: sms.analysis.segments };
  }
  const email = engine.renderEmail(
    { subject: template.parts.subject!, html: template.parts.html!, text: template.parts.text },
    vars,
  );
  return {
    vars,
    parts: [
      { part: 'subject', text: email.subject },
      { part: 'text', text: email.text },
      { part: 'html', text: email.html },
    ] as Rendered[],
    segments: 0,
  };
}

/** The past day as each language writes it ("Tuesday 1 December", "1. Dezember", "1 de diciembre"…). */
function pastDayForms(day: string, locale: SupportedLocale): string[] {
  const date = new Date(`${day}T00:00:00Z`);
  const intl = { en: 'en-GB', es: 'es-ES', fr: 'fr-FR', de: 'de-DE' }[locale];
  return [new Intl.DateTimeFormat(intl, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(date)];
}

const cases = SCENARIOS.flatMap((scenario) =>
  NOTIFICATION_TYPES.flatMap((type) =>
    LOCALES.map((locale) => [scenario.name, type, locale, scenario] as const),
  ),
);

describe('message corpus', () => {
  it('covers every type, channel and language for each scenario', () => {
    expect(cases.length).toBe(SCENARIOS.length * NOTIFICATION_TYPES.length * LOCALES.length);
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(30);
  });

  describe.each(cases)('%s: %s in %s', (_name, type, locale, scenario) => {
    const facts = factsFor(scenario, type, locale);
    // What the sender would do at send time: a delay that is no longer one is never rendered.
    const sent =
      sendTimeVerdict({
        type,
        isResend: false,
        shipment: { status: facts.shipment.status, collectedAtPickup: facts.shipment.collectedAtPickup },
        delayIsNews: delayIsNews(facts),
        pickupNoticePending: false,
      }) === null;

    it.each(['sms', 'email'] as const)('%s reads true', (channel) => {
      if (!sent) {
        // Only a "delay" whose day is not later than what the customer expects is held back here.
        expect({ type, news: delayIsNews(facts) }).toEqual({ type: 'delayed', news: false });
        return;
      }
      const { vars, parts, segments } = render(type, channel, locale, facts);
      const display = carrierDisplayName(facts.shipment.carrier, facts.shipment.trackingNumber);
      for (const { part, text } of parts) {
        const where = `${part}: ${text.slice(0, 400)}`;
        const decoded = part === 'html' ? decode(text) : text;
        const plain = part === 'html' ? decode(text.replace(/<[^>]+>/g, ' ')) : text;
        // Nothing left unrendered or empty.
        expect({ where, leftover: LEFTOVERS.exec(plain)?.[0] ?? null }).toEqual({ where, leftover: null });
        if (part !== 'html')
          expect({ where, gap: GAPS.exec(plain)?.[0] ?? null }).toEqual({ where, gap: null });
        // No raw carrier code: an id that differs from its display name never shows.
        if (facts.shipment.carrier !== display && /[_a-z]/.test(facts.shipment.carrier)) {
          expect({ where, raw: showsCode(plain, facts.shipment.carrier) }).toEqual({ where, raw: false });
        }
        // Where tracking is promised, the link is a tracking page, never the help page.
        const promise = PROMISES[locale].test(plain.replace(LABELS[locale], ''));
        if (promise && part !== 'subject') {
          expect({ where, trackingUrl: vars.shipment.trackingUrl }).toEqual({
            where,
            trackingUrl: expect.any(String),
          });
          expect({ where, links: decoded.includes(vars.shipment.trackingUrl!) }).toEqual({
            where,
            links: true,
          });
        }
        if (!vars.shipment.trackingUrl) {
          expect({ where, promise }).toEqual({ where, promise: false });
        }
        expect(vars.shipment.trackingUrl).not.toBe(SUPPORT_URL);
        // Every message of every type links our tracking page of the parcel (issue 17): the text, the HTML and the SMS.
        if (facts.trackingPageUrl && part !== 'subject') {
          expect({ where, ours: decoded.includes(`${TRACKING_PAGE}?s=${channel}`) }).toEqual({
            where,
            ours: true,
          });
        }
        // A delay names two different days.
        const delay = PREVIOUSLY[locale].exec(plain);
        if (delay) expect({ where, newDay: delay[1].trim() }).not.toEqual({ where, newDay: delay[2].trim() });
        // Our window is worded as an estimate in the messages that give a date while a parcel travels (issue 20).
        if (scenario.estimateShown && ESTIMATE_TYPES.includes(type) && part !== 'subject') {
          expect({ where, estimate: ESTIMATED[locale].test(plain) }).toEqual({ where, estimate: true });
        }
        if (vars.shipment.estimate) expect(vars.shipment.eta).toBeNull();
        // A past day is never presented as expected.
        if (scenario.pastDay) {
          for (const form of pastDayForms(scenario.pastDay, locale))
            expect({ where, past: plain.includes(form) }).toEqual({ where, past: false });
        }
      }
      if (channel === 'sms')
        expect({ segments, ok: segments <= SMS_SEGMENTS_LIMIT }).toEqual({ segments, ok: true });
    });
  });
});
