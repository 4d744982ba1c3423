import type { NotificationStatus } from '../shared/notification.types';

/**
 * Twilio's message statuses in our vocabulary. Which of them may replace which (receipts arrive late, duplicated
 * and out of order) is decided by the owner of the message records: notifications/notification-status.ts.
 */
const TWILIO_TO_NOTIFICATION: Readonly<Record<string, NotificationStatus>> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

/** Our status for a Twilio `MessageStatus`, or null for ones that say nothing about delivery (`receiving`, …). */
export function notificationStatusFor(messageStatus: string | undefined): NotificationStatus | null {
  return TWILIO_TO_NOTIFICATION[(messageStatus ?? '').trim().toLowerCase()] ?? null;
}
