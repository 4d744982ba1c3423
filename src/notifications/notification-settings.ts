import type { AppConfig } from '../config/app-config';
import { NotificationConfig, parseNotificationConfig } from '../config/notification-config';

export const NOTIFICATION_CONFIG = Symbol('NOTIFICATION_CONFIG');

/** The policy's settings from the validated app config (already checked at start-up, so this cannot fail). */
export function notificationConfigFrom(config: AppConfig): NotificationConfig {
  const parsed = parseNotificationConfig({
    NOTIFY_CHANNELS: config.notifications.channels || undefined,
    QUIET_HOURS: config.notifications.quietHours,
    NOTIFY_DEBOUNCE_SECONDS: String(config.notifications.debounceSeconds),
    PICKUP_REMINDER_AFTER_DAYS: String(config.notifications.pickupReminderDays),
  });
  if (!parsed.ok) throw new Error(`Invalid notification settings: ${parsed.errors.join('; ')}`);
  return parsed.value;
}
