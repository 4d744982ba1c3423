import {
  Column,
  CreateDateColumn,
  Entity,
  Generated,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { CanonicalStatus, Eta, ExceptionReason, PickupPoint } from '../shared/tracking.types';

/**
 * One parcel and its true current state. A shipment can exist before its order (a webhook for an unknown
 * tracking number); it is joined to the order when the order arrives.
 */
@Entity('shipments')
@Index('uq_shipments_carrier_tracking', ['carrier', 'trackingNumber'], { unique: true })
@Index('ix_shipments_tracking_number', ['trackingNumber'])
@Index('uq_shipments_link_ref', ['linkRef'], { unique: true })
@Index('ix_shipments_order', ['orderId'])
export class Shipment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId: string | null;

  /** Normalised carrier slug (`usps`, `fedex`, `ups`, `dhl`, …). */
  @Column({ type: 'varchar', length: 50 })
  carrier: string;

  /** The shipment's number in its signed tracking-page link (`/t/<token>`): a small integer keeps links SMS-short. */
  @Column({ name: 'link_ref', type: 'bigint' })
  @Generated('increment')
  linkRef: string;

  /** The carrier's service level ("ground", "express") when the store or the feed names it: an analytics key. */
  @Column({ type: 'varchar', length: 60, nullable: true })
  service: string | null;

  @Column({ name: 'tracking_number', type: 'varchar', length: 100 })
  trackingNumber: string;

  @Column({ type: 'varchar', length: 30, default: 'unknown' })
  status: CanonicalStatus;

  @Column({ name: 'exception_reason', type: 'varchar', length: 30, nullable: true })
  exceptionReason: ExceptionReason | null;

  @Column({ name: 'raw_status', type: 'varchar', length: 100, nullable: true })
  rawStatus: string | null;

  @Column({ name: 'raw_substatus', type: 'varchar', length: 100, nullable: true })
  rawSubstatus: string | null;

  @Column({ type: 'jsonb', nullable: true })
  eta: Eta | null;

  @Column({ name: 'original_eta', type: 'jsonb', nullable: true })
  originalEta: Eta | null;

  @Column({ name: 'promised_date', type: 'date', nullable: true })
  promisedDate: string | null;

  @Column({ name: 'last_event_at', type: 'timestamptz', nullable: true })
  lastEventAt: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @Column({ name: 'collected_at_pickup', type: 'boolean', default: false })
  collectedAtPickup: boolean;

  @Column({ type: 'jsonb', nullable: true })
  pickup: PickupPoint | null;

  /** When the parcel became available for pickup (the reminder counts from here). */
  @Column({ name: 'pickup_available_at', type: 'timestamptz', nullable: true })
  pickupAvailableAt: Date | null;

  /** Set once when the no-scan delay check flagged this shipment. */
  @Column({ name: 'no_scan_flagged_at', type: 'timestamptz', nullable: true })
  noScanFlaggedAt: Date | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  provider: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
