import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A failed order lookup in chat; five per session or per client within an hour lock verification. */
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
