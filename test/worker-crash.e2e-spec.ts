import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NotificationAttempt } from '../src/notifications/notification-attempt.entity';
import { Notification } from '../src/notifications/notification.entity';
import { FakeTwilio } from './support/fake-twilio';
import { SmtpCatcher } from './support/smtp-catcher';
import { putOrder } from './support/factories';
import { uniquePhone } from './support/phones';
import { QUEUE_BACKENDS, startTestApp, TestApp, waitFor } from './support/test-app';
import { runDatabaseUrl, runPrefix, TEST_REDIS_URL } from './support/test-env';
import { postGenericEvent } from './support/webhooks';

/**
 * A worker process (`node dist/main.js`, ROLE=worker) is SIGKILLed while ~200 sends are in flight; a new
 * worker takes over. Nothing is lost (every notification ends `sent` and reached the provider fakes), and the
 * only duplicates are sends whose provider call was in flight at the moment of the kill (at-least-once for
 * those; exactly-once per claim otherwise). NOTIFY_SENDING_LEASE_SECONDS shortens the claim lease (120 s in
 * production) so the in-flight ones are reclaimed within the test.
 */

const ROOT = resolve(__dirname, '..');
const MAIN = resolve(ROOT, 'dist/main.js');
const GENERIC_SECRET = 'generic-secret-for-crash-tests';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio_test_auth_token_crash';
const ORDERS = 100; // out_for_delivery = SMS + email each: 200 notifications
/** Jobs per channel the worker runs at once (SMS_/EMAIL_WORKER_CONCURRENCY): the most a kill can leave in flight. */
const CONCURRENCY = 20;
const HOLD_MS = 300;

interface Worker {
  child: ChildProcess;
  pid: number;
  base: string;
  output(): string;
  exited: Promise<unknown>;
}

const workers: Worker[] = [];
const tempDirs: string[] = [];

function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

async function startWorker(env: Record<string, string>): Promise<Worker> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'wismo-crash-'));
  tempDirs.push(dataDir);
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? tmpdir(),
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const collect = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise((done) => child.on('exit', done));
  const worker = { child, pid: child.pid!, base: `http://127.0.0.1:${port}`, output: () => log, exited };
  workers.push(worker);
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`worker exited before it was ready:\n${log}`);
    try {
      const res = await fetch(`${worker.base}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return worker;
    } catch {
      // Not listening yet.
    }
    if (Date.now() - started > 60_000) throw new Error(`worker not ready within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alive = (w: Worker) => w.child.exitCode === null && w.child.signalCode === null;

/**
 * In front of the fake Twilio: holds every request HOLD_MS, then hands it to the fake even when the caller has
 * gone (the provider accepted the message; the answer is lost). Tracks which numbers are in flight.
 */
async function slowTwilio(target: FakeTwilio) {
  const inFlight = new Map<string, number>();
  /** When each number's requests arrived. */
  const arrivals = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const to = new URLSearchParams(body.toString('utf8')).get('To') ?? '';
      inFlight.set(to, (inFlight.get(to) ?? 0) + 1);
      arrivals.set(to, [...(arrivals.get(to) ?? []), Date.now()]);
      setTimeout(() => {
        void fetch(`${target.url}${req.url}`, {
          method: req.method,
          headers: {
            authorization: req.headers.authorization ?? '',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body,
        })
          .then(async (r) => {
            const text = await r.text();
            inFlight.set(to, inFlight.get(to)! - 1);
            res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
            res.end(text);
          })
          .catch(() => res.destroy());
      }, HOLD_MS);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Numbers whose request has reached us but not been answered yet. */
    inFlight: () => [...inFlight.entries()].filter(([, n]) => n > 0).map(([to]) => to),
    /** Numbers with a request that arrived between `from` and `to` (epoch ms). */
    arrivedBetween: (from: number, to: number) =>
      new Set(
        [...arrivals.entries()]
          .filter(([, times]) => times.some((t) => t >= from && t <= to))
          .map(([n]) => n),
      ),
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const postEvent = (t: TestApp, event: Record<string, unknown>) => postGenericEvent(t, GENERIC_SECRET, event);

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (\`npm test\` does).`);
});

afterAll(async () => {
  for (const w of workers.filter(alive)) {
    try {
      process.kill(-w.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await w.exited;
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(QUEUE_BACKENDS)('a worker killed mid-send (%s queue backend)', (backend) => {
  it('loses nothing and duplicates only what was in flight at the kill', async () => {
    const fake = await new FakeTwilio().start();
    const twilio = await slowTwilio(fake);
    const smtp = await new SmtpCatcher().start();
    const prefix = `${runPrefix()}-crash-${randomBytes(3).toString('hex')}`;
    const shared = {
      QUEUE_PREFIX: prefix,
      ...(backend === 'redis' ? { REDIS_URL: TEST_REDIS_URL } : {}),
      NOTIFY_DEBOUNCE_SECONDS: '0',
      QUIET_HOURS: 'off',
      GENERIC_WEBHOOK_SECRET: GENERIC_SECRET,
      PUBLIC_BASE_URL: 'http://wismo.test',
    };
    const workerEnv = {
      ...shared,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DEV_SECRETS: 'off',
      ROLE: 'worker',
      DATABASE_URL: runDatabaseUrl(),
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_API_BASE_URL: twilio.url,
      SMTP_URL: smtp.url,
      SMS_RATE_PER_SECOND: '10000',
      EMAIL_RATE_PER_SECOND: '10000',
      SMS_WORKER_CONCURRENCY: String(CONCURRENCY),
      EMAIL_WORKER_CONCURRENCY: String(CONCURRENCY),
      SMTP_POOL_SIZE: String(CONCURRENCY),
      NOTIFY_SENDING_LEASE_SECONDS: '3',
      SWEEPER_INTERVAL_SECONDS: '2',
    };
    let api: TestApp | undefined;
    try {
      const first = await startWorker(workerEnv);
      api = await startTestApp({ queue: backend, env: { ...shared, ROLE: 'api' } });

      const customers: { phone: string; email: string; trackingNumber: string; orderId: string }[] = [];
      for (let i = 0; i < ORDERS; i++) {
        // Numbers unique in the run (an address that recently got the same message, or was suppressed by another
        // spec file, changes what is planned for it).
        const phone = uniquePhone();
        const placed = await putOrder(api, {
          customer: { name: 'Kim Lee', phone },
          promisedDate: '2026-12-05',
        });
        customers.push({
          phone,
          email: placed.email!,
          trackingNumber: placed.trackingNumber,
          orderId: placed.orderId,
        });
      }
      const orderIds = customers.map((c) => c.orderId);
      const all = () =>
        api!.db.query(`SELECT id, channel, status, order_id FROM notifications WHERE order_id = ANY($1)`, [
          orderIds,
        ]);

      for (let i = 0; i < customers.length; i += 20) {
        await Promise.all(
          customers.slice(i, i + 20).map((c) =>
            postEvent(api!, {
              carrier: 'ups',
              trackingNumber: c.trackingNumber,
              status: 'out_for_delivery',
              occurredAt: new Date().toISOString(),
            }),
          ),
        );
      }
      expect(await all()).toHaveLength(2 * ORDERS);

      // Kill the worker (its whole process group, no goodbye) while SMS are being held at the provider.
      await waitFor(
        'sends in flight',
        async () => fake.requests.length >= 30 && twilio.inFlight().length > 0,
        30_000,
        5,
      ).catch((err: Error) => {
        throw new Error(
          `${err.message} (${fake.requests.length} requests so far); worker output:\n${first.output()}`,
        );
      });
      const inFlightAtKill = new Set(twilio.inFlight());
      const killedAt = Date.now();
      process.kill(-first.pid, 'SIGKILL');
      await first.exited;
      const statusAtKill: { status: string; n: number }[] = await api.db.query(
        `SELECT status, count(*)::int AS n FROM notifications WHERE order_id = ANY($1) GROUP BY status`,
        [orderIds],
      );
      // Let the provider answer into the void: those messages were accepted but never recorded.
      await new Promise((r) => setTimeout(r, HOLD_MS + 200));

      await startWorker(workerEnv);
      const done = await waitFor(
        'every notification sent after the restart',
        async () => {
          const rows: { status: string }[] = await all();
          return rows.every((r) => r.status === 'sent') ? rows : null;
        },
        150_000,
        250,
      ).catch(async (err: Error) => {
        const counts = await api!.db.query(
          `SELECT status, count(*)::int AS n FROM notifications WHERE order_id = ANY($1) GROUP BY status`,
          [orderIds],
        );
        throw new Error(`${err.message}: ${JSON.stringify(counts)}`);
      });
      expect(done).toHaveLength(2 * ORDERS);

      // Every notification reached its fake; count what reached it more than once.
      const smsCount = new Map<string, number>();
      for (const r of fake.requests.filter((q) => q.sid))
        smsCount.set(r.form.To, (smsCount.get(r.form.To) ?? 0) + 1);
      const mailCount = new Map<string, number>();
      for (const m of smtp.messages) for (const to of m.to) mailCount.set(to, (mailCount.get(to) ?? 0) + 1);
      const missingSms = customers.filter((c) => !smsCount.get(c.phone));
      const missingMail = customers.filter((c) => !mailCount.get(c.email));
      expect({ missingSms: missingSms.length, missingMail: missingMail.length }).toEqual({
        missingSms: 0,
        missingMail: 0,
      });
      const duplicateSms = [...smsCount.entries()].filter(([, n]) => n > 1).map(([to]) => to);
      const duplicateMail = [...mailCount.entries()].filter(([, n]) => n > 1).map(([to]) => to);

      // Each row records its provider id, and it is the id of a message the fake really accepted.
      const recorded: { provider_message_id: string; channel: string }[] = await api.db.query(
        `SELECT provider_message_id, channel FROM notifications WHERE order_id = ANY($1)`,
        [orderIds],
      );
      const sids = new Set(fake.requests.map((r) => r.sid).filter(Boolean));
      expect(recorded.filter((r) => r.channel === 'sms' && !sids.has(r.provider_message_id))).toEqual([]);
      const attempts = await api.db
        .getRepository(NotificationAttempt)
        .createQueryBuilder('a')
        .where('a.notification_id IN (:...ids)', { ids: done.map((r) => (r as unknown as Notification).id) })
        .getMany();
      const sentAttempts = attempts.filter((a) => a.outcome === 'sent').length;

      console.log(
        `[${backend}] worker killed with ${inFlightAtKill.size} SMS in flight at the provider; statuses at kill ` +
          `${JSON.stringify(statusAtKill)}; SMS requests ${fake.requests.length} (accepted ${sids.size}) for ` +
          `${ORDERS}, duplicates ${duplicateSms.length}; emails ${smtp.messages.length} for ${ORDERS}, duplicates ` +
          `${duplicateMail.length}; attempts recorded 'sent' ${sentAttempts}`,
      );
      // The only duplicates: SMS whose provider call was in flight when the worker died.
      // In flight means: reached the provider in the hold window before the kill, or in the moment after it (a
      // request written just before SIGKILL). Its answer died with the worker, so the claim lease re-sends it.
      const inFlight = twilio.arrivedBetween(killedAt - HOLD_MS - 1000, killedAt + 1000);
      expect(duplicateSms.filter((to) => !inFlight.has(to))).toEqual([]);
      expect(duplicateSms.length).toBeLessThanOrEqual(CONCURRENCY); // at most one per worker concurrency slot
      // Email has no hold: at most the SMTP deliveries in flight at the kill (one per concurrency slot).
      expect(duplicateMail.length).toBeLessThanOrEqual(CONCURRENCY);
      expect(sentAttempts).toBe(2 * ORDERS);
    } finally {
      for (const w of workers.filter(alive)) {
        process.kill(-w.pid, 'SIGKILL');
        await w.exited;
      }
      await api?.close();
      await twilio.stop();
      await fake.stop();
      await smtp.stop();
    }
  }, 240_000);
});
