import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 14: Standard Webhooks ids seen inside the tolerance window, so a replayed request is refused. */
export class WebhookReplay1796407659574 implements MigrationInterface {
  name = 'WebhookReplay1796407659574';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_message_ids" ("provider" character varying(40) NOT NULL, "message_id" character varying(255) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_webhook_message_ids" PRIMARY KEY ("provider", "message_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_message_ids_expires" ON "webhook_message_ids" ("expires_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_message_ids_expires"`);
    await queryRunner.query(`DROP TABLE "webhook_message_ids"`);
  }
}
