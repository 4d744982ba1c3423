import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A conversation passed to a person, with why; the transcript is the session's messages. */
@Entity('chat_handoffs')
@Index('ix_chat_handoffs_created', ['createdAt'])
export class ChatHandoff {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId: string | null;

  /** `requested`, `low_confidence`, `delivery_problem`, `change_address`, `cancel_order`. */
  @Column({ type: 'varchar', length: 30 })
  reason: string;

  /** `open` or `closed`. */
  @Column({ type: 'varchar', length: 10, default: 'open' })
  status: string;

  /** Outbound webhook delivery: `not_configured`, `pending`, `delivered`, `failed`. */
  @Column({ name: 'webhook_status', type: 'varchar', length: 20, default: 'not_configured' })
  webhookStatus: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
