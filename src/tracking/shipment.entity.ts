import { Column, CreateDateColumn, Entity, Generated, Index, UpdateDateColumn } from 'typeorm';
import { TimeOrderedPrimaryColumn } from '../database/time-ordered-id';
import type {
  CanonicalStatus,
  Eta,
  EtaSource,
  ExceptionReason,
  PickupPoint,
  StoredEstimate,
} from '../shared/tracking.types';

/**
 * One parcel and its true current state. A shipment can exist before its order (a webhook for an unknown
 * tracking number); it is joined to the order when the order arrives.
 */
@Entity('shipments')
@Index('uq_shipments_carrier_tracking', ['carrier', 'trackingNumber'], { unique: true })
@Index('ix_shipments_tracking_number', ['trackingNumber'])
@Index('uq_shipments_link_ref', ['linkRef'], { unique: true })
@Index('ix_shipments_order', ['orderId'])
// Covers the estimate-accuracy figures and the per-carrier choice (index-only scans over a range of deliveries).
@Index(
  'ix_shipments_estimate_scores',
  ['deliveredAt', 'carrier', 'estimateError', 'estimateHit', 'carrierEtaError'],
  { where: 'delivered_at IS NOT NULL' },
)
export class Shipment {
  @TimeOrderedPrimaryColumn()
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

  /** Our current estimated window (issue 20), re-predicted at each scan while the parcel is on its way. */
  @Column({ type: 'jsonb', nullable: true })
  estimate: StoredEstimate | null;

  /** Our first window for this parcel, never changed afterwards: what estimate accuracy is measured on. */
  @Column({ name: 'first_estimate', type: 'jsonb', nullable: true })
  firstEstimate: StoredEstimate | null;

  /** Which date the customer is shown: the carrier's ETA or our estimate (the more accurate lately, per carrier). */
  @Column({ name: 'eta_source', type: 'varchar', length: 10, nullable: true })
  etaSource: EtaSource | null;

  /** At delivery: business days from our first most likely date to the delivery (negative = early). */
  @Column({ name: 'estimate_error', type: 'smallint', nullable: true })
  estimateError: number | null;

  /** At delivery: whether it arrived within our first window. */
  @Column({ name: 'estimate_hit', type: 'boolean', nullable: true })
  estimateHit: boolean | null;

  /** At delivery: business days from the carrier's first ETA to the delivery (negative = early). */
  @Column({ name: 'carrier_eta_error', type: 'smallint', nullable: true })
  carrierEtaError: number | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  provider: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
