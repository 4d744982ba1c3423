import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17 (tracking page): each shipment gets a small number for its signed link (`/t/<token>`, 22 characters
 * with the signature), page views are counted per shipment, source and day, and the lookup's actions (delivery
 * instructions, problems) become support cases.
 */
export class TrackingPage1796408913244 implements MigrationInterface {
  name = 'TrackingPage1796408913244';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shipments" ADD "link_ref" BIGSERIAL NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_shipments_link_ref" ON "shipments" ("link_ref") `);
    await queryRunner.query(
      `CREATE TABLE "tracking_page_views" ("shipment_id" uuid NOT NULL, "source" character varying(10) NOT NULL, "day" date NOT NULL, "views" integer NOT NULL DEFAULT 0, CONSTRAINT "PK_tracking_page_views" PRIMARY KEY ("shipment_id", "source", "day"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_tracking_page_views_day" ON "tracking_page_views" ("day") `);
    await queryRunner.query(
      `CREATE TABLE "support_cases" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "order_id" uuid NOT NULL, "shipment_id" uuid, "kind" character varying(30) NOT NULL, "details" text, "source" character varying(20) NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'open', "webhook_status" character varying(20) NOT NULL DEFAULT 'not_configured', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_support_cases" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_support_cases_order" ON "support_cases" ("order_id", "created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_support_cases_order"`);
    await queryRunner.query(`DROP TABLE "support_cases"`);
    await queryRunner.query(`DROP INDEX "ix_tracking_page_views_day"`);
    await queryRunner.query(`DROP TABLE "tracking_page_views"`);
    await queryRunner.query(`DROP INDEX "uq_shipments_link_ref"`);
    await queryRunner.query(`ALTER TABLE "shipments" DROP COLUMN "link_ref"`);
  }
}
