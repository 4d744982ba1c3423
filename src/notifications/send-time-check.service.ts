import { Injectable } from '@nestjs/common';
import { MessageFactsRepository, shipmentFacts } from './message-facts.repository';
import { delayIsNews } from './message-variables';
import type { SubjectShipment as Shipment } from './notification-subject';
import { sendTimeVerdict } from './notification-policy';
import type { Notification } from './notification.entity';

/**
 * The send-time re-check: is a claimed notification still wanted (a newer status may have superseded it, the
 * parcel may be back with the sender, a delay may no longer be news)? The rules are the policy's
 * (`sendTimeVerdict`); this class reads the facts they need.
 */
@Injectable()
export class SendTimeCheck {
  constructor(private readonly reader: MessageFactsRepository) {}

  async stillWanted(
    n: Notification,
    shipment: Shipment,
  ): Promise<{ status: 'skipped' | 'cancelled'; reason: string } | null> {
    if (n.resendOf) return null; // a person asked for it
    const needsLastTold = n.type === 'delayed';
    const needsNotice = n.type === 'pickup_reminder';
    const [lastTold, noticePending] = await Promise.all([
      needsLastTold ? this.reader.lastToldEtaDate(shipment.id, shipment.orderId) : null,
      needsNotice ? this.reader.pickupNoticePending(shipment.id, shipment.orderId, n.id) : false,
    ]);
    return sendTimeVerdict({
      type: n.type,
      isResend: false,
      shipment: { status: shipment.status, collectedAtPickup: shipment.collectedAtPickup },
      delayIsNews:
        !needsLastTold || delayIsNews({ lastToldEtaDate: lastTold, shipment: shipmentFacts(shipment) }),
      pickupNoticePending: noticePending,
    });
  }
}
