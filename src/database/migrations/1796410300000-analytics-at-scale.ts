import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 (analytics at scale):
 * - `analytics_delivery_weekly`: the daily delivery rollups summed per ISO week (Monday), so that a year is read
 *   as 52 rows per carrier × service × country instead of 365; filled here from the daily rows.
 * - The stuck-shipments count reads one partial index (open shipments only, with their last scan and carrier)
 *   instead of visiting each open shipment's fact row; the late shipments behind the on-time rate (the dashboard's
 *   drill-down, newest first) come from a partial index in their order instead of every fact of the range.
 * - `notification_skips`: messages the policy called for that an opt-out or a suppression stopped when they would
 *   have been planned (no notification row is made for them), once per shipment, type and channel; counted as
 *   planned and opted out by the message analytics.
 */
export class AnalyticsAtScale1796410300000 implements MigrationInterface {
  name = 'AnalyticsAtScale1796410300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "analytics_delivery_weekly" ("week" date NOT NULL, "carrier" character varying(50) NOT NULL, "service" character varying(60) NOT NULL, "destination_country" character varying(2) NOT NULL, "shipments" integer NOT NULL, "with_attempt" integer NOT NULL, "delivered_first" integer NOT NULL, "with_promise" integer NOT NULL, "on_time" integer NOT NULL, "with_exception" integer NOT NULL, "lost" integer NOT NULL, "returned" integer NOT NULL, "exception_reasons" jsonb NOT NULL, "transit_days" jsonb NOT NULL, "first_scan_hours" jsonb NOT NULL, "latency_minutes" jsonb NOT NULL, CONSTRAINT "PK_analytics_delivery_weekly" PRIMARY KEY ("week", "carrier", "service", "destination_country"))`,
    );
    // Sparse histograms ({ "<value>": count }) add up key by key.
    const summed = (column: string) =>
      `coalesce((SELECT jsonb_object_agg(k, n) FROM (SELECT e.key AS k, sum(e.value::int) AS n FROM analytics_delivery_daily x, jsonb_each_text(x.${column}) e WHERE x.cohort_date >= w.week AND x.cohort_date < w.week + 7 AND x.carrier = w.carrier AND x.service = w.service AND x.destination_country = w.destination_country GROUP BY e.key) s), '{}'::jsonb)`;
    await queryRunner.query(
      `INSERT INTO "analytics_delivery_weekly"
       SELECT w.week, w.carrier, w.service, w.destination_country, w.shipments, w.with_attempt, w.delivered_first,
              w.with_promise, w.on_time, w.with_exception, w.lost, w.returned, ${summed('exception_reasons')},
              ${summed('transit_days')}, ${summed('first_scan_hours')}, ${summed('latency_minutes')}
         FROM (SELECT (cohort_date - (extract(isodow FROM cohort_date)::int - 1)) AS week, carrier, service,
                      destination_country, sum(shipments)::int AS shipments, sum(with_attempt)::int AS with_attempt,
                      sum(delivered_first)::int AS delivered_first, sum(with_promise)::int AS with_promise,
                      sum(on_time)::int AS on_time, sum(with_exception)::int AS with_exception,
                      sum(lost)::int AS lost, sum(returned)::int AS returned
                 FROM analytics_delivery_daily GROUP BY 1, 2, 3, 4) w`,
    );
    await queryRunner.query(`DROP INDEX "ix_shipment_facts_open"`);
    await queryRunner.query(
      `CREATE INDEX "ix_shipment_facts_stuck" ON "shipment_facts" ("cohort_date", "last_event_at", "carrier") WHERE status IN ('in_transit', 'out_for_delivery')`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_shipment_facts_late" ON "shipment_facts" ("cohort_date", "shipment_id") WHERE NOT on_time`,
    );
    await queryRunner.query(
      `CREATE TABLE "notification_skips" ("shipment_id" uuid NOT NULL, "type" character varying(40) NOT NULL, "channel" character varying(10) NOT NULL, "reason" character varying(40) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_notification_skips" PRIMARY KEY ("shipment_id", "type", "channel"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notification_skips_created_brin" ON "notification_skips" USING brin ("created_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_notification_skips_created_brin"`);
    await queryRunner.query(`DROP TABLE "notification_skips"`);
    await queryRunner.query(`DROP INDEX "ix_shipment_facts_late"`);
    await queryRunner.query(`DROP INDEX "ix_shipment_facts_stuck"`);
    await queryRunner.query(
      `CREATE INDEX "ix_shipment_facts_open" ON "shipment_facts" ("cohort_date") WHERE status IN ('in_transit', 'out_for_delivery')`,
    );
    await queryRunner.query(`DROP TABLE "analytics_delivery_weekly"`);
  }
}
