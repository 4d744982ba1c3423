/**
 * When support may resend a message (issue 16 item 8, issue 14 item 9). Pure: the notification's own state and
 * the shipment's current status in, a verdict with its reason out. The support page shows the button only when
 * `allowed`, and the resend endpoint refuses with the same reason, so the two never disagree.
 */
import type { NotificationStatus, NotificationType } from '../shared/notification.types';
import type { CanonicalStatus } from '../shared/tracking.types';

export type ResendRefusal = 'not_sent_yet' | 'cancelled' | 'skipped' | 'no_longer_true';

export interface ResendVerdict {
  allowed: boolean;
  /** Why not, as a code; null when allowed. */
  code: ResendRefusal | null;
  /** Why not, in words for the support page; null when allowed. */
  reason: string | null;
}

/** Only messages that went out, or tried to and failed, are worth sending again. */
const RESENDABLE: ReadonlySet<NotificationStatus> = new Set(['sent', 'delivered', 'failed']);

/**
 * The shipment states in which each message's content is still true. "Out for delivery today" after the parcel
 * was delivered, or "ready for pickup" after it was collected, would tell the customer something false.
 */
const STILL_TRUE: Record<NotificationType, readonly CanonicalStatus[]> = {
  shipped: ['pre_transit', 'in_transit'],
  arriving_tomorrow: ['pre_transit', 'in_transit'],
  out_for_delivery: ['out_for_delivery'],
  delivery_attempt_failed: ['attempt_failed'],
  available_for_pickup: ['available_for_pickup'],
  pickup_reminder: ['available_for_pickup'],
  delivered: ['delivered'],
  order_complete: ['delivered'],
  delayed: ['pre_transit', 'in_transit'],
  stalled: ['pre_transit', 'in_transit'],
  exception: ['exception'],
  returned_to_sender: ['returned'],
};

export function resendVerdict(
  notification: { type: NotificationType; status: NotificationStatus },
  shipmentStatus: CanonicalStatus | null,
): ResendVerdict {
  const { type, status } = notification;
  if (status === 'cancelled')
    return refuse('cancelled', 'This message was cancelled (superseded by a later update) and never sent.');
  if (status === 'skipped') return refuse('skipped', 'This message was skipped and never sent.');
  if (!RESENDABLE.has(status))
    return refuse(
      'not_sent_yet',
      `This message has not been sent yet (${status}); it will go out on its own.`,
    );
  if (shipmentStatus === null || !STILL_TRUE[type]?.includes(shipmentStatus)) {
    return refuse(
      'no_longer_true',
      `This ${type.replace(/_/g, ' ')} message no longer holds: the shipment is now ${(shipmentStatus ?? 'unknown').replace(/_/g, ' ')}.`,
    );
  }
  return { allowed: true, code: null, reason: null };
}

function refuse(code: ResendRefusal, reason: string): ResendVerdict {
  return { allowed: false, code, reason };
}
