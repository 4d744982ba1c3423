import { SEND_JOB_OPTIONS } from '../queue/queue.constants';
import { backoffDelayMs, NOTIFICATION_RETRY, notificationBackoffStrategy } from './retry-policy';

const MIN = 60_000;
const retries = Array.from({ length: NOTIFICATION_RETRY.attempts - 1 }, (_, i) => i + 1); // attemptsMade 1..7
const total = (random: () => number) => retries.reduce((sum, n) => sum + backoffDelayMs(n, random), 0);

describe('backoffDelayMs', () => {
  it('has 8 attempts: the first try and 7 retries', () => {
    expect(NOTIFICATION_RETRY.attempts).toBe(8);
    expect(retries).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('doubles from 60 s and caps at one hour (upper end of the jitter)', () => {
    expect(retries.map((n) => backoffDelayMs(n, () => 0.999999999) / MIN).map(Math.round)).toEqual([
      1, 2, 4, 8, 16, 32, 60,
    ]);
  });

  it('never goes below half the nominal delay (equal jitter)', () => {
    expect(retries.map((n) => backoffDelayMs(n, () => 0) / MIN)).toEqual([0.5, 1, 2, 4, 8, 16, 30]);
  });

  it('spreads the delay with the random source', () => {
    expect(backoffDelayMs(3, () => 0.5)).toBe(3 * MIN); // 2 min fixed + half of 2 min
    expect(backoffDelayMs(3, () => 0.25)).toBe(2.5 * MIN);
  });

  it('spans about 2 hours at most, about 1.5 hours on average, never under an hour', () => {
    expect(total(() => 0.999999999) / MIN).toBeCloseTo(123, 0);
    expect(total(() => 0.5) / MIN).toBeCloseTo(92.25, 1);
    expect(total(() => 0) / MIN).toBeCloseTo(61.5, 1);
  });

  it('stays capped for absurd attempt counts and treats nonsense as the first retry', () => {
    expect(backoffDelayMs(50, () => 1)).toBe(60 * MIN);
    expect(backoffDelayMs(10_000, () => 1)).toBe(60 * MIN);
    expect(backoffDelayMs(0, () => 0)).toBe(0.5 * MIN);
    expect(backoffDelayMs(-3, () => 0)).toBe(0.5 * MIN);
    expect(backoffDelayMs(Number.NaN, () => 0)).toBe(0.5 * MIN);
  });

  it('clamps a misbehaving random source into [half, full]', () => {
    expect(backoffDelayMs(1, () => 7)).toBe(MIN);
    expect(backoffDelayMs(1, () => -1)).toBe(0.5 * MIN);
  });

  it('uses Math.random by default and stays within bounds', () => {
    for (const n of retries) {
      const delay = backoffDelayMs(n);
      const nominal = Math.min(60 * MIN, MIN * 2 ** (n - 1));
      expect(delay).toBeGreaterThanOrEqual(nominal / 2);
      expect(delay).toBeLessThanOrEqual(nominal);
    }
  });
});

describe('notificationBackoffStrategy', () => {
  it('computes the delay for its own backoff type', () => {
    const delay = notificationBackoffStrategy(2, NOTIFICATION_RETRY.backoffType);
    expect(delay).toBeGreaterThanOrEqual(MIN);
    expect(delay).toBeLessThanOrEqual(2 * MIN);
  });

  it('refuses to retry (-1) for a backoff type it does not own', () => {
    expect(notificationBackoffStrategy(2, 'something-else')).toBe(-1);
    expect(notificationBackoffStrategy(2)).toBe(-1);
  });
});

describe('send job options', () => {
  it('name the backoff type this strategy answers for, with the same number of attempts', () => {
    expect(SEND_JOB_OPTIONS.backoff).toEqual({ type: NOTIFICATION_RETRY.backoffType });
    expect(SEND_JOB_OPTIONS.attempts).toBe(NOTIFICATION_RETRY.attempts);
    expect(notificationBackoffStrategy(1, NOTIFICATION_RETRY.backoffType)).toBeGreaterThan(0);
  });
});
