import { CreateDateColumn, Entity, Index, PrimaryColumn, Column } from 'typeorm';
import type { Channel, NotificationType } from '../shared/notification.types';

/**
 * A message the policy called for that an opt-out or a suppression stopped when it would have been planned: no
 * notification row exists for it, so this is what the message analytics count as opted out (once per shipment,
 * type and channel, like the messages themselves). Ids only, no personal data.
 */
// A BRIN index for analytics' incremental refresh, made by a migration (TypeORM cannot declare BRIN).
@Index('ix_notification_skips_created_brin', { synchronize: false })
@Entity('notification_skips')
export class NotificationSkip {
  @PrimaryColumn({ name: 'shipment_id', type: 'uuid' })
  shipmentId: string;

  @PrimaryColumn({ type: 'varchar', length: 40 })
  type: NotificationType;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  channel: Channel;

  /** `opted_out`, `suppressed_sms` or `suppressed_email`. */
  @Column({ type: 'varchar', length: 40 })
  reason: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
