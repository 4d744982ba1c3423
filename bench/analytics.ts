/**
 * Analytics requests under load, for `npm run bench`: each request shape at a fixed rate (open loop), p99 per
 * shape. Run on the bench's own small database and, when `npm run seed:scale` has made it, on the database of a
 * store with 1,000,000 shipments and 10,000,000 events (where webhook ingest is measured too, against its figure
 * on the empty database).
 */
import { Client } from 'pg';
import { openLoopApart } from './open-loop';

export const SCALE_DATABASE = process.env.BENCH_SCALE_DATABASE ?? 'wismo_scale';

const RATE = 10;
const DURATION_S = 10;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** The requests a dashboard makes when opened, and the wide ones an analyst makes. */
export function analyticsRequests(): { name: string; path: string }[] {
  const to = daysBefore(today(), -1);
  const range = (days: number) => `from=${daysBefore(to, days)}&to=${to}`;
  return [
    { name: 'delivery, 28 days', path: `/v1/analytics/delivery?${range(28)}` },
    { name: 'delivery by carrier, 90 days', path: `/v1/analytics/delivery?${range(90)}&groupBy=carrier` },
    { name: 'delivery by week, 365 days', path: `/v1/analytics/delivery?${range(365)}&groupBy=week` },
    {
      name: 'delivery by country, 365 days',
      path: `/v1/analytics/delivery?${range(365)}&groupBy=destinationCountry`,
    },
    { name: 'messages by type, 90 days', path: `/v1/analytics/messages?${range(90)}&groupBy=type` },
    { name: 'chat by week, 365 days', path: `/v1/analytics/chat?${range(365)}&groupBy=week` },
    { name: 'late shipments, 28 days', path: `/v1/analytics/shipments?${range(28)}&filter=late&limit=100` },
  ];
}

export interface AnalyticsFigure {
  name: string;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
}

export async function measureAnalytics(url: string, adminKey: string): Promise<AnalyticsFigure[]> {
  const figures: AnalyticsFigure[] = [];
  for (const { name, path } of analyticsRequests()) {
    const headers = { authorization: `Bearer ${adminKey}` };
    const request = { path, headers };
    const r = await openLoopApart({
      url,
      rate: RATE,
      warmup: Array.from({ length: 2 * RATE }, () => request), // 2 s, not recorded
      requests: Array.from({ length: DURATION_S * RATE }, () => request),
    });
    figures.push({
      name,
      p50: r.latency.p50,
      p99: r.latency.p99,
      max: r.latency.max,
      non2xx: r.non2xx + r.errors,
    });
  }
  return figures;
}

/** The scale database's size, or null when `npm run seed:scale` has not made it. */
export async function scaleDatabase(
  serverUrl: string,
): Promise<{ url: string; shipments: number; events: number } | null> {
  const url = new URL(serverUrl);
  url.pathname = `/${SCALE_DATABASE}`;
  const client = new Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch {
    return null;
  }
  try {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM shipments)::int AS shipments,
              (SELECT reltuples FROM pg_class WHERE relname = 'tracking_events')::bigint AS events`,
    );
    return { url: url.toString(), shipments: rows[0].shipments, events: Number(rows[0].events) };
  } catch {
    return null;
  } finally {
    await client.end();
  }
}
