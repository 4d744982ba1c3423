import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21 (Shopify as an order source): the shop an order came from, the link from a Shopify order id to our order
 * (fulfillment webhooks name only Shopify's id; external ids stay unique across shops), and the tracking numbers of
 * each fulfillment (fulfillment events name only the fulfillment).
 */
export class ShopifyOrders1796408085422 implements MigrationInterface {
  name = 'ShopifyOrders1796408085422';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "orders" ADD "shop_domain" character varying(255)`);
    await queryRunner.query(
      `CREATE TABLE "shopify_orders" ("shop_domain" character varying(255) NOT NULL, "shopify_order_id" character varying(30) NOT NULL, "external_id" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_shopify_orders" PRIMARY KEY ("shop_domain", "shopify_order_id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_shopify_orders_external_id" ON "shopify_orders" ("external_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "shopify_fulfillments" ("shop_domain" character varying(255) NOT NULL, "fulfillment_id" character varying(30) NOT NULL, "tracking_number" character varying(100) NOT NULL, "carrier" character varying(100), CONSTRAINT "PK_shopify_fulfillments" PRIMARY KEY ("shop_domain", "fulfillment_id", "tracking_number"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "shopify_fulfillments"`);
    await queryRunner.query(`DROP INDEX "public"."uq_shopify_orders_external_id"`);
    await queryRunner.query(`DROP TABLE "shopify_orders"`);
    await queryRunner.query(`ALTER TABLE "orders" DROP COLUMN "shop_domain"`);
  }
}
