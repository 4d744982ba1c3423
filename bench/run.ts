/**
 * Wismo benchmark: boots the PRODUCTION build (`node dist/main.js`) twice — queues on PostgreSQL, then on
 * Redis — against local provider fakes (fake Twilio, SMTP catcher) and measures it with autocannon.
 *
 *   npm run bench        (= npm run build && ts-node --transpile-only bench/run.ts)
 *
 * Each backend gets two end-to-end runs of BENCH_N shipment changes (out_for_delivery webhooks, each calling for
 * an SMS and an email): one at a constant 200 events/s (latency), one as fast as 20 connections can send them
 * (throughput).
 *
 * Analytics requests are measured on each backend's database and, when `npm run seed:scale` has made one, on a
 * store of 1,000,000 shipments (part `scale`, with webhook ingest there against an empty database's, in
 * alternating windows of the same minutes).
 *
 * Env knobs: BENCH_N (shipment changes per end-to-end run, default 10000), BENCH_PARTS (default
 * ingest,e2e,burst,chat,raw,page,analytics,scale; a partial run writes bench/results/partial.json),
 * BENCH_BACKENDS=postgres,redis, BENCH_SCALE_DATABASE (default wismo_scale),
 * BENCH_DATABASE_URL (server URL), BENCH_REDIS_URL, BENCH_SERVICE_ENV (JSON of extra variables for the service),
 * BENCH_SERVICE_LOG (file for the service's output), BENCH_NODE_ARGS (e.g. --cpu-prof).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureAnalytics, SCALE_DATABASE, scaleDatabase } from './analytics';
import { openLoopApart, OpenLoopReport, OpenLoopRequest, OpenLoopResult } from './open-loop';
import autocannon from 'autocannon';
import { createPostgresBackend, Queue, setDefaultBackendFactory, Worker } from 'bullmq';
import Handlebars from 'handlebars';
import { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { Client } from 'pg';
import { loadDefaultTemplates } from '../src/templates/default-templates';
import {
  loadI18nCatalogs,
  registerTemplateHelpers,
  TEMPLATE_HELPER_NAMES,
} from '../src/templates/template-helpers';
import { TemplateEngine } from '../src/templates/template-engine';
import { sampleVariables } from '../src/templates/template-variables';
import { signTrackingToken } from '../src/links/tracking-link';
import { signStandardWebhook } from '../src/tracking/webhook-signature';
import { FakeTwilio } from '../test/support/fake-twilio';
import { SmtpCatcher } from '../test/support/smtp-catcher';

type Backend = 'postgres' | 'redis';
type AcResult = autocannon.Result;

const ROOT = path.resolve(__dirname, '..');
const MAIN_JS = path.join(ROOT, 'dist', 'main.js');
const SERVER_DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.env.BENCH_N ?? 10000);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgres,redis')
  .split(',')
  .map((s) => s.trim()) as Backend[];
const PARTS = new Set(
  (process.env.BENCH_PARTS ?? 'ingest,e2e,burst,chat,raw,page,analytics,scale')
    .split(',')
    .map((s) => s.trim()),
);
/** Long enough for the slower queue backend to drain 2 × N messages, so one run never spills into the next. */
const E2E_TIMEOUT_MS = Math.max(120_000, N * 40);
const RUN = randomBytes(3).toString('hex').toUpperCase();

const ADMIN_API_KEY = `wsm_bench_admin_${randomBytes(12).toString('hex')}`;
const GENERIC_SECRET = `bench-generic-${randomBytes(12).toString('hex')}`;
const TRACKING_SECRET = `bench-tracking-${randomBytes(12).toString('hex')}`;
const TWILIO_SID = `AC${randomBytes(16).toString('hex')}`;

const STATUSES = [
  'pre_transit',
  'in_transit',
  'out_for_delivery',
  'available_for_pickup',
  'delivered',
  'exception',
  'attempt_failed',
];

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const log = (msg: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : NaN);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function dbUrl(name: string): string {
  const url = new URL(SERVER_DB_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string, url = SERVER_DB_URL): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

interface SignedRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
  trackingNumber: string;
}

function signedEvent(event: Record<string, unknown>, trackingNumber: string): SignedRequest {
  const body = JSON.stringify(event);
  const id = `msg_${randomBytes(12).toString('hex')}`;
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
    trackingNumber,
  };
}

interface LoadSummary {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  /** The open-loop generator's own event-loop lateness, p99 and max (ms); absent for closed-loop runs. */
  generatorLagP99?: number;
  generatorLagMax?: number;
}

function summarize(r: AcResult | OpenLoopResult): LoadSummary {
  return {
    rps: round(r.requests.total / r.duration, 1),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationS: round(r.duration, 2),
    ...('generatorLag' in r
      ? { generatorLagP99: r.generatorLag.p99, generatorLagMax: r.generatorLag.max }
      : {}),
  };
}

/** Runs autocannon; `next` (when given) supplies each request, so every request can be distinct. */
function cannon(opts: {
  url: string;
  method?: 'GET' | 'POST';
  path: string;
  rate?: number;
  duration?: number;
  amount?: number;
  connections?: number;
  headers?: Record<string, string>;
  body?: string;
  next?: () => { path?: string; headers: Record<string, string>; body: string } | null;
}): Promise<AcResult> {
  const request: Record<string, unknown> = {
    method: opts.method ?? 'GET',
    path: opts.path,
  };
  if (opts.headers) request.headers = opts.headers;
  if (opts.body !== undefined) request.body = opts.body;
  if (opts.next) {
    const next = opts.next;
    request.setupRequest = (req: Record<string, unknown>) => {
      const r = next();
      return r ? { ...req, ...r } : req;
    };
  }
  const options: Record<string, unknown> = {
    url: opts.url,
    connections: opts.connections ?? (opts.rate ? Math.max(10, Math.ceil(opts.rate / 5)) : 10),
    pipelining: 1,
    timeout: 30,
    requests: [request],
  };
  if (opts.rate) options.overallRate = opts.rate;
  if (opts.amount) options.amount = opts.amount;
  else options.duration = opts.duration ?? 10;
  return new Promise((resolve, reject) => {
    autocannon(options as unknown as autocannon.Options, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

/** Seconds of load at the measured rate, not recorded, before each fixed-rate measurement (JIT, caches, pools). */
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 5);

/**
 * Constant arrival rate through the open-loop generator (see bench/open-loop.ts), in a process of its own; same
 * options as `cannon`. A duration-based run is preceded by WARMUP_S seconds at the same rate whose figures are
 * discarded. Every request is written out before the first leaves (`next` is called for each, warm-up first).
 */
function fixedRate(opts: Parameters<typeof cannon>[0] & { rate: number }): Promise<OpenLoopReport> {
  const one = (): OpenLoopRequest | null => {
    const r = opts.next?.();
    if (opts.next && !r) return null;
    return {
      method: opts.method ?? 'GET',
      path: r?.path ?? opts.path,
      headers: r?.headers ?? opts.headers,
      body: r?.body ?? opts.body,
    };
  };
  const take = (count: number) => {
    const list: OpenLoopRequest[] = [];
    for (let i = 0; i < count; i++) {
      const r = one();
      if (!r) break;
      list.push(r);
    }
    return list;
  };
  const warmup = !opts.amount && WARMUP_S > 0 ? take(Math.round(opts.rate * WARMUP_S)) : [];
  const requests = take(opts.amount ?? Math.round(opts.rate * (opts.duration ?? 10)));
  return openLoopApart({ url: opts.url, rate: opts.rate, warmup, requests });
}

/**
 * CPU time so far (ms) of the service, of Redis, of this load generator (which also
 * plays Twilio and the SMTP server) and of the whole machine, from /proc (Linux; zeros elsewhere). The difference
 * between two snapshots says where a run's CPU went.
 */
interface CpuSnapshot {
  service: number;
  redis: number;
  bench: number;
  machineBusy: number;
  wall: number;
}
function cpuSnapshot(servicePids: number[]): CpuSnapshot {
  const TICK_MS = 10; // USER_HZ is 100 on Linux
  const snap: CpuSnapshot = { service: 0, redis: 0, bench: 0, machineBusy: 0, wall: Date.now() };
  const usage = process.cpuUsage();
  snap.bench = (usage.user + usage.system) / 1000;
  try {
    // With the load generators' processes once they have exited (cutime and cstime of this process).
    const self = fs.readFileSync('/proc/self/stat', 'utf8');
    const own = self.slice(self.lastIndexOf(')') + 2).split(' ');
    snap.bench += (Number(own[13]) + Number(own[14])) * TICK_MS;
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    snap.machineBusy = (cpu.reduce((a, b) => a + b, 0) - cpu[3] - (cpu[4] ?? 0)) * TICK_MS;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      if (servicePids.includes(Number(entry))) snap.service += ms;
      else if (comm.startsWith('redis-server')) snap.redis += ms;
    }
  } catch {
    // not Linux: leave zeros
  }
  return snap;
}

/**
 * Waits until the machine is quiet (under 35 % busy over a second, at most 90 s): work a run left behind (the
 * PostgreSQL queue backend removing thousands of finished jobs) must not be measured as the next figure's.
 */
async function settle(): Promise<void> {
  const started = Date.now();
  for (;;) {
    const before = cpuSnapshot([]);
    await sleep(1000);
    const after = cpuSnapshot([]);
    const busy = (after.machineBusy - before.machineBusy) / ((after.wall - before.wall) * os.cpus().length);
    if (busy < 0.35 || Date.now() - started > 90_000) {
      log(`settled in ${Date.now() - started} ms (machine ${Math.round(busy * 100)} % busy)`);
      return;
    }
  }
}

/**
 * CPU ms per unit of work between two snapshots, by consumer. PostgreSQL's backends come and go with the
 * connection pools (an exited process takes its CPU time with it), so its share is the machine's busy time less
 * everyone else's: PostgreSQL and whatever else ran, the kernel's network work included.
 */
function cpuPer(before: CpuSnapshot, after: CpuSnapshot, units: number) {
  const delta = (k: keyof CpuSnapshot) => after[k] - before[k];
  const per = (ms: number) => round(ms / units, 2);
  const wallS = (after.wall - before.wall) / 1000;
  const machine = delta('machineBusy');
  return {
    service: per(delta('service')),
    redis: per(delta('redis')),
    bench: per(delta('bench')),
    postgresAndRest: per(machine - delta('service') - delta('redis') - delta('bench')),
    machine: per(machine),
    machineUtilisation: round(machine / (wallS * 1000 * os.cpus().length), 2),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The service under test, as a child process

interface Service {
  url: string;
  port: number;
  child: ChildProcess;
  /** Every process of the service (one, or the API and the worker). */
  pids: number[];
  output: () => string;
  stop(): Promise<void>;
}

/**
 * The topology a backend runs in: on Redis, the production one, an API process and a worker process (ROLE=api,
 * ROLE=worker), so webhooks and sends each get an event loop; on PostgreSQL, the embedded default, one process.
 * BENCH_TOPOLOGY=single|split forces one for both.
 */
function topologyFor(backend: Backend): 'single' | 'split' {
  const forced = process.env.BENCH_TOPOLOGY;
  if (forced === 'single' || forced === 'split') return forced;
  return backend === 'redis' ? 'split' : 'single';
}

async function startTopology(env: Record<string, string>, topology: 'single' | 'split'): Promise<Service> {
  if (topology === 'single') return startService(env);
  const worker = await startService({ ...env, ROLE: 'worker' });
  let api: Service;
  try {
    api = await startService({ ...env, ROLE: 'api' });
  } catch (err) {
    await worker.stop();
    throw err;
  }
  return {
    ...api,
    pids: [...api.pids, ...worker.pids],
    output: () => `${api.output()}${worker.output()}`,
    async stop() {
      await api.stop();
      await worker.stop();
    },
  };
}

async function startService(env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const chunks: string[] = [];
  // BENCH_NODE_ARGS passes flags to the service, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    cwd: ROOT,
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
    chunks.push(b.toString('utf8'));
    if (!process.env.BENCH_SERVICE_LOG && chunks.length > 200) chunks.splice(0, chunks.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | null | undefined;
  const exitedP = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (exited !== undefined) {
      throw new Error(
        `dist/main.js exited with code ${exited} before it was ready:\n${chunks.join('').slice(-4000)}`,
      );
    }
    if (Date.now() - started > 90_000) {
      child.kill('SIGKILL');
      throw new Error(`dist/main.js was not ready after 90 s:\n${chunks.join('').slice(-4000)}`);
    }
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  log(`service ready on ${url} in ${Date.now() - started} ms`);
  return {
    url,
    port,
    child,
    pids: child.pid ? [child.pid] : [],
    output: () => chunks.join(''),
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      await exitedP;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Provider fakes with receipt times

interface Receipt {
  at: number;
  channel: 'sms' | 'email';
  text: () => Promise<string>;
}

/**
 * The bench tracking number a message is about: emails name it; an SMS names only the order number (the tracking
 * number is on the tracking page it links), which maps back to it (createOrders gives both from the same index).
 */
function benchTrackingNumberIn(text: string): string | undefined {
  const tracking = /1ZBN[0-9A-Z]+/.exec(text)?.[0];
  if (tracking) return tracking;
  const order = /BN-([0-9A-F]+)-([A-Z]+)-(\d+)\b/.exec(text);
  return order ? `1ZBN${order[1]}${order[2]}${order[3].padStart(6, '0')}` : undefined;
}

class Providers {
  twilio = new FakeTwilio();
  smtp = new SmtpCatcher();
  receipts: Receipt[] = [];

  async start(): Promise<void> {
    await this.twilio.start();
    await this.smtp.start();
    const twilioPush = this.twilio.requests.push.bind(this.twilio.requests);
    this.twilio.requests.push = (...items) => {
      const at = Date.now();
      for (const item of items) {
        if (item.method === 'POST' && item.accountSid) {
          this.receipts.push({ at, channel: 'sms', text: async () => item.form.Body ?? '' });
        }
      }
      return twilioPush(...items);
    };
    const smtpPush = this.smtp.messages.push.bind(this.smtp.messages);
    this.smtp.messages.push = (...items) => {
      const at = Date.now();
      for (const item of items) {
        this.receipts.push({
          at,
          channel: 'email',
          text: async () => {
            const raw = item.raw.toString('utf8').replace(/=\r?\n/g, '');
            if (/1ZBN[0-9A-Z]+/.test(raw)) return raw;
            const parsed = await simpleParser(item.raw);
            return `${parsed.subject ?? ''}\n${parsed.text ?? ''}\n${typeof parsed.html === 'string' ? parsed.html : ''}`;
          },
        });
      }
      return smtpPush(...items);
    };
  }

  reset(): void {
    this.receipts.length = 0;
    this.twilio.reset();
    this.smtp.reset();
  }

  async stop(): Promise<void> {
    await this.twilio.stop();
    await this.smtp.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Measures

/** Signed generic webhooks for new UPS parcels, one scan each, the statuses in turn; `tag` keeps runs apart. */
function ingestRequests(count: number, tag: string): SignedRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const trackingNumber = `1ZBN${RUN}${tag}${String(i).padStart(6, '0')}`;
    const status = STATUSES[i % STATUSES.length];
    return signedEvent(
      {
        carrier: 'ups',
        trackingNumber,
        status,
        description: `bench scan ${status}`,
        location: 'Brooklyn, NY',
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        eventId: `bench-${tag}-${i}`,
      },
      trackingNumber,
    );
  });
}

/** The requests of `list` one after another, round again at its end. */
function feeder(list: SignedRequest[]) {
  let i = 0;
  return () => {
    const r = list[i++ % list.length];
    return { headers: r.headers, body: r.body };
  };
}

/** Webhooks at 300/s for 10 s, after the warm-up, each request a new parcel. */
async function ingestWindow(svc: Service, tag: string): Promise<OpenLoopReport> {
  return fixedRate({
    url: svc.url,
    method: 'POST',
    path: '/v1/webhooks/generic',
    rate: 300,
    duration: 10,
    next: feeder(ingestRequests(Math.ceil(300 * (10 + WARMUP_S) * 1.1), tag)),
  });
}

async function measureIngest(svc: Service) {
  log('ingest: webhook at 300 req/s for 10 s');
  const webhookFixed = summarize(await ingestWindow(svc, 'F'));
  log('ingest: no-op GET /health/live at 300 req/s for 10 s');
  const noopFixed = summarize(
    await fixedRate({ url: svc.url, path: '/health/live', rate: 300, duration: 10 }),
  );
  log('ingest: webhook max throughput (10 connections, 5 s)');
  const webhookMax = summarize(
    await cannon({
      url: svc.url,
      method: 'POST',
      path: '/v1/webhooks/generic',
      connections: 10,
      duration: 5,
      next: feeder(ingestRequests(15000, 'M')),
    }),
  );
  log('ingest: no-op max throughput (10 connections, 5 s)');
  const noopMax = summarize(
    await cannon({ url: svc.url, path: '/health/live', connections: 10, duration: 5 }),
  );
  return { webhookFixed, noopFixed, webhookMax, noopMax };
}

async function createOrders(svc: Service, tag: string, count: number): Promise<string[]> {
  const trackingNumbers: string[] = [];
  let next = 0;
  let failed = 0;
  let firstError = '';
  const started = Date.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const trackingNumber = `1ZBN${RUN}${tag}${String(i).padStart(6, '0')}`;
      const externalId = `BN-${RUN}-${tag}-${i}`;
      const res = await fetch(`${svc.url}/v1/orders/${externalId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          customer: {
            name: 'Jamie Rivera',
            email: `jamie.${externalId.toLowerCase()}@example.com`,
            phone: `+1202555${String(i % 10000).padStart(4, '0')}`,
            locale: 'en-US',
            timeZone: 'America/New_York',
            country: 'US',
          },
          promisedDate: '2026-12-05',
          shipments: [{ carrier: 'UPS', trackingNumber }],
        }),
      });
      const text = await res.text();
      if (res.status !== 201 && res.status !== 200) {
        failed++;
        if (!firstError) firstError = `${res.status} ${text.slice(0, 300)}`;
      } else trackingNumbers.push(trackingNumber);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  log(
    `created ${trackingNumbers.length}/${count} orders in ${Date.now() - started} ms${failed ? ` (${failed} failed: ${firstError})` : ''}`,
  );
  if (trackingNumbers.length === 0) throw new Error(`order creation failed: ${firstError}`);
  return trackingNumbers;
}

function outForDelivery(trackingNumbers: string[], tag: string): SignedRequest[] {
  return trackingNumbers.map((tn, i) =>
    signedEvent(
      {
        carrier: 'ups',
        trackingNumber: tn,
        status: 'out_for_delivery',
        description: 'Out for delivery',
        location: 'Brooklyn, NY',
        occurredAt: new Date(Date.now() - 30_000).toISOString(),
        eventId: `bench-ofd-${tag}-${i}`,
      },
      tn,
    ),
  );
}

/**
 * Unrecorded warm-up of the whole pipeline, like the 5 s before every other fixed-rate figure: 5 s of changes at
 * 200/s for their own orders, until their messages arrive. It opens the SMTP pool and the database connections
 * and lets V8 compile the send path, which a freshly started worker otherwise does during the first seconds of
 * the measured run (cold start, reported apart from the run).
 */
async function warmUp(svc: Service, providers: Providers, tag: string): Promise<number> {
  const count = Math.min(1000, N);
  const trackingNumbers = await createOrders(svc, `${tag}W`, count);
  const requests = outForDelivery(trackingNumbers, `${tag}W`);
  providers.reset();
  const started = Date.now();
  const sentAt = new Map<string, number>();
  let idx = 0;
  const { scheduledAt } = await fixedRate({
    url: svc.url,
    method: 'POST',
    path: '/v1/webhooks/generic',
    amount: requests.length,
    rate: 200,
    next: () => {
      const r = requests[idx++];
      return r ? { headers: r.headers, body: r.body } : null;
    },
  });
  requests.forEach((r, i) => sentAt.set(r.trackingNumber, scheduledAt[i]));
  while (providers.receipts.length < 2 * requests.length && Date.now() - started < E2E_TIMEOUT_MS)
    await sleep(100);
  const latencies: number[] = [];
  for (const r of providers.receipts) {
    const sent = sentAt.get(benchTrackingNumberIn(await r.text()) ?? '');
    if (sent !== undefined) latencies.push(Math.round(r.at - sent));
  }
  latencies.sort((a, b) => a - b);
  const coldP99 = percentile(latencies, 99);
  log(
    `e2e warm-up: ${providers.receipts.length}/${2 * requests.length} messages in ${Date.now() - started} ms, p99 ${coldP99} ms`,
  );
  return coldP99;
}

async function measureEndToEnd(svc: Service, providers: Providers, tag: string, rate: number | undefined) {
  const warmupMs = await warmUp(svc, providers, tag);
  const trackingNumbers = await createOrders(svc, tag, N);
  const count = trackingNumbers.length;
  const expected = 2 * count;
  providers.reset();
  const sentAt = new Map<string, number>();
  const requests = outForDelivery(trackingNumbers, tag);
  let idx = 0;
  const next = () => {
    const r = requests[idx++];
    if (!r) return { path: '/health/live', headers: {}, body: '' }; // never re-send an event
    sentAt.set(r.trackingNumber, Date.now()); // closed loop: when autocannon asks for it
    return { headers: r.headers, body: r.body };
  };
  log(
    `e2e ${rate ? `${rate} events/s` : 'burst'}: ${count} out_for_delivery webhooks, expecting ${expected} provider calls`,
  );
  let firstSend = Date.now();
  const cpuBefore = cpuSnapshot(svc.pids);
  const load = rate
    ? fixedRate({
        url: svc.url,
        method: 'POST',
        path: '/v1/webhooks/generic',
        amount: count,
        rate,
        next,
      }).then((report) => {
        // Open loop: each change's latency counts from when it was scheduled to leave.
        requests.forEach((r, i) => sentAt.set(r.trackingNumber, report.scheduledAt[i]));
        firstSend = report.scheduledAt[0];
        return report;
      })
    : cannon({
        url: svc.url,
        method: 'POST',
        path: '/v1/webhooks/generic',
        amount: count,
        connections: 20,
        next,
      });
  const ingest = summarize(await load);
  const lastSend = Date.now();
  const deadline = firstSend + E2E_TIMEOUT_MS;
  while (providers.receipts.length < expected && Date.now() < deadline) await sleep(100);
  const complete = providers.receipts.length >= expected;
  const cpuAfter = cpuSnapshot(svc.pids);
  const receipts = [...providers.receipts];
  const lastReceipt = receipts.reduce((m, r) => Math.max(m, r.at), 0);
  const latencies: number[] = [];
  const latByChannel: Record<'sms' | 'email', number[]> = { sms: [], email: [] };
  let unmatched = 0;
  const timeline: [number, number, number][] = [];
  for (const r of receipts) {
    const tn = benchTrackingNumberIn(await r.text());
    const sent = tn ? sentAt.get(tn) : undefined;
    if (sent === undefined) {
      unmatched++;
      continue;
    }
    latencies.push(Math.round(r.at - sent));
    latByChannel[r.channel].push(Math.round(r.at - sent));
    timeline.push([Math.round(sent - firstSend), Math.round(r.at - sent), r.channel === 'sms' ? 0 : 1]);
  }
  latencies.sort((a, b) => a - b);
  latByChannel.sms.sort((a, b) => a - b);
  latByChannel.email.sort((a, b) => a - b);
  const spanS = (lastReceipt - firstSend) / 1000;
  const result = {
    mode: rate ? `${rate}/s` : 'burst',
    orders: count,
    expectedMessages: expected,
    received: receipts.length,
    sms: receipts.filter((r) => r.channel === 'sms').length,
    email: receipts.filter((r) => r.channel === 'email').length,
    complete,
    unmatched,
    webhookSendSpanS: round((lastSend - firstSend) / 1000, 2),
    webhookRps: ingest.rps,
    webhookP50: ingest.p50,
    webhookP99: ingest.p99,
    webhookNon2xx: ingest.non2xx,
    webhookErrors: ingest.errors,
    spanS: round(spanS, 2),
    messagesPerS: round(receipts.length / spanS, 1),
    latencyP50: percentile(latencies, 50),
    latencyP90: percentile(latencies, 90),
    latencyP99: percentile(latencies, 99),
    latencyMax: latencies[latencies.length - 1] ?? NaN,
    /** The unrecorded warm-up's receipt-to-provider p99 (a freshly started service: cold start), ms. */
    coldStartP99: warmupMs,
    /** CPU ms per shipment change (two messages), by process, over the run. */
    cpuMsPerChange: cpuPer(cpuBefore, cpuAfter, count),
    smsP50: percentile(latByChannel.sms, 50),
    smsP99: percentile(latByChannel.sms, 99),
    emailP50: percentile(latByChannel.email, 50),
    emailP99: percentile(latByChannel.email, 99),
  };
  log(
    `e2e ${result.mode}: ${result.received}/${expected} in ${result.spanS} s → ${result.messagesPerS} msg/s, p50 ${result.latencyP50} ms, p99 ${result.latencyP99} ms`,
  );
  if (process.env.BENCH_SERVICE_LOG) fs.writeFileSync(process.env.BENCH_SERVICE_LOG, svc.output());
  if (process.env.BENCH_TIMELINE)
    fs.writeFileSync(`${process.env.BENCH_TIMELINE}-${tag}.json`, JSON.stringify(timeline));
  if (!complete) {
    const tail = svc.output().slice(-1500);
    log(`e2e ${result.mode}: TIMED OUT after ${E2E_TIMEOUT_MS / 1000} s; service output tail:\n${tail}`);
  }
  // The fakes keep every message they received (20,000, the emails whole): a heap of hundreds of MB in this process,
  // the load generator's, whose major collections then stalled the next parts' requests for up to half a second
  // (counted from their scheduled times, as an open loop must). Dropped as soon as they are measured.
  providers.reset();
  return result;
}

async function measureRawBullmq(backend: Backend, databaseUrl: string, prefix: string) {
  const JOBS = 5000;
  let connection: Record<string, unknown>;
  if (backend === 'postgres') {
    setDefaultBackendFactory(createPostgresBackend as never);
    connection = { connectionString: databaseUrl, schema: 'bench_raw', migrate: true, max: 10 };
  } else {
    setDefaultBackendFactory();
    const url = new URL(REDIS_URL);
    connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
  }
  const name = `bench-raw-${randomBytes(3).toString('hex')}`;
  const common = { connection, prefix } as Record<string, unknown>;
  const queue = new Queue(name, common as never);
  let done = 0;
  let resolveDone!: () => void;
  const allDone = new Promise<void>((r) => (resolveDone = r));
  const worker = new Worker(name, async () => undefined, {
    ...common,
    concurrency: 20,
    autorun: false,
  } as never);
  worker.on('completed', () => {
    if (++done === JOBS) resolveDone();
  });
  worker.on('failed', () => {
    if (++done === JOBS) resolveDone();
  });
  await queue.waitUntilReady();
  await worker.waitUntilReady();
  void worker.run();
  const started = Date.now();
  const chunk = 500;
  for (let i = 0; i < JOBS; i += chunk) {
    await queue.addBulk(
      Array.from({ length: Math.min(chunk, JOBS - i) }, (_, k) => ({
        name: 'noop',
        data: { i: i + k },
        opts: { removeOnComplete: true, removeOnFail: true },
      })),
    );
  }
  const addedMs = Date.now() - started;
  const timeout = sleep(120_000).then(() => 'timeout');
  const outcome = await Promise.race([allDone.then(() => 'ok'), timeout]);
  const ms = Date.now() - started;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  const result = {
    jobs: JOBS,
    processed: done,
    complete: outcome === 'ok',
    addMs: addedMs,
    totalMs: ms,
    jobsPerS: round((done / ms) * 1000, 1),
    concurrency: 20,
  };
  log(`raw bullmq ${backend}: ${done}/${JOBS} in ${ms} ms → ${result.jobsPerS} jobs/s`);
  return result;
}

/**
 * Chat turns as a shopper's first message: no session id, so every request creates its session (the expensive
 * path: the session row, both transcript lines, the classifier, the reply). Measured at 200 requests/s (latency)
 * and as fast as 20 connections can send them (throughput).
 */
async function measureChat(svc: Service) {
  const firstTurn = {
    url: svc.url,
    method: 'POST' as const,
    path: '/v1/chat/messages',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'where is my order?' }),
  };
  log('chat: first turns (a new session each) at 200 req/s for 10 s');
  const chat = summarize(await fixedRate({ ...firstTurn, rate: 200, duration: 10 }));
  log('chat: no-op GET /health/live at 200 req/s for 10 s');
  const noop = summarize(await fixedRate({ url: svc.url, path: '/health/live', rate: 200, duration: 10 }));
  await settle();
  log('chat: first turns as fast as 20 connections send them, 10 s');
  const max = summarize(await cannon({ ...firstTurn, connections: 20, duration: 10 }));
  return { chat, noop, max };
}

/**
 * The shopper's tracking page (`/t/<token>`) of a parcel with a few scans, at 200 requests/s, beside the no-op
 * route at the same rate. Each request is a real view: rendered, and counted in the views table.
 */
async function measureTrackingPage(svc: Service, databaseUrl: string) {
  const [trackingNumber] = await createOrders(svc, 'T', 1);
  for (const [i, status] of ['in_transit', 'in_transit', 'out_for_delivery'].entries()) {
    const r = signedEvent(
      {
        carrier: 'ups',
        trackingNumber,
        status,
        description: `bench scan ${i}`,
        location: 'Louisville, KY',
        occurredAt: new Date(Date.now() - (3 - i) * 3_600_000).toISOString(),
        eventId: `bench-page-${RUN}-${i}`,
      },
      trackingNumber,
    );
    await fetch(`${svc.url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
  }
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query('SELECT link_ref FROM shipments WHERE tracking_number = $1', [
    trackingNumber,
  ]);
  await client.end();
  const key = createHash('sha256').update(`wismo-tracking-link:${TRACKING_SECRET}`).digest();
  const path = `/t/${signTrackingToken(BigInt(rows[0].link_ref), key)}?s=sms`;
  const check = await fetch(`${svc.url}${path}`);
  if (check.status !== 200) throw new Error(`tracking page answered ${check.status}`);
  const bytes = (await check.text()).length;
  log('page: tracking page at 200 req/s for 10 s');
  const page = summarize(await fixedRate({ url: svc.url, path, rate: 200, duration: 10 }));
  log('page: no-op GET /health/live at 200 req/s for 10 s');
  const noop = summarize(await fixedRate({ url: svc.url, path: '/health/live', rate: 200, duration: 10 }));
  return { page, noop, htmlBytes: bytes };
}

function measureTemplates() {
  const templates = loadDefaultTemplates();
  const sms = templates.get('out_for_delivery/sms/en')!.parts;
  const email = templates.get('out_for_delivery/email/en')!.parts;
  const smsVars = sampleVariables('out_for_delivery', { channel: 'sms', locale: 'en' });
  const emailVars = sampleVariables('out_for_delivery', { channel: 'email', locale: 'en' });
  const engine = new TemplateEngine();

  // Raw Handlebars with the same helpers and partials registered (the templates call them), strict mode.
  const raw = Handlebars.create();
  registerTemplateHelpers(raw as never, loadI18nCatalogs(engine.templatesDir));
  const partialsDir = path.join(engine.templatesDir, 'partials');
  // Compiled partials: a partial registered as a string is compiled again on every render.
  for (const file of fs.readdirSync(partialsDir)) {
    if (file.endsWith('.hbs'))
      raw.registerPartial(
        file.slice(0, -4),
        raw.compile(fs.readFileSync(path.join(partialsDir, file), 'utf8')),
      );
  }
  // Baseline A, as specified: compile(source, { strict: true }) once. Baseline B: the engine's own compile options
  // (strict, noEscape for non-HTML, knownHelpers + knownHelpersOnly), i.e. pure Handlebars cost without the engine.
  const known = {
    knownHelpers: Object.fromEntries(TEMPLATE_HELPER_NAMES.map((n) => [n, true])),
    knownHelpersOnly: true,
  };
  const build = (same: boolean) => ({
    sms: raw.compile(sms.body!, same ? { strict: true, noEscape: true, ...known } : { strict: true }),
    subject: raw.compile(
      email.subject!,
      same ? { strict: true, noEscape: true, ...known } : { strict: true },
    ),
    html: raw.compile(email.html!, same ? { strict: true, ...known } : { strict: true }),
    text: email.text
      ? raw.compile(email.text, same ? { strict: true, noEscape: true, ...known } : { strict: true })
      : null,
  });
  const plain = build(false);
  const same = build(true);

  const loop = (fn: () => unknown, ms = 2000) => {
    let n = 0;
    let sink = 0;
    const start = process.hrtime.bigint();
    const end = start + BigInt(ms) * 1_000_000n;
    let now = start;
    while (now < end) {
      for (let k = 0; k < 50; k++) {
        const out = fn();
        sink += typeof out === 'string' ? out.length : 1;
      }
      n += 50;
      now = process.hrtime.bigint();
    }
    if (sink < 0) log('impossible');
    return round(n / (Number(now - start) / 1e9), 0);
  };
  const emailSources = { subject: email.subject!, html: email.html!, text: email.text ?? null };
  const rawEmail = (t: typeof plain) => () => {
    t.subject(emailVars, { data: { renderMode: 'text' } });
    const html = t.html(emailVars, { data: { renderMode: 'html' } });
    if (t.text) t.text(emailVars, { data: { renderMode: 'text' } });
    return html;
  };
  const variants: Record<string, () => unknown> = {
    smsEngine: () => engine.renderSms(sms.body!, smsVars).body,
    smsRaw: () => plain.sms(smsVars, { data: { renderMode: 'sms' } }),
    smsRawSame: () => same.sms(smsVars, { data: { renderMode: 'sms' } }),
    emailEngine: () => engine.renderEmail(emailSources, emailVars).html,
    emailRaw: rawEmail(plain),
    emailRawSame: rawEmail(same),
  };
  // Interleaved rounds (4 × 0.5 s per variant = 2 s each), median per variant, so JIT/GC drift hits all alike.
  log('templates: SMS and email, TemplateEngine vs raw Handlebars (interleaved, 2 s each)');
  const samples: Record<string, number[]> = {};
  for (const fn of Object.values(variants)) for (let i = 0; i < 100; i++) fn();
  for (let round_ = 0; round_ < 4; round_++) {
    for (const [name, fn] of Object.entries(variants)) (samples[name] ??= []).push(loop(fn, 500));
  }
  const med = (name: string) => {
    const xs = [...samples[name]].sort((x, y) => x - y);
    return round((xs[1] + xs[2]) / 2, 0);
  };
  const smsEngine = med('smsEngine');
  const smsRaw = med('smsRaw');
  const smsRawSame = med('smsRawSame');
  const emailEngine = med('emailEngine');
  const emailRaw = med('emailRaw');
  const emailRawSame = med('emailRawSame');
  return {
    sms: {
      engine: smsEngine,
      raw: smsRaw,
      ratio: round(smsEngine / smsRaw, 3),
      rawSameOptions: smsRawSame,
      ratioSameOptions: round(smsEngine / smsRawSame, 3),
    },
    email: {
      engine: emailEngine,
      raw: emailRaw,
      ratio: round(emailEngine / emailRaw, 3),
      rawSameOptions: emailRawSame,
      ratioSameOptions: round(emailEngine / emailRawSame, 3),
    },
    engineStats: engine.stats,
    samples,
  };
}

// ---------------------------------------------------------------------------------------------------------------

async function cleanRedis(prefixes: string[]): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [c, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = c;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** The service's environment for a bench run on `backend` against `databaseUrl`. */
function serviceEnv(
  backend: Backend,
  databaseUrl: string,
  prefix: string,
  providers: Providers,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    ...(backend === 'redis' ? { REDIS_URL, QUEUE_PREFIX: prefix } : {}),
    UNSUBSCRIBE_SECRET: randomBytes(24).toString('hex'),
    TRACKING_LINK_SECRET: TRACKING_SECRET,
    PUBLIC_BASE_URL: 'http://wismo.bench.test',
    ADMIN_API_KEY,
    GENERIC_WEBHOOK_SECRET: GENERIC_SECRET,
    NOTIFY_DEBOUNCE_SECONDS: '0',
    QUIET_HOURS: 'off',
    TWILIO_ACCOUNT_SID: TWILIO_SID,
    TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
    TWILIO_FROM_NUMBER: '+15005550006',
    TWILIO_API_BASE_URL: providers.twilio.url,
    SMTP_URL: providers.smtp.url,
    SMS_RATE_PER_SECOND: '10000',
    EMAIL_RATE_PER_SECOND: '10000',
    ...(process.env.BENCH_SERVICE_ENV ? JSON.parse(process.env.BENCH_SERVICE_ENV) : {}),
    CHAT_RATE_LIMIT_PER_MINUTE: '100000', // the schema's maximum (1,000,000 is refused at start)
    DEV_SECRETS: 'off',
    DATA_DIR: path.join(os.tmpdir(), `wismo-bench-${RUN}`),
  };
}

async function runBackend(backend: Backend, providers: Providers) {
  const dbName = `wismo_bench_${backend}_${RUN.toLowerCase()}`;
  const databaseUrl = dbUrl(dbName);
  const prefix = `wismo-bench-${RUN.toLowerCase()}-${backend}`;
  const rawPrefix = `${prefix}-raw`;
  await adminQuery(`CREATE DATABASE ${dbName}`);
  const topology = topologyFor(backend);
  log(
    `=== ${backend}: database ${dbName}${backend === 'redis' ? `, queue prefix ${prefix}` : ''}, ${topology === 'split' ? 'API and worker processes' : 'one process'}`,
  );
  let svc: Service | undefined;
  try {
    svc = await startTopology(serviceEnv(backend, databaseUrl, prefix, providers), topology);
    const ingest = PARTS.has('ingest') ? await measureIngest(svc) : null;
    const e2e = PARTS.has('e2e') ? [await measureEndToEnd(svc, providers, 'R', 200)] : [];
    if (PARTS.has('burst')) e2e.push(await measureEndToEnd(svc, providers, 'B', undefined));
    if (PARTS.has('chat') && (PARTS.has('e2e') || PARTS.has('burst'))) {
      // The runs before leave tens of thousands of dead rows (finished queue jobs, superseded notification
      // states): autovacuum would clean them up during the chat run, on the same 2 cores, and be measured as chat.
      const started = Date.now();
      await adminQuery('VACUUM (ANALYZE)', databaseUrl);
      log(`vacuumed the run's database in ${Date.now() - started} ms`);
    }
    if (PARTS.has('chat')) await settle();
    const chat = PARTS.has('chat') ? await measureChat(svc) : null;
    const rawBullmq = PARTS.has('raw') ? await measureRawBullmq(backend, databaseUrl, rawPrefix) : null;
    // Raw BullMQ's jobs (and on PostgreSQL their removal) are still being cleaned up: not the page's figure.
    if (PARTS.has('page')) await settle();
    const trackingPage = PARTS.has('page') ? await measureTrackingPage(svc, databaseUrl) : null;
    if (PARTS.has('analytics')) await settle();
    const analytics = PARTS.has('analytics') ? await measureAnalytics(svc.url, ADMIN_API_KEY) : null;
    return { backend, topology, ingest, e2e, rawBullmq, chat, trackingPage, analytics };
  } finally {
    await svc?.stop().catch((err) => log(`stopping the service failed: ${(err as Error).message}`));
    await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((err) =>
      log(`dropping ${dbName} failed: ${(err as Error).message}`),
    );
    if (backend === 'redis') await cleanRedis([prefix, rawPrefix]).catch(() => undefined);
  }
}

type BackendResult = Awaited<ReturnType<typeof runBackend>>;

/**
 * The same requests on a store at scale (`npm run seed:scale`: 1,000,000 shipments, 10,000,000 events), Redis
 * queues, API and worker apart: analytics p99, and webhook ingest at 300/s against an empty database.
 *
 * The two ingest figures come from the same minutes: a second service on an empty database runs beside the one at
 * scale, and the two take 10 s windows in turn (empty, scale, scale, empty, …: five each, every pair in both
 * orders), each after its warm-up. Each side's figures are over its five windows together. On this machine one
 * 10 s window's p99 drifts by a factor of two from one minute to the next (other work, either process's garbage
 * collection, a checkpoint); alternating spreads that drift over both sides instead of letting it decide the
 * ratio.
 */
async function runScale(providers: Providers) {
  const scale = await scaleDatabase(SERVER_DB_URL);
  if (!scale) {
    log(
      `scale: no ${SCALE_DATABASE} database; run \`npm run seed:scale\` first to measure at 1,000,000 shipments`,
    );
    return null;
  }
  log(
    `=== scale: ${scale.shipments.toLocaleString('en-US')} shipments, ~${scale.events.toLocaleString('en-US')} events`,
  );
  const prefix = `wismo-bench-${RUN.toLowerCase()}-scale`;
  const emptyPrefix = `${prefix}-empty`;
  const emptyDb = `wismo_bench_scale_empty_${RUN.toLowerCase()}`;
  await adminQuery(`CREATE DATABASE ${emptyDb}`);
  let svc: Service | undefined;
  let empty: Service | undefined;
  try {
    svc = await startTopology(serviceEnv('redis', scale.url, prefix, providers), 'split');
    empty = await startTopology(serviceEnv('redis', dbUrl(emptyDb), emptyPrefix, providers), 'split');
    // Measured as a running store is, not in the minute after a start: on 10,000,000 events a freshly started
    // worker first trains its estimates and scan-gap thresholds over every event (tens of seconds of both cores).
    await settle();
    const analytics = await measureAnalytics(svc.url, ADMIN_API_KEY);
    const ingest = await compareIngest(svc, empty);
    if (process.env.BENCH_SERVICE_LOG)
      fs.writeFileSync(
        `${process.env.BENCH_SERVICE_LOG}-scale`,
        `${svc.output()}\n--- empty ---\n${empty.output()}`,
      );
    return { shipments: scale.shipments, events: scale.events, analytics, ingest };
  } finally {
    for (const s of [svc, empty])
      await s?.stop().catch((err) => log(`stopping a service failed: ${(err as Error).message}`));
    await adminQuery(`DROP DATABASE IF EXISTS ${emptyDb} WITH (FORCE)`).catch((err) =>
      log(`dropping ${emptyDb} failed: ${(err as Error).message}`),
    );
    await cleanRedis([prefix, emptyPrefix]).catch(() => undefined);
  }
}

/** When a window's slow requests (over `ms`) were sent, grouped into moments less than a second apart. */
function slowMoments(report: OpenLoopReport, ms: number): string {
  const moments: { from: number; to: number; count: number; max: number }[] = [];
  report.latencies.forEach((latency, i) => {
    if (!(latency > ms)) return;
    const at = report.scheduledAt[i];
    const last = moments[moments.length - 1];
    if (last && at - last.to < 1000) {
      last.to = at;
      last.count += 1;
      last.max = Math.max(last.max, latency);
    } else moments.push({ from: at, to: at, count: 1, max: latency });
  });
  if (!moments.length) return `no request over ${ms} ms`;
  const time = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 22);
  return `over ${ms} ms: ${moments.map((m) => `${time(m.from)}–${time(m.to)} (${m.count}, max ${Math.round(m.max)} ms)`).join(', ')}`;
}

/** Webhook ingest at 300/s at scale and on an empty database, in alternating 10 s windows (see runScale). */
async function compareIngest(scale: Service, empty: Service) {
  const order = [
    'empty',
    'scale',
    'scale',
    'empty',
    'empty',
    'scale',
    'scale',
    'empty',
    'empty',
    'scale',
  ] as const;
  const runs = { empty: [] as OpenLoopReport[], scale: [] as OpenLoopReport[] };
  for (const [k, side] of order.entries()) {
    log(
      `ingest: webhook at 300 req/s for 10 s, ${side === 'scale' ? 'at scale' : 'empty database'} (${k + 1}/${order.length})`,
    );
    const report = await ingestWindow(side === 'scale' ? scale : empty, `S${k}`);
    runs[side].push(report);
    log(`  p99 ${report.latency.p99} ms; ${slowMoments(report, 50)}`);
  }
  const pooled = (reports: OpenLoopReport[]) => {
    const sorted = reports
      .flatMap((r) => r.latencies)
      .filter((ms) => !Number.isNaN(ms))
      .sort((a, b) => a - b);
    return {
      requests: sorted.length,
      p50: round(percentile(sorted, 50)),
      p99: round(percentile(sorted, 99)),
      windowP99s: reports.map((r) => r.latency.p99),
      non2xx: reports.reduce((n, r) => n + r.non2xx, 0),
      errors: reports.reduce((n, r) => n + r.errors + r.timeouts, 0),
    };
  };
  return { scale: pooled(runs.scale), empty: pooled(runs.empty) };
}

function table(
  results: BackendResult[],
  templates: ReturnType<typeof measureTemplates>,
  machine: Record<string, unknown>,
  scale: Awaited<ReturnType<typeof runScale>>,
): string {
  const rows: string[][] = [];
  const ratio = (a: number, b: number) => (b ? `${round(a / b, 2)}` : 'n/a');
  const lat = (s: LoadSummary) =>
    `p50 ${s.p50} ms / p99 ${s.p99} ms${s.generatorLagMax !== undefined ? ` (generator's own lag: max ${s.generatorLagMax} ms)` : ''}`;
  for (const r of results) {
    const b = r.backend;
    const i = r.ingest;
    if (i) {
      rows.push([
        `${b}: webhook ingest @300/s (10 s)`,
        `${i.webhookFixed.rps} req/s, ${lat(i.webhookFixed)}, non-2xx ${i.webhookFixed.non2xx}, errors ${i.webhookFixed.errors}`,
        `no-op @300/s: ${i.noopFixed.rps} req/s, ${lat(i.noopFixed)}`,
        `p99 ×${ratio(i.webhookFixed.p99, i.noopFixed.p99)}`,
      ]);
      rows.push([
        `${b}: webhook max throughput (10 conn, 5 s)`,
        `${i.webhookMax.rps} req/s, ${lat(i.webhookMax)}, non-2xx ${i.webhookMax.non2xx}`,
        `no-op max: ${i.noopMax.rps} req/s, ${lat(i.noopMax)}`,
        `${ratio(i.webhookMax.rps, i.noopMax.rps)} of no-op`,
      ]);
    }
    const raw = r.rawBullmq;
    for (const e of r.e2e) {
      rows.push([
        `${b} (${r.topology === 'split' ? 'API + worker' : 'one process'}): e2e ${e.orders} out_for_delivery @${e.mode} → SMS+email`,
        `${e.received}/${e.expectedMessages}${e.complete ? '' : ' (TIMEOUT)'} in ${e.spanS} s = ${e.messagesPerS} msg/s; latency p50 ${e.latencyP50} ms / p99 ${e.latencyP99} ms (sms p50 ${e.smsP50}/p99 ${e.smsP99}, email p50 ${e.emailP50}/p99 ${e.emailP99}); webhooks ${e.webhookRps}/s, non-2xx ${e.webhookNon2xx}; cold-start p99 ${e.coldStartP99} ms; CPU ms per change: service ${e.cpuMsPerChange.service}, PostgreSQL and the rest ${e.cpuMsPerChange.postgresAndRest}, Redis ${e.cpuMsPerChange.redis}, generator+fakes ${e.cpuMsPerChange.bench} (machine ${Math.round(e.cpuMsPerChange.machineUtilisation * 100)} % busy)`,
        raw ? `raw BullMQ no-op: ${raw.jobsPerS} jobs/s` : '—',
        raw ? `${ratio(e.messagesPerS, raw.jobsPerS)} of raw jobs/s` : '—',
      ]);
    }
    if (raw) {
      rows.push([
        `${b}: raw BullMQ add+process (5,000 no-op jobs, concurrency 20)`,
        `${raw.processed}/${raw.jobs} in ${raw.totalMs} ms = ${raw.jobsPerS} jobs/s`,
        '—',
        '—',
      ]);
    }
    if (r.trackingPage) {
      const { page, noop, htmlBytes } = r.trackingPage;
      rows.push([
        `${b}: tracking page /t/<token> @200/s (10 s), ${Math.round(htmlBytes / 1024)} KB of HTML`,
        `${page.rps} req/s, ${lat(page)}, non-2xx ${page.non2xx}`,
        `no-op @200/s: ${noop.rps} req/s, ${lat(noop)}`,
        `p99 target < 50 ms: ${page.p99 < 50 ? 'met' : 'NOT met'}`,
      ]);
    }
    for (const a of r.analytics ?? []) {
      rows.push([
        `${b}: analytics ${a.name} @10/s (10 s)`,
        `p50 ${a.p50} ms / p99 ${a.p99} ms, non-2xx ${a.non2xx}`,
        '—',
        '—',
      ]);
    }
    if (r.chat) {
      rows.push([
        `${b}: chat first turn "where is my order?", new session each, @200/s (10 s)`,
        `${r.chat.chat.rps} req/s, ${lat(r.chat.chat)}, non-2xx ${r.chat.chat.non2xx}`,
        `no-op @200/s: ${r.chat.noop.rps} req/s, ${lat(r.chat.noop)}`,
        `p99 ×${ratio(r.chat.chat.p99, r.chat.noop.p99)} (target p99 < 50 ms: ${r.chat.chat.p99 < 50 ? 'met' : 'NOT met'})`,
      ]);
      rows.push([
        `${b}: chat first turns, max throughput (20 conn, 10 s)`,
        `${r.chat.max.rps} turns/s, ${lat(r.chat.max)}, non-2xx ${r.chat.max.non2xx}`,
        '—',
        `target ≥ 1,000 turns/s: ${r.chat.max.rps >= 1000 ? 'met' : 'NOT met'}`,
      ]);
    }
  }
  if (scale) {
    const size = `${scale.shipments.toLocaleString('en-US')} shipments`;
    for (const a of scale.analytics) {
      rows.push([
        `scale (${size}): analytics ${a.name} @10/s`,
        `p50 ${a.p50} ms / p99 ${a.p99} ms, non-2xx ${a.non2xx}`,
        'target p99 < 300 ms',
        a.p99 < 300 ? 'met' : 'NOT met',
      ]);
    }
    const { scale: big, empty } = scale.ingest;
    const side = (p: typeof big) =>
      `p50 ${p.p50} ms / p99 ${p.p99} ms over ${p.requests} requests (windows' p99: ${p.windowP99s.join(', ')} ms), non-2xx ${p.non2xx}, errors ${p.errors}`;
    rows.push([
      `scale (${size}): webhook ingest @300/s, ${big.windowP99s.length} 10 s windows alternating with an empty database's`,
      side(big),
      `empty database, same minutes: ${side(empty)}`,
      `p99 ×${ratio(big.p99, empty.p99)} (target ≤ 1.2: ${big.p99 <= empty.p99 * 1.2 ? 'met' : 'NOT met'})`,
    ]);
  }
  rows.push([
    'template render: out_for_delivery SMS (en), cached',
    `${templates.sms.engine.toLocaleString('en-US')} renders/s`,
    `raw Handlebars {strict}: ${templates.sms.raw.toLocaleString('en-US')}/s; with the engine's compile options: ${templates.sms.rawSameOptions.toLocaleString('en-US')}/s`,
    `${templates.sms.ratio} vs {strict}; ${templates.sms.ratioSameOptions} vs same options (target ≥ 0.8: ${templates.sms.ratioSameOptions >= 0.8 ? 'met' : 'NOT met'})`,
  ]);
  rows.push([
    'template render: out_for_delivery email (subject+HTML+text, layout, CSS inlining)',
    `${templates.email.engine.toLocaleString('en-US')} renders/s`,
    `raw Handlebars, no juice, {strict}: ${templates.email.raw.toLocaleString('en-US')}/s; same options: ${templates.email.rawSameOptions.toLocaleString('en-US')}/s`,
    `${templates.email.ratio} vs {strict}; ${templates.email.ratioSameOptions} vs same options`,
  ]);
  const head = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.os}; Node ${machine.node}; ${machine.date}`,
    '',
    '| Measure | Result | Limit (same run) | Ratio |',
    '|---|---|---|---|',
  ];
  return [...head, ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');
}

async function main(): Promise<void> {
  if (!fs.existsSync(MAIN_JS)) {
    process.stderr.write(
      `bench: ${path.relative(process.cwd(), MAIN_JS)} is missing — run \`npm run build\` first.\n`,
    );
    process.exit(2);
  }
  const t0 = Date.now();
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
  const templates = measureTemplates();
  const providers = new Providers();
  await providers.start();
  const results: BackendResult[] = [];
  let scale: Awaited<ReturnType<typeof runScale>>;
  try {
    for (const backend of BACKENDS) results.push(await runBackend(backend, providers));
    scale = PARTS.has('scale') ? await runScale(providers) : null;
  } finally {
    await providers.stop();
  }
  const md = table(results, templates, machine, scale);
  const out = {
    machine,
    config: { N, parts: [...PARTS], backends: BACKENDS },
    templates,
    results,
    scale,
    totalS: round((Date.now() - t0) / 1000, 1),
  };
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  // Only a full run replaces the published figures; a partial one (BENCH_PARTS, BENCH_BACKENDS) is kept aside.
  const full = PARTS.size === 8 && BACKENDS.length === 2;
  const file = full ? 'latest.json' : 'partial.json';
  fs.writeFileSync(path.join(dir, file), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`\n${md}\n\nTotal bench time ${out.totalS} s; figures in bench/results/${file}\n`);
}

main()
  .then(() => process.exit(0))
  .catch((err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
