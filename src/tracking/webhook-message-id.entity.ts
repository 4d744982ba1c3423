import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A Standard Webhooks `webhook-id` already accepted, kept until its signature's tolerance window has passed: a
 * captured request replayed inside the window is refused. In PostgreSQL so that every API process sees it.
 */
@Entity('webhook_message_ids')
@Index('ix_webhook_message_ids_expires', ['expiresAt'])
export class WebhookMessageId {
  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'PK_webhook_message_ids' })
  provider: string;

  @PrimaryColumn({
    name: 'message_id',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_webhook_message_ids',
  })
  messageId: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
