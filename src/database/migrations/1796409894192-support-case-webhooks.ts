import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17 (order lookup): support cases from the tracking page are delivered to HANDOFF_WEBHOOK_URL by a
 * maintenance task that retries with backoff; each case remembers how many tries it took and when the next is due.
 */
export class SupportCaseWebhooks1796409894192 implements MigrationInterface {
  name = 'SupportCaseWebhooks1796409894192';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "support_cases" ADD "webhook_attempts" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "support_cases" ADD "webhook_next_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "ix_support_cases_webhook_due" ON "support_cases" ("webhook_status", "webhook_next_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_support_cases_webhook_due"`);
    await queryRunner.query(`ALTER TABLE "support_cases" DROP COLUMN "webhook_next_at"`);
    await queryRunner.query(`ALTER TABLE "support_cases" DROP COLUMN "webhook_attempts"`);
  }
}
