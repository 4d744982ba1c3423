import { defaultTemplateKey, loadDefaultTemplates } from '../templates/default-templates';
import { SMS_SEGMENTS_LIMIT, TemplateEngine } from '../templates/template-engine';
import { sampleVariables } from '../templates/template-variables';
import { buildTemplateVariables, type MessageFacts } from './message-variables';

/** Our window in messages (issue 20): which date a message gives, and how it is worded. */
const NOW = new Date('2026-12-04T09:00:00Z'); // Friday

function facts(shipment: Partial<MessageFacts['shipment']>): MessageFacts {
  return {
    locale: 'en',
    now: NOW,
    customer: { name: 'Olivia Brown', timeZone: 'Europe/London', country: 'GB' },
    order: { number: 'WS-1001' },
    shipment: {
      id: 's1',
      carrier: 'royal_mail',
      trackingNumber: 'AH489125522GB',
      status: 'in_transit',
      reason: null,
      eta: { date: '2026-12-11' },
      originalEta: { date: '2026-12-11' },
      promisedDate: null,
      pickup: null,
      collectedAtPickup: false,
      deliveredAt: null,
      estimate: {
        earliest: '2026-12-07',
        likely: '2026-12-08',
        latest: '2026-12-09',
        madeAt: '2026-12-03T10:00:00Z',
        level: 'lane',
        basedOn: 40,
        shippedOn: '2026-12-02',
      },
      etaSource: 'estimate',
      ...shipment,
    },
    parcels: [],
    lastToldEtaDate: null,
    brand: { name: 'Northwind', supportUrl: 'https://northwind.example/help' },
    unsubscribeUrl: null,
  };
}

describe('our estimate in message variables', () => {
  it('gives our window, not the carrier date, when the shipment shows ours', () => {
    const v = buildTemplateVariables(facts({}));
    expect(v.shipment).toMatchObject({
      etaSource: 'estimate',
      eta: null,
      estimate: { earliest: '2026-12-07', likely: '2026-12-08', latest: '2026-12-09' },
    });
  });

  it("gives the carrier's date when the carrier was chosen, or ours has passed", () => {
    expect(buildTemplateVariables(facts({ etaSource: 'carrier' })).shipment).toMatchObject({
      etaSource: 'carrier',
      eta: { date: '2026-12-11' },
      estimate: null,
    });
    const past = facts({});
    past.shipment.estimate = {
      ...past.shipment.estimate!,
      earliest: '2026-12-01',
      likely: '2026-12-02',
      latest: '2026-12-03',
    };
    expect(buildTemplateVariables(past).shipment).toMatchObject({ etaSource: 'carrier', estimate: null });
  });

  it("out for delivery or after a failed attempt, only the carrier's date", () => {
    for (const status of ['out_for_delivery', 'attempt_failed'] as const) {
      expect(buildTemplateVariables(facts({ status })).shipment).toMatchObject({
        etaSource: 'carrier',
        estimate: null,
        eta: { date: '2026-12-11' },
      });
    }
  });

  it('gives no date at all when neither source has one ahead', () => {
    const v = buildTemplateVariables(facts({ eta: null, estimate: null, etaSource: null }));
    expect(v.shipment).toMatchObject({ etaSource: null, eta: null, estimate: null });
  });
});

describe('etaText with an estimated window', () => {
  const engine = new TemplateEngine();
  const render = (locale: 'en' | 'es' | 'fr' | 'de', earliest: string, latest: string) => {
    const vars = sampleVariables('shipped', { locale });
    vars.shipment.estimate = { earliest, likely: earliest, latest };
    // Intl puts thin spaces around some dashes; the words are what is checked here.
    return engine
      .renderString('{{etaText shipment.estimate}}', vars, { escape: false })
      .replace(/[\u2009\u202f]/g, ' ');
  };

  it('writes a range of days as each language does', () => {
    expect(render('en', '2026-12-07', '2026-12-09')).toBe('7 – 9 December');
    expect(render('es', '2026-12-07', '2026-12-09')).toBe('7–9 de diciembre');
    expect(render('fr', '2026-12-07', '2026-12-09')).toBe('7–9 décembre');
    expect(render('de', '2026-12-07', '2026-12-09')).toBe('7.–9. Dezember');
    expect(render('en', '2026-11-30', '2026-12-02')).toBe('30 November – 2 December');
  });

  it('writes a one-day window as that day in full', () => {
    expect(render('en', '2026-12-08', '2026-12-08')).toBe('Tuesday 8 December');
  });

  it('words it as an estimate in the shipped SMS, within one segment budget', () => {
    const vars = sampleVariables('shipped', { locale: 'en', channel: 'sms' });
    Object.assign(vars.shipment, {
      eta: null,
      etaSource: 'estimate',
      estimate: { earliest: '2026-05-13', likely: '2026-05-14', latest: '2026-05-15' },
    });
    const templates = loadDefaultTemplates(engine.templatesDir);
    const sms = engine.renderSms(
      templates.get(defaultTemplateKey('shipped', 'sms', 'en'))!.parts.body!,
      vars,
    );
    expect(sms.body).toContain('Estimated 13 - 15 May.');
    expect(sms.body).not.toContain('Expected');
    expect(sms.analysis.segments).toBeLessThanOrEqual(SMS_SEGMENTS_LIMIT);
  });
});
