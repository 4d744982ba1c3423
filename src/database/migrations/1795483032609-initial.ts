import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795483032609 implements MigrationInterface {
  name = 'Initial1795483032609';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key_hash" character(64) NOT NULL, "prefix" character varying(16) NOT NULL, "role" character varying(20) NOT NULL, "label" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_keys_hash" ON "api_keys"  ("key_hash") `);
    await queryRunner.query(
      `CREATE TABLE "outbox_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "notification_id" uuid, "channel" character varying(10) NOT NULL, "to" character varying(320) NOT NULL, "subject" text, "text" text NOT NULL, "html" text, "headers" jsonb NOT NULL DEFAULT '{}', "segments" integer, "encoding" character varying(8), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0171348f527c64b137e4d4f5b66" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_outbox_created" ON "outbox_messages"  ("created_at") `);
    await queryRunner.query(
      `CREATE TABLE "chat_handoffs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "order_id" uuid, "reason" character varying(30) NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'open', "webhook_status" character varying(20) NOT NULL DEFAULT 'not_configured', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cc53b1a68d7fd0d7ab8c30bc98e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_chat_handoffs_created" ON "chat_handoffs"  ("created_at") `);
    await queryRunner.query(
      `CREATE TABLE "chat_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "role" character varying(10) NOT NULL, "text" text NOT NULL, "intent" character varying(30), "confidence" real, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_40c55ee0e571e268b0d3cd37d10" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_chat_messages_session" ON "chat_messages"  ("session_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "chat_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "order_id" uuid NOT NULL, "kind" character varying(20) NOT NULL, "details" text, "status" character varying(10) NOT NULL DEFAULT 'open', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0d60b3c3b6f1a9b71e99f0d8f8e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "chat_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel" character varying(10) NOT NULL, "phone" character varying(20), "locale" character varying(10) NOT NULL DEFAULT 'en', "verified_customer_id" uuid, "order_id" uuid, "verified_at" TIMESTAMP WITH TIME ZONE, "context" jsonb NOT NULL DEFAULT '{}', "low_confidence_streak" integer NOT NULL DEFAULT '0', "handed_off_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_efc151a4aafa9a28b73dedc485f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_chat_sessions_phone" ON "chat_sessions"  ("phone") `);
    await queryRunner.query(
      `CREATE TABLE "chat_verification_failures" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "client_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6e4729288a402ca99a659610bad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_chat_vf_client" ON "chat_verification_failures"  ("client_hash", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_chat_vf_session" ON "chat_verification_failures"  ("session_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "customer_preferences" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid NOT NULL, "type" character varying(40) NOT NULL, "channel" character varying(10) NOT NULL, "enabled" boolean NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_20e6c37c7c01599737048da443b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_customer_preferences" ON "customer_preferences"  ("customer_id", "type", "channel") `,
    );
    await queryRunner.query(
      `CREATE TABLE "notification_attempts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "notification_id" uuid NOT NULL, "attempt" integer NOT NULL, "channel" character varying(10) NOT NULL, "provider" character varying(20) NOT NULL, "outcome" character varying(20) NOT NULL, "provider_message_id" character varying(200), "error_code" character varying(60), "error_message" text, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f6abd34f351bbbf11c7ae8e7565" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notification_attempts_notification" ON "notification_attempts"  ("notification_id", "started_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "shipment_id" uuid NOT NULL, "order_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "type" character varying(40) NOT NULL, "channel" character varying(10) NOT NULL, "status" character varying(12) NOT NULL, "status_reason" character varying(60), "scheduled_for" TIMESTAMP WITH TIME ZONE NOT NULL, "quiet_hours_delayed" boolean NOT NULL DEFAULT false, "event_received_at" TIMESTAMP WITH TIME ZONE, "locale" character varying(35), "template_version_id" uuid, "template_version" integer, "rendered_subject" text, "rendered_text" text, "rendered_html" text, "segments" integer, "encoding" character varying(8), "provider" character varying(20), "provider_message_id" character varying(200), "error_code" character varying(60), "error_message" text, "attempt_count" integer NOT NULL DEFAULT '0', "sent_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, "resend_of" uuid, "fallback_of" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notifications_order" ON "notifications"  ("order_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notifications_customer" ON "notifications"  ("customer_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notifications_status_scheduled" ON "notifications"  ("status", "scheduled_for") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_notifications_once" ON "notifications"  ("shipment_id", "type", "channel") WHERE resend_of IS NULL AND fallback_of IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "suppressions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel" character varying(10) NOT NULL, "address" character varying(320) NOT NULL, "reason" character varying(30) NOT NULL, "source" character varying(60), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lifted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_77bb19dbc77a4ce0ca8cb743f3b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_suppressions_active" ON "suppressions"  ("channel", "address") WHERE lifted_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "template_revision" ("id" integer NOT NULL DEFAULT '1', "revision" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_568cda9acc258b1647dfec7e9b2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "template_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(60) NOT NULL, "channel" character varying(10) NOT NULL, "locale" character varying(10) NOT NULL, "version" integer NOT NULL, "status" character varying(10) NOT NULL, "subject" text, "body" text NOT NULL, "text" text, "author" character varying(200) NOT NULL, "note" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_cfc439255ca2725f4102c554d41" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_template_versions_published" ON "template_versions"  ("type", "channel", "locale") WHERE status = 'published'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_template_versions_number" ON "template_versions"  ("type", "channel", "locale", "version") `,
    );
    await queryRunner.query(
      `CREATE TABLE "customers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "email" character varying(320), "phone" character varying(20), "locale" character varying(35) NOT NULL DEFAULT 'en', "time_zone" character varying(64) NOT NULL DEFAULT 'UTC', "country" character(2), "postcode" character varying(20), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_133ec679a801fab5e070f73d3ea" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_customers_phone" ON "customers"  ("phone") `);
    await queryRunner.query(`CREATE INDEX "ix_customers_email" ON "customers"  ("email") `);
    await queryRunner.query(
      `CREATE TABLE "eta_history" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "shipment_id" uuid NOT NULL, "eta" jsonb, "previous_eta" jsonb, "provider" character varying(20) NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_87f6af239ad2f8084170c483e66" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_eta_history_shipment" ON "eta_history"  ("shipment_id", "recorded_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "orders" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "external_id" character varying(100) NOT NULL, "customer_id" uuid NOT NULL, "promised_date" date, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_710e2d4957aa5878dfe94e4ac2f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_orders_external_id" ON "orders"  ("external_id") `);
    await queryRunner.query(
      `CREATE TABLE "shipments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "order_id" uuid, "carrier" character varying(50) NOT NULL, "tracking_number" character varying(100) NOT NULL, "status" character varying(30) NOT NULL DEFAULT 'unknown', "exception_reason" character varying(30), "raw_status" character varying(100), "raw_substatus" character varying(100), "eta" jsonb, "original_eta" jsonb, "promised_date" date, "last_event_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, "collected_at_pickup" boolean NOT NULL DEFAULT false, "pickup" jsonb, "pickup_available_at" TIMESTAMP WITH TIME ZONE, "no_scan_flagged_at" TIMESTAMP WITH TIME ZONE, "provider" character varying(20), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6deda4532ac542a93eab214b564" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_shipments_order" ON "shipments"  ("order_id") `);
    await queryRunner.query(
      `CREATE INDEX "ix_shipments_tracking_number" ON "shipments"  ("tracking_number") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_shipments_carrier_tracking" ON "shipments"  ("carrier", "tracking_number") `,
    );
    await queryRunner.query(
      `CREATE TABLE "tracking_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "shipment_id" uuid NOT NULL, "status" character varying(30) NOT NULL, "reason" character varying(30), "description" text NOT NULL DEFAULT '', "location" character varying(300), "occurred_at" TIMESTAMP WITH TIME ZONE, "occurred_at_raw" character varying(64), "provider" character varying(20) NOT NULL, "provider_event_id" character varying(200), "content_hash" character(64) NOT NULL, "raw_status" character varying(100), "raw_substatus" character varying(100), "raw_payload" jsonb, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cc22ae68e05d9ba5a6575a6f429" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_tracking_events_shipment_time" ON "tracking_events"  ("shipment_id", "occurred_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_tracking_events_content" ON "tracking_events"  ("shipment_id", "content_hash") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_tracking_events_content"`);
    await queryRunner.query(`DROP INDEX "public"."ix_tracking_events_shipment_time"`);
    await queryRunner.query(`DROP TABLE "tracking_events"`);
    await queryRunner.query(`DROP INDEX "public"."uq_shipments_carrier_tracking"`);
    await queryRunner.query(`DROP INDEX "public"."ix_shipments_tracking_number"`);
    await queryRunner.query(`DROP INDEX "public"."ix_shipments_order"`);
    await queryRunner.query(`DROP TABLE "shipments"`);
    await queryRunner.query(`DROP INDEX "public"."uq_orders_external_id"`);
    await queryRunner.query(`DROP TABLE "orders"`);
    await queryRunner.query(`DROP INDEX "public"."ix_eta_history_shipment"`);
    await queryRunner.query(`DROP TABLE "eta_history"`);
    await queryRunner.query(`DROP INDEX "public"."ix_customers_email"`);
    await queryRunner.query(`DROP INDEX "public"."ix_customers_phone"`);
    await queryRunner.query(`DROP TABLE "customers"`);
    await queryRunner.query(`DROP INDEX "public"."uq_template_versions_number"`);
    await queryRunner.query(`DROP INDEX "public"."uq_template_versions_published"`);
    await queryRunner.query(`DROP TABLE "template_versions"`);
    await queryRunner.query(`DROP TABLE "template_revision"`);
    await queryRunner.query(`DROP INDEX "public"."uq_suppressions_active"`);
    await queryRunner.query(`DROP TABLE "suppressions"`);
    await queryRunner.query(`DROP INDEX "public"."uq_notifications_once"`);
    await queryRunner.query(`DROP INDEX "public"."ix_notifications_status_scheduled"`);
    await queryRunner.query(`DROP INDEX "public"."ix_notifications_customer"`);
    await queryRunner.query(`DROP INDEX "public"."ix_notifications_order"`);
    await queryRunner.query(`DROP TABLE "notifications"`);
    await queryRunner.query(`DROP INDEX "public"."ix_notification_attempts_notification"`);
    await queryRunner.query(`DROP TABLE "notification_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."uq_customer_preferences"`);
    await queryRunner.query(`DROP TABLE "customer_preferences"`);
    await queryRunner.query(`DROP INDEX "public"."ix_chat_vf_session"`);
    await queryRunner.query(`DROP INDEX "public"."ix_chat_vf_client"`);
    await queryRunner.query(`DROP TABLE "chat_verification_failures"`);
    await queryRunner.query(`DROP INDEX "public"."ix_chat_sessions_phone"`);
    await queryRunner.query(`DROP TABLE "chat_sessions"`);
    await queryRunner.query(`DROP TABLE "chat_requests"`);
    await queryRunner.query(`DROP INDEX "public"."ix_chat_messages_session"`);
    await queryRunner.query(`DROP TABLE "chat_messages"`);
    await queryRunner.query(`DROP INDEX "public"."ix_chat_handoffs_created"`);
    await queryRunner.query(`DROP TABLE "chat_handoffs"`);
    await queryRunner.query(`DROP INDEX "public"."ix_outbox_created"`);
    await queryRunner.query(`DROP TABLE "outbox_messages"`);
    await queryRunner.query(`DROP INDEX "public"."uq_api_keys_hash"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
