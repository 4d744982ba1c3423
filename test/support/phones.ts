import { randomInt } from 'node:crypto';

/**
 * Phone numbers for tests, unique across the whole run.
 *
 * Every spec file of a run shares one database, and what one file does to a number lasts: a STOP suppresses it, a
 * START lifts the suppression, and the notification policy then skips or sends for every other file that happens to
 * use the same number. So no file may draw from a small range of its own (a counter from zero gives every file the
 * same numbers). Each file starts at a random point in a space of 160 million valid US numbers (twenty area codes,
 * exchanges 200-999, any line) and walks it in order: within a file no number repeats, and two files collide only
 * if their random starts land within a few hundred numbers of each other (about one run in ten thousand).
 */
const AREA_CODES = [
  202, 212, 213, 305, 312, 404, 415, 503, 512, 617, 646, 702, 713, 718, 773, 808, 917, 919, 971, 978,
];
const PER_AREA = 800 * 10_000;
const SPACE = AREA_CODES.length * PER_AREA;

let next = randomInt(0, SPACE);

/** A fresh E.164 number that libphonenumber accepts as a valid US number. */
export function uniquePhone(): string {
  const n = next;
  next = (next + 1) % SPACE;
  const area = AREA_CODES[Math.floor(n / PER_AREA)];
  const rest = n % PER_AREA;
  const exchange = 200 + Math.floor(rest / 10_000);
  const line = String(rest % 10_000).padStart(4, '0');
  return `+1${area}${exchange}${line}`;
}
