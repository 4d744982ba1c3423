import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 (messages before customers ask): a notification may be about a day (`arriving_tomorrow` announces one),
 * and such a message is once per shipment, channel and day instead of once per shipment and channel, so that a
 * parcel whose date moved and became tomorrow again is announced again. One unique index still says both (a row
 * without a day counts as one day, -infinity), and keeps the predicate the planner's history read relies on: two
 * partial indexes split by `about_date` would leave that read (every original message of a shipment) without an
 * index, a sequential scan of all notifications per planned change.
 */
export class ProactiveMessages1796410100000 implements MigrationInterface {
  name = 'ProactiveMessages1796410100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notifications" ADD "about_date" date`);
    await queryRunner.query(`DROP INDEX "public"."uq_notifications_once"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_notifications_once" ON "notifications" ("shipment_id", "type", "channel", (coalesce("about_date", '-infinity'::date))) WHERE resend_of IS NULL AND fallback_of IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_notifications_once"`);
    await queryRunner.query(`DELETE FROM "notifications" WHERE "about_date" IS NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_notifications_once" ON "notifications" ("shipment_id", "type", "channel") WHERE resend_of IS NULL AND fallback_of IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "notifications" DROP COLUMN "about_date"`);
  }
}
