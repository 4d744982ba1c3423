import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MessageFacts, SiblingParcel } from './message-variables';
import type { SubjectShipment as Shipment } from './notification-subject';

/**
 * What a message and its send-time check read beyond the claimed rows: what the customer was last told, whether a
 * pickup notice is still on its way, the order's other parcels. Reads notifications' own rows and tracking's
 * `shipments`/`eta_history` by name.
 */
@Injectable()
export class MessageFactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The estimated day the customer was last told about this parcel: the ETA in force when the latest sent
   * message that names one (shipped, delayed, failed attempt) went out. Null when none did.
   */
  async lastToldEtaDate(shipmentId: string, orderId: string | null): Promise<string | null> {
    if (!orderId) return null;
    const rows: { told: string | null }[] = await this.dataSource.query(
      `SELECT (SELECT h.eta->>'date' FROM eta_history h
                WHERE h.shipment_id = n.shipment_id AND h.recorded_at <= n.sent_at
                ORDER BY h.recorded_at DESC LIMIT 1) AS told
         FROM notifications n
        WHERE n.order_id = $2 AND n.shipment_id = $1 AND n.sent_at IS NOT NULL
          AND n.status IN ('sent','delivered') AND n.type IN ('shipped','delayed','delivery_attempt_failed')
        ORDER BY n.sent_at DESC LIMIT 1`,
      [shipmentId, orderId],
    );
    return rows[0]?.told ?? null;
  }

  /** Whether this shipment's "ready for pickup" notice has yet to go out (a reminder must wait for it). */
  async pickupNoticePending(shipmentId: string, orderId: string | null, selfId: string): Promise<boolean> {
    if (!orderId) return false;
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM notifications n
        WHERE n.order_id = $2 AND n.shipment_id = $1 AND n.id <> $3 AND n.type = 'available_for_pickup'
          AND n.status IN ('pending','queued','sending') LIMIT 1`,
      [shipmentId, orderId, selfId],
    );
    return rows.length > 0;
  }

  /** Whether a scan of this shipment reached us after `since`: a `stalled` message decided then is no longer true. */
  async scannedSince(shipmentId: string, since: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM tracking_events WHERE shipment_id = $1 AND received_at > $2 LIMIT 1',
      [shipmentId, since],
    );
    return rows.length > 0;
  }

  /** The parcels of the order, for "parcel 1 of 2" and "your order is complete". */
  async orderParcels(shipment: Shipment): Promise<SiblingParcel[]> {
    if (!shipment.orderId) return [];
    const rows: {
      id: string;
      status: SiblingParcel['status'];
      delivered_at: Date | null;
      created_at: Date;
      tracking_number: string;
    }[] = await this.dataSource.query(
      `SELECT id, status, delivered_at, created_at, tracking_number FROM shipments WHERE order_id = $1`,
      [shipment.orderId],
    );
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      deliveredAt: r.delivered_at ? new Date(r.delivered_at) : null,
      createdAt: new Date(r.created_at),
      trackingNumber: r.tracking_number,
    }));
  }
}

/** The shipment as message-variables.ts reads it. */
export function shipmentFacts(shipment: Shipment): MessageFacts['shipment'] {
  return {
    id: shipment.id,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    status: shipment.status,
    reason: shipment.exceptionReason,
    eta: shipment.eta,
    originalEta: shipment.originalEta,
    promisedDate: shipment.promisedDate,
    pickup: shipment.pickup,
    collectedAtPickup: shipment.collectedAtPickup,
    deliveredAt: shipment.deliveredAt,
    estimate: shipment.estimate ?? null,
    etaSource: shipment.etaSource ?? null,
    lastEventAt: shipment.lastEventAt,
  };
}
