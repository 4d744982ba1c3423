import { Column, Entity, Index } from 'typeorm';
import { TimeOrderedPrimaryColumn } from '../database/time-ordered-id';

/** Every try at handing a notification to a provider, successful or not. */
@Entity('notification_attempts')
@Index('ix_notification_attempts_notification', ['notificationId', 'startedAt'])
export class NotificationAttempt {
  @TimeOrderedPrimaryColumn()
  id: string;

  @Column({ name: 'notification_id', type: 'uuid' })
  notificationId: string;

  @Column({ type: 'int' })
  attempt: number;

  @Column({ type: 'varchar', length: 10 })
  channel: string;

  @Column({ type: 'varchar', length: 20 })
  provider: string;

  /** `sent`, `transient_error`, `permanent_error`. */
  @Column({ type: 'varchar', length: 20 })
  outcome: string;

  @Column({ name: 'provider_message_id', type: 'varchar', length: 200, nullable: true })
  providerMessageId: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 60, nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt: Date;
}
