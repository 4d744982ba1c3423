import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { signStandardWebhook } from '../src/tracking/webhook-signature';
const base = 'http://127.0.0.1:3556'; const key = 'wsm_prof_admin_key_0123456789'; const secret = 'bench-generic-secret-123456';
const N = 1000;
async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>) { let i = 0; await Promise.all(Array.from({ length: n }, async () => { while (i < items.length) await f(items[i++]); })); }
(async () => {
  const ids = Array.from({ length: N }, (_, i) => i);
  let t = Date.now();
  await pool(ids, 20, async (i) => {
    const r = await fetch(`${base}/v1/orders/P-${i}`, { method: 'PUT', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ customer: { name: 'Pat Doe', email: `p${i}@example.com`, phone: '+12025550123', timeZone: 'UTC' }, shipments: [{ carrier: 'ups', trackingNumber: `1ZP${String(i).padStart(10, '0')}` }] }) });
    if (r.status >= 300) throw new Error(String(r.status));
  });
  console.log('orders', Date.now() - t);
  const db = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/wismo_prof' }); await db.connect();
  const samples: Record<string, number> = {};
  const sampler = setInterval(async () => { const r = await db.query(`select coalesce(wait_event_type,'cpu')||':'||coalesce(wait_event,state) k, count(*)::int c from pg_stat_activity where datname='wismo_prof' and state <> 'idle' group by 1`); for (const row of r.rows) samples[row.k] = (samples[row.k] ?? 0) + row.c; }, 100);
  t = Date.now();
  await pool(ids, 20, async (i) => {
    const body = JSON.stringify({ carrier: 'ups', trackingNumber: `1ZP${String(i).padStart(10, '0')}`, status: 'out_for_delivery', occurredAt: new Date().toISOString() });
    const id = `msg_${randomUUID()}`; const ts = Math.floor(Date.now() / 1000);
    const r = await fetch(`${base}/v1/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(id, ts, body, secret) }, body });
    if (r.status >= 300) throw new Error(String(r.status));
  });
  const ingestMs = Date.now() - t;
  if (process.env.ROLE === 'api') { console.log('ingest only', ingestMs); process.exit(0); }
  for (;;) { const r = await db.query(`select count(*)::int c from notifications where status='sent'`); if (r.rows[0].c >= 2 * N) break; await new Promise((r) => setTimeout(r, 100)); }
  clearInterval(sampler);
  const total = Date.now() - t;
  console.log(`ingest ${ingestMs} ms, all sent ${total} ms → ${Math.round((2 * N) / (total / 1000))} msg/s`);
  console.log(Object.entries(samples).sort((a, b) => b[1] - a[1]).slice(0, 10));
  await db.end();
})().catch((e) => { console.error(e); process.exit(1); });
