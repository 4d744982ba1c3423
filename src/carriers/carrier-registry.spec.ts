import {
  allCarriers,
  carrierDisplayName,
  carrierIdForProviderCode,
  carrierTrackingUrl,
  compactKey,
  detectCarrier,
  distinctCarrierNames,
  resolveCarrierId,
  sameCarrier,
} from './carrier-registry';
import { CARRIERS } from './carriers.data';
import { normaliseCarrier, matchShipment } from '../tracking/carrier';
import { carrierDisplayName as chatName, carrierTrackingUrl as chatUrl } from '../chat/carrier-links';

describe('carrier registry data', () => {
  it('knows at least 40 carriers, each with a unique id, a name and a source page', () => {
    expect(CARRIERS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CARRIERS.map((c) => c.id)).size).toBe(CARRIERS.length);
    for (const c of CARRIERS) {
      expect({
        id: c.id,
        ok: /^[a-z0-9_]+$/.test(c.id) && c.name.length > 0 && /^https:\/\//.test(c.source),
      }).toEqual({
        id: c.id,
        ok: true,
      });
    }
  });

  it('covers the carriers stores use most', () => {
    const ids = new Set(allCarriers().map((c) => c.id));
    for (const id of [
      'usps',
      'ups',
      'fedex',
      'dhl_express',
      'dhl_paket',
      'dhl_ecommerce',
      'dpd_de',
      'dpd_fr',
      'dpd_uk',
      'gls',
      'evri',
      'hermes_de',
      'royal_mail',
      'parcelforce',
      'postnl',
      'bpost',
      'colissimo',
      'chronopost',
      'la_poste',
      'correos',
      'seur',
      'poste_italiane',
      'brt',
      'inpost',
      'packeta',
      'postnord',
      'bring',
      'swiss_post',
      'austrian_post',
      'australia_post',
      'canada_post',
      'purolator',
      'japan_post',
      'yamato',
      'amazon_logistics',
      'ontrac',
      'lasership',
    ])
      expect({ id, known: ids.has(id) }).toEqual({ id, known: true });
  });

  it('every slug of every provider resolves to its own carrier from that provider', () => {
    for (const carrier of CARRIERS) {
      for (const [source, slugs] of Object.entries(carrier.slugs)) {
        if (source === 'names') continue;
        for (const slug of slugs ?? []) {
          const id = resolveCarrierId(String(slug), source as never);
          expect({ slug, source, id }).toEqual({ slug, source, id: carrier.id });
        }
      }
    }
  });

  it('every link template builds an https URL carrying the number', () => {
    for (const carrier of CARRIERS.filter((c) => c.link)) {
      // A page that takes only some number shapes (BRT) gets one of those.
      const number =
        ['AB123456789CD', '123456789012'].find((n) => carrier.link?.numbers?.test(n) ?? true) ?? '';
      const spaced = number.replace(/^(..)(.*)(..)$/, '$1 $2 $3');
      const url = carrierTrackingUrl(carrier.id, spaced, { country: 'FR', language: 'fr' });
      expect({
        id: carrier.id,
        ok: !!url && url.startsWith('https://') && url.includes(number) && !/[{}]/.test(url),
      }).toEqual({
        id: carrier.id,
        ok: true,
      });
    }
  });
});

describe('resolving a carrier name', () => {
  it.each([
    ['UPS', 'ups'],
    ['united-states-postal-service', 'usps'],
    ['RoyalMail', 'royal_mail'],
    ['royal-mail', 'royal_mail'],
    ['DHLExpress', 'dhl_express'],
    ['DHL Express', 'dhl_express'],
    ['dhl_express', 'dhl_express'],
    ['DHL', 'dhl'],
    ['DHL Paket', 'dhl_paket'],
    ['dhl-germany', 'dhl_paket'],
    ['dpd-de', 'dpd_de'],
    ['DPD DE', 'dpd_de'],
    ['australia-post', 'australia_post'],
    ['canada_post', 'canada_post'],
    ['Canada Post', 'canada_post'],
    ['bpost', 'bpost'],
    ['Colissimo', 'colissimo'],
    ['Zásilkovna', 'packeta'],
  ])('%s → %s', (name, id) => {
    expect(resolveCarrierId(name)).toBe(id);
    expect(normaliseCarrier(name)).toBe(id);
  });

  it("uses the provider's own meaning first: AfterShip's `dhl` is DHL Express, `hermes` is Evri", () => {
    expect(resolveCarrierId('dhl', 'aftership')).toBe('dhl_express');
    expect(normaliseCarrier('dhl', 'aftership')).toBe('dhl_express');
    expect(resolveCarrierId('hermes', 'aftership')).toBe('evri');
    expect(resolveCarrierId('Hermes')).toBe('hermes_de');
    expect(normaliseCarrier('dhl', 'not-a-feed')).toBe('dhl');
  });

  it('keeps an unknown carrier as given, and a missing one as unknown', () => {
    expect(resolveCarrierId('  Bluebird   Couriers ')).toBe('Bluebird Couriers');
    expect(resolveCarrierId('')).toBe('unknown');
    expect(resolveCarrierId('x'.repeat(80))).toHaveLength(50);
  });

  it("matches a store's family name to an aggregator's service, and unknown names by spelling", () => {
    expect(sameCarrier('dhl', 'dhl_paket')).toBe(true);
    expect(sameCarrier('dhl_express', 'dhl')).toBe(true);
    expect(sameCarrier('dhl_express', 'dhl_paket')).toBe(false);
    expect(sameCarrier('Bluebird Couriers', 'bluebird-couriers')).toBe(true);
    expect(sameCarrier('ups', 'fedex')).toBe(false);
    const parcels = [
      { id: 1, carrier: 'dhl_paket' },
      { id: 2, carrier: 'ups' },
    ];
    expect(matchShipment(parcels, 'dhl')?.id).toBe(1);
  });

  it('folds case, accents and punctuation', () => {
    expect(compactKey('Österreichische Post')).toBe('osterreichischepost');
  });
});

describe('provider carrier codes', () => {
  it("resolves 17TRACK's numeric keys and Ship24's courier codes only in their own feed", () => {
    expect(carrierIdForProviderCode(7041, '17track')).toBe('dhl_paket');
    expect(carrierIdForProviderCode('100002', '17track')).toBe('ups');
    expect(carrierIdForProviderCode('us-post', 'ship24')).toBe('usps');
    expect(carrierIdForProviderCode('7041', 'ship24')).toBeNull();
    expect(carrierIdForProviderCode(424242, '17track')).toBeNull();
    // A store's carrier field "7041" is not DHL Paket: a number means something only in 17TRACK's feed.
    expect(resolveCarrierId('7041')).toBe('7041');
    expect(normaliseCarrier('7041', '17track')).toBe('dhl_paket');
  });

  it('every canonical id a mapper returns for a code resolves to itself at intake', () => {
    for (const carrier of CARRIERS) {
      for (const source of ['17track', 'ship24'] as const) {
        if ((carrier.slugs[source] ?? []).length === 0) continue;
        expect({ id: carrier.id, stored: normaliseCarrier(carrier.id, source) }).toEqual({
          id: carrier.id,
          stored: carrier.id,
        });
      }
    }
  });

  it('every 17TRACK key is a positive integer and no two carriers share a code in one feed', () => {
    for (const source of ['17track', 'ship24'] as const) {
      const seen = new Map<string, string>();
      for (const carrier of CARRIERS) {
        for (const code of carrier.slugs[source] ?? []) {
          if (source === '17track') expect(Number.isSafeInteger(code) && Number(code) > 0).toBe(true);
          const key = compactKey(String(code));
          expect({ code, other: seen.get(key) ?? carrier.id }).toEqual({ code, other: carrier.id });
          seen.set(key, carrier.id);
        }
      }
    }
  });
});

describe('display names', () => {
  it('shows the name shoppers know, never a code', () => {
    expect(carrierDisplayName('royal_mail')).toBe('Royal Mail');
    expect(carrierDisplayName('ups')).toBe('UPS');
    expect(carrierDisplayName('dpd_de')).toBe('DPD');
    expect(carrierDisplayName('australia_post')).toBe('Australia Post');
    expect(carrierDisplayName('canada_post')).toBe('Canada Post');
  });

  it('names the DHL service from the number when the store only said "DHL"', () => {
    expect(carrierDisplayName('dhl', '00340434161094042557')).toBe('DHL Paket');
    expect(carrierDisplayName('dhl', '1234567890')).toBe('DHL Express');
    expect(carrierDisplayName('dhl')).toBe('DHL');
  });

  it('tells carriers that share a name apart when they are listed side by side', () => {
    const names = distinctCarrierNames(['dpd', 'dpd_de', 'dpd_uk', 'ups', 'Bluebird', 'BLUEBIRD']);
    expect([...names.values()]).toEqual([
      'DPD',
      'DPD DE',
      'DPD UK',
      'UPS',
      'Bluebird (Bluebird)',
      'Bluebird (BLUEBIRD)',
    ]);
    expect(distinctCarrierNames(['dpd_de', 'ups']).get('dpd_de')).toBe('DPD');
  });

  it('shows an unknown carrier as given, nicely cased', () => {
    expect(carrierDisplayName('bluebird_couriers')).toBe('Bluebird Couriers');
    expect(carrierDisplayName('BLUEBIRD COURIERS')).toBe('Bluebird Couriers');
    expect(carrierDisplayName('McKinley Express')).toBe('McKinley Express');
  });

  it('detects a carrier from the number when none was given', () => {
    expect(carrierDisplayName('unknown', '1Z999AA10123456784')).toBe('UPS');
    expect(detectCarrier('1Z999AA10123456784')?.id).toBe('ups');
    expect(detectCarrier('not a number')).toBeNull();
  });
});

describe('tracking links', () => {
  it('links DHL Paket (a Packstation parcel) to dhl.de in German, DHL Express to the express page', () => {
    expect(carrierTrackingUrl('dhl', '00340434161094042557', { country: 'DE', language: 'de' })).toBe(
      'https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557',
    );
    expect(carrierTrackingUrl('dhl_paket', '00340434161094042557', { country: 'DE', language: 'en' })).toBe(
      'https://www.dhl.de/en/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557',
    );
    expect(carrierTrackingUrl('dhl', '1234567890', { country: 'ES', language: 'es' })).toBe(
      'https://www.dhl.com/es-es/home/tracking/tracking-express.html?submit=1&tracking-id=1234567890',
    );
  });

  it('links DPD by destination country', () => {
    expect(carrierTrackingUrl('dpd', '05222222222222', { country: 'FR', language: 'fr' })).toBe(
      'https://trace.dpd.fr/fr/trace/05222222222222',
    );
    expect(carrierTrackingUrl('dpd', '05222222222222', { country: 'GB', language: 'en' })).toBe(
      'https://track.dpd.co.uk/parcels/05222222222222',
    );
    expect(carrierTrackingUrl('dpd_de', '05222222222222', { country: 'DE', language: 'de' })).toBe(
      'https://tracking.dpd.de/status/de_DE/parcel/05222222222222',
    );
  });

  it('gives the carriers the issue found linked to the help page their own pages', () => {
    for (const id of ['gls', 'bpost', 'australia_post', 'dpd_de', 'colissimo'])
      expect({ id, url: carrierTrackingUrl(id, '123456789012', { country: 'BE', language: 'fr' }) }).toEqual({
        id,
        url: expect.stringMatching(/^https:\/\/(gls-group|track\.bpost|auspost|tracking\.dpd|www\.laposte)/),
      });
  });

  it('picks the page language when the carrier offers it, else its default', () => {
    expect(carrierTrackingUrl('canada_post', '1234', { language: 'fr' })).toContain('/track-reperage/fr#');
    expect(carrierTrackingUrl('canada_post', '1234', { language: 'de' })).toContain('/track-reperage/en#');
  });

  it('gives no link for an unknown carrier, or one without a per-parcel page, rather than a wrong one', () => {
    expect(carrierTrackingUrl('Bluebird Couriers', '1Z999AA10123456784')).toBeNull();
    expect(carrierTrackingUrl('yamato', '123456789012')).toBeNull();
    expect(carrierTrackingUrl('ups', '   ')).toBeNull();
  });

  it.each([
    // [carrier, number, context, expected link]: formats confirmed in the sources noted in carriers.data.ts.
    [
      'brt',
      '123456789012',
      { country: 'IT', language: 'it' },
      'https://vas.brt.it/vas/sped_det_show.hsm?referer=sped_numspe_par.htm&Nspediz=123456789012',
    ],
    [
      'packeta',
      'Z1234567890',
      { country: 'CZ', language: 'de' },
      'https://tracking.packeta.com/?id=Z1234567890',
    ],
    [
      'postnord',
      '00373500454541020957',
      { country: 'DK', language: 'en' },
      'https://tracking.postnord.com/dk/?id=00373500454541020957',
    ],
    [
      'bring',
      '70438101015432789',
      { country: 'NO', language: 'de' },
      'https://tracking.bring.com/tracking/70438101015432789',
    ],
    [
      'swiss_post',
      '99.00.123456.12345678',
      { country: 'CH', language: 'fr' },
      'https://service.post.ch/ekp-web/ui/entry/search/99.00.123456.12345678',
    ],
    [
      'austrian_post',
      'CJ499904901US',
      { country: 'AT', language: 'de' },
      'https://www.post.at/s/sendungsdetails?snr=CJ499904901US',
    ],
    [
      'seur',
      'ABC123456',
      { country: 'ES', language: 'es' },
      'https://www.seur.com/livetracking/?segOnlineIdentificador=ABC123456',
    ],
    [
      'japan_post',
      'EJ123456789JP',
      { country: 'JP', language: 'es' },
      'https://trackings.post.japanpost.jp/services/srv/search/direct?searchKind=S002&locale=en&reqCodeNo1=EJ123456789JP',
    ],
  ])('links %s %s to its own page', (carrier, number, context, url) => {
    expect(carrierTrackingUrl(carrier, number, context)).toBe(url);
  });

  it("uses PostNord's page for the destination's Nordic country, Sweden's for any other or none", () => {
    expect(carrierTrackingUrl('postnord', '1234', { country: 'FI' })).toBe(
      'https://tracking.postnord.com/fi/?id=1234',
    );
    expect(carrierTrackingUrl('postnord', '1234', { country: 'DE' })).toBe(
      'https://tracking.postnord.com/se/?id=1234',
    );
    expect(carrierTrackingUrl('postnord', '1234')).toBe('https://tracking.postnord.com/se/?id=1234');
  });

  it('gives Japan Post its Japanese page to a Japanese reader', () => {
    expect(carrierTrackingUrl('japan_post', 'EJ123456789JP', { language: 'ja' })).toContain('&locale=ja&');
  });

  it('gives a BRT number the shipment search cannot find (a parcel id) no link rather than a dead one', () => {
    expect(carrierTrackingUrl('brt', '05912345678901234')).toBeNull();
    expect(carrierTrackingUrl('brt', '12345678901')).toBeNull();
  });

  it('the chat links and names exactly as the messages do', () => {
    const ctx = { country: 'DE', language: 'de' };
    expect(chatUrl('dhl', '00340434161094042557', ctx)).toBe(
      carrierTrackingUrl('dhl', '00340434161094042557', ctx),
    );
    expect(chatName('royal_mail')).toBe('Royal Mail');
  });
});
