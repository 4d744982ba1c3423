import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ViewSource } from '../links/tracking-link';

/** Tracking-page views per shipment, source (`?s=sms|email|chat`, the lookup, or a bare link) and day (UTC). */
@Entity('tracking_page_views')
@Index('ix_tracking_page_views_day', ['day'])
export class TrackingPageView {
  @PrimaryColumn({ name: 'shipment_id', type: 'uuid' })
  shipmentId: string;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  source: ViewSource;

  @PrimaryColumn({ type: 'date' })
  day: string;

  @Column({ type: 'integer', default: 0 })
  views: number;
}

export const CASE_KINDS = ['delivery_instructions', 'not_delivered', 'damaged', 'wrong_item'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/**
 * Something a shopper asked of support from the tracking page (delivery instructions, a problem): shown on the
 * support order page and, when HANDOFF_WEBHOOK_URL is set, posted there signed like chat hand-offs.
 */
@Entity('support_cases')
@Index('ix_support_cases_order', ['orderId', 'createdAt'])
@Index('ix_support_cases_webhook_due', ['webhookStatus', 'webhookNextAt'])
export class SupportCase {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'shipment_id', type: 'uuid', nullable: true })
  shipmentId: string | null;

  @Column({ type: 'varchar', length: 30 })
  kind: CaseKind;

  @Column({ type: 'text', nullable: true })
  details: string | null;

  @Column({ type: 'varchar', length: 20 })
  source: string;

  @Column({ type: 'varchar', length: 10, default: 'open' })
  status: string;

  @Column({ name: 'webhook_status', type: 'varchar', length: 20, default: 'not_configured' })
  webhookStatus: string;

  /** Delivery tries so far (the maintenance task retries with backoff until the receiver accepts). */
  @Column({ name: 'webhook_attempts', type: 'integer', default: 0 })
  webhookAttempts: number;

  /** When the next delivery try is due; null once delivered or when there is nothing to deliver. */
  @Column({ name: 'webhook_next_at', type: 'timestamptz', nullable: true })
  webhookNextAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

export const TRACKING_PAGE_ENTITIES = [TrackingPageView, SupportCase];
