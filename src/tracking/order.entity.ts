import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A store order, keyed by the store's own id (`externalId`). */
@Entity('orders')
export class Order {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_orders_external_id', { unique: true })
  @Column({ name: 'external_id', type: 'varchar', length: 100 })
  externalId: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  /** Calendar date promised to the customer at checkout. */
  @Column({ name: 'promised_date', type: 'date', nullable: true })
  promisedDate: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
