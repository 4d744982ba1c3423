import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A failed order check in chat, kept for support and the reliability figures. The lock-outs themselves are counted
 * in the shared limiter (chat-rate-limiter.ts), per session, client and order.
 */
@Entity('chat_verification_failures')
@Index('ix_chat_vf_session', ['sessionId', 'createdAt'])
@Index('ix_chat_vf_client', ['clientHash', 'createdAt'])
export class VerificationFailure {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  /** HMAC of the client IP: enough to count, not to identify. */
  @Column({ name: 'client_hash', type: 'char', length: 64 })
  clientHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
