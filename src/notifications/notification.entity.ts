import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';
import { TimeOrderedPrimaryColumn } from '../database/time-ordered-id';
import type { Channel, NotificationStatus, NotificationType } from '../shared/notification.types';

/**
 * One message to one customer on one channel. The row is the truth; queue jobs carry only its id.
 * The partial unique index is the last line of "never the same type twice": one original message per
 * shipment, type and channel, whatever races happen above it. Resends and fallbacks point at their origin.
 */
// A BRIN index for analytics' incremental refresh, made by a migration (TypeORM cannot declare BRIN).
@Index('ix_notifications_created_brin', { synchronize: false })
@Entity('notifications')
// Once per shipment, type and channel, and for a dated message (arriving_tomorrow) once per day as well: unique on
// (shipment_id, type, channel, coalesce(about_date, '-infinity')) for original messages, made by a migration
// (TypeORM cannot declare an expression index). It also serves the planner's read of a shipment's history.
@Index('uq_notifications_once', { synchronize: false })
@Index('ix_notifications_status_scheduled', ['status', 'scheduledFor'])
@Index('ix_notifications_customer', ['customerId', 'createdAt'])
@Index('ix_notifications_order', ['orderId', 'createdAt'])
export class Notification {
  @TimeOrderedPrimaryColumn()
  id: string;

  @Column({ name: 'shipment_id', type: 'uuid' })
  shipmentId: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @Column({ type: 'varchar', length: 40 })
  type: NotificationType;

  @Column({ type: 'varchar', length: 10 })
  channel: Channel;

  @Column({ type: 'varchar', length: 12 })
  status: NotificationStatus;

  /** Why it was skipped, cancelled or failed (machine-readable). */
  @Column({ name: 'status_reason', type: 'varchar', length: 60, nullable: true })
  statusReason: string | null;

  @Column({ name: 'scheduled_for', type: 'timestamptz' })
  scheduledFor: Date;

  /** The day a dated message is about (arriving_tomorrow: the delivery day it announces); null for the others. */
  @Column({ name: 'about_date', type: 'date', nullable: true })
  aboutDate: string | null;

  @Column({ name: 'quiet_hours_delayed', type: 'boolean', default: false })
  quietHoursDelayed: boolean;

  /** When the shipment change that caused this message reached us (receipt-to-provider latency). */
  @Column({ name: 'event_received_at', type: 'timestamptz', nullable: true })
  eventReceivedAt: Date | null;

  @Column({ type: 'varchar', length: 35, nullable: true })
  locale: string | null;

  @Column({ name: 'template_version_id', type: 'uuid', nullable: true })
  templateVersionId: string | null;

  /** Version number of the template used; 0 means the built-in default from templates/. */
  @Column({ name: 'template_version', type: 'int', nullable: true })
  templateVersion: number | null;

  @Column({ name: 'rendered_subject', type: 'text', nullable: true })
  renderedSubject: string | null;

  /** The SMS text, or the email's plain-text part. */
  @Column({ name: 'rendered_text', type: 'text', nullable: true })
  renderedText: string | null;

  @Column({ name: 'rendered_html', type: 'text', nullable: true })
  renderedHtml: string | null;

  @Column({ type: 'int', nullable: true })
  segments: number | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  encoding: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  provider: string | null;

  @Column({ name: 'provider_message_id', type: 'varchar', length: 200, nullable: true })
  providerMessageId: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 60, nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ name: 'attempt_count', type: 'int', default: 0 })
  attemptCount: number;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @Column({ name: 'resend_of', type: 'uuid', nullable: true })
  resendOf: string | null;

  @Column({ name: 'fallback_of', type: 'uuid', nullable: true })
  fallbackOf: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
