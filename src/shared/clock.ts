/** An injectable clock, so tests can move time (quiet hours, debounce, reminders, stale-shipment checks). */
export const CLOCK = Symbol('CLOCK');
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
