import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { TimeOrderedPrimaryColumn } from '../database/time-ordered-id';
import type { CanonicalStatus, ExceptionReason } from '../shared/tracking.types';

/** One scan, as recorded. Duplicates are refused by the content hash (and by the provider's stable id). */
// A BRIN index for analytics' incremental refresh, made by a migration (TypeORM cannot declare BRIN).
@Index('ix_tracking_events_received_brin', { synchronize: false })
@Entity('tracking_events')
@Index('uq_tracking_events_content', ['shipmentId', 'contentHash'], { unique: true })
@Index('ix_tracking_events_shipment_time', ['shipmentId', 'occurredAt'])
export class TrackingEvent {
  @TimeOrderedPrimaryColumn()
  id: string;

  @Column({ name: 'shipment_id', type: 'uuid' })
  shipmentId: string;

  @Column({ type: 'varchar', length: 30 })
  status: CanonicalStatus;

  @Column({ type: 'varchar', length: 30, nullable: true })
  reason: ExceptionReason | null;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  location: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz', nullable: true })
  occurredAt: Date | null;

  /** The time exactly as the provider sent it (offset, UTC or local wall-clock). */
  @Column({ name: 'occurred_at_raw', type: 'varchar', length: 64, nullable: true })
  occurredAtRaw: string | null;

  @Column({ type: 'varchar', length: 20 })
  provider: string;

  @Column({ name: 'provider_event_id', type: 'varchar', length: 200, nullable: true })
  providerEventId: string | null;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash: string;

  @Column({ name: 'raw_status', type: 'varchar', length: 100, nullable: true })
  rawStatus: string | null;

  @Column({ name: 'raw_substatus', type: 'varchar', length: 100, nullable: true })
  rawSubstatus: string | null;

  @Column({ name: 'raw_payload', type: 'jsonb', nullable: true })
  rawPayload: unknown;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
