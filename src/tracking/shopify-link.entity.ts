import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Which of our orders a Shopify order became. Several shops can each have a `#1001`: the first to arrive keeps the
 * plain number as our external id, a later shop's gets its shop name in front (`other-shop:1001`); the unique
 * external id makes that choice race-free. Fulfillment webhooks name the order only by Shopify's id, hence this table.
 */
@Entity('shopify_orders')
export class ShopifyOrderLink {
  @PrimaryColumn({
    name: 'shop_domain',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_shopify_orders',
  })
  shopDomain: string;

  @PrimaryColumn({
    name: 'shopify_order_id',
    type: 'varchar',
    length: 30,
    primaryKeyConstraintName: 'PK_shopify_orders',
  })
  shopifyOrderId: string;

  @Index('uq_shopify_orders_external_id', { unique: true })
  @Column({ name: 'external_id', type: 'varchar', length: 100 })
  externalId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The tracking numbers of a Shopify fulfillment: fulfillment events name only the fulfillment. */
@Entity('shopify_fulfillments')
export class ShopifyFulfillmentLink {
  @PrimaryColumn({
    name: 'shop_domain',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_shopify_fulfillments',
  })
  shopDomain: string;

  @PrimaryColumn({
    name: 'fulfillment_id',
    type: 'varchar',
    length: 30,
    primaryKeyConstraintName: 'PK_shopify_fulfillments',
  })
  fulfillmentId: string;

  @PrimaryColumn({
    name: 'tracking_number',
    type: 'varchar',
    length: 100,
    primaryKeyConstraintName: 'PK_shopify_fulfillments',
  })
  trackingNumber: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  carrier: string | null;
}
