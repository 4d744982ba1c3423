import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 (predicted delivery dates): each shipment keeps our current and first estimated window, which date it
 * shows (the carrier's or ours) and, once delivered, how far our first window and the carrier's first ETA were
 * off; a partial index on delivery time (covering those scores) serves the per-carrier choice and the accuracy
 * figures of recent days, and a daily rollup per carrier the accuracy figures of closed days.
 */
export class DeliveryEstimates1796410200000 implements MigrationInterface {
  name = 'DeliveryEstimates1796410200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shipments" ADD "estimate" jsonb`);
    await queryRunner.query(`ALTER TABLE "shipments" ADD "first_estimate" jsonb`);
    await queryRunner.query(`ALTER TABLE "shipments" ADD "eta_source" character varying(10)`);
    await queryRunner.query(`ALTER TABLE "shipments" ADD "estimate_error" smallint`);
    await queryRunner.query(`ALTER TABLE "shipments" ADD "estimate_hit" boolean`);
    await queryRunner.query(`ALTER TABLE "shipments" ADD "carrier_eta_error" smallint`);
    await queryRunner.query(
      `CREATE INDEX "ix_shipments_estimate_scores" ON "shipments" ("delivered_at", "carrier", "estimate_error", "estimate_hit", "carrier_eta_error") WHERE delivered_at IS NOT NULL`,
    );
    const counts = [
      'deliveries',
      'ours_covered',
      'ours_hits',
      'ours_exact',
      'ours_within_one',
      'ours_abs_error',
      'ours_late',
      'carrier_covered',
      'carrier_exact',
      'carrier_within_one',
      'carrier_abs_error',
      'carrier_late',
    ];
    await queryRunner.query(
      `CREATE TABLE "estimate_accuracy_daily" ("day" date NOT NULL, "carrier" character varying(50) NOT NULL, ${counts
        .map((c) => `"${c}" integer NOT NULL DEFAULT 0`)
        .join(', ')}, CONSTRAINT "PK_estimate_accuracy_daily" PRIMARY KEY ("day", "carrier"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "estimate_accuracy_daily"`);
    await queryRunner.query(`DROP INDEX "ix_shipments_estimate_scores"`);
    for (const column of [
      'carrier_eta_error',
      'estimate_hit',
      'estimate_error',
      'eta_source',
      'first_estimate',
      'estimate',
    ])
      await queryRunner.query(`ALTER TABLE "shipments" DROP COLUMN "${column}"`);
  }
}
