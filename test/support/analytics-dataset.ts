import { randomUUID } from 'node:crypto';
import { AnalyticsRefresher } from '../../src/analytics/analytics-refresh.service';
import { Client } from 'pg';
import { bearer, startTestApp, TestApp } from './test-app';
import { runPrefix, SERVER_DATABASE_URL } from './test-env';
import { postGenericEvent } from './webhooks';

export const ANALYTICS_SECRET = 'generic-secret-for-analytics-tests';

/**
 * An app on a database of its own: analytics count every shipment of a week, and the run's other spec files put
 * their own shipments in the shared database. Dropped on close.
 */
export async function startAnalyticsApp(): Promise<TestApp> {
  const name = `${runPrefix().replace(/-/g, '_')}_an_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: SERVER_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_DATABASE_URL);
  url.pathname = `/${name}`;
  const t = await startTestApp({
    env: { DATABASE_URL: url.toString(), GENERIC_WEBHOOK_SECRET: ANALYTICS_SECRET, QUIET_HOURS: 'off' },
  });
  return {
    ...t,
    async close() {
      await t.close();
      const drop = new Client({ connectionString: SERVER_DATABASE_URL });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}
const SECRET = ANALYTICS_SECRET;

/**
 * A designed week (first scans Monday 2 to Sunday 8 November 2026, store zone UTC), every figure worked out by
 * hand in the comments. US clocks went back on 1 November: New York is UTC−5, Los Angeles UTC−8, Berlin UTC+1,
 * Auckland UTC+13 all week.
 */
interface Spec {
  carrier: string;
  zone: string;
  promised?: string;
  events: Record<string, unknown>[];
  /** Minutes between each event's time and its receipt. */
  latency?: number;
}

const IT = 'in_transit';
const ev = (status: string, occurredAt: string, extra: Record<string, unknown> = {}) => ({
  status,
  occurredAt,
  ...extra,
});

export const DATASET: Record<string, Spec> = {
  // On time: delivered Wed 4th (NY), promised 5th. Transit Mon→Wed = 2.
  A: {
    carrier: 'ups',
    zone: 'America/New_York',
    promised: '2026-11-05',
    latency: 125,
    events: [ev(IT, '2026-11-02T10:00:00Z'), ev('delivered', '2026-11-04T15:00:00Z')],
  },
  // Late: delivered Mon 9th, promised Fri 6th. Transit Mon→Mon = 5.
  B: {
    carrier: 'ups',
    zone: 'America/New_York',
    promised: '2026-11-06',
    latency: 125,
    events: [ev(IT, '2026-11-02T10:00:00Z'), ev('delivered', '2026-11-09T15:00:00Z')],
  },
  // Failed first attempt Thu 5th (Berlin 15:00), then delivered: on time (the attempt counts), not first-attempt. Transit Tue→Thu = 2.
  C: {
    carrier: 'dhl',
    zone: 'Europe/Berlin',
    promised: '2026-11-05',
    events: [
      ev(IT, '2026-11-03T09:00:00Z'),
      ev('attempt_failed', '2026-11-05T14:00:00Z', { reason: 'recipient_unavailable' }),
      ev('delivered', '2026-11-06T12:00:00Z'),
    ],
  },
  // No promise: the first ETA the carrier gave (5th) is the promise. Ready at a pickup point Wed 4th, collected Sat 7th:
  // on time, not first-attempt. Transit Tue→Wed = 1.
  D: {
    carrier: 'dhl',
    zone: 'Europe/Berlin',
    events: [
      ev(IT, '2026-11-03T09:00:00Z', { eta: { date: '2026-11-05' } }),
      ev(IT, '2026-11-03T20:00:00Z', { eta: { date: '2026-11-06' } }),
      ev('available_for_pickup', '2026-11-04T08:00:00Z', {
        pickup: { name: 'Packstation 101', address: 'Hauptstr. 1', deadline: '2026-11-11' },
      }),
      ev('delivered', '2026-11-07T10:00:00Z'),
    ],
  },
  // First scan Friday evening, delivered Tuesday: a weekend in transit counts as no days. Transit Fri→Tue = 2. On time.
  E: {
    carrier: 'ups',
    zone: 'America/New_York',
    promised: '2026-11-10',
    events: [ev(IT, '2026-11-06T18:00:00Z'), ev('delivered', '2026-11-10T12:00:00Z')],
  },
  // Delivered Wed 4th 12:00 UTC = Thu 5th 01:00 in Auckland: late, though UTC says on time. Transit Mon→Thu = 3.
  F: {
    carrier: 'ups',
    zone: 'Pacific/Auckland',
    promised: '2026-11-04',
    events: [ev(IT, '2026-11-02T10:00:00Z'), ev('delivered', '2026-11-04T12:00:00Z')],
  },
  // Delivered Thu 5th 05:00 UTC = Wed 4th 21:00 in Los Angeles: on time, though UTC says late. Transit Mon→Wed = 2.
  G: {
    carrier: 'ups',
    zone: 'America/Los_Angeles',
    promised: '2026-11-04',
    events: [ev(IT, '2026-11-02T10:00:00Z'), ev('delivered', '2026-11-05T05:00:00Z')],
  },
  // Damaged, then delivered Thu 5th: on time, first attempt delivered, an exception. Transit Mon→Thu = 3.
  H: {
    carrier: 'fedex',
    zone: 'America/New_York',
    promised: '2026-11-06',
    events: [
      ev(IT, '2026-11-02T12:00:00Z'),
      ev('exception', '2026-11-03T12:00:00Z', { reason: 'damaged' }),
      ev('delivered', '2026-11-05T12:00:00Z'),
    ],
  },
  // Lost: no attempt.
  I: {
    carrier: 'fedex',
    zone: 'America/New_York',
    promised: '2026-11-06',
    events: [ev(IT, '2026-11-02T12:00:00Z'), ev('exception', '2026-11-04T12:00:00Z', { reason: 'lost' })],
  },
  // Customs, then an address problem, then returned: two reasons, one returned shipment, no attempt.
  J: {
    carrier: 'fedex',
    zone: 'America/New_York',
    events: [
      ev(IT, '2026-11-03T12:00:00Z'),
      ev('exception', '2026-11-04T12:00:00Z', { reason: 'customs' }),
      ev('exception', '2026-11-05T12:00:00Z', { reason: 'address_issue' }),
      ev('returned', '2026-11-06T12:00:00Z'),
    ],
  },
  // Label only: no carrier scan, in no cohort.
  K: {
    carrier: 'ups',
    zone: 'UTC',
    promised: '2026-11-20',
    events: [ev('pre_transit', '2026-11-02T08:00:00Z')],
  },
  // First scanned the next Monday: outside the range.
  L: { carrier: 'ups', zone: 'UTC', promised: '2026-11-20', events: [ev(IT, '2026-11-09T10:00:00Z')] },
  // In transit with no scan since Wed 4th: stuck.
  M: { carrier: 'ups', zone: 'UTC', promised: '2026-11-06', events: [ev(IT, '2026-11-04T10:00:00Z')] },
};
/** Every order was placed Sunday 1st at 22:00 UTC: hours to first scan A,B,F,G 12; H,I 14; C,D 35; J 38; M 60; E 116. */
const ORDERS_PLACED = '2026-11-01T22:00:00Z';
export const WEEK = 'from=2026-11-02&to=2026-11-09';

/** Loads the designed week through the real API and webhooks, then sets the designed times and rebuilds analytics. */
export async function loadDesignedWeek(
  t: TestApp,
): Promise<{ tracking: Record<string, string>; shipmentIds: Record<string, string> }> {
  const tracking: Record<string, string> = {};
  const shipmentIds: Record<string, string> = {};
  for (const [name, spec] of Object.entries(DATASET)) {
    const trackingNumber = `AN${name}${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
    tracking[name] = trackingNumber;
    const res = await t.http
      .put(`/v1/orders/AN-${name}-${randomUUID().slice(0, 6)}`)
      .set(bearer(t.adminKey))
      .send({
        customer: {
          name: `Customer ${name}`,
          email: `${name.toLowerCase()}@example.com`,
          timeZone: spec.zone,
          country: 'US',
          locale: 'en',
        },
        ...(spec.promised ? { promisedDate: spec.promised } : {}),
        shipments: [{ carrier: spec.carrier, trackingNumber }],
      });
    expect(res.status).toBe(201);
    await t.db.query(`UPDATE orders SET created_at = $1 WHERE id = $2`, [ORDERS_PLACED, res.body.id]);
    for (const event of spec.events) {
      await postGenericEvent(t, SECRET, {
        carrier: spec.carrier,
        trackingNumber,
        description: 'scan',
        ...event,
      });
    }
    const [{ id }] = await t.db.query(`SELECT id FROM shipments WHERE tracking_number = $1`, [
      trackingNumber,
    ]);
    shipmentIds[name] = id;
    await t.db.query(
      `UPDATE tracking_events SET received_at = occurred_at + make_interval(mins => $2) WHERE shipment_id = $1`,
      [id, spec.latency ?? 7],
    );
  }
  await t.app.get(AnalyticsRefresher).rebuild();
  return { tracking, shipmentIds };
}
