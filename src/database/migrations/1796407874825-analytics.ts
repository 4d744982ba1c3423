import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 (analytics): per-shipment delivery facts and daily rollups, kept current as events arrive, so that
 * no analytics request reads the event table. A shipment's service joins its carrier as a grouping key. The
 * BRIN indexes let the refresh find what arrived since it last ran (events, messages and chats are written in
 * time order, so a BRIN index costs almost nothing on the write path, unlike a B-tree).
 */
export class Analytics1796407874825 implements MigrationInterface {
  name = 'Analytics1796407874825';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shipments" ADD "service" character varying(60)`);
    await queryRunner.query(
      `CREATE TABLE "shipment_facts" ("shipment_id" uuid NOT NULL, "order_id" uuid, "carrier" character varying(50) NOT NULL, "service" character varying(60) NOT NULL DEFAULT '', "destination_country" character varying(2) NOT NULL DEFAULT '', "cohort_date" date NOT NULL, "first_scan_at" TIMESTAMP WITH TIME ZONE NOT NULL, "first_attempt_at" TIMESTAMP WITH TIME ZONE, "first_attempt_status" character varying(30), "promise_date" date, "on_time" boolean, "transit_days" integer, "first_scan_hours" integer, "exception_reasons" jsonb NOT NULL DEFAULT '[]', "has_exception" boolean NOT NULL DEFAULT false, "status" character varying(30) NOT NULL, "last_event_at" TIMESTAMP WITH TIME ZONE, "latency_minutes" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_shipment_facts" PRIMARY KEY ("shipment_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_shipment_facts_cohort" ON "shipment_facts" ("cohort_date", "carrier", "service", "destination_country") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_shipment_facts_open" ON "shipment_facts" ("cohort_date") WHERE status IN ('in_transit', 'out_for_delivery')`,
    );
    await queryRunner.query(
      `CREATE TABLE "analytics_delivery_daily" ("cohort_date" date NOT NULL, "carrier" character varying(50) NOT NULL, "service" character varying(60) NOT NULL, "destination_country" character varying(2) NOT NULL, "shipments" integer NOT NULL, "with_attempt" integer NOT NULL, "delivered_first" integer NOT NULL, "with_promise" integer NOT NULL, "on_time" integer NOT NULL, "with_exception" integer NOT NULL, "lost" integer NOT NULL, "returned" integer NOT NULL, "exception_reasons" jsonb NOT NULL, "transit_days" jsonb NOT NULL, "first_scan_hours" jsonb NOT NULL, "latency_minutes" jsonb NOT NULL, CONSTRAINT "PK_analytics_delivery_daily" PRIMARY KEY ("cohort_date", "carrier", "service", "destination_country"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "analytics_message_daily" ("day" date NOT NULL, "channel" character varying(10) NOT NULL, "type" character varying(40) NOT NULL, "planned" integer NOT NULL, "sent" integer NOT NULL, "delivered" integer NOT NULL, "failed" integer NOT NULL, "opted_out" integer NOT NULL, "segments" integer NOT NULL, CONSTRAINT "PK_analytics_message_daily" PRIMARY KEY ("day", "channel", "type"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "analytics_chat_daily" ("day" date NOT NULL, "channel" character varying(10) NOT NULL, "conversations" integer NOT NULL, "verified" integer NOT NULL, "handed_off" integer NOT NULL, CONSTRAINT "PK_analytics_chat_daily" PRIMARY KEY ("day", "channel"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "analytics_page_views_daily" ("day" date NOT NULL, "source" character varying(10) NOT NULL, "views" integer NOT NULL, CONSTRAINT "PK_analytics_page_views_daily" PRIMARY KEY ("day", "source"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "analytics_notified_daily" ("day" date NOT NULL, "shipments" integer NOT NULL, CONSTRAINT "PK_analytics_notified_daily" PRIMARY KEY ("day"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "analytics_state" ("id" integer NOT NULL DEFAULT 1, "events_watermark" TIMESTAMP WITH TIME ZONE, "store_time_zone" character varying(64), CONSTRAINT "PK_analytics_state" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_tracking_events_received_brin" ON "tracking_events" USING brin ("received_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notifications_created_brin" ON "notifications" USING brin ("created_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_chat_sessions_created_brin" ON "chat_sessions" USING brin ("created_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_chat_sessions_created_brin"`);
    await queryRunner.query(`DROP INDEX "ix_notifications_created_brin"`);
    await queryRunner.query(`DROP INDEX "ix_tracking_events_received_brin"`);
    await queryRunner.query(`DROP TABLE "analytics_state"`);
    await queryRunner.query(`DROP TABLE "analytics_notified_daily"`);
    await queryRunner.query(`DROP TABLE "analytics_page_views_daily"`);
    await queryRunner.query(`DROP TABLE "analytics_chat_daily"`);
    await queryRunner.query(`DROP TABLE "analytics_message_daily"`);
    await queryRunner.query(`DROP TABLE "analytics_delivery_daily"`);
    await queryRunner.query(`DROP INDEX "ix_shipment_facts_open"`);
    await queryRunner.query(`DROP INDEX "ix_shipment_facts_cohort"`);
    await queryRunner.query(`DROP TABLE "shipment_facts"`);
    await queryRunner.query(`ALTER TABLE "shipments" DROP COLUMN "service"`);
  }
}
