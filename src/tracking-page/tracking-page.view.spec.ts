import { DateTime } from 'luxon';
import { chooseLanguage, cityLevel, fill, stepOf, zoneNameShort } from './tracking-page.view';

describe('tracking page view rules', () => {
  it("names the zone as luxon does, summer and winter, in each language (and UTC for a zone it doesn't know)", () => {
    const zones = [
      'America/New_York',
      'Europe/Berlin',
      'Europe/London',
      'Asia/Tokyo',
      'Australia/Sydney',
      'UTC',
    ];
    for (const instant of ['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z']) {
      for (const zone of zones) {
        for (const lang of ['en', 'es', 'fr', 'de']) {
          const dt = DateTime.fromISO(instant).setZone(zone).setLocale(lang);
          expect({ zone, lang, instant, name: zoneNameShort(dt) }).toEqual({
            zone,
            lang,
            instant,
            name: dt.offsetNameShort,
          });
        }
      }
    }
    expect(zoneNameShort(DateTime.fromISO('2026-01-15T12:00:00Z').setZone('UTC').setLocale('en'))).toBe(
      'UTC',
    );
  });

  it('cuts a scan place to city level', () => {
    expect(cityLevel('1200 Industrial Rd, Hodgkins, IL 60525')).toBe('Hodgkins, IL');
    expect(cityLevel('Hauptstr. 5, 10115 Berlin, DE')).toBe('Berlin, DE');
    expect(cityLevel('Brooklyn, NY 11201')).toBe('Brooklyn, NY');
    expect(cityLevel('12 Rue de Rivoli, 75001 Paris')).toBe('Paris');
    expect(cityLevel('London, SW1A 1AA, GB')).toBe('London, GB');
    expect(cityLevel('MEMPHIS, TN')).toBe('MEMPHIS, TN');
    expect(cityLevel('0150 Oslo')).toBe('Oslo');
    expect(cityLevel('')).toBeNull();
    expect(cityLevel(null)).toBeNull();
  });

  it('picks the language: query, picker, customer, browser by q-value, store default', () => {
    const base = { fallback: 'en' as const };
    expect(chooseLanguage({ ...base, query: 'de', picked: 'fr', customerLocale: 'es-ES' })).toBe('de');
    expect(chooseLanguage({ ...base, query: 'xx', picked: 'fr', customerLocale: 'es-ES' })).toBe('fr');
    expect(chooseLanguage({ ...base, customerLocale: 'es-MX', acceptLanguage: 'de' })).toBe('es');
    expect(chooseLanguage({ ...base, acceptLanguage: 'nl-NL, de;q=0.4, fr;q=0.8' })).toBe('fr');
    expect(chooseLanguage({ ...base, acceptLanguage: 'nl, ja;q=0.5' })).toBe('en');
    expect(chooseLanguage({ fallback: 'de' })).toBe('de');
  });

  it('maps statuses onto the four steps', () => {
    expect(stepOf('pre_transit')).toBe(0);
    expect(stepOf('in_transit')).toBe(1);
    expect(stepOf('available_for_pickup')).toBe(2);
    expect(stepOf('delivered')).toBe(3);
    expect(stepOf('returned')).toBeNull();
  });

  it('fills placeholders and leaves unknown ones', () => {
    expect(fill('Parcel {index} of {count} {x}', { index: 1, count: 2 })).toBe('Parcel 1 of 2 {x}');
  });
});
