/**
 * Retry defaults for sending a notification, in one place (STYLE.md §6). Neither Twilio's SDK (429 only,
 * opt-in) nor Nodemailer (never) retries for us, so transient failures come back here.
 *
 * 8 attempts = the first try and 7 retries. Retry n (attemptsMade = n) waits an "equal jitter" delay:
 * half of `min(cap, 60 s × 2^(n-1))` fixed plus up to the other half at random, so delays are never zero
 * (a provider outage is not hammered) and workers retrying together spread out. The nominal delays are
 * 1, 2, 4, 8, 16, 32, 60 min (capped): the 7 retries span 61.5–123 minutes, about 1.5 h on average and at most
 * about 2 hours, after which the notification fails and may fall back to the other channel.
 *
 * Wiring into BullMQ: job options `{ attempts: NOTIFICATION_RETRY.attempts, backoff: { type:
 * NOTIFICATION_RETRY.backoffType } }` and the worker setting `settings: { backoffStrategy:
 * notificationBackoffStrategy }`. A permanent failure throws `UnrecoverableError` instead, and never waits.
 */

export const NOTIFICATION_RETRY = {
  attempts: 8,
  baseDelayMs: 60_000,
  maxDelayMs: 60 * 60_000,
  jitter: 'equal',
  backoffType: 'notification-exponential-jitter',
  totalAbout: '2 hours',
} as const;

/**
 * Delay before the next attempt after `attemptsMade` failed ones (BullMQ passes 1 before the first retry).
 * `random` returns a number in [0, 1); inject it in tests.
 */
export function backoffDelayMs(attemptsMade: number, random: () => number = Math.random): number {
  const retry = Number.isFinite(attemptsMade) ? Math.max(1, Math.floor(attemptsMade)) : 1;
  // 2^(retry-1) overflows to Infinity for absurd counts; the cap handles it.
  const nominal = Math.min(NOTIFICATION_RETRY.maxDelayMs, NOTIFICATION_RETRY.baseDelayMs * 2 ** (retry - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(nominal / 2 + (nominal / 2) * r);
}

/**
 * BullMQ custom backoff strategy (`settings.backoffStrategy`). Returns -1, which BullMQ reads as "do not
 * retry", for a backoff type this module does not own, so a misconfigured job fails visibly instead of
 * retrying on an arbitrary schedule.
 */
export function notificationBackoffStrategy(attemptsMade: number, type?: string): number {
  return type === NOTIFICATION_RETRY.backoffType ? backoffDelayMs(attemptsMade) : -1;
}
