import type { NotificationStatus } from '../notifications/notification.types';

/**
 * Twilio delivery callbacks arrive late, duplicated and out of order, so a message's status only moves
 * forward: pending < queued < sending < sent < delivered. `failed` (Twilio's undelivered / failed) is terminal
 * like `delivered` and neither overwrites the other: a late failure report never undoes a delivery.
 */
const RANK: Partial<Record<NotificationStatus, number>> = {
  pending: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  failed: 4,
};

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

/** The statuses a notification may be in for `next` to replace it. Skipped and cancelled are never touched. */
export function statusesBefore(next: NotificationStatus): NotificationStatus[] {
  const target = RANK[next];
  if (target === undefined) return [];
  return (Object.entries(RANK) as Array<[NotificationStatus, number]>)
    .filter(([, r]) => r < target)
    .map(([s]) => s);
}

export function canMove(from: NotificationStatus, to: NotificationStatus): boolean {
  return statusesBefore(to).includes(from);
}
