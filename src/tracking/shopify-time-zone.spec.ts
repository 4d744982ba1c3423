import { timeZoneForAddress } from './shopify-time-zone';

describe('timeZoneForAddress', () => {
  it.each([
    ['DE', null, 'Europe/Berlin'],
    ['gb', 'ENG', 'Europe/London'],
    ['US', 'KY', 'America/New_York'],
    ['US', 'AZ', 'America/Phoenix'],
    ['US', 'CA', 'America/Los_Angeles'],
    ['CA', 'BC', 'America/Vancouver'],
    ['AU', 'WA', 'Australia/Perth'],
    ['ES', 'M', 'Europe/Madrid'],
    ['ES', 'TF', 'Atlantic/Canary'],
    ['PT', 'PT-20', 'Atlantic/Azores'],
  ])('%s / %s → %s', (country, region, zone) => {
    expect(timeZoneForAddress(country, region, 'Europe/Paris')).toBe(zone);
  });

  it('falls back to the store default for a multi-zone country without a known region, or no country', () => {
    expect(timeZoneForAddress('US', null, 'America/Chicago')).toBe('America/Chicago');
    expect(timeZoneForAddress('RU', 'MOW', 'Europe/Paris')).toBe('Europe/Paris');
    expect(timeZoneForAddress(null, null, 'UTC')).toBe('UTC');
  });
});
