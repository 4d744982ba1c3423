/**
 * Dates on the support pages, always in one named time zone shown beside them ("4 Dec 2026, 14:05 CET"): the
 * browser's own zone unless the person picked another in the shell header (kept in localStorage).
 */

const ZONE_STORAGE_KEY = 'wismo.timeZone';

/** Zones offered in the picker besides the browser's own: UTC and the shops' usual ones. */
const COMMON_ZONES = [
  'UTC',
  'America/Los_Angeles',
  'America/Chicago',
  'America/New_York',
  'Europe/London',
  'Europe/Madrid',
  'Europe/Paris',
  'Europe/Berlin',
  'Australia/Sydney',
];

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function chosenTimeZone(): string {
  const stored = storedTimeZone();
  return stored && isTimeZone(stored) ? stored : browserTimeZone();
}

function storedTimeZone(): string | null {
  try {
    return localStorage.getItem(ZONE_STORAGE_KEY);
  } catch {
    return null; // storage blocked
  }
}

export function chooseTimeZone(zone: string): void {
  try {
    localStorage.setItem(ZONE_STORAGE_KEY, zone);
  } catch {
    // storage blocked: the choice lasts for this page only
  }
}

export function timeZoneChoices(): string[] {
  return Array.from(new Set([browserTimeZone(), chosenTimeZone(), ...COMMON_ZONES]));
}

/** "4 Dec 2026, 14:05 CET"; "—" for no date; the raw text when it is not a date. */
export function formatDateTime(iso: string | null | undefined, zone = chosenTimeZone()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone,
  })
    .format(date)
    .concat(' ', zoneName(date, zone));
}

/** The zone's short name at that date ("CET", "GMT+1"), falling back to its IANA name. */
function zoneName(date: Date, zone: string): string {
  const part = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? zone;
}
