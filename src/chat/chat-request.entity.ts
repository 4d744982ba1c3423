import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A shopper's request recorded for support: change of address or cancellation before dispatch. */
@Entity('chat_requests')
export class ChatRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  /** `change_address` or `cancel_order`. */
  @Column({ type: 'varchar', length: 20 })
  kind: string;

  @Column({ type: 'text', nullable: true })
  details: string | null;

  @Column({ type: 'varchar', length: 10, default: 'open' })
  status: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
