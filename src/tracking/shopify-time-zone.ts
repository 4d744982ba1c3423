/**
 * A Shopify customer's time zone from the shipping address (Shopify orders carry no customer time zone). Quiet hours
 * depend on it, so a guess must stay honest: a country with one zone gives that zone; a country with several gives
 * the zone of its province or state when the address names one we know (US, CA, AU, BR, MX, ES, PT); anything else
 * falls back to the store's own zone (`STORE_TIME_ZONE`).
 */
import { knownZone } from './event-time';

/** Countries whose inhabited territory keeps one civil time (overseas territories have country codes of their own). */
const SINGLE_ZONE: Record<string, string> = {
  AE: 'Asia/Dubai',
  AR: 'America/Argentina/Buenos_Aires',
  AT: 'Europe/Vienna',
  BD: 'Asia/Dhaka',
  BE: 'Europe/Brussels',
  BG: 'Europe/Sofia',
  BO: 'America/La_Paz',
  CH: 'Europe/Zurich',
  CN: 'Asia/Shanghai',
  CO: 'America/Bogota',
  CR: 'America/Costa_Rica',
  CY: 'Asia/Nicosia',
  CZ: 'Europe/Prague',
  DE: 'Europe/Berlin',
  DK: 'Europe/Copenhagen',
  DO: 'America/Santo_Domingo',
  EE: 'Europe/Tallinn',
  EG: 'Africa/Cairo',
  FI: 'Europe/Helsinki',
  FR: 'Europe/Paris',
  GB: 'Europe/London',
  GR: 'Europe/Athens',
  GT: 'America/Guatemala',
  HK: 'Asia/Hong_Kong',
  HR: 'Europe/Zagreb',
  HU: 'Europe/Budapest',
  IE: 'Europe/Dublin',
  IL: 'Asia/Jerusalem',
  IN: 'Asia/Kolkata',
  IS: 'Atlantic/Reykjavik',
  IT: 'Europe/Rome',
  JM: 'America/Jamaica',
  JP: 'Asia/Tokyo',
  KE: 'Africa/Nairobi',
  KR: 'Asia/Seoul',
  KW: 'Asia/Kuwait',
  LK: 'Asia/Colombo',
  LT: 'Europe/Vilnius',
  LU: 'Europe/Luxembourg',
  LV: 'Europe/Riga',
  MA: 'Africa/Casablanca',
  MT: 'Europe/Malta',
  MY: 'Asia/Kuala_Lumpur',
  NG: 'Africa/Lagos',
  NL: 'Europe/Amsterdam',
  NO: 'Europe/Oslo',
  NZ: 'Pacific/Auckland',
  PA: 'America/Panama',
  PE: 'America/Lima',
  PH: 'Asia/Manila',
  PK: 'Asia/Karachi',
  PL: 'Europe/Warsaw',
  PR: 'America/Puerto_Rico',
  PY: 'America/Asuncion',
  QA: 'Asia/Qatar',
  RO: 'Europe/Bucharest',
  SA: 'Asia/Riyadh',
  SE: 'Europe/Stockholm',
  SG: 'Asia/Singapore',
  SI: 'Europe/Ljubljana',
  SK: 'Europe/Bratislava',
  TH: 'Asia/Bangkok',
  TR: 'Europe/Istanbul',
  TW: 'Asia/Taipei',
  UA: 'Europe/Kyiv',
  UY: 'America/Montevideo',
  VE: 'America/Caracas',
  VN: 'Asia/Ho_Chi_Minh',
  ZA: 'Africa/Johannesburg',
};

const US_EASTERN = [
  'CT',
  'DC',
  'DE',
  'FL',
  'GA',
  'KY',
  'MA',
  'MD',
  'ME',
  'NC',
  'NH',
  'NJ',
  'NY',
  'OH',
  'PA',
  'RI',
  'SC',
  'VA',
  'VT',
  'WV',
];
const US_CENTRAL = [
  'AL',
  'AR',
  'IA',
  'IL',
  'KS',
  'LA',
  'MN',
  'MO',
  'MS',
  'ND',
  'NE',
  'OK',
  'SD',
  'TN',
  'TX',
  'WI',
];
const US_MOUNTAIN = ['CO', 'ID', 'MT', 'NM', 'UT', 'WY'];
const US_PACIFIC = ['CA', 'NV', 'OR', 'WA'];

/**
 * Region → zone for countries with several zones, by Shopify's `province_code`. A state split between two zones gets
 * the zone most of its people live in (Florida's panhandle, most of Texas' west): a message an hour early or late
 * inside quiet hours is the cost, and it is the same cost the carriers' own notifications pay.
 */
const BY_REGION: Record<string, Record<string, string>> = {
  US: {
    ...Object.fromEntries(US_EASTERN.map((s) => [s, 'America/New_York'])),
    ...Object.fromEntries(US_CENTRAL.map((s) => [s, 'America/Chicago'])),
    ...Object.fromEntries(US_MOUNTAIN.map((s) => [s, 'America/Denver'])),
    ...Object.fromEntries(US_PACIFIC.map((s) => [s, 'America/Los_Angeles'])),
    AZ: 'America/Phoenix',
    IN: 'America/Indiana/Indianapolis',
    MI: 'America/Detroit',
    AK: 'America/Anchorage',
    HI: 'Pacific/Honolulu',
    PR: 'America/Puerto_Rico',
    GU: 'Pacific/Guam',
    VI: 'America/St_Thomas',
  },
  CA: {
    BC: 'America/Vancouver',
    AB: 'America/Edmonton',
    SK: 'America/Regina',
    MB: 'America/Winnipeg',
    ON: 'America/Toronto',
    QC: 'America/Toronto',
    NB: 'America/Moncton',
    NS: 'America/Halifax',
    PE: 'America/Halifax',
    NL: 'America/St_Johns',
    YT: 'America/Whitehorse',
    NT: 'America/Yellowknife',
    NU: 'America/Iqaluit',
  },
  AU: {
    NSW: 'Australia/Sydney',
    ACT: 'Australia/Sydney',
    VIC: 'Australia/Melbourne',
    QLD: 'Australia/Brisbane',
    SA: 'Australia/Adelaide',
    WA: 'Australia/Perth',
    TAS: 'Australia/Hobart',
    NT: 'Australia/Darwin',
  },
  BR: {
    SP: 'America/Sao_Paulo',
    RJ: 'America/Sao_Paulo',
    MG: 'America/Sao_Paulo',
    ES: 'America/Sao_Paulo',
    PR: 'America/Sao_Paulo',
    SC: 'America/Sao_Paulo',
    RS: 'America/Sao_Paulo',
    GO: 'America/Sao_Paulo',
    DF: 'America/Sao_Paulo',
    BA: 'America/Bahia',
    PE: 'America/Recife',
    CE: 'America/Fortaleza',
    AM: 'America/Manaus',
  },
  MX: {
    CMX: 'America/Mexico_City',
    JAL: 'America/Mexico_City',
    NL: 'America/Monterrey',
    PUE: 'America/Mexico_City',
    MEX: 'America/Mexico_City',
    BC: 'America/Tijuana',
    SON: 'America/Hermosillo',
    ROO: 'America/Cancun',
    SIN: 'America/Mazatlan',
    BCS: 'America/Mazatlan',
    CHIH: 'America/Chihuahua',
  },
  // Spain and Portugal are one zone except their Atlantic islands.
  ES: { GC: 'Atlantic/Canary', TF: 'Atlantic/Canary' },
  PT: { 'PT-20': 'Atlantic/Azores', 'PT-30': 'Atlantic/Madeira' },
};

const MAINLAND: Record<string, string> = { ES: 'Europe/Madrid', PT: 'Europe/Lisbon' };

export function timeZoneForAddress(
  countryCode: string | null,
  provinceCode: string | null,
  storeDefault: string,
): string {
  const country = countryCode?.trim().toUpperCase() ?? '';
  const region = provinceCode?.trim().toUpperCase() ?? '';
  const candidate =
    SINGLE_ZONE[country] ??
    (region ? BY_REGION[country]?.[region] : undefined) ??
    (BY_REGION[country] ? MAINLAND[country] : undefined);
  // The runtime's time zone database decides; an unknown name (old ICU) falls back rather than fail a send later.
  return knownZone(candidate) ?? storeDefault;
}
