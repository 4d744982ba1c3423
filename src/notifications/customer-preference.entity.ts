import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A customer's opt-out for a notification type and channel (`*` for all). */
@Entity('customer_preferences')
@Index('uq_customer_preferences', ['customerId', 'type', 'channel'], { unique: true })
export class CustomerPreference {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  /** A notification type or `*`. */
  @Column({ type: 'varchar', length: 40 })
  type: string;

  /** `sms`, `email` or `*`. */
  @Column({ type: 'varchar', length: 10 })
  channel: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
