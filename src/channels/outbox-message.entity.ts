import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { TimeOrderedPrimaryColumn } from '../database/time-ordered-id';

/** A message captured instead of sent because its channel has no provider configured (development). */
@Entity('outbox_messages')
@Index('ix_outbox_created', ['createdAt'])
export class OutboxMessage {
  @TimeOrderedPrimaryColumn()
  id: string;

  @Column({ name: 'notification_id', type: 'uuid', nullable: true })
  notificationId: string | null;

  @Column({ type: 'varchar', length: 10 })
  channel: 'sms' | 'email';

  @Column({ type: 'varchar', length: 320 })
  to: string;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'text', nullable: true })
  html: string | null;

  @Column({ type: 'jsonb', default: {} })
  headers: Record<string, string>;

  @Column({ type: 'int', nullable: true })
  segments: number | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  encoding: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
