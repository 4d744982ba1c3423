import {
  DEFAULT_NOTIFICATION_CHANNELS,
  DEFAULT_NOTIFICATION_CONFIG,
  parseNotificationConfig,
  parseNotifyChannels,
  parseQuietHours,
  quietWindowFor,
  type ParseResult,
} from './notification-config';
import { NOTIFICATION_TYPES } from '../shared/notification.types';

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.errors.join('; ')}`);
  return result.value;
}
function errors<T>(result: ParseResult<T>): string[] {
  if (result.ok) throw new Error('expected errors, got ok');
  return result.errors;
}

describe('default channels', () => {
  it('sends shipped, delivered and order complete by email only, everything else by SMS and email', () => {
    expect(DEFAULT_NOTIFICATION_CHANNELS).toEqual({
      shipped: ['email'],
      delivered: ['email'],
      order_complete: ['email'],
      arriving_tomorrow: ['sms', 'email'],
      stalled: ['sms', 'email'],
      out_for_delivery: ['sms', 'email'],
      delivery_attempt_failed: ['sms', 'email'],
      available_for_pickup: ['sms', 'email'],
      pickup_reminder: ['sms', 'email'],
      exception: ['sms', 'email'],
      delayed: ['sms', 'email'],
      returned_to_sender: ['sms', 'email'],
    });
  });

  it('covers every notification type', () => {
    expect(Object.keys(DEFAULT_NOTIFICATION_CHANNELS).sort()).toEqual([...NOTIFICATION_TYPES].sort());
  });
});

describe('parseNotifyChannels', () => {
  it.each([[undefined], [''], ['  '], [';;']])('keeps the defaults for %j', (raw) => {
    expect(value(parseNotifyChannels(raw))).toEqual(DEFAULT_NOTIFICATION_CHANNELS);
  });

  it('overrides only the listed types', () => {
    const channels = value(parseNotifyChannels('shipped=email;delivered=email,sms;pickup_reminder=off'));
    expect(channels.shipped).toEqual(['email']);
    expect(channels.delivered).toEqual(['email', 'sms']);
    expect(channels.pickup_reminder).toEqual([]);
    expect(channels.out_for_delivery).toEqual(['sms', 'email']);
  });

  it('accepts none as off, tolerates spaces, case and a trailing semicolon, and drops repeated channels', () => {
    const channels = value(parseNotifyChannels(' Exception = SMS , sms ; delayed=none; '));
    expect(channels.exception).toEqual(['sms']);
    expect(channels.delayed).toEqual([]);
  });

  it('does not mutate the defaults', () => {
    value(parseNotifyChannels('shipped=off'));
    expect(DEFAULT_NOTIFICATION_CHANNELS.shipped).toEqual(['email']);
  });

  it('reports every problem at once', () => {
    expect(
      errors(
        parseNotifyChannels('shiped=email;delivered=pigeon;exception;shipped=sms;shipped=email;delayed='),
      ),
    ).toEqual([
      expect.stringContaining('unknown notification type "shiped"'),
      expect.stringContaining('unknown channel "pigeon" for "delivered"'),
      expect.stringContaining('"exception" is not type=channels'),
      expect.stringContaining('"shipped" is listed more than once'),
      expect.stringContaining('"delayed=" is not type=channels'),
    ]);
  });

  it('prefixes errors with the variable name', () => {
    for (const message of errors(parseNotifyChannels('x=y'))) expect(message).toMatch(/^NOTIFY_CHANNELS: /);
  });
});

describe('parseQuietHours', () => {
  it('defaults to 21:00-08:00 for every type', () => {
    const config = value(parseQuietHours(undefined));
    expect(config).toEqual({ default: { start: '21:00', end: '08:00' }, perType: {} });
    expect(quietWindowFor(config, 'out_for_delivery')).toEqual({ start: '21:00', end: '08:00' });
  });

  it('parses a default window with per-type overrides and offs', () => {
    const config = value(parseQuietHours('21:00-08:00;out_for_delivery=22:00-07:00;exception=off'));
    expect(config).toEqual({
      default: { start: '21:00', end: '08:00' },
      perType: { out_for_delivery: { start: '22:00', end: '07:00' }, exception: null },
    });
    expect(quietWindowFor(config, 'out_for_delivery')).toEqual({ start: '22:00', end: '07:00' });
    expect(quietWindowFor(config, 'exception')).toBeNull();
    expect(quietWindowFor(config, 'delayed')).toEqual({ start: '21:00', end: '08:00' });
  });

  it('turns quiet hours off globally with off, keeping per-type windows', () => {
    const config = value(parseQuietHours('off;delayed=20:00-09:00'));
    expect(quietWindowFor(config, 'shipped')).toBeNull();
    expect(quietWindowFor(config, 'delayed')).toEqual({ start: '20:00', end: '09:00' });
  });

  it('keeps the default window when only overrides are given, in any order and with spaces', () => {
    const config = value(parseQuietHours(' exception = off ; 20:30 - 07:30 '));
    expect(config.default).toEqual({ start: '20:30', end: '07:30' });
    expect(value(parseQuietHours('exception=off')).default).toEqual({ start: '21:00', end: '08:00' });
  });

  it('accepts a window that does not wrap midnight', () => {
    expect(value(parseQuietHours('00:00-07:00')).default).toEqual({ start: '00:00', end: '07:00' });
  });

  it('reports every problem at once', () => {
    expect(
      errors(
        parseQuietHours(
          '25:00-08:00;9pm-8am;08:00-08:00;21:00-08:00;shiped=off;exception=22:00;exception=off',
        ),
      ),
    ).toEqual([
      expect.stringContaining('"25:00-08:00" is not HH:MM-HH:MM'),
      expect.stringContaining('"9pm-8am" is not HH:MM-HH:MM'),
      expect.stringContaining('"08:00-08:00" is not HH:MM-HH:MM'),
      expect.stringContaining('unknown notification type "shiped"'),
      expect.stringContaining('"22:00" is not HH:MM-HH:MM'),
    ]);
    expect(errors(parseQuietHours('21:00-08:00;22:00-07:00'))).toEqual([
      'QUIET_HOURS: more than one default window',
    ]);
    expect(errors(parseQuietHours('exception=off;exception=off'))).toEqual([
      'QUIET_HOURS: "exception" is listed more than once',
    ]);
  });
});

describe('parseNotificationConfig', () => {
  it('returns the defaults for an empty environment', () => {
    expect(value(parseNotificationConfig({}))).toEqual(DEFAULT_NOTIFICATION_CONFIG);
    expect(DEFAULT_NOTIFICATION_CONFIG.debounceSeconds).toBe(60);
    expect(DEFAULT_NOTIFICATION_CONFIG.pickupReminderAfterDays).toBe(3);
  });

  it('reads every variable', () => {
    const config = value(
      parseNotificationConfig({
        NOTIFY_CHANNELS: 'shipped=off',
        QUIET_HOURS: '22:00-07:00',
        NOTIFY_DEBOUNCE_SECONDS: '0',
        PICKUP_REMINDER_AFTER_DAYS: '5',
      }),
    );
    expect(config.channels.shipped).toEqual([]);
    expect(config.quietHours.default).toEqual({ start: '22:00', end: '07:00' });
    expect(config.debounceSeconds).toBe(0);
    expect(config.pickupReminderAfterDays).toBe(5);
  });

  it('collects the errors of all variables together', () => {
    expect(
      errors(
        parseNotificationConfig({
          NOTIFY_CHANNELS: 'shipped=fax',
          QUIET_HOURS: 'late',
          NOTIFY_DEBOUNCE_SECONDS: '-5',
          PICKUP_REMINDER_AFTER_DAYS: '0',
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^NOTIFY_CHANNELS: unknown channel "fax"/),
      expect.stringMatching(/^QUIET_HOURS: "late"/),
      'NOTIFY_DEBOUNCE_SECONDS: "-5" is not a whole number ≥ 0',
      'PICKUP_REMINDER_AFTER_DAYS: "0" is not a whole number ≥ 1',
    ]);
  });

  it.each(['1.5', 'abc', '60s'])('rejects a debounce of %j', (raw) => {
    expect(errors(parseNotificationConfig({ NOTIFY_DEBOUNCE_SECONDS: raw }))).toHaveLength(1);
  });
});
