import type { CanonicalStatus } from '../shared/tracking.types';
import type { Notification } from './notification.entity';
import { resendVerdict, type ResendVerdict } from './resend-rules';

/** A notification as the read APIs and the support page list it. */
export interface NotificationSummary {
  id: string;
  shipmentId: string;
  type: string;
  channel: string;
  status: string;
  statusReason: string | null;
  scheduledFor: string;
  sentAt: string | null;
  deliveredAt: string | null;
  templateVersion: number | null;
  createdAt: string;
  /** Whether support may resend it now, and why not (resend-rules.ts): the support page shows the button by it. */
  resend: ResendVerdict;
}

export function summarise(n: Notification, shipmentStatus: CanonicalStatus | null): NotificationSummary {
  return {
    id: n.id,
    shipmentId: n.shipmentId,
    type: n.type,
    channel: n.channel,
    status: n.status,
    statusReason: n.statusReason,
    scheduledFor: n.scheduledFor.toISOString(),
    sentAt: n.sentAt?.toISOString() ?? null,
    deliveredAt: n.deliveredAt?.toISOString() ?? null,
    templateVersion: n.templateVersion,
    createdAt: n.createdAt.toISOString(),
    resend: resendVerdict(n, shipmentStatus),
  };
}
