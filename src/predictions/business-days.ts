/**
 * Business-day arithmetic on calendar dates (`YYYY-MM-DD`), Monday to Friday.
 *
 * Every calendar date gets an index on one business-day line: a weekday is its own step, a Saturday or Sunday sits
 * on the following Monday's step. So a parcel shipped on Friday and delivered on Saturday took one business day,
 * the same as one delivered on Monday; transit times, errors and window widths are all differences of indexes,
 * which keeps them whole numbers and makes the model's arithmetic exact.
 */

const MS_PER_DAY = 86_400_000;
/** 1970-01-05 was a Monday: the origin of the business-day line. */
const EPOCH_MONDAY_DAY = 4;

function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

function fromDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayOf(date: string): number {
  return (((dayNumber(date) - EPOCH_MONDAY_DAY) % 7) + 7) % 7;
}

/** The date's step on the business-day line; weekend days share the next Monday's step. */
export function businessIndex(date: string): number {
  const days = dayNumber(date) - EPOCH_MONDAY_DAY;
  const weeks = Math.floor(days / 7);
  const weekday = days - weeks * 7;
  return weeks * 5 + Math.min(weekday, 5);
}

/** The weekday at a step of the business-day line. */
export function dateAtBusinessIndex(index: number): string {
  const weeks = Math.floor(index / 5);
  const weekday = index - weeks * 5;
  return fromDayNumber(EPOCH_MONDAY_DAY + weeks * 7 + weekday);
}

/** Business days from `from` to `to` (negative when `to` is earlier). */
export function businessDaysBetween(from: string, to: string): number {
  return businessIndex(to) - businessIndex(from);
}

/** The weekday `days` business days after `date` (a weekend `date` counts from the next Monday). */
export function addBusinessDays(date: string, days: number): string {
  return dateAtBusinessIndex(businessIndex(date) + days);
}
