/**
 * Provider time strings to UTC instants (DOMAIN.md §1 "Time").
 *
 * Three shapes arrive: with an offset (`+02:00`, `+0200`), in UTC (`Z`), or as local wall-clock time with no
 * offset at all (AfterShip checkpoints, some carriers through EasyPost). The rule that keeps us from shifting a
 * time twice: an explicit offset always wins and a zone hint is never applied on top of it; a zone hint is only
 * used for strings without an offset; without a known hint a local time is read as if it were UTC. Reading it as
 * UTC is wrong by the local offset, but it is wrong consistently (all checkpoints of one tracking keep their
 * order) and the original string is always kept in `raw`, so a later correction can re-read it exactly once.
 * Never convert `instant` back through a zone and re-parse it.
 */
import { DateTime, IANAZone } from 'luxon';

export interface ParsedEventTime {
  instant: Date | null;
  raw: string | null;
}

// Strict subset of ISO 8601 that providers actually send; luxon alone would also accept week dates, ordinals
// and bare years, which no carrier means.
const PROVIDER_TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Years outside this range are typos or test data, not scan times. */
const MIN_YEAR = 1970;
const MAX_YEAR = 2200;

export function parseEventTime(value: unknown, zoneHint?: string | null): ParsedEventTime {
  if (typeof value !== 'string') return { instant: null, raw: null };
  const raw = value;
  const match = PROVIDER_TIME.exec(value.trim());
  if (!match) return { instant: null, raw };

  const [, datePart, timePart, offsetPart] = match;
  const iso = timePart ? `${datePart}T${timePart}${offsetPart ?? ''}` : datePart;
  const zone = offsetPart ? 'utc' : (knownZone(zoneHint) ?? 'utc');
  // With an offset in the string luxon uses that offset and ignores `zone`: this is the "never twice" guarantee.
  const parsed = DateTime.fromISO(iso.replace(/z$/, 'Z'), { zone });
  if (!parsed.isValid || parsed.year < MIN_YEAR || parsed.year > MAX_YEAR) return { instant: null, raw };
  return { instant: parsed.toJSDate(), raw };
}

/** True when the string carries its own offset (or Z), i.e. a zone hint would not apply. */
export function hasExplicitOffset(value: string): boolean {
  const match = PROVIDER_TIME.exec(value.trim());
  return Boolean(match && match[3]);
}

export function knownZone(zone: string | null | undefined): string | null {
  return typeof zone === 'string' && zone !== '' && IANAZone.isValidZone(zone) ? zone : null;
}
