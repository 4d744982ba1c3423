import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One line of a chat transcript. */
@Entity('chat_messages')
@Index('ix_chat_messages_session', ['sessionId', 'createdAt'])
export class ChatMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ type: 'varchar', length: 10 })
  role: 'shopper' | 'bot';

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'varchar', length: 30, nullable: true })
  intent: string | null;

  @Column({ type: 'real', nullable: true })
  confidence: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
