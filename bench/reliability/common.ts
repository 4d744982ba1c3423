/**
 * Shared machinery for the reliability scenarios (bench/reliability.ts): the production build as child processes,
 * the provider fakes with provider-id accounting, a bounded-concurrency HTTP client, database and Redis helpers.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { signStandardWebhook } from '../../src/tracking/webhook-signature';
import { FakeTwilio, FakeTwilioAnswer } from '../../test/support/fake-twilio';
import { SmtpCatcher } from '../../test/support/smtp-catcher';

export const ROOT = path.resolve(__dirname, '..', '..');
/** The build under test: dist/ by default; REL_DIST points at another build (e.g. a private build of HEAD). */
export const DIST = path.resolve(process.env.REL_DIST ?? path.join(ROOT, 'dist'));
export const MAIN_JS = path.join(DIST, 'main.js');
/** The service runs from its build's project directory (templates, package.json). */
const SERVICE_CWD = path.dirname(DIST);
export const SERVER_DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const RUN = randomBytes(3).toString('hex').toUpperCase();
export const ADMIN_API_KEY = `wsm_rel_admin_${randomBytes(12).toString('hex')}`;
export const GENERIC_SECRET = `rel-generic-${randomBytes(12).toString('hex')}`;
export const EASYPOST_SECRET = `rel-easypost-${randomBytes(12).toString('hex')}`;
export const AFTERSHIP_SECRET = `rel-aftership-${randomBytes(12).toString('hex')}`;
export const SHIPPO_TOKEN = `rel-shippo-${randomBytes(12).toString('hex')}`;
export const TWILIO_SID = `AC${randomBytes(16).toString('hex')}`;
export const TWILIO_TOKEN = randomBytes(16).toString('hex');
export const UNSUBSCRIBE_SECRET = randomBytes(24).toString('hex');

/** Whether the build knows NOTIFY_SENDING_LEASE_SECONDS (it is being added in parallel). */
export const LEASE_CONFIGURABLE = (() => {
  try {
    return fs
      .readFileSync(path.join(DIST, 'config', 'config.schema.js'), 'utf8')
      .includes('NOTIFY_SENDING_LEASE_SECONDS');
  } catch {
    return false;
  }
})();

export const log = (msg: string) =>
  process.stderr.write(`[reliability ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const round = (n: number, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : NaN);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return true;
    if (Date.now() - started > timeoutMs) {
      log(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
      return false;
    }
    await sleep(everyMs);
  }
}

/** Deterministic PRNG (mulberry32) so a failing run can be replayed with REL_SEED. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

// ---------------------------------------------------------------------------------------------------------------
// Databases and Redis

export function dbUrl(name: string): string {
  const url = new URL(SERVER_DB_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

const clients = new Map<string, Promise<Client>>();

function clientFor(connectionString: string): Promise<Client> {
  let p = clients.get(connectionString);
  if (!p) {
    p = (async () => {
      const client = new Client({
        connectionString,
        connectionTimeoutMillis: 5000,
        application_name: 'wismo-reliability',
      });
      client.on('error', () => clients.delete(connectionString));
      client.on('end', () => clients.delete(connectionString));
      await client.connect();
      return client;
    })();
    p.catch(() => clients.delete(connectionString));
    clients.set(connectionString, p);
  }
  return p;
}

/**
 * One cached connection per database (the shared server's max_connections is small), reconnecting when a fault
 * (pg_terminate_backend) took it and waiting while the server is out of connection slots.
 */
export async function sql<T = Record<string, unknown>>(
  connectionString: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      const client = await clientFor(connectionString);
      return (await client.query(text, params)).rows as T[];
    } catch (err) {
      lastErr = err;
      const code = (err as { code?: string }).code;
      const msg = (err as Error).message ?? '';
      const retriable =
        code === '53300' ||
        code === '57P01' ||
        code === '08006' ||
        code === 'ECONNRESET' ||
        /terminat|not queryable|Connection terminated|ended|too many clients/i.test(msg);
      if (!retriable) throw err;
      const stale = clients.get(connectionString);
      clients.delete(connectionString);
      void stale?.then((c) => c.end()).catch(() => undefined);
      await sleep(code === '53300' || /too many clients/.test(msg) ? 1000 : 200);
    }
  }
  throw lastErr;
}

export async function closeClients(match?: string): Promise<void> {
  for (const [url, p] of [...clients]) {
    if (match && !url.includes(match)) continue;
    clients.delete(url);
    await p.then((c) => c.end()).catch(() => undefined);
  }
}

export async function createDatabase(name: string): Promise<string> {
  await sql(SERVER_DB_URL, `CREATE DATABASE ${name}`);
  return dbUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await closeClients(`/${name}`);
  await sql(SERVER_DB_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((err) =>
    log(`dropping ${name} failed: ${(err as Error).message}`),
  );
}

export async function cleanRedis(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [c, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = c;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (err) {
    log(`cleaning redis prefix ${prefix} failed: ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

/** A private redis-server child (no persistence): killed means its data is gone. */
export class PrivateRedis {
  child: ChildProcess | undefined;
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      {
        stdio: ['ignore', 'ignore', 'ignore'],
      },
    );
    this.child = child;
    const ok = await waitFor(
      `redis-server on ${this.port}`,
      async () => {
        const r = new Redis(this.url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        r.on('error', () => undefined);
        try {
          await r.connect();
          return (await r.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          r.disconnect();
        }
      },
      10_000,
      100,
    );
    if (!ok) throw new Error(`redis-server on port ${this.port} did not start`);
  }
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The service under test

export interface Service {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  alive: () => boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<Service>();

export async function startService(
  name: string,
  env: Record<string, string>,
  opts: { port?: number; readyTimeoutMs?: number } = {},
): Promise<Service> {
  const port = opts.port ?? (await freePort());
  let out = '';
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: SERVICE_CWD,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-30_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const svc: Service = {
    name,
    url,
    port,
    child,
    output: () => out,
    alive,
    exited,
    async stop() {
      if (!alive()) return void running.delete(svc);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      await exited;
      clearTimeout(timer);
      running.delete(svc);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!alive()) return;
      child.kill(signal);
      await exited;
      running.delete(svc);
    },
  };
  running.add(svc);
  const started = Date.now();
  for (;;) {
    if (!alive()) throw new Error(`${name}: dist/main.js exited before it was ready:\n${out.slice(-4000)}`);
    if (Date.now() - started > (opts.readyTimeoutMs ?? 90_000)) {
      await svc.kill();
      throw new Error(`${name}: not ready after ${opts.readyTimeoutMs ?? 90_000} ms:\n${out.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  log(`${name} ready on ${url} in ${Date.now() - started} ms`);
  return svc;
}

/** Last resort at exit: nothing we started may outlive the run. */
export async function stopAllServices(): Promise<void> {
  for (const svc of [...running]) await svc.stop().catch(() => undefined);
}

export function serviceEnv(
  providers: Providers,
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    UNSUBSCRIBE_SECRET,
    TRACKING_LINK_SECRET: UNSUBSCRIBE_SECRET.split('').reverse().join(''),
    PUBLIC_BASE_URL: 'http://wismo.reliability.test',
    ADMIN_API_KEY,
    GENERIC_WEBHOOK_SECRET: GENERIC_SECRET,
    EASYPOST_WEBHOOK_SECRET: EASYPOST_SECRET,
    AFTERSHIP_WEBHOOK_SECRET: AFTERSHIP_SECRET,
    SHIPPO_WEBHOOK_TOKEN: SHIPPO_TOKEN,
    NOTIFY_DEBOUNCE_SECONDS: '0',
    QUIET_HOURS: 'off',
    SWEEPER_INTERVAL_SECONDS: '5',
    ...(LEASE_CONFIGURABLE ? { NOTIFY_SENDING_LEASE_SECONDS: '10' } : {}),
    TWILIO_ACCOUNT_SID: TWILIO_SID,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    TWILIO_FROM_NUMBER: '+15005550006',
    TWILIO_API_BASE_URL: providers.twilio.url,
    SMTP_URL: providers.smtp.url,
    SMS_RATE_PER_SECOND: '10000',
    EMAIL_RATE_PER_SECOND: '10000',
    CHAT_RATE_LIMIT_PER_MINUTE: '100000',
    DEV_SECRETS: 'off',
    DATA_DIR: path.join(os.tmpdir(), `wismo-reliability-${RUN}`),
    ...extra,
  };
}

export async function readyStatus(svc: Service): Promise<number> {
  try {
    const res = await fetch(`${svc.url}/health/ready`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** RSS in bytes from /metrics (`wismo_process_resident_memory_bytes`). */
export async function rss(svc: Service): Promise<number> {
  // Production asks for an admin key on /metrics (or METRICS_TOKEN).
  const text = await (
    await fetch(`${svc.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_API_KEY}` } })
  ).text();
  const m = /^wismo_process_resident_memory_bytes(?:\{[^}]*\})?\s+([0-9.e+]+)/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

// ---------------------------------------------------------------------------------------------------------------
// Provider fakes, with every outbound message tied back to a provider id

export interface SmsReceipt {
  at: number;
  to: string;
  sid: string | null;
  answered: string;
}
export interface EmailReceipt {
  at: number;
  to: string[];
  messageId: string | null;
}

export class Providers {
  twilio = new FakeTwilio();
  smtp = new SmtpCatcher();
  sms: SmsReceipt[] = [];
  email: EmailReceipt[] = [];
  /** Decides Twilio's answer per request (default: success). */
  twilioPolicy: ((to: string) => FakeTwilioAnswer | undefined) | undefined;

  async start(): Promise<void> {
    await this.twilio.start();
    await this.smtp.start();
    const twilio = this.twilio as unknown as {
      answers: FakeTwilioAnswer[];
      requests: {
        form: Record<string, string>;
        sid: string | null;
        method: string;
        accountSid: string | null;
      }[];
    };
    // FakeTwilio records the request, then takes the next scripted answer: answer from the policy at that moment.
    const answers = twilio.answers;
    const originalShift = answers.shift.bind(answers);
    answers.shift = () => {
      const scripted = originalShift();
      if (scripted) return scripted;
      const last = twilio.requests[twilio.requests.length - 1];
      return this.twilioPolicy?.(last?.form?.To ?? '') ?? undefined;
    };
    const smtpPush = this.smtp.messages.push.bind(this.smtp.messages);
    this.smtp.messages.push = (...items) => {
      for (const item of items) {
        const head = item.raw.subarray(0, 8192).toString('utf8');
        const m = /^Message-ID:\s*<?([^>\r\n]+)>?/im.exec(head);
        this.email.push({
          at: Date.now(),
          to: item.to.map((t) => t.toLowerCase()),
          messageId: m ? m[1].trim() : null,
        });
      }
      // Do not keep raw bodies: thousands of emails would only cost memory here.
      return smtpPush();
    };
    const twilioPush = this.twilio.requests.push.bind(this.twilio.requests);
    this.twilio.requests.push = (...items) => {
      for (const item of items) {
        if (item.method !== 'POST' || !item.accountSid) continue;
        const at = Date.now();
        // FakeTwilio sets the SID on its record once it answered with success: read it lazily.
        this.sms.push({
          at,
          to: item.form.To ?? '',
          get sid() {
            return item.sid;
          },
          get answered() {
            return item.sid ? 'success' : 'refused';
          },
        });
      }
      return twilioPush(...items);
    };
  }

  reset(): void {
    this.sms.length = 0;
    this.email.length = 0;
    this.twilio.reset();
    this.smtp.reset();
    this.twilioPolicy = undefined;
  }

  /** Successful sends: SMS answered with a SID, emails accepted. */
  successes(): { sms: SmsReceipt[]; email: EmailReceipt[] } {
    return { sms: this.sms.filter((r) => r.sid), email: this.email };
  }

  async stop(): Promise<void> {
    await this.twilio.stop();
    await this.smtp.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export interface Req {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}
export interface Res {
  status: number;
  text: string;
  error?: string;
  ms: number;
}

export async function send(base: string, r: Req, timeoutMs = 30_000): Promise<Res> {
  const started = Date.now();
  try {
    const res = await fetch(`${base}${r.path}`, {
      method: r.method ?? (r.body !== undefined ? 'POST' : 'GET'),
      headers: r.headers,
      body: r.body as never,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const text = await res.text();
    return { status: res.status, text, ms: Date.now() - started };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return {
      status: 0,
      text: '',
      error: e.cause?.code ?? e.cause?.message ?? e.message,
      ms: Date.now() - started,
    };
  }
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** Sends like a provider does: non-2xx and network errors are redelivered (up to `attempts`, `gapMs` apart). */
export async function deliver(
  base: string,
  r: Req,
  attempts = 1,
  gapMs = 1000,
): Promise<{ final: Res; tries: number; statuses: number[] }> {
  const statuses: number[] = [];
  let final: Res = { status: 0, text: '', ms: 0 };
  for (let i = 1; i <= attempts; i++) {
    final = await send(base, r);
    statuses.push(final.status);
    if (final.status >= 200 && final.status < 300) return { final, tries: i, statuses };
    if (i < attempts) await sleep(gapMs);
  }
  return { final, tries: attempts, statuses };
}

export function signedGeneric(
  event: Record<string, unknown> | Record<string, unknown>[],
  id = `msg_${randomBytes(12).toString('hex')}`,
): Req {
  const body = JSON.stringify(event);
  const ts = Math.floor(Date.now() / 1000);
  return {
    method: 'POST',
    path: '/v1/webhooks/generic',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signStandardWebhook(id, ts, body, GENERIC_SECRET),
    },
    body,
  };
}

export interface OrderSpec {
  externalId: string;
  email: string;
  phone: string;
  trackingNumber: string;
  name?: string;
}

export function orderBody(o: OrderSpec): string {
  return JSON.stringify({
    customer: {
      name: o.name ?? 'Jamie Rivera',
      email: o.email,
      phone: o.phone,
      locale: 'en-US',
      timeZone: 'America/New_York',
      country: 'US',
    },
    promisedDate: '2026-12-05',
    shipments: [{ carrier: 'UPS', trackingNumber: o.trackingNumber }],
  });
}

export async function createOrders(
  base: string,
  specs: OrderSpec[],
  concurrency = 12,
): Promise<{ ok: number; failed: number; firstError: string; ms: number }> {
  const started = Date.now();
  let failed = 0;
  let firstError = '';
  await pool(specs, concurrency, async (o) => {
    const { final } = await deliver(
      base,
      {
        method: 'PUT',
        path: `/v1/orders/${encodeURIComponent(o.externalId)}`,
        headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' },
        body: orderBody(o),
      },
      3,
      500,
    );
    if (final.status !== 200 && final.status !== 201) {
      failed++;
      if (!firstError) firstError = `${final.status} ${final.error ?? ''} ${final.text.slice(0, 300)}`;
    }
  });
  const ms = Date.now() - started;
  log(
    `created ${specs.length - failed}/${specs.length} orders in ${ms} ms${failed ? ` (${failed} failed: ${firstError})` : ''}`,
  );
  return { ok: specs.length - failed, failed, firstError, ms };
}

/** `n` distinct orders: unique tracking number, email and (valid US) phone each. */
export function makeOrders(tag: string, n: number, phoneBlock = 0): OrderSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    externalId: `REL-${RUN}-${tag}-${i}`,
    email: `shopper.${tag.toLowerCase()}.${i}.${RUN.toLowerCase()}@example.com`,
    // 202-555-xxxx: valid for libphonenumber; the block offsets keep scenarios apart when they share a database.
    phone: `+1202555${String((phoneBlock + i) % 10000).padStart(4, '0')}`,
    trackingNumber: `1ZRL${RUN}${tag}${String(i).padStart(6, '0')}`,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Notification accounting: every row against what the fakes received

export interface NotificationRow {
  id: string;
  shipment_id: string;
  type: string;
  channel: string;
  status: string;
  provider_message_id: string | null;
  error_code: string | null;
  attempt_count: number;
  fallback_of: string | null;
  resend_of: string | null;
  recipient: string | null;
}

export async function notificationRows(databaseUrl: string): Promise<NotificationRow[]> {
  return sql<NotificationRow>(
    databaseUrl,
    `SELECT n.id, n.shipment_id, n.type, n.channel, n.status, n.provider_message_id, n.error_code, n.attempt_count,
            n.fallback_of, n.resend_of, CASE WHEN n.channel = 'sms' THEN c.phone ELSE lower(c.email) END AS recipient
       FROM notifications n JOIN customers c ON c.id = n.customer_id`,
  );
}

export async function duplicateGroups(databaseUrl: string): Promise<number> {
  const rows = await sql<{ n: string }>(
    databaseUrl,
    `SELECT count(*) AS n FROM (SELECT shipment_id, type, channel FROM notifications
       WHERE resend_of IS NULL AND fallback_of IS NULL GROUP BY 1, 2, 3 HAVING count(*) > 1) d`,
  );
  return Number(rows[0].n);
}

export async function statusCounts(databaseUrl: string): Promise<Record<string, number>> {
  const rows = await sql<{ k: string; n: string }>(
    databaseUrl,
    `SELECT type || '/' || channel || '/' || status AS k, count(*) AS n FROM notifications GROUP BY 1 ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));
}

export async function openNotifications(databaseUrl: string): Promise<number> {
  const rows = await sql<{ n: string }>(
    databaseUrl,
    `SELECT count(*) AS n FROM notifications WHERE status IN ('pending','queued','sending')`,
  );
  return Number(rows[0].n);
}

const SENT = new Set(['sent', 'delivered']);

/**
 * Matches sent rows to the fakes by provider id (Twilio SID, email Message-ID). A provider message no row claims is
 * a duplicate send (the row keeps only the id of its last send); a sent row whose id the fake never saw is a lie.
 */
export function reconcile(rows: NotificationRow[], providers: Providers) {
  const { sms, email } = providers.successes();
  const smsIds = new Map(sms.map((r) => [r.sid!, r]));
  const emailIds = new Map(
    email.filter((r) => r.messageId).map((r) => [r.messageId!.replace(/[<>]/g, ''), r]),
  );
  const sentRows = rows.filter((r) => SENT.has(r.status));
  let matchedSms = 0;
  let matchedEmail = 0;
  let sentNotSeen = 0;
  for (const r of sentRows) {
    const id = (r.provider_message_id ?? '').replace(/[<>]/g, '');
    if (r.channel === 'sms' && smsIds.has(id)) matchedSms++;
    else if (r.channel === 'email' && emailIds.has(id)) matchedEmail++;
    else sentNotSeen++;
  }
  // Per recipient: more accepted messages than sent rows for that recipient are duplicates.
  const perRecipient = (list: string[], channel: string) => {
    const got = new Map<string, number>();
    for (const to of list) got.set(to, (got.get(to) ?? 0) + 1);
    const want = new Map<string, number>();
    for (const r of sentRows)
      if (r.channel === channel && r.recipient) want.set(r.recipient, (want.get(r.recipient) ?? 0) + 1);
    let extra = 0;
    for (const [to, n] of got) extra += Math.max(0, n - (want.get(to) ?? 0));
    return extra;
  };
  return {
    rows: rows.length,
    sentRows: sentRows.length,
    smsAccepted: sms.length,
    emailAccepted: email.length,
    matchedSms,
    matchedEmail,
    /** Provider messages beyond one per sent row: re-sends. */
    duplicateSms: sms.length - matchedSms,
    duplicateEmail: email.length - matchedEmail,
    duplicateSmsByRecipient: perRecipient(
      sms.map((r) => r.to),
      'sms',
    ),
    duplicateEmailByRecipient: perRecipient(
      email.flatMap((r) => r.to),
      'email',
    ),
    sentNotSeen,
    /** Emails accepted more than once with the same Message-ID: the transport re-sent one message (not a new send). */
    emailSameMessageIdRepeats: (() => {
      const seen = new Map<string, number>();
      for (const r of email) if (r.messageId) seen.set(r.messageId, (seen.get(r.messageId) ?? 0) + 1);
      return [...seen.values()].reduce((a, n) => a + n - 1, 0);
    })(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Results

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export class Checks {
  readonly list: Check[] = [];
  check(name: string, ok: boolean, detail = ''): boolean {
    this.list.push({ name, ok, detail });
    log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
    return ok;
  }
  get ok(): boolean {
    return this.list.every((c) => c.ok);
  }
}

export interface ScenarioResult {
  id: number;
  title: string;
  ok: boolean;
  skipped?: string;
  error?: string;
  durationS: number;
  scaled: string;
  figures: Record<string, unknown>;
  checks: Check[];
}
