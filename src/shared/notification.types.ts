/** Notification vocabulary shared by the policy, the templates and the channels. */

export const NOTIFICATION_TYPES = [
  'shipped',
  'arriving_tomorrow',
  'out_for_delivery',
  'delivery_attempt_failed',
  'available_for_pickup',
  'pickup_reminder',
  'delivered',
  'order_complete',
  'delayed',
  'stalled',
  'exception',
  'returned_to_sender',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const CHANNELS = ['sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LOCALES = ['en', 'es', 'fr', 'de'] as const;
export type SupportedLocale = (typeof LOCALES)[number];

export const NOTIFICATION_STATUSES = [
  'pending',
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'skipped',
  'cancelled',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
