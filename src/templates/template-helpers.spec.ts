import { TemplateEngine } from './template-engine';
import { TemplateRenderError } from './template-helpers';
import { sampleVariables, type TemplateVariables } from './template-variables';
import type { SupportedLocale } from '../shared/notification.types';
import type { RenderMode } from './template-helpers';

const engine = new TemplateEngine();
/** The layout's `.button` rule, inlined on the anchor the helper writes (a class with no rule gets no style). */
const BUTTON_STYLE =
  'display: inline-block; background-color: #0369a1; color: #ffffff; text-decoration: none; font-weight: bold; ' +
  'padding: 12px 24px; border-radius: 6px;';

function vars(
  overrides: { locale?: SupportedLocale; timeZone?: string; now?: string } = {},
): TemplateVariables {
  return { ...sampleVariables('shipped', { locale: overrides.locale }), ...overrides } as TemplateVariables;
}

function render(source: string, context: TemplateVariables, mode: RenderMode = 'text'): string {
  return engine.renderString(source, context, { escape: mode === 'html', mode });
}

/** Renders a helper call with one value bound as `shipment.eta` (any shape) to keep test sources short. */
function withEta(
  source: string,
  eta: unknown,
  overrides: Parameters<typeof vars>[0] = {},
  mode: RenderMode = 'text',
): string {
  const context = vars(overrides);
  (context.shipment as unknown as Record<string, unknown>).eta = eta;
  return render(source, context, mode);
}

describe('formatDate', () => {
  it.each([
    'America/Los_Angeles',
    'Europe/Berlin',
    'Asia/Tokyo',
    'Australia/Sydney',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
  ])('never moves a calendar date in %s', (timeZone) => {
    expect(withEta('{{formatDate shipment.eta}}', '2026-05-12', { timeZone })).toBe('Tuesday 12 May');
  });

  it('shows an instant on the customer’s own calendar day', () => {
    const instant = '2026-05-12T22:30:00Z';
    expect(withEta('{{formatDate shipment.eta}}', instant, { timeZone: 'America/Los_Angeles' })).toBe(
      'Tuesday 12 May',
    );
    expect(withEta('{{formatDate shipment.eta}}', instant, { timeZone: 'Europe/Berlin' })).toBe(
      'Wednesday 13 May',
    );
    expect(withEta('{{formatDate shipment.eta}}', instant, { timeZone: 'Asia/Tokyo' })).toBe(
      'Wednesday 13 May',
    );
    expect(withEta('{{formatDate shipment.eta}}', instant, { timeZone: 'Australia/Sydney' })).toBe(
      'Wednesday 13 May',
    );
  });

  it.each<[SupportedLocale, string]>([
    ['en', 'Tuesday 12 May'],
    ['es', 'martes, 12 de mayo'],
    ['fr', 'mardi 12 mai'],
    ['de', 'Dienstag, 12. Mai'],
  ])('speaks %s', (locale, expected) => {
    expect(withEta('{{formatDate shipment.eta}}', '2026-05-12', { locale })).toBe(expected);
  });

  it('supports styles and a locale override', () => {
    expect(withEta('{{formatDate shipment.eta style="full"}}', '2026-05-12')).toBe('Tuesday, 12 May 2026');
    expect(withEta('{{formatDate shipment.eta style="short"}}', '2026-05-12', { locale: 'de' })).toBe(
      '12. Mai',
    );
    expect(withEta('{{formatDate shipment.eta style="numeric"}}', '2026-05-12', { locale: 'fr' })).toBe(
      '12/05/2026',
    );
    expect(withEta('{{formatDate shipment.eta locale="en-US"}}', '2026-05-12')).toBe('Tuesday, May 12');
  });

  it('rejects local times without an offset instead of guessing the zone', () => {
    expect(() => withEta('{{formatDate shipment.eta}}', '2026-05-12T10:00:00')).toThrow(/offset/);
    expect(() => withEta('{{formatDate shipment.eta}}', '2026-02-30')).toThrow(TemplateRenderError);
  });

  it('throws on a missing argument, which strict mode does not check for helpers', () => {
    expect(() => render('{{formatDate shipment.nope}}', vars())).toThrow(/formatDate.*nothing/);
  });

  it('rejects an unknown time zone', () => {
    expect(() => withEta('{{formatDate shipment.eta}}', '2026-05-12', { timeZone: 'Mars/Olympus' })).toThrow(
      /time zone/,
    );
  });
});

describe('formatTime', () => {
  it.each([
    ['America/Los_Angeles', '01:00'],
    ['Europe/Berlin', '10:00'],
    ['Asia/Tokyo', '17:00'],
    ['Australia/Sydney', '18:00'],
  ])('shows 08:00 UTC in %s as %s', (timeZone, expected) => {
    expect(withEta('{{formatTime shipment.eta}}', '2026-05-12T08:00:00Z', { timeZone })).toBe(expected);
  });

  it('refuses a date without a time', () => {
    expect(() => withEta('{{formatTime shipment.eta}}', '2026-05-12')).toThrow(/without a time/);
  });

  it('follows the DST change in Europe/Berlin on 2026-03-29 (02:00 → 03:00)', () => {
    expect(withEta('{{formatTime shipment.eta}}', '2026-03-29T00:59:00Z')).toBe('01:59');
    expect(withEta('{{formatTime shipment.eta}}', '2026-03-29T01:00:00Z')).toBe('03:00');
  });
});

describe('etaText', () => {
  const window = {
    date: '2026-05-12',
    windowStart: '2026-05-12T08:00:00Z',
    windowEnd: '2026-05-12T12:00:00Z',
  };

  it.each<[SupportedLocale, string]>([
    ['en', 'Tuesday 12 May, between 10:00 and 14:00'],
    ['es', 'martes, 12 de mayo, entre las 10:00 y las 14:00'],
    ['fr', 'mardi 12 mai, entre 10:00 et 14:00'],
    ['de', 'Dienstag, 12. Mai, zwischen 10:00 und 14:00 Uhr'],
  ])('gives day and window in %s', (locale, expected) => {
    expect(withEta('{{etaText shipment.eta}}', window, { locale, timeZone: 'Europe/Berlin' })).toBe(expected);
  });

  it.each([
    ['America/Los_Angeles', 'Tuesday 12 May'],
    ['Europe/Berlin', 'Tuesday 12 May'],
    ['Asia/Tokyo', 'Tuesday 12 May'],
    ['Australia/Sydney', 'Tuesday 12 May'],
  ])('keeps a date-only ETA (UTC midnight upstream) on its day in %s', (timeZone, expected) => {
    expect(
      withEta(
        '{{etaText shipment.eta}}',
        { date: '2026-05-12', windowStart: null, windowEnd: null },
        { timeZone },
      ),
    ).toBe(expected);
  });

  it('shows the window in the customer’s zone, on the window’s local day', () => {
    expect(withEta('{{etaText shipment.eta}}', window, { timeZone: 'America/Los_Angeles' })).toBe(
      'Tuesday 12 May, between 01:00 and 05:00',
    );
    expect(withEta('{{etaText shipment.eta}}', window, { timeZone: 'Asia/Tokyo' })).toBe(
      'Tuesday 12 May, between 17:00 and 21:00',
    );
    expect(withEta('{{etaText shipment.eta}}', window, { timeZone: 'Australia/Sydney' })).toBe(
      'Tuesday 12 May, between 18:00 and 22:00',
    );
    const evening = {
      date: '2026-05-12',
      windowStart: '2026-05-12T18:00:00Z',
      windowEnd: '2026-05-12T20:00:00Z',
    };
    expect(withEta('{{etaText shipment.eta}}', evening, { timeZone: 'Asia/Tokyo' })).toBe(
      'Wednesday 13 May, between 03:00 and 05:00',
    );
  });

  it('spells out both days when the window crosses midnight locally', () => {
    const late = {
      date: '2026-05-12',
      windowStart: '2026-05-12T20:00:00Z',
      windowEnd: '2026-05-12T23:00:00Z',
    };
    expect(withEta('{{etaText shipment.eta}}', late, { timeZone: 'Europe/Berlin' })).toBe(
      'between Tuesday 12 May 22:00 and Wednesday 13 May 01:00',
    );
  });

  it('handles a window across the Europe/Berlin DST change (night of 2026-03-29)', () => {
    const eta = {
      date: '2026-03-29',
      windowStart: '2026-03-29T00:30:00Z',
      windowEnd: '2026-03-29T01:30:00Z',
    };
    expect(withEta('{{etaText shipment.eta}}', eta, { timeZone: 'Europe/Berlin' })).toBe(
      'Sunday 29 March, between 01:30 and 03:30',
    );
    expect(withEta('{{etaText shipment.eta}}', eta, { timeZone: 'Europe/Berlin', locale: 'de' })).toBe(
      'Sonntag, 29. März, zwischen 01:30 und 03:30 Uhr',
    );
  });

  it('handles a window across the America/New_York DST change (2026-03-08, 02:00 → 03:00)', () => {
    const eta = {
      date: '2026-03-08',
      windowStart: '2026-03-08T06:30:00Z',
      windowEnd: '2026-03-08T07:30:00Z',
    };
    expect(withEta('{{etaText shipment.eta}}', eta, { timeZone: 'America/New_York' })).toBe(
      'Sunday 8 March, between 01:30 and 03:30',
    );
  });

  it('handles half-open windows', () => {
    const from = { date: '2026-05-12', windowStart: '2026-05-12T08:00:00Z', windowEnd: null };
    const until = { date: '2026-05-12', windowStart: null, windowEnd: '2026-05-12T12:00:00Z' };
    expect(withEta('{{etaText shipment.eta}}', from)).toBe('Tuesday 12 May, from 10:00');
    expect(withEta('{{etaText shipment.eta}}', until, { locale: 'de' })).toBe(
      'Dienstag, 12. Mai, bis 14:00 Uhr',
    );
    expect(withEta('{{etaText shipment.eta}}', until, { locale: 'es' })).toBe(
      'martes, 12 de mayo, antes de las 14:00',
    );
  });

  it('says today / tomorrow with relative=true, per language', () => {
    // now = Monday 11 May 2026, 09:30 in Berlin
    const today = {
      date: '2026-05-11',
      windowStart: '2026-05-11T08:00:00Z',
      windowEnd: '2026-05-11T12:00:00Z',
    };
    const tomorrow = { date: '2026-05-12', windowStart: null, windowEnd: null };
    expect(withEta('{{etaText shipment.eta relative=true}}', today)).toBe('today, between 10:00 and 14:00');
    expect(withEta('{{etaText shipment.eta relative=true}}', today, { locale: 'fr' })).toBe(
      "aujourd'hui, entre 10:00 et 14:00",
    );
    expect(withEta('{{etaText shipment.eta relative=true}}', tomorrow, { locale: 'es' })).toBe('mañana');
    expect(
      withEta('{{etaText shipment.eta relative=true}}', {
        date: '2026-05-14',
        windowStart: null,
        windowEnd: null,
      }),
    ).toBe('Thursday 14 May');
  });

  it('throws when there is no ETA, pointing at {{#if}}', () => {
    expect(() => withEta('{{etaText shipment.eta}}', null)).toThrow(/#if/);
  });

  it('keeps accents in every mode: the SMS renderer decides for the whole text (SMS_ACCENTS)', () => {
    const saturday = { date: '2026-05-16', windowStart: null, windowEnd: null };
    expect(withEta('{{etaText shipment.eta}}', saturday, { locale: 'es' }, 'text')).toBe(
      'sábado, 16 de mayo',
    );
    expect(withEta('{{etaText shipment.eta}}', saturday, { locale: 'es' }, 'sms')).toBe('sábado, 16 de mayo');
    const august = { date: '2026-08-12', windowStart: null, windowEnd: null };
    expect(withEta('{{etaText shipment.eta}}', august, { locale: 'fr' }, 'sms')).toBe('mercredi 12 août');
  });
});

describe('relativeDay', () => {
  it.each<[SupportedLocale, string, string, string]>([
    ['en', 'today', 'tomorrow', 'yesterday'],
    ['es', 'hoy', 'mañana', 'ayer'],
    ['fr', "aujourd'hui", 'demain', 'hier'],
    ['de', 'heute', 'morgen', 'gestern'],
  ])('speaks %s', (locale, today, tomorrow, yesterday) => {
    expect(withEta('{{relativeDay shipment.eta}}', '2026-05-11', { locale })).toBe(today);
    expect(withEta('{{relativeDay shipment.eta}}', '2026-05-12', { locale })).toBe(tomorrow);
    expect(withEta('{{relativeDay shipment.eta}}', '2026-05-10', { locale })).toBe(yesterday);
  });

  it('names the weekday within the week and the date beyond', () => {
    expect(withEta('{{relativeDay shipment.eta}}', '2026-05-14')).toBe('Thursday');
    expect(withEta('{{relativeDay shipment.eta}}', '2026-05-14', { locale: 'de' })).toBe('Donnerstag');
    expect(withEta('{{relativeDay shipment.eta}}', '2026-05-25')).toBe('Monday 25 May');
  });

  it('counts days on the customer’s calendar, not in 24-hour steps', () => {
    const now = '2026-05-11T23:30:00Z'; // Berlin: Tue 12 May 01:30; Los Angeles: Mon 11 May 16:30; Tokyo: Tue 08:30
    expect(withEta('{{relativeDay shipment.eta}}', '2026-05-12', { now, timeZone: 'Europe/Berlin' })).toBe(
      'today',
    );
    expect(
      withEta('{{relativeDay shipment.eta}}', '2026-05-12', { now, timeZone: 'America/Los_Angeles' }),
    ).toBe('tomorrow');
    expect(withEta('{{relativeDay shipment.eta}}', '2026-05-12', { now, timeZone: 'Asia/Tokyo' })).toBe(
      'today',
    );
    expect(withEta('{{relativeDay shipment.eta}}', '2026-05-12', { now, timeZone: 'Australia/Sydney' })).toBe(
      'today',
    );
    expect(
      withEta('{{relativeDay shipment.eta}}', '2026-05-12T15:00:00Z', { now, timeZone: 'Australia/Sydney' }),
    ).toBe('tomorrow');
  });

  it('says tomorrow across the Europe/Berlin DST night although only 23 hours pass', () => {
    // 00:30 on Sunday 29 March (CET) → 00:30 on Monday 30 March (CEST) is 23 hours later.
    const now = '2026-03-28T23:30:00Z';
    expect(
      withEta('{{relativeDay shipment.eta}}', '2026-03-29T22:30:00Z', { now, timeZone: 'Europe/Berlin' }),
    ).toBe('tomorrow');
    expect(
      withEta('{{relativeDay shipment.eta}}', '2026-03-29T21:59:00Z', { now, timeZone: 'Europe/Berlin' }),
    ).toBe('today');
  });

  it('says tomorrow across the America/New_York DST night (2026-03-08)', () => {
    const now = '2026-03-08T04:30:00Z'; // Sat 7 March 23:30 EST
    expect(
      withEta('{{relativeDay shipment.eta}}', '2026-03-09T03:30:00Z', { now, timeZone: 'America/New_York' }),
    ).toBe('tomorrow');
    expect(
      withEta('{{relativeDay shipment.eta}}', '2026-03-08T04:59:00Z', { now, timeZone: 'America/New_York' }),
    ).toBe('today');
  });
});

describe('trackingLink', () => {
  it('renders an escaped anchor in HTML with a localized label', () => {
    const context = vars({ locale: 'fr' });
    context.shipment.trackingUrl = 'https://track.example.com/t/1?a=1&b="2"';
    expect(render('{{trackingLink}}', context, 'html')).toBe(
      '<a href="https://track.example.com/t/1?a&#x3D;1&amp;b&#x3D;&quot;2&quot;" class="button" ' +
        `style="${BUTTON_STYLE}">Suivre votre colis</a>`,
    );
  });

  it('renders the bare URL in text and SMS', () => {
    const context = vars();
    expect(render('{{trackingLink}}', context, 'text')).toBe(context.shipment.trackingUrl);
    expect(render('{{trackingLink}}', context, 'sms')).toBe(context.shipment.trackingUrl);
  });

  it('accepts another URL and label', () => {
    expect(render('{{trackingLink brand.supportUrl "Help"}}', vars(), 'html')).toBe(
      `<a href="https://northwind-outfitters.com/help" class="button" style="${BUTTON_STYLE}">Help</a>`,
    );
    expect(render('{{trackingLink label="Where is it?" class="link"}}', vars(), 'html')).toBe(
      '<a href="https://track.wismo-shop.com/t/1Z999AA10123456784" class="link">Where is it?</a>',
    );
  });

  it('refuses anything but http(s)', () => {
    const context = vars();
    context.shipment.trackingUrl = 'javascript:alert(1)';
    expect(() => render('{{trackingLink}}', context, 'html')).toThrow(/http/);
  });
});

describe('statusLabel and reasonText', () => {
  it.each<[SupportedLocale, string]>([
    ['en', 'Out for delivery'],
    ['es', 'En reparto'],
    ['fr', 'En cours de livraison'],
    ['de', 'In Zustellung'],
  ])('labels a status in %s', (locale, expected) => {
    const context = vars({ locale });
    context.shipment.status = 'out_for_delivery';
    expect(render('{{statusLabel shipment.status}}', context)).toBe(expected);
  });

  it('gives the reason in plain words plus the next step, or parts of it', () => {
    const context = vars();
    context.shipment.reason = 'customs';
    expect(render('{{reasonText shipment.reason}}', context)).toBe(
      'Your parcel is being held at customs. Customs may need documents or a duty payment: follow the instructions on the tracking page.',
    );
    expect(render('{{reasonText shipment.reason part="text"}}', context)).toBe(
      'Your parcel is being held at customs.',
    );
    expect(render('{{reasonText shipment.reason short=true}}', { ...context, locale: 'de' })).toBe(
      'Ihr Paket liegt beim Zoll. Der Link zeigt, ob Abgaben oder Unterlagen fehlen.',
    );
  });

  it('falls back to the generic wording for a null reason', () => {
    expect(render('{{reasonText shipment.reason part="text"}}', vars({ locale: 'es' }))).toBe(
      'Hay un problema con la entrega.',
    );
  });

  it('rejects unknown values', () => {
    const context = vars();
    (context.shipment as { status: string }).status = 'teleported';
    expect(() => render('{{statusLabel shipment.status}}', context)).toThrow(/unknown status/);
  });

  it('keeps accents in email and SMS alike', () => {
    const context = vars({ locale: 'es' });
    context.shipment.reason = 'address_issue';
    expect(render('{{reasonText shipment.reason short=true}}', context, 'text')).toContain('dirección');
    expect(render('{{reasonText shipment.reason short=true}}', context, 'sms')).toContain('dirección');
  });

  it('never points to a tracking page when the message has no tracking link', () => {
    const context = vars();
    context.shipment.reason = 'customs';
    expect(render('{{reasonText shipment.reason short=true}}', context, 'sms')).toContain('the link');
    context.shipment.trackingUrl = null;
    const noLink = render('{{reasonText shipment.reason}}', context, 'text');
    expect(noLink).not.toMatch(/tracking page|the link/);
    expect(noLink).toContain('contact us');
  });
});

describe('t', () => {
  it('fills placeholders from the hash and escapes in HTML', () => {
    const context = vars({ locale: 'de' });
    context.brand.name = 'Müller & Söhne';
    expect(render('{{t "email.why" brand=brand.name order=order.number}}', context, 'html')).toBe(
      'Sie erhalten diese E-Mail, weil Sie bei Müller &amp; Söhne bestellt haben (Bestellung #WS-1048213) und wir Sie über die Zustellung informieren.',
    );
  });

  it('throws on an unknown key', () => {
    expect(() => render('{{t "email.nope"}}', vars())).toThrow(/no text/);
  });
});

describe('plural and comparisons', () => {
  it('uses the language’s plural rules (French 0 is singular)', () => {
    expect(
      render('{{plural 0 "day" "days"}} {{plural 1 "day" "days"}} {{plural 2 "day" "days"}}', vars()),
    ).toBe('days day days');
    expect(render('{{plural 0 "jour" "jours"}}', vars({ locale: 'fr' }))).toBe('jour');
    expect(render('{{plural 1.5 "jour" "jours"}}', vars({ locale: 'fr' }))).toBe('jour');
    expect(render('{{plural 0 "Tag" "Tage"}}', vars({ locale: 'de' }))).toBe('Tage');
  });

  it('compares', () => {
    const source =
      '{{#if (eq locale "en")}}a{{/if}}{{#if (ne locale "en")}}b{{/if}}{{#if (gt 3 2)}}c{{/if}}{{#if (lt 3 2)}}d{{/if}}' +
      '{{#if (and true 1 "x")}}e{{/if}}{{#if (and true 0)}}f{{/if}}{{#if (or false 0 "y")}}g{{/if}}{{#if (or false 0)}}h{{/if}}' +
      '{{#if (not shipment.reason)}}i{{/if}}';
    expect(render(source, vars())).toBe('aceg' + 'i');
  });
});
