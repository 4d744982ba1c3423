import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14 (trust): an order keeps its own contact details (a later order with the same email must never change
 * where this order's messages go or how it is verified), chat sessions remember when they were last used (idle
 * expiry of a verification), and the shared counters of the chat rate limit and lock-outs when there is no Redis
 * (`rate-limiter-flexible`'s RateLimiterPostgres layout: key, points, expire in epoch ms).
 */
export class OrderContactsChatLimits1796407596071 implements MigrationInterface {
  name = 'OrderContactsChatLimits1796407596071';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "orders" ADD "contact_name" character varying(200) NOT NULL DEFAULT '', ADD "contact_email" character varying(320), ADD "contact_phone" character varying(20), ADD "contact_postcode" character varying(20), ADD "contact_locale" character varying(35) NOT NULL DEFAULT 'en', ADD "contact_time_zone" character varying(64) NOT NULL DEFAULT 'UTC', ADD "contact_country" character(2)`,
    );
    // Existing orders take the details their customer has now: the best record there is of what they were given.
    await queryRunner.query(
      `UPDATE "orders" o SET "contact_name" = c."name", "contact_email" = c."email", "contact_phone" = c."phone",
              "contact_postcode" = c."postcode", "contact_locale" = c."locale", "contact_time_zone" = c."time_zone",
              "contact_country" = c."country"
         FROM "customers" c WHERE c."id" = o."customer_id"`,
    );
    await queryRunner.query(`CREATE INDEX "ix_orders_contact_phone" ON "orders"  ("contact_phone") `);
    await queryRunner.query(`CREATE INDEX "ix_orders_contact_email" ON "orders"  ("contact_email") `);
    await queryRunner.query(`ALTER TABLE "chat_sessions" ADD "last_active_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE TABLE "chat_rate_limits" ("key" character varying(255) NOT NULL, "points" integer NOT NULL DEFAULT 0, "expire" bigint, CONSTRAINT "PK_chat_rate_limits" PRIMARY KEY ("key"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "chat_rate_limits"`);
    await queryRunner.query(`ALTER TABLE "chat_sessions" DROP COLUMN "last_active_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_orders_contact_email"`);
    await queryRunner.query(`DROP INDEX "public"."ix_orders_contact_phone"`);
    await queryRunner.query(
      `ALTER TABLE "orders" DROP COLUMN "contact_country", DROP COLUMN "contact_time_zone", DROP COLUMN "contact_locale", DROP COLUMN "contact_postcode", DROP COLUMN "contact_phone", DROP COLUMN "contact_email", DROP COLUMN "contact_name"`,
    );
  }
}
