import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { queryPrepared } from '../database/prepared';
import { type DailyKey, type DailyRow, sumRows, weekOf } from './delivery-rollup';

/**
 * An event can commit after its `received_at` (its transaction's start), so after a refresh passed that time. Each
 * refresh looks back this far, but takes again only the events that the last one could not see: those written by a
 * transaction at or after the last one's horizon (the oldest transaction id still running when it looked). Taking
 * every event of the last 5 minutes again, as before, refreshed each shipment about six times at a steady rate.
 */
const OVERLAP_MS = 5 * 60_000;
/** Transaction ids are 32-bit and wrap around: `a` is at or after `b` when (a − b) mod 2³² is below 2³¹. */
const XID_SPAN = 4_294_967_296;
/**
 * The shipments with events since the last refresh: received after its watermark, or in the overlap before it and
 * written by a transaction it could not see (at or after its horizon; without one, every event of the overlap).
 */
const NEW_EVENTS = `
SELECT DISTINCT shipment_id AS id FROM tracking_events
 WHERE received_at > $3 AND received_at <= $2
   AND (received_at > $1 OR $4::bigint IS NULL
        OR (xmin::text::bigint - $4::bigint + ${XID_SPAN}) % ${XID_SPAN} < ${XID_SPAN / 2})`;
/** Shipments rebuilt per statement. */
const BATCH = 2_000;
/**
 * Shipments refreshed per statement, and how the refresh shares the machine: after each batch it waits three times
 * as long as the batch took, so it holds at most a quarter of a core. At 1,000,000 shipments a batch of 2,000 took
 * 0.2–1.0 s (index pages of 10,000,000 events not in memory), and a refresh of 5,000 changed shipments in one go
 * raised webhook ingest's p99 from 58 to 334 ms while it ran. Batches of 100 keep each burst to tens of
 * milliseconds; prepared with one generic plan, they cost no more per shipment than batches of 500 (below). Pacing
 * stops half an interval in, so a larger backlog still keeps up.
 */
const REFRESH_BATCH = 100;
/**
 * Messages and chats change for days after they start (delivery receipts, hand-offs). Each tick recomputes today
 * and yesterday; the whole last week is recomputed at most hourly by each worker. At 1,000,000 shipments the week's
 * first-message and chat statements took 135–320 ms, every minute, beside the webhooks.
 */
const RECENT_DAYS = 7;
const RECENT_DAYS_EACH_TICK = 1;
const RECENT_WEEK_EVERY_MS = 60 * 60_000;
/** One refresh at a time across every worker process. */
const REFRESH_LOCK = 0x616e6c74; // 'anlt'

/** The step of a date on the Monday–Friday line (see predictions/business-days.ts; same origin and rule). */
const businessIndex = (date: string): string =>
  `((${date} - DATE '1970-01-05') / 7 * 5 + LEAST((${date} - DATE '1970-01-05') % 7, 5))`;

/**
 * Derives one `shipment_facts` row per shipment from its events, first ETA and order (set-based, for a batch of
 * ids). Definitions (README "Analytics" and docs/analytics.md):
 * - first carrier scan: the earliest event that is not pre-transit, unknown or cancelled;
 * - first delivery attempt: the earliest delivered, attempt_failed or available_for_pickup event;
 * - on time: that attempt's date in the customer's zone is on or before the promise (the order's promised date,
 *   else the first ETA the carrier gave);
 * - transit: business days from the first in_transit scan (store's zone) to the first attempt (customer's zone).
 * `FACTS` is the CTE of the statements below, `INSERT_FACTS` their write.
 */
const FACTS = `facts AS (
  SELECT s.id, s.order_id, s.carrier, coalesce(s.service, '') AS service,
         coalesce(o.contact_country, c.country, '') AS country,
         ev.first_scan_at, (ev.first_scan_at AT TIME ZONE $2)::date AS cohort_date,
         a.occurred_at AS attempt_at, a.status AS attempt_status,
         (a.occurred_at AT TIME ZONE coalesce(o.contact_time_zone, c.time_zone, 'UTC'))::date AS attempt_date,
         coalesce(o.promised_date, s.promised_date, fe.eta_date) AS promise,
         (ev.first_in_transit_at AT TIME ZONE $2)::date AS transit_start,
         CASE WHEN ev.first_scan_at >= o.created_at
              THEN floor(extract(epoch FROM ev.first_scan_at - o.created_at) / 3600)::int END AS first_scan_hours,
         ev.has_exception, ev.reasons, s.status, s.last_event_at, coalesce(lat.hist, '{}'::jsonb) AS latency
    FROM unnest($1::uuid[]) AS ids(id)
    JOIN shipments s ON s.id = ids.id
    -- LATERAL, so each shipment's events are read through its index: joined as a set, the planner hashes the whole
    -- event table once the batch is large (measured: 29 s instead of 1 s for 10,000 shipments of 10,000,000 events).
    CROSS JOIN LATERAL (
      SELECT min(e.occurred_at) FILTER (WHERE e.status NOT IN ('pre_transit', 'unknown', 'cancelled')) AS first_scan_at,
             min(e.occurred_at) FILTER (WHERE e.status = 'in_transit') AS first_in_transit_at,
             bool_or(e.status = 'exception') AS has_exception,
             coalesce(jsonb_agg(DISTINCT e.reason) FILTER (WHERE e.status = 'exception' AND e.reason IS NOT NULL),
                      '[]'::jsonb) AS reasons
        FROM tracking_events e WHERE e.shipment_id = s.id) ev
    LEFT JOIN LATERAL (
      SELECT e.occurred_at, e.status FROM tracking_events e
       WHERE e.shipment_id = s.id AND e.occurred_at IS NOT NULL
         AND e.status IN ('delivered', 'attempt_failed', 'available_for_pickup')
       ORDER BY e.occurred_at, e.received_at LIMIT 1) a ON true
    LEFT JOIN LATERAL (
      SELECT jsonb_object_agg(minutes, n) AS hist
        FROM (SELECT floor(greatest(0, extract(epoch FROM e.received_at - e.occurred_at)) / 60)::int AS minutes,
                     count(*) AS n
                FROM tracking_events e WHERE e.shipment_id = s.id AND e.occurred_at IS NOT NULL
               GROUP BY 1) x) lat ON true
    LEFT JOIN LATERAL (
      SELECT (h.eta->>'date')::date AS eta_date FROM eta_history h
       WHERE h.shipment_id = s.id AND h.eta->>'date' IS NOT NULL
       ORDER BY h.recorded_at LIMIT 1) fe ON true
    LEFT JOIN orders o ON o.id = s.order_id
    LEFT JOIN customers c ON c.id = o.customer_id
   WHERE ev.first_scan_at IS NOT NULL)`;

const INSERT_FACTS = `INSERT INTO shipment_facts AS f (shipment_id, order_id, carrier, service, destination_country, cohort_date,
       first_scan_at, first_attempt_at, first_attempt_status, promise_date, on_time, transit_days, first_scan_hours,
       exception_reasons, has_exception, status, last_event_at, latency_minutes)
SELECT id, order_id, carrier, service, country, cohort_date, first_scan_at, attempt_at, attempt_status, promise,
       CASE WHEN attempt_date IS NOT NULL AND promise IS NOT NULL THEN attempt_date <= promise END,
       CASE WHEN attempt_date IS NOT NULL AND transit_start IS NOT NULL
                 AND ${businessIndex('attempt_date')} >= ${businessIndex('transit_start')}
            THEN ${businessIndex('attempt_date')} - ${businessIndex('transit_start')} END,
       first_scan_hours, reasons, coalesce(has_exception, false), status, last_event_at, latency
  FROM facts
ON CONFLICT (shipment_id) DO UPDATE SET
  order_id = EXCLUDED.order_id, carrier = EXCLUDED.carrier, service = EXCLUDED.service,
  destination_country = EXCLUDED.destination_country, cohort_date = EXCLUDED.cohort_date,
  first_scan_at = EXCLUDED.first_scan_at, first_attempt_at = EXCLUDED.first_attempt_at,
  first_attempt_status = EXCLUDED.first_attempt_status, promise_date = EXCLUDED.promise_date,
  on_time = EXCLUDED.on_time, transit_days = EXCLUDED.transit_days, first_scan_hours = EXCLUDED.first_scan_hours,
  exception_reasons = EXCLUDED.exception_reasons, has_exception = EXCLUDED.has_exception,
  status = EXCLUDED.status, last_event_at = EXCLUDED.last_event_at, latency_minutes = EXCLUDED.latency_minutes`;

/** Writes the facts of some shipments (a rebuild: nothing to compare with). */
const UPSERT_FACTS = `WITH ${FACTS}
${INSERT_FACTS}`;

const FACT_COLUMNS = `shipment_id, cohort_date, carrier, service, destination_country, first_attempt_status,
       promise_date, first_attempt_at, on_time, transit_days, first_scan_hours, exception_reasons, has_exception,
       status, latency_minutes`;
const factColumns = (alias: string) => FACT_COLUMNS.replace(/(\w+)/g, `${alias}.$1`);

/** A daily row's histogram plus another's, buckets that come to 0 dropped (in the upsert below). */
const addHistograms = (column: string) => `(
  SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb)
    FROM (SELECT k, sum(n) AS n
            FROM (SELECT key AS k, value::bigint AS n FROM jsonb_each_text(d.${column})
                  UNION ALL
                  SELECT key, value::bigint FROM jsonb_each_text(EXCLUDED.${column})) x
           GROUP BY k HAVING sum(n) <> 0) y)`;

/**
 * The end of a statement whose CTE \`sides\` holds facts with a sign (1: counts, -1: no longer counts): adds them up
 * by day and key, histograms included, into the daily rollup rows, and returns the keys it touched.
 */
const ADD_SIDES_TO_DAYS = `buckets AS (
  SELECT cohort_date, carrier, service, destination_country, 'exception_reasons' AS name, r AS bucket, sum(sign) AS n
    FROM sides, jsonb_array_elements_text(exception_reasons) r GROUP BY 1, 2, 3, 4, 5, 6
  UNION ALL
  SELECT cohort_date, carrier, service, destination_country, 'transit_days', transit_days::text, sum(sign)
    FROM sides WHERE transit_days IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6
  UNION ALL
  SELECT cohort_date, carrier, service, destination_country, 'first_scan_hours', first_scan_hours::text, sum(sign)
    FROM sides WHERE first_scan_hours IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6
  UNION ALL
  SELECT cohort_date, carrier, service, destination_country, 'latency_minutes', e.key, sum(sign * e.value::bigint)
    FROM sides, jsonb_each_text(latency_minutes) e GROUP BY 1, 2, 3, 4, 5, 6
), hists AS (
  SELECT cohort_date, carrier, service, destination_country, jsonb_object_agg(name, counts) AS counts
    FROM (SELECT cohort_date, carrier, service, destination_country, name, jsonb_object_agg(bucket, n) AS counts
            FROM buckets WHERE n <> 0 GROUP BY 1, 2, 3, 4, 5) h
   GROUP BY 1, 2, 3, 4
)
INSERT INTO analytics_delivery_daily AS d (cohort_date, carrier, service, destination_country, shipments,
       with_attempt, delivered_first, with_promise, on_time, with_exception, lost, returned, exception_reasons,
       transit_days, first_scan_hours, latency_minutes)
SELECT g.*,
       coalesce(h.counts -> 'exception_reasons', '{}'), coalesce(h.counts -> 'transit_days', '{}'),
       coalesce(h.counts -> 'first_scan_hours', '{}'), coalesce(h.counts -> 'latency_minutes', '{}')
  FROM (SELECT cohort_date, carrier, service, destination_country, sum(sign)::int,
               coalesce(sum(sign) FILTER (WHERE first_attempt_status IS NOT NULL), 0)::int,
               coalesce(sum(sign) FILTER (WHERE first_attempt_status = 'delivered'), 0)::int,
               coalesce(sum(sign) FILTER (WHERE promise_date IS NOT NULL AND first_attempt_at IS NOT NULL), 0)::int,
               coalesce(sum(sign) FILTER (WHERE on_time), 0)::int,
               coalesce(sum(sign) FILTER (WHERE has_exception), 0)::int,
               coalesce(sum(sign) FILTER (WHERE exception_reasons @> '["lost"]'::jsonb), 0)::int,
               coalesce(sum(sign) FILTER (WHERE status = 'returned'), 0)::int
          FROM sides WHERE cohort_date IS NOT NULL GROUP BY 1, 2, 3, 4)
       AS g(cohort_date, carrier, service, destination_country)
  LEFT JOIN hists h USING (cohort_date, carrier, service, destination_country)
ON CONFLICT (cohort_date, carrier, service, destination_country) DO UPDATE SET
  shipments = d.shipments + EXCLUDED.shipments, with_attempt = d.with_attempt + EXCLUDED.with_attempt,
  delivered_first = d.delivered_first + EXCLUDED.delivered_first, with_promise = d.with_promise + EXCLUDED.with_promise,
  on_time = d.on_time + EXCLUDED.on_time, with_exception = d.with_exception + EXCLUDED.with_exception,
  lost = d.lost + EXCLUDED.lost, returned = d.returned + EXCLUDED.returned,
  exception_reasons = ${addHistograms('exception_reasons')}, transit_days = ${addHistograms('transit_days')},
  first_scan_hours = ${addHistograms('first_scan_hours')}, latency_minutes = ${addHistograms('latency_minutes')}
RETURNING to_char(d.cohort_date, 'YYYY-MM-DD') AS "cohortDate", d.carrier, d.service,
          d.destination_country AS "destinationCountry"`;

/**
 * Writes the facts of some shipments and adds the difference they make to the daily rollup rows: each rewritten
 * fact counts once as it is now and minus once as it was (every CTE sees the rows as they were before the write).
 * The refresh's work so grows with the shipments that changed, not with how busy their days are: summing a
 * touched day again from all its facts took 1.8 s a minute at 1,000,000 shipments, for a day of 16,000. Returns
 * the keys it touched (rows left at 0 shipments are deleted by the caller). A rebuild sums days whole
 * (ROLL_UP_KEYS); test/analytics.e2e-spec.ts checks that both give the same rows.
 */
const UPSERT_FACTS_DELTA = `
WITH old AS MATERIALIZED (
  SELECT ${FACT_COLUMNS} FROM shipment_facts WHERE shipment_id = ANY($1::uuid[])
), ${FACTS}, up AS (
${INSERT_FACTS}
  RETURNING ${factColumns('f')}
), sides AS MATERIALIZED (
  SELECT 1 AS sign, ${FACT_COLUMNS} FROM up
  UNION ALL
  SELECT -1, ${factColumns('o')} FROM old o WHERE o.shipment_id IN (SELECT shipment_id FROM up)
), ${ADD_SIDES_TO_DAYS}`;

/**
 * The daily rollup rows of some carrier × service × country days, summed from their facts in the database (the
 * figures worked out by hand in test/analytics.e2e-spec.ts check it). A busy day is thousands of facts, each with
 * its latency histogram: read into the process and summed there every minute, they held the event loop of a
 * worker that also sends messages (and, in one process, answers pages) for a tenth of a second per batch.
 */
const ROLL_UP_KEYS = `
WITH k AS (
  SELECT DISTINCT * FROM unnest($1::date[], $2::text[], $3::text[], $4::text[]) AS k(cohort_date, carrier, service, country)
), sides AS MATERIALIZED (
  SELECT 1 AS sign, ${factColumns('f')}
    FROM k JOIN shipment_facts f
      ON f.cohort_date = k.cohort_date AND f.carrier = k.carrier AND f.service = k.service
     AND f.destination_country = k.country
), ${ADD_SIDES_TO_DAYS}`;

const DAILY_COLUMNS = `carrier, service, destination_country, shipments, with_attempt, delivered_first, with_promise,
       on_time, with_exception, lost, returned, exception_reasons, transit_days, first_scan_hours, latency_minutes`;

/** Rollup rows (snake_case JSON) into a rollup table whose first key column is `dateColumn`. */
const insertRollups = (table: string, dateColumn: string) => `
INSERT INTO ${table} (${dateColumn}, ${DAILY_COLUMNS})
SELECT * FROM json_to_recordset($1::json) AS r(cohort_date date, carrier text, service text,
       destination_country text, shipments int, with_attempt int, delivered_first int, with_promise int,
       on_time int, with_exception int, lost int, returned int, exception_reasons jsonb, transit_days jsonb,
       first_scan_hours jsonb, latency_minutes jsonb)`;

/** The daily rows of some weeks (by their Monday) of some carrier × service × country keys. */
const DAYS_OF_WEEKS = `
SELECT to_char(d.cohort_date, 'YYYY-MM-DD') AS cohort_date, d.carrier, d.service, d.destination_country, d.shipments,
       d.with_attempt, d.delivered_first, d.with_promise, d.on_time, d.with_exception, d.lost, d.returned,
       d.exception_reasons, d.transit_days, d.first_scan_hours, d.latency_minutes
  FROM unnest($1::date[], $2::text[], $3::text[], $4::text[]) AS k(week, carrier, service, country)
  JOIN analytics_delivery_daily d
    ON d.cohort_date >= k.week AND d.cohort_date < k.week + 7 AND d.carrier = k.carrier AND d.service = k.service
   AND d.destination_country = k.country`;

/**
 * Messages by the day they were planned. A message an opt-out or a suppression stopped at planning has no
 * notification row but a notification_skips one: planned and opted out, like one stopped at send time.
 */
const MESSAGE_DAYS = `
INSERT INTO analytics_message_daily (day, channel, type, planned, sent, delivered, failed, opted_out, segments)
SELECT day, channel, type, sum(planned), sum(sent), sum(delivered), sum(failed), sum(opted_out), sum(segments)
  FROM (SELECT (n.created_at AT TIME ZONE $1)::date AS day, n.channel, n.type, count(*) AS planned,
               count(*) FILTER (WHERE n.sent_at IS NOT NULL) AS sent,
               count(*) FILTER (WHERE n.status = 'delivered') AS delivered,
               count(*) FILTER (WHERE n.status = 'failed') AS failed,
               count(*) FILTER (WHERE n.status = 'skipped'
                                  AND n.status_reason IN ('opted_out', 'suppressed_sms', 'suppressed_email'))
                 AS opted_out,
               coalesce(sum(n.segments) FILTER (WHERE n.sent_at IS NOT NULL AND n.channel = 'sms'), 0) AS segments
          FROM notifications n
         WHERE n.created_at >= $2
         GROUP BY 1, 2, 3
        UNION ALL
        SELECT (k.created_at AT TIME ZONE $1)::date, k.channel, k.type, count(*), 0, 0, 0, count(*), 0
          FROM notification_skips k
         WHERE k.created_at >= $2
         GROUP BY 1, 2, 3) x
 GROUP BY 1, 2, 3`;

const CHAT_DAYS = `
INSERT INTO analytics_chat_daily (day, channel, conversations, verified, handed_off)
SELECT (s.created_at AT TIME ZONE $1)::date, s.channel, count(*),
       count(*) FILTER (WHERE s.verified_at IS NOT NULL),
       count(*) FILTER (WHERE s.handed_off_at IS NOT NULL)
  FROM chat_sessions s
 WHERE s.created_at >= $2
   -- A session nobody wrote in is no conversation (the order lookup opens one ready for the widget).
   AND EXISTS (SELECT 1 FROM chat_messages m WHERE m.session_id = s.id)
 GROUP BY 1, 2`;

const PAGE_VIEW_DAYS = `
INSERT INTO analytics_page_views_daily (day, source, views)
SELECT day, source, sum(views) FROM tracking_page_views WHERE day >= $1 GROUP BY 1, 2`;

/**
 * Each shipment once, on the day (store zone) its first message was sent. Only the shipments messaged since
 * `$2` are looked at, each through the order's index (no index leads with the shipment): joined as a set, the
 * planner reads the whole notifications table every minute.
 */
const NOTIFIED_DAYS = `
INSERT INTO analytics_notified_daily (day, shipments)
SELECT (f.first_sent AT TIME ZONE $1)::date, count(*)
  FROM (SELECT DISTINCT shipment_id, order_id FROM notifications WHERE created_at >= $2) c
 CROSS JOIN LATERAL (
       SELECT min(n.sent_at) AS first_sent FROM notifications n
        WHERE n.order_id = c.order_id AND n.shipment_id = c.shipment_id AND n.sent_at IS NOT NULL) f
 WHERE f.first_sent >= $2
 GROUP BY 1`;

export interface RefreshResult {
  shipments: number;
  groups: number;
}

/**
 * Keeps the analytics tables current: folds the shipments whose events arrived since the last run into their
 * facts and rebuilds the daily rollup rows those shipments belong to (before and after), then recomputes the
 * last days of message and chat figures. Runs as a maintenance task on one worker at a time; `rebuild` starts
 * over from everything (the CLI's `analytics rebuild`, after a change of STORE_TIME_ZONE).
 */
@Injectable()
export class AnalyticsRefresher {
  private readonly logger = new Logger(AnalyticsRefresher.name);
  /** When this process last recomputed the whole last week of messages and chats (0: not yet). */
  private recentWeekAt = 0;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get zone(): string {
    return this.config.analytics.storeTimeZone;
  }

  /** What arrived since the last run. */
  async refresh(now = new Date()): Promise<RefreshResult> {
    return this.db.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        REFRESH_LOCK,
      ]);
      if (!locked) return { shipments: 0, groups: 0 };
      // A refresh reads little, through indexes. Where a BRIN index's row estimate is large (rows not in time
      // order), the lookup of what is new was JIT-compiled and given parallel workers: 0.4–2.2 s on the scale
      // database, on a machine shared with the webhooks, for a statement that runs in about 1 ms without them.
      await manager.query('SET LOCAL jit = off');
      await manager.query('SET LOCAL max_parallel_workers_per_gather = 0');
      const [state] = await manager.query(
        `SELECT events_watermark AS "watermark", events_xmin AS "xmin", store_time_zone AS "zone"
           FROM analytics_state WHERE id = 1`,
      );
      if (state?.zone && state.zone !== this.zone) {
        this.logger.warn(
          `STORE_TIME_ZONE changed from ${state.zone} to ${this.zone}: rollups keep the old days until ` +
            '`npm run cli -- analytics rebuild`',
        );
      }
      // Every transaction still open when the next statement looks has an id at or after this horizon: its events
      // are invisible to this refresh, and the next one finds them by it (taken first, so it is never too late).
      const [{ horizon }] = await manager.query(
        `SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint % ${XID_SPAN}) AS horizon`,
      );
      const watermark: Date = state?.watermark ? new Date(state.watermark) : new Date(0);
      const rows: { id: string }[] = await manager.query(NEW_EVENTS, [
        watermark,
        now,
        new Date(watermark.getTime() - OVERLAP_MS),
        state?.xmin ?? null,
      ]);
      const result = await this.refreshShipments(
        manager,
        rows.map((r) => r.id),
      );
      const wholeWeek = now.getTime() - this.recentWeekAt >= RECENT_WEEK_EVERY_MS;
      const days = wholeWeek ? RECENT_DAYS : RECENT_DAYS_EACH_TICK;
      await this.refreshRecentDays(manager, new Date(now.getTime() - days * 86_400_000));
      if (wholeWeek) this.recentWeekAt = now.getTime();
      await manager.query(
        `INSERT INTO analytics_state (id, events_watermark, events_xmin, store_time_zone) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET events_watermark = EXCLUDED.events_watermark, events_xmin = EXCLUDED.events_xmin,
                                        store_time_zone = coalesce(analytics_state.store_time_zone, EXCLUDED.store_time_zone)`,
        [now, horizon, this.zone],
      );
      return result;
    });
  }

  /** Everything from scratch, in batches of shipments (resumable: each batch commits on its own). */
  async rebuild(now = new Date()): Promise<RefreshResult> {
    await this.db.query(
      `TRUNCATE shipment_facts, analytics_delivery_daily, analytics_delivery_weekly, analytics_message_daily,
                analytics_chat_daily, analytics_page_views_daily, analytics_notified_daily`,
    );
    const total: RefreshResult = { shipments: 0, groups: 0 };
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const ids: { id: string }[] = await this.db.query(
        `SELECT id FROM shipments WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, BATCH * 5],
      );
      if (!ids.length) break;
      after = ids[ids.length - 1].id;
      await this.db.transaction(async (manager) => {
        await manager.query('SET LOCAL jit = off');
        for (let i = 0; i < ids.length; i += BATCH) {
          await manager.query(UPSERT_FACTS, [ids.slice(i, i + BATCH).map((r) => r.id), this.zone]);
        }
      });
      total.shipments += ids.length;
    }
    // Every batch touches most days: the days and then the weeks are summed once, at the end, from every fact.
    await this.db.transaction(async (manager) => {
      await manager.query('SET LOCAL jit = off');
      const keys: DailyKey[] = await manager.query(
        `SELECT DISTINCT to_char(cohort_date, 'YYYY-MM-DD') AS "cohortDate", carrier, service,
                destination_country AS "destinationCountry"
           FROM shipment_facts WHERE cohort_date IS NOT NULL`,
      );
      total.groups = await this.rollUpDays(manager, keys);
    });
    await this.db.transaction((manager) => this.rebuildWeeks(manager, null));
    await this.db.transaction(async (manager) => {
      await manager.query('SET LOCAL jit = off');
      await this.refreshRecentDays(manager, new Date(0));
    });
    await this.db.query(
      `INSERT INTO analytics_state (id, events_watermark, events_xmin, store_time_zone) VALUES (1, $1, NULL, $2)
       ON CONFLICT (id) DO UPDATE SET events_watermark = EXCLUDED.events_watermark, events_xmin = NULL,
                                      store_time_zone = EXCLUDED.store_time_zone`,
      [now, this.zone],
    );
    // Every row was rewritten: fresh statistics, and a visibility map for the stuck count's index-only scan.
    await this.db.query(
      'VACUUM (ANALYZE) shipment_facts, analytics_delivery_daily, analytics_delivery_weekly',
    );
    return total;
  }

  private async refreshShipments(manager: EntityManager, ids: string[]): Promise<RefreshResult> {
    // JIT compiles each of these statements for seconds and saves nothing on index lookups.
    await manager.query('SET LOCAL jit = off');
    // The difference statement is prepared on the connection and planned once (every batch gets the same plan: a
    // nested loop by id). Sent unprepared, parsing and planning it took more than its work: at 1,000,000
    // shipments, 0.14–0.27 ms per shipment against 0.08–0.09 ms prepared (3,000 shipments, batches of 100 and 500).
    await manager.query('SET LOCAL plan_cache_mode = force_generic_plan');
    const keys: DailyKey[] = [];
    // Paced only for the first half of the interval: a backlog larger than that goes at full speed.
    const paceUntil = Date.now() + this.config.analytics.refreshMs / 2;
    for (let i = 0; i < ids.length; i += REFRESH_BATCH) {
      const started = Date.now();
      const batch = ids.slice(i, i + REFRESH_BATCH);
      keys.push(...(await queryPrepared<DailyKey>(manager, UPSERT_FACTS_DELTA, [batch, this.zone])));
      if (i + REFRESH_BATCH < ids.length && Date.now() < paceUntil) await sleep(3 * (Date.now() - started));
    }
    const unique = [...new Map(keys.map((k) => [JSON.stringify(k), k])).values()];
    if (!unique.length) return { shipments: ids.length, groups: 0 };
    // A day whose last shipment moved to another day has no row, as a rebuild leaves it.
    await manager.query(
      `DELETE FROM analytics_delivery_daily WHERE shipments = 0
          AND (cohort_date, carrier, service, destination_country)
              IN (SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::text[]))`,
      [
        unique.map((k) => k.cohortDate),
        unique.map((k) => k.carrier),
        unique.map((k) => k.service),
        unique.map((k) => k.destinationCountry),
      ],
    );
    await this.rebuildWeeks(manager, [
      ...new Map(
        unique.map((k) => {
          const week = { ...k, cohortDate: weekOf(k.cohortDate) };
          return [JSON.stringify(week), week];
        }),
      ).values(),
    ]);
    return { shipments: ids.length, groups: unique.length };
  }

  /** Sums the daily rows of these keys from all their facts (a rebuild: the table was emptied first). */
  private async rollUpDays(manager: EntityManager, keys: DailyKey[]): Promise<number> {
    if (!keys.length) return 0;
    await manager.query(ROLL_UP_KEYS, [
      keys.map((k) => k.cohortDate),
      keys.map((k) => k.carrier),
      keys.map((k) => k.service),
      keys.map((k) => k.destinationCountry),
    ]);
    return keys.length;
  }

  /** Sums the weekly rows of these keys (cohortDate = the Monday) from their daily rows; null: every week. */
  private async rebuildWeeks(manager: EntityManager, keys: DailyKey[] | null): Promise<void> {
    let days: DailyRow[];
    if (keys) {
      if (!keys.length) return;
      const columns = [
        keys.map((k) => k.cohortDate),
        keys.map((k) => k.carrier),
        keys.map((k) => k.service),
        keys.map((k) => k.destinationCountry),
      ];
      await manager.query(
        `DELETE FROM analytics_delivery_weekly w
          USING unnest($1::date[], $2::text[], $3::text[], $4::text[]) AS k(week, carrier, service, country)
          WHERE w.week = k.week AND w.carrier = k.carrier AND w.service = k.service
            AND w.destination_country = k.country`,
        columns,
      );
      days = await manager.query(DAYS_OF_WEEKS, columns);
    } else {
      await manager.query(`DELETE FROM analytics_delivery_weekly`);
      days = await manager.query(
        `SELECT to_char(cohort_date, 'YYYY-MM-DD') AS cohort_date, ${DAILY_COLUMNS} FROM analytics_delivery_daily`,
      );
    }
    const byWeek = new Map<string, { key: DailyKey; rows: DailyRow[] }>();
    for (const d of days) {
      const key: DailyKey = {
        cohortDate: weekOf(d.cohort_date),
        carrier: d.carrier,
        service: d.service,
        destinationCountry: d.destination_country,
      };
      const id = `${key.cohortDate}|${key.carrier}|${key.service}|${key.destinationCountry}`;
      const week = byWeek.get(id);
      if (week) week.rows.push(d);
      else byWeek.set(id, { key, rows: [d] });
    }
    const weekly = [...byWeek.values()].map(({ key, rows }) => sumRows(rows, key));
    if (weekly.length) {
      await manager.query(insertRollups('analytics_delivery_weekly', 'week'), [JSON.stringify(weekly)]);
    }
  }

  /** Recomputes the message, chat, page-view and first-message days from `since`'s day (store zone) on. */
  private async refreshRecentDays(manager: EntityManager, since: Date): Promise<void> {
    // Whole days only: start at the beginning of `since`'s day in the store's zone.
    const [{ start }] = await manager.query(
      `SELECT ((($1::timestamptz AT TIME ZONE $2)::date)::timestamp AT TIME ZONE $2) AS start`,
      [since, this.zone],
    );
    const [{ day }] = await manager.query(
      `SELECT to_char(($1::timestamptz AT TIME ZONE $2)::date, 'YYYY-MM-DD') AS day`,
      [start, this.zone],
    );
    await manager.query(`DELETE FROM analytics_message_daily WHERE day >= $1`, [day]);
    await manager.query(MESSAGE_DAYS, [this.zone, start]);
    await manager.query(`DELETE FROM analytics_chat_daily WHERE day >= $1`, [day]);
    await manager.query(CHAT_DAYS, [this.zone, start]);
    await manager.query(`DELETE FROM analytics_page_views_daily WHERE day >= $1`, [day]);
    await manager.query(PAGE_VIEW_DAYS, [day]);
    await manager.query(`DELETE FROM analytics_notified_daily WHERE day >= $1`, [day]);
    await manager.query(NOTIFIED_DAYS, [this.zone, start]);
  }
}
