import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  LOCALES,
  NOTIFICATION_TYPES,
  type NotificationType,
  type SupportedLocale,
} from '../shared/notification.types';
import { EXCEPTION_REASONS } from '../shared/tracking.types';
import { defaultTemplateKey, loadDefaultTemplates, type DefaultTemplate } from './default-templates';
import { TemplateEngine, type EmailSources } from './template-engine';
import { sampleVariables, type TemplateVariables } from './template-variables';

const engine = new TemplateEngine();
const templates = loadDefaultTemplates();

type Variant = { name: string; vars: TemplateVariables };

/**
 * The sample plus the variants that make a message longest or take other branches: every reason, pickup
 * instead of a new attempt, collection at a pickup point, the longest weekday and month names
 * (Wednesday/Donnerstag/miércoles in September), missing optional data.
 */
function variants(type: NotificationType, locale: SupportedLocale, channel: 'sms' | 'email'): Variant[] {
  const base = () => sampleVariables(type, { locale, channel });
  const out: Variant[] = [{ name: 'sample', vars: base() }];
  const add = (name: string, change: (v: TemplateVariables) => void) => {
    const v = base();
    change(v);
    out.push({ name, vars: v });
  };
  const pickup = {
    name: 'Kiosk am Hauptbahnhof',
    address: 'Friedrichstraße 123, 10117 Berlin',
    deadline: '2026-09-16',
  };
  const longDates = (v: TemplateVariables, date: string) => {
    v.now = '2026-09-10T07:30:00.000Z';
    v.shipment.eta = { date, windowStart: `${date}T07:00:00.000Z`, windowEnd: `${date}T15:30:00.000Z` };
    if (v.shipment.previousEta)
      v.shipment.previousEta = { date: '2026-09-09', windowStart: null, windowEnd: null };
    if (v.shipment.pickup) v.shipment.pickup = { ...pickup, deadline: date };
    if (v.shipment.deliveredAt) v.shipment.deliveredAt = `${date}T16:45:00.000Z`;
  };
  for (const date of ['2026-09-16', '2026-09-17']) add(`long dates ${date}`, (v) => longDates(v, date));
  add('sparse', (v) => {
    v.customer = { firstName: null, lastName: null };
    v.order.url = null;
    v.brand.websiteUrl = null;
    v.brand.logoUrl = null;
    v.shipment.reason = null;
    v.shipment.eta = null;
    v.shipment.previousEta = null;
    v.shipment.deliveredAt = null;
    if (v.shipment.pickup) v.shipment.pickup = { name: null, address: null, deadline: null };
  });
  add('other time zone', (v) => {
    v.timeZone = 'America/Los_Angeles';
  });
  if (['exception', 'delayed', 'returned_to_sender', 'delivery_attempt_failed'].includes(type)) {
    for (const reason of EXCEPTION_REASONS) {
      add(`reason ${reason}, long dates`, (v) => {
        longDates(v, locale === 'de' ? '2026-09-17' : '2026-09-16');
        v.shipment.reason = reason;
        if (type === 'delivery_attempt_failed') v.shipment.eta = null;
      });
    }
  }
  if (type === 'delivery_attempt_failed') {
    add('moved to a pickup point', (v) => {
      v.shipment.eta = null;
      v.shipment.pickup = { ...pickup, deadline: '2026-09-16' };
    });
  }
  if (type === 'delivered') {
    add('collected at pickup point', (v) => {
      v.shipment.collectedAtPickup = true;
      v.shipment.pickup = pickup;
    });
    add('delivered last week', (v) => {
      v.shipment.deliveredAt = '2026-05-06T16:45:00.000Z';
    });
  }
  if (type === 'out_for_delivery') add('no window', (v) => (v.shipment.eta = null));
  return out;
}

function emailSources(t: DefaultTemplate): EmailSources {
  return { subject: t.parts.subject!, html: t.parts.html!, text: t.parts.text };
}

const cases = NOTIFICATION_TYPES.flatMap((type) => LOCALES.map((locale) => [type, locale] as const));
const LEFTOVERS = /undefined|\[object|NaN|\{\{|\}\}|%[A-Z]+%/;

describe('loadDefaultTemplates', () => {
  it('has every type × channel × locale with all parts', () => {
    expect(templates.size).toBe(NOTIFICATION_TYPES.length * 2 * LOCALES.length);
    for (const [type, locale] of cases) {
      expect(templates.get(defaultTemplateKey(type, 'sms', locale))?.parts.body).toBeTruthy();
      const email = templates.get(defaultTemplateKey(type, 'email', locale))!;
      expect(email.parts.subject && email.parts.html && email.parts.text).toBeTruthy();
    }
  });

  it('lists every missing file at once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-defaults-'));
    fs.mkdirSync(path.join(dir, 'notifications', 'shipped', 'en'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'notifications', 'shipped', 'en', 'sms.hbs'), 'hi');
    expect(() => loadDefaultTemplates(dir)).toThrow(
      /shipped\/en\/email\.subject\.hbs.*shipped\/en\/email\.html\.hbs.*delivered\/de\/sms\.hbs/s,
    );
  });

  it('treats the email text part as optional', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-defaults-'));
    for (const [type, locale] of cases) {
      const folder = path.join(dir, 'notifications', type, locale);
      fs.mkdirSync(folder, { recursive: true });
      for (const file of ['sms.hbs', 'email.subject.hbs', 'email.html.hbs'])
        fs.writeFileSync(path.join(folder, file), 'x');
    }
    const loaded = loadDefaultTemplates(dir);
    expect(loaded.get('shipped/email/en')?.parts).toEqual({ subject: 'x', html: 'x' });
  });
});

describe.each(cases)('default %s templates in %s', (type, locale) => {
  const sms = templates.get(defaultTemplateKey(type, 'sms', locale))!;
  const email = templates.get(defaultTemplateKey(type, 'email', locale))!;

  it.each(variants(type, locale, 'sms').map((v) => [v.name, v] as const))(
    'SMS fits 2 GSM-7 segments (%s)',
    (_name, variant) => {
      const { body, analysis } = engine.renderSms(sms.parts.body!, variant.vars);
      expect(body).not.toMatch(LEFTOVERS);
      expect(body).not.toMatch(/ [.,]|\( \)|\s{2}/);
      expect({ body, nonGsm: analysis.nonGsmCharacters }).toEqual({ body, nonGsm: [] });
      expect(analysis.encoding).toBe('GSM-7');
      expect(analysis.segments).toBeLessThanOrEqual(2);
    },
  );

  it.each(variants(type, locale, 'email').map((v) => [v.name, v] as const))(
    'email renders (%s)',
    (_name, variant) => {
      const rendered = engine.renderEmail(emailSources(email), variant.vars);
      expect(rendered.subject.length).toBeGreaterThan(10);
      expect(rendered.subject).not.toMatch(LEFTOVERS);
      expect(rendered.html).not.toMatch(LEFTOVERS);
      expect(rendered.text).not.toMatch(LEFTOVERS);
      expect(rendered.html).toContain(`<html lang="${locale}">`);
      expect(rendered.html).toContain(variant.vars.unsubscribeUrl!);
      expect(rendered.text).toContain(variant.vars.unsubscribeUrl!);
      expect(rendered.html).toContain(variant.vars.order.number);
      expect(rendered.text).toContain(variant.vars.order.number);
      expect(rendered.html).not.toContain('<style');
    },
  );

  it('passes validation for every part', () => {
    expect(engine.validateTemplate(sms.parts.body!, { type, channel: 'sms', part: 'body', locale })).toEqual(
      [],
    );
    for (const part of ['subject', 'html', 'text'] as const) {
      expect({
        part,
        problems: engine.validateTemplate(email.parts[part]!, { type, channel: 'email', part, locale }),
      }).toEqual({
        part,
        problems: [],
      });
    }
  });

  it('greets by first name and gives the tracking or help link', () => {
    const vars = sampleVariables(type, { locale, channel: 'sms' });
    const { body } = engine.renderSms(sms.parts.body!, vars);
    expect(body).toContain('Alexandra-Marie');
    expect(body).toContain(vars.order.number);
    expect(body.includes(vars.shipment.trackingUrl!) || body.includes(vars.brand.supportUrl)).toBe(true);
  });
});

describe('default template content', () => {
  const smsFor = (
    type: NotificationType,
    locale: SupportedLocale,
    change: (v: TemplateVariables) => void = () => undefined,
  ) => {
    const vars = sampleVariables(type, { locale, channel: 'sms' });
    change(vars);
    return engine.renderSms(templates.get(defaultTemplateKey(type, 'sms', locale))!.parts.body!, vars).body;
  };

  it('gives the ETA window in the customer’s language and zone', () => {
    expect(smsFor('out_for_delivery', 'en')).toContain('today, between 10:00 and 14:00');
    expect(smsFor('out_for_delivery', 'de')).toContain('heute, zwischen 10:00 und 14:00 Uhr');
    expect(smsFor('out_for_delivery', 'en', (v) => (v.timeZone = 'Europe/London'))).toContain(
      'today, between 09:00 and 13:00',
    );
  });

  it('explains each exception reason with a next step', () => {
    expect(smsFor('exception', 'en', (v) => (v.shipment.reason = 'customs'))).toContain(
      "It's held at customs.",
    );
    expect(smsFor('exception', 'fr', (v) => (v.shipment.reason = 'damaged'))).toContain(
      'Contactez-nous pour un renvoi ou un remboursement.',
    );
  });

  it('apologises for a delay and gives the new ETA', () => {
    const body = smsFor('delayed', 'en');
    expect(body).toContain("we're sorry");
    expect(body).toContain('New date: Thursday 14 May (was Monday 11 May).');
    // A "delayed" reason would repeat the apology in other words: it is left out.
    expect(smsFor('delayed', 'en', (v) => (v.shipment.reason = 'delayed'))).not.toContain(
      'longer than expected',
    );
  });

  it('has a pickup-point variant of delivered', () => {
    const body = smsFor('delivered', 'es', (v) => {
      v.shipment.collectedAtPickup = true;
      v.shipment.pickup = { name: 'Kiosk am Hauptbahnhof', address: null, deadline: null };
    });
    expect(body).toContain('ya has recogido tu pedido #WS-1048213 en Kiosk am Hauptbahnhof');
  });

  it('names the pickup point and the deadline', () => {
    const body = smsFor('available_for_pickup', 'fr');
    expect(body).toContain('chez Kiosk am Hauptbahnhof (Friedrichstraße 123, 10117 Berlin)');
    expect(body).toContain('avant le mardi 19 mai');
  });

  it('uses proper accents in email and GSM-7 spellings in SMS', () => {
    const vars = sampleVariables('shipped', { locale: 'es' });
    vars.shipment.eta = { date: '2026-05-16', windowStart: null, windowEnd: null };
    const email = engine.renderEmail(emailSources(templates.get('shipped/email/es')!), vars);
    expect(email.subject).toBe('Tu pedido #WS-1048213 está en camino');
    expect(email.text).toContain('sábado, 16 de mayo');
    const sms = engine.renderSms(templates.get('shipped/sms/es')!.parts.body!, {
      ...vars,
      unsubscribeUrl: null,
    });
    expect(sms.body).toContain('sabado, 16 de mayo');
  });
});
