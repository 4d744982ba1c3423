import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A number or address we must not message: STOP, an undeliverable number, an unsubscribe, a hard bounce.
 * Keyed by the address itself, so it holds for every customer record that shares it. Always wins.
 */
@Entity('suppressions')
@Index('uq_suppressions_active', ['channel', 'address'], { unique: true, where: 'lifted_at IS NULL' })
export class Suppression {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 10 })
  channel: 'sms' | 'email';

  /** E.164 number or lower-cased email address. */
  @Column({ type: 'varchar', length: 320 })
  address: string;

  /** `stop`, `undeliverable`, `unsubscribe`, `hard_bounce`. */
  @Column({ type: 'varchar', length: 30 })
  reason: string;

  /** Provider code or source that caused it (e.g. `21610`, `SMTP_550_5.1.1`, `inbound_sms`). */
  @Column({ type: 'varchar', length: 60, nullable: true })
  source: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'lifted_at', type: 'timestamptz', nullable: true })
  liftedAt: Date | null;
}
