import { Injectable } from '@nestjs/common';
import { nextDay } from '../shared/local-date';
import { MessageFactsRepository, shipmentFacts } from './message-facts.repository';
import { customerToday, delayIsNews } from './message-variables';
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
    /** The customer's zone (arriving_tomorrow checks that its day is still tomorrow). */
    timeZone = 'UTC',
    now = new Date(),
  ): Promise<{ status: 'skipped' | 'cancelled'; reason: string } | null> {
    if (n.resendOf) return null; // a person asked for it
    const needsLastTold = n.type === 'delayed';
    const needsNotice = n.type === 'pickup_reminder';
    const [lastTold, noticePending, scanned] = await Promise.all([
      needsLastTold ? this.reader.lastToldEtaDate(shipment.id, shipment.orderId) : null,
      needsNotice ? this.reader.pickupNoticePending(shipment.id, shipment.orderId, n.id) : false,
      n.type === 'stalled' ? this.reader.scannedSince(shipment.id, n.createdAt) : false,
    ]);
    const today = customerToday(now, timeZone);
    const tomorrow = nextDay(today);
    const carrierDate = shipment.eta?.date && shipment.eta.date >= today ? shipment.eta.date : null;
    return sendTimeVerdict({
      type: n.type,
      isResend: false,
      shipment: { status: shipment.status, collectedAtPickup: shipment.collectedAtPickup },
      delayIsNews:
        !needsLastTold || delayIsNews({ lastToldEtaDate: lastTold, shipment: shipmentFacts(shipment) }),
      pickupNoticePending: noticePending,
      arrival: n.type === 'arriving_tomorrow' ? { aboutDate: n.aboutDate, tomorrow, carrierDate } : undefined,
      scannedSinceDecided: scanned,
    });
  }
}
