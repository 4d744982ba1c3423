/**
 * Which notification types are sent, on which channels, with which quiet hours, debounce and pickup-reminder
 * delay: the defaults and the parsers for their environment overrides. Pure: the config module reads
 * `process.env`, calls `parseNotificationConfig` once at start-up and reports every error together.
 *
 * NOTIFY_CHANNELS  `type=channel[,channel];type=off` — overrides only the listed types,
 *                  e.g. `shipped=email;delivered=email,sms;pickup_reminder=off`.
 * QUIET_HOURS      `HH:MM-HH:MM` (or `off`) for every type, then optional `type=HH:MM-HH:MM` / `type=off`
 *                  overrides, e.g. `21:00-08:00;out_for_delivery=22:00-07:00;exception=off`.
 *                  A string of overrides only keeps the default window (21:00-08:00) for the other types.
 * NOTIFY_DEBOUNCE_SECONDS        whole seconds ≥ 0 (default 60); see notification-policy.ts.
 * PICKUP_REMINDER_AFTER_DAYS     whole days ≥ 1 (default 3).
 *
 * Quiet hours only ever delay SMS; email is never held (the policy passes no window for email).
 */
import {
  CHANNELS,
  NOTIFICATION_TYPES,
  type Channel,
  type NotificationType,
} from '../shared/notification.types';
import { parseClockTime, type QuietWindow } from '../shared/quiet-hours';

export type ChannelsByType = Record<NotificationType, readonly Channel[]>;

export interface QuietHoursConfig {
  /** Window for every type without an override; null = no quiet hours. */
  default: QuietWindow | null;
  /** Per-type override; a present key with null turns quiet hours off for that type. */
  perType: Partial<Record<NotificationType, QuietWindow | null>>;
}

export interface NotificationConfig {
  /** Channels each type goes out on, in send order; an empty list disables the type. */
  channels: ChannelsByType;
  quietHours: QuietHoursConfig;
  debounceSeconds: number;
  pickupReminderAfterDays: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const BOTH: readonly Channel[] = ['sms', 'email'];
const EMAIL_ONLY: readonly Channel[] = ['email'];

/**
 * On by default where the anchors (AfterShip, Narvar notification sets) have the message. The proactive ones of issue
 * 20: `arriving_tomorrow` by text and email (the day before is when a customer plans to be in); `order_complete` by
 * email, like the `delivered` message it replaces for the last parcel of a split order; `stalled` (no scan for longer
 * than the lane's usual gap) by text and email, because it takes over the no-scan "running late" message, which was.
 */
export const DEFAULT_NOTIFICATION_CHANNELS: ChannelsByType = {
  shipped: EMAIL_ONLY,
  arriving_tomorrow: BOTH,
  out_for_delivery: BOTH,
  delivery_attempt_failed: BOTH,
  available_for_pickup: BOTH,
  pickup_reminder: BOTH,
  delivered: EMAIL_ONLY,
  order_complete: EMAIL_ONLY,
  delayed: BOTH,
  stalled: BOTH,
  exception: BOTH,
  returned_to_sender: BOTH,
};

export const DEFAULT_QUIET_WINDOW: QuietWindow = { start: '21:00', end: '08:00' };
export const DEFAULT_QUIET_HOURS: QuietHoursConfig = { default: DEFAULT_QUIET_WINDOW, perType: {} };
export const DEFAULT_DEBOUNCE_SECONDS = 60;
export const DEFAULT_PICKUP_REMINDER_AFTER_DAYS = 3;

export const DEFAULT_NOTIFICATION_CONFIG: NotificationConfig = {
  channels: DEFAULT_NOTIFICATION_CHANNELS,
  quietHours: DEFAULT_QUIET_HOURS,
  debounceSeconds: DEFAULT_DEBOUNCE_SECONDS,
  pickupReminderAfterDays: DEFAULT_PICKUP_REMINDER_AFTER_DAYS,
};

/** The environment variables this file understands; undefined or blank means "use the default". */
export interface NotificationEnv {
  NOTIFY_CHANNELS?: string;
  QUIET_HOURS?: string;
  NOTIFY_DEBOUNCE_SECONDS?: string;
  PICKUP_REMINDER_AFTER_DAYS?: string;
}

/** All notification settings from the environment, or every problem found (each prefixed with its variable). */
export function parseNotificationConfig(env: NotificationEnv): ParseResult<NotificationConfig> {
  const channels = parseNotifyChannels(env.NOTIFY_CHANNELS);
  const quietHours = parseQuietHours(env.QUIET_HOURS);
  const debounce = parseWholeNumber(
    'NOTIFY_DEBOUNCE_SECONDS',
    env.NOTIFY_DEBOUNCE_SECONDS,
    DEFAULT_DEBOUNCE_SECONDS,
    0,
  );
  const reminder = parseWholeNumber(
    'PICKUP_REMINDER_AFTER_DAYS',
    env.PICKUP_REMINDER_AFTER_DAYS,
    DEFAULT_PICKUP_REMINDER_AFTER_DAYS,
    1,
  );
  if (channels.ok && quietHours.ok && debounce.ok && reminder.ok) {
    return {
      ok: true,
      value: {
        channels: channels.value,
        quietHours: quietHours.value,
        debounceSeconds: debounce.value,
        pickupReminderAfterDays: reminder.value,
      },
    };
  }
  return {
    ok: false,
    errors: [channels, quietHours, debounce, reminder].flatMap((r) => (r.ok ? [] : r.errors)),
  };
}

/** `NOTIFY_CHANNELS`: per-type channel overrides applied on top of the defaults. */
export function parseNotifyChannels(
  raw: string | undefined,
  defaults: ChannelsByType = DEFAULT_NOTIFICATION_CHANNELS,
): ParseResult<ChannelsByType> {
  const result: ChannelsByType = { ...defaults };
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const entry of splitEntries(raw)) {
    const pair = splitPair(entry);
    if (!pair) {
      errors.push(`NOTIFY_CHANNELS: "${entry}" is not type=channels (e.g. shipped=email,sms or shipped=off)`);
      continue;
    }
    const [type, value] = pair;
    if (!isNotificationType(type)) {
      errors.push(
        `NOTIFY_CHANNELS: unknown notification type "${type}" (known: ${NOTIFICATION_TYPES.join(', ')})`,
      );
      continue;
    }
    if (seen.has(type)) {
      errors.push(`NOTIFY_CHANNELS: "${type}" is listed more than once`);
      continue;
    }
    seen.add(type);
    if (value === 'off' || value === 'none') {
      result[type] = [];
      continue;
    }
    const channels: Channel[] = [];
    for (const name of value.split(',').map((c) => c.trim().toLowerCase())) {
      if (!isChannel(name)) {
        errors.push(
          `NOTIFY_CHANNELS: unknown channel "${name}" for "${type}" (known: ${CHANNELS.join(', ')}, or off)`,
        );
      } else if (!channels.includes(name)) {
        channels.push(name);
      }
    }
    result[type] = channels;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: result };
}

/** `QUIET_HOURS`: a default window (or `off`) and per-type overrides, in any order. */
export function parseQuietHours(raw: string | undefined): ParseResult<QuietHoursConfig> {
  const errors: string[] = [];
  let defaultWindow: QuietWindow | null = DEFAULT_QUIET_WINDOW;
  let defaultSeen = false;
  const perType: Partial<Record<NotificationType, QuietWindow | null>> = {};
  for (const entry of splitEntries(raw)) {
    const pair = splitPair(entry);
    const [type, value] = pair ?? [null, entry.toLowerCase()];
    const window = parseWindow(value);
    if (window === undefined) {
      errors.push(`QUIET_HOURS: "${value}" is not HH:MM-HH:MM (24-hour, start ≠ end) or off`);
      continue;
    }
    if (type === null) {
      if (defaultSeen) errors.push('QUIET_HOURS: more than one default window');
      defaultSeen = true;
      defaultWindow = window;
    } else if (!isNotificationType(type)) {
      errors.push(
        `QUIET_HOURS: unknown notification type "${type}" (known: ${NOTIFICATION_TYPES.join(', ')})`,
      );
    } else if (type in perType) {
      errors.push(`QUIET_HOURS: "${type}" is listed more than once`);
    } else {
      perType[type] = window;
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: { default: defaultWindow, perType } };
}

/** The quiet window that applies to SMS of this type (null = none). */
export function quietWindowFor(config: QuietHoursConfig, type: NotificationType): QuietWindow | null {
  const override = config.perType[type];
  return override !== undefined ? override : config.default;
}

export function isNotificationType(value: string): value is NotificationType {
  return (NOTIFICATION_TYPES as readonly string[]).includes(value);
}

export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

/** null for `off`, undefined when invalid. A zero-length window (start = end) is ambiguous and rejected. */
function parseWindow(value: string): QuietWindow | null | undefined {
  if (value === 'off' || value === 'none') return null;
  const match = /^(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/.exec(value);
  if (!match) return undefined;
  const [, start, end] = match;
  const startMin = parseClockTime(start);
  const endMin = parseClockTime(end);
  if (startMin === null || endMin === null || startMin === endMin) return undefined;
  return { start, end };
}

function parseWholeNumber(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
): ParseResult<number> {
  if (raw === undefined || raw.trim() === '') return { ok: true, value: fallback };
  const value = raw.trim();
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    return { ok: false, errors: [`${name}: "${raw}" is not a whole number ≥ ${min}`] };
  }
  return { ok: true, value: Number(value) };
}

function splitEntries(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

function splitPair(entry: string): [string, string] | null {
  const at = entry.indexOf('=');
  if (at < 0) return null;
  const key = entry.slice(0, at).trim().toLowerCase();
  const value = entry
    .slice(at + 1)
    .trim()
    .toLowerCase();
  return key && value ? [key, value] : null;
}
