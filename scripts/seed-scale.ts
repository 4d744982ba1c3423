/**
 * A store at scale, for the analytics and ingest benchmarks: by default 1,000,000 shipments with 10,000,000 events
 * over the last year, three messages per shipment with realistic outcomes, a chat for one order in ten, then the
 * analytics rebuilt from it all.
 *
 *   npm run seed:scale [-- --shipments 1000000 --database wismo_scale --keep]
 *
 * Writes into its own database on BENCH_DATABASE_URL's server (default the local PostgreSQL), made afresh unless
 * --keep. Generated set-based in PostgreSQL, 100,000 shipments a statement; no personal data (example.com
 * addresses, 555 numbers). The mix: 88 % delivered at the first attempt, 5 % after a failed attempt, 2 % collected
 * at a pickup point, 3 % with an exception (a third of them lost), 2 % still in transit.
 */
import { Client } from 'pg';
import { AnalyticsRefresher } from '../src/analytics/analytics-refresh.service';
import { loadConfig } from '../src/config/app-config';
import { createDataSource } from '../src/database/data-source';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SHIPMENTS = Number(arg('shipments') ?? 1_000_000);
const DATABASE = arg('database') ?? 'wismo_scale';
const KEEP = args.includes('--keep');
const CHUNK = 100_000;
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

if (!/^[a-z_][a-z0-9_]{0,62}$/.test(DATABASE) || !Number.isInteger(SHIPMENTS) || SHIPMENTS < 1) {
  process.stderr.write('usage: npm run seed:scale -- [--shipments N] [--database name] [--keep]\n');
  process.exit(2);
}

const log = (m: string) => process.stderr.write(`[seed ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

/** One chunk of shipments [:from, :to): customers, orders, shipments, events, ETAs, messages and chats. */
const CHUNK_SQL = `
CREATE TEMP TABLE seed ON COMMIT DROP AS
SELECT g,
       gen_random_uuid() AS customer_id, gen_random_uuid() AS order_id, gen_random_uuid() AS shipment_id,
       (ARRAY['ups','usps','fedex','dhl','dpd_de','royal_mail','colissimo','postnl'])[1 + g % 8] AS carrier,
       (ARRAY['ground','express','economy'])[1 + (g / 8) % 3] AS service,
       (ARRAY['US','US','US','GB','DE','FR','NL','CA'])[1 + (g / 3) % 8] AS country,
       (ARRAY['America/New_York','America/Chicago','America/Los_Angeles','Europe/London','Europe/Berlin',
              'Europe/Paris','Europe/Amsterdam','America/Toronto'])[1 + (g / 3) % 8] AS zone,
       -- In order of g, oldest first, and each table's rows in time order: a store writes events, messages and
       -- chats as they happen, so the analytics refresh's BRIN indexes find the recent ones without reading
       -- whole tables (rows in random order made it read every notification each minute).
       now() - make_interval(mins => (((:count - 1 - g)::bigint * 365 * 1440) / :count)::int) - interval '10 days'
         AS shipped_at,
       (1 + (g::bigint * 31) % 5)::int AS transit,
       CASE WHEN g % 100 < 88 THEN 'first' WHEN g % 100 < 93 THEN 'failed' WHEN g % 100 < 95 THEN 'pickup'
            WHEN g % 100 < 98 THEN 'exception' ELSE 'transit' END AS outcome,
       (ARRAY['address_issue','recipient_unavailable','refused','damaged','lost','customs','weather','held',
              'delayed'])[1 + (g / 100) % 9] AS reason
  FROM generate_series(:from, :to - 1) AS g;

INSERT INTO customers (id, name, email, phone, locale, time_zone, country, postcode, created_at)
SELECT customer_id, 'Customer ' || g, 'customer' || g || '@example.com', '+1202555' || lpad((g % 10000)::text, 4, '0'),
       'en', zone, country, lpad((g % 99999)::text, 5, '0'), shipped_at - interval '1 day'
  FROM seed;

INSERT INTO orders (id, external_id, customer_id, promised_date, contact_name, contact_email, contact_phone,
                    contact_postcode, contact_locale, contact_time_zone, contact_country, created_at)
SELECT order_id, 'SC-' || g, customer_id, (shipped_at + make_interval(days => 4))::date, 'Customer ' || g,
       'customer' || g || '@example.com', '+1202555' || lpad((g % 10000)::text, 4, '0'),
       lpad((g % 99999)::text, 5, '0'), 'en', zone, country, shipped_at - make_interval(hours => 2 + g % 40)
  FROM seed;

INSERT INTO shipments (id, order_id, carrier, service, tracking_number, status, exception_reason, last_event_at,
                       delivered_at, no_scan_flagged_at, created_at)
SELECT shipment_id, order_id, carrier, service, 'SCALE' || lpad(g::text, 12, '0'),
       CASE outcome WHEN 'transit' THEN 'in_transit' WHEN 'exception' THEN
            CASE WHEN reason = 'lost' THEN 'exception' ELSE 'delivered' END ELSE 'delivered' END,
       CASE WHEN outcome = 'exception' THEN reason END,
       shipped_at + make_interval(days => transit + 1), shipped_at + make_interval(days => transit + 1),
       -- A store that has been running flagged its silent parcels as they went silent, not all at the next start.
       CASE WHEN outcome = 'transit' THEN shipped_at + make_interval(days => transit + 6) END, shipped_at
  FROM seed;

INSERT INTO tracking_events (shipment_id, status, reason, description, location, occurred_at, provider,
                             provider_event_id, content_hash, received_at)
SELECT shipment_id, st.status, CASE WHEN st.status = 'exception' THEN reason END, 'scale scan ' || k, 'Hub ' || (g % 50),
       at, 'generic', 'sc-' || g || '-' || k, md5(shipment_id::text || k) || md5(k || shipment_id::text),
       received_at
  FROM seed,
       generate_series(1, 10) AS k,
       LATERAL (SELECT shipped_at + (transit + 1) * interval '1 day' * (k - 1) / 9.0 AS at) t,
       LATERAL (SELECT at + make_interval(mins => 1 + (g + k) % 30) AS received_at) r,
       LATERAL (SELECT CASE
         WHEN k = 1 THEN 'pre_transit'
         WHEN k < 8 THEN 'in_transit'
         WHEN outcome = 'transit' THEN 'in_transit'
         WHEN k = 8 AND outcome = 'exception' THEN 'exception'
         WHEN k = 8 THEN 'in_transit'
         WHEN k = 9 AND outcome = 'failed' THEN 'attempt_failed'
         WHEN k = 9 AND outcome = 'pickup' THEN 'available_for_pickup'
         WHEN k = 9 THEN 'out_for_delivery'
         WHEN outcome = 'exception' AND reason = 'lost' THEN 'exception'
         ELSE 'delivered' END AS status) st
 ORDER BY received_at;

INSERT INTO eta_history (shipment_id, eta, provider, recorded_at)
SELECT shipment_id, jsonb_build_object('date', (shipped_at + make_interval(days => transit + (g % 3)))::date),
       'generic', shipped_at
  FROM seed;

INSERT INTO notifications (shipment_id, order_id, customer_id, type, channel, status, status_reason, scheduled_for,
                           sent_at, delivered_at, segments, created_at)
SELECT shipment_id, order_id, customer_id, m.type, m.channel,
       CASE WHEN (g + m.n) % 50 = 0 THEN 'failed' WHEN (g + m.n) % 40 = 0 THEN 'skipped'
            WHEN m.channel = 'sms' THEN 'delivered' ELSE 'sent' END,
       CASE WHEN (g + m.n) % 50 <> 0 AND (g + m.n) % 40 = 0 THEN 'opted_out' END,
       shipped_at + m.after,
       CASE WHEN (g + m.n) % 50 <> 0 AND (g + m.n) % 40 <> 0 THEN shipped_at + m.after END,
       CASE WHEN m.channel = 'sms' AND (g + m.n) % 50 <> 0 AND (g + m.n) % 40 <> 0 THEN shipped_at + m.after END,
       CASE WHEN m.channel = 'sms' THEN 1 + (g % 7 = 0)::int END,
       shipped_at + m.after
  FROM seed,
       (VALUES (1, 'shipped', 'sms', interval '1 hour'), (2, 'shipped', 'email', interval '1 hour'),
               (3, 'delivered', 'sms', interval '4 days')) AS m(n, type, channel, after)
 ORDER BY shipped_at + m.after;

WITH chats AS (
  INSERT INTO chat_sessions (channel, locale, order_id, verified_at, handed_off_at, created_at)
  SELECT CASE WHEN g % 30 = 0 THEN 'sms' ELSE 'web' END, 'en', order_id,
         CASE WHEN g % 20 < 14 THEN shipped_at + interval '3 days' END,
         CASE WHEN g % 100 < 12 THEN shipped_at + interval '3 days' END,
         shipped_at + interval '3 days'
    FROM seed WHERE g % 10 = 0
   ORDER BY shipped_at
  RETURNING id, created_at)
INSERT INTO chat_messages (session_id, role, text, intent, created_at)
SELECT id, 'user', 'where is my order?', 'where_is_my_order', created_at FROM chats ORDER BY created_at;
`;

async function main(): Promise<void> {
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  if (!KEEP) {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
  }
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${DATABASE}`;

  const ds = createDataSource(url.toString());
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const started = Date.now();
  const [{ existing }] = await ds.query(`SELECT count(*)::int AS existing FROM shipments`);
  for (let from = existing; from < SHIPMENTS; from += CHUNK) {
    const to = Math.min(SHIPMENTS, from + CHUNK);
    const t = Date.now();
    await ds.transaction(async (m) => {
      // CREATE TABLE AS takes no bind parameters: the bounds (integers) are written in.
      const sql = CHUNK_SQL.replaceAll(':count', String(SHIPMENTS))
        .replace(':from', String(from))
        .replace(':to', String(to));
      for (const statement of sql.split(/;\s*\n/).filter((s) => s.trim())) await m.query(statement);
    });
    log(`shipments ${from}–${to - 1} in ${Date.now() - t} ms`);
  }
  await ds.query('VACUUM (ANALYZE)');
  const counts = await ds.query(
    `SELECT (SELECT count(*) FROM shipments)::int AS shipments, (SELECT count(*) FROM tracking_events)::int AS events,
            (SELECT count(*) FROM notifications)::int AS messages, (SELECT count(*) FROM chat_sessions)::int AS chats`,
  );
  log(
    `seeded ${JSON.stringify(counts[0])} in ${Math.round((Date.now() - started) / 1000)} s; rebuilding analytics`,
  );
  const t = Date.now();
  const result = await new AnalyticsRefresher(ds, loadConfig({ DATABASE_URL: url.toString() })).rebuild();
  log(
    `analytics: ${result.shipments} shipments in ${result.groups} daily groups in ${Math.round((Date.now() - t) / 1000)} s`,
  );
  await ds.destroy();
  process.stdout.write(`${url.toString()}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`seed:scale failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
