import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';
import { TimeOrderedPrimaryColumn } from '../database/time-ordered-id';

/** A person who receives messages. Contact details live only here (and in sent-message records). */
@Entity('customers')
@Index('ix_customers_email', ['email'])
@Index('ix_customers_phone', ['phone'])
export class Customer {
  @TimeOrderedPrimaryColumn()
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Lower-cased. */
  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  /** E.164. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;

  /** BCP 47, e.g. `es-MX`; templates fall back to the language, then English. */
  @Column({ type: 'varchar', length: 35, default: 'en' })
  locale: string;

  @Column({ name: 'time_zone', type: 'varchar', length: 64, default: 'UTC' })
  timeZone: string;

  @Column({ type: 'char', length: 2, nullable: true })
  country: string | null;

  /** Postcode of the delivery address: used only to verify a shopper in chat. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  postcode: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
