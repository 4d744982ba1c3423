import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A shopper's conversation, on the web widget or over SMS (keyed by phone number). */
// A BRIN index for analytics' incremental refresh, made by a migration (TypeORM cannot declare BRIN).
@Index('ix_chat_sessions_created_brin', { synchronize: false })
@Entity('chat_sessions')
@Index('ix_chat_sessions_phone', ['phone'])
export class ChatSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 10 })
  channel: 'web' | 'sms';

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', length: 10, default: 'en' })
  locale: string;

  /** Customer whose orders this session may see (after verification or a storefront token). */
  @Column({ name: 'verified_customer_id', type: 'uuid', nullable: true })
  verifiedCustomerId: string | null;

  /** The order being discussed (verified). */
  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  /** Last turn of the conversation: a verification idle longer than CHAT_SESSION_IDLE_MINUTES is forgotten. */
  @Column({ name: 'last_active_at', type: 'timestamptz', nullable: true })
  lastActiveAt: Date | null;

  /** Conversation memory: pending order number, the shipment last discussed, etc. */
  @Column({ type: 'jsonb', default: {} })
  context: Record<string, unknown>;

  @Column({ name: 'low_confidence_streak', type: 'int', default: 0 })
  lowConfidenceStreak: number;

  @Column({ name: 'handed_off_at', type: 'timestamptz', nullable: true })
  handedOffAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
