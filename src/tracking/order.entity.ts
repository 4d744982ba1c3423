import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';
import { TimeOrderedPrimaryColumn } from '../database/time-ordered-id';

/**
 * A store order, keyed by the store's own id (`externalId`). It carries the contact details given with it: messages
 * about it go there and the chat verifies against them, so a later order naming the same email can never redirect
 * or unlock this one (the customer row only groups orders for preferences and storefront tokens).
 */
@Entity('orders')
@Index('ix_orders_contact_phone', ['contactPhone'])
@Index('ix_orders_contact_email', ['contactEmail'])
export class Order {
  @TimeOrderedPrimaryColumn()
  id: string;

  @Index('uq_orders_external_id', { unique: true })
  @Column({ name: 'external_id', type: 'varchar', length: 100 })
  externalId: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  /** Calendar date promised to the customer at checkout. */
  @Column({ name: 'promised_date', type: 'date', nullable: true })
  promisedDate: string | null;

  @Column({ name: 'contact_name', type: 'varchar', length: 200, default: '' })
  contactName: string;

  /** Lower-cased. */
  @Column({ name: 'contact_email', type: 'varchar', length: 320, nullable: true })
  contactEmail: string | null;

  /** E.164. */
  @Column({ name: 'contact_phone', type: 'varchar', length: 20, nullable: true })
  contactPhone: string | null;

  /** Postcode of the delivery address: proof in chat verification. */
  @Column({ name: 'contact_postcode', type: 'varchar', length: 20, nullable: true })
  contactPostcode: string | null;

  /** BCP 47. */
  @Column({ name: 'contact_locale', type: 'varchar', length: 35, default: 'en' })
  contactLocale: string;

  @Column({ name: 'contact_time_zone', type: 'varchar', length: 64, default: 'UTC' })
  contactTimeZone: string;

  @Column({ name: 'contact_country', type: 'char', length: 2, nullable: true })
  contactCountry: string | null;

  /** The Shopify shop (`X-Shopify-Shop-Domain`) the order came from; null for orders put through the API. */
  @Column({ name: 'shop_domain', type: 'varchar', length: 255, nullable: true })
  shopDomain: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
