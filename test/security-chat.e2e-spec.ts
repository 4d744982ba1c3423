import { Logger } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ChatVerificationService } from '../src/chat/chat-verification.service';
import { ChatSession } from '../src/chat/chat-session.entity';
import { ChatService } from '../src/chat/chat.service';
import { Notification } from '../src/notifications/notification.entity';
import { Order } from '../src/tracking/order.entity';
import { createOrder, orderNumberOf, orderRequest } from './support/factories';
import { runDatabaseUrl, runPrefix, TEST_REDIS_URL } from './support/test-env';
import { bearer, serve, startTestApp, TestApp, waitFor } from './support/test-app';
import { postGenericEvent } from './support/webhooks';

/**
 * Issue 14's attacks on the chat and the order intake, each reproduced against the real app (PostgreSQL, Redis):
 * client-chosen addresses, guesses spread over addresses and sessions, limits across two API processes, the pool
 * exhaustion by concurrent verifications, identity takeover through a second order, a shipment moved between
 * orders, timing of unknown orders, tokens without expiry or audience, session ids in logs and idle sessions, and
 * the lock-out CLI.
 */

const TOKEN_SECRET = 'security-spec-token-secret-0123456789';
const GENERIC_SECRET = 'security-spec-generic-secret-0123456789';
const LOCKED = /too many attempts/i;
let ipCounter = 0;
const newIp = () => `10.77.${Math.floor(ipCounter / 250) % 250}.${(ipCounter++ % 250) + 1}`;

interface Turn {
  status: number;
  reply: string;
  shipments: unknown[];
  sessionId: string;
  code?: string;
}

async function say(
  t: TestApp,
  message: string,
  opts: { xff?: string; sessionId?: string; token?: string } = {},
): Promise<Turn> {
  const req = t.http.post('/v1/chat/messages');
  if (opts.xff) req.set('X-Forwarded-For', opts.xff);
  if (opts.token) req.set('Authorization', `Bearer ${opts.token}`);
  const res = await req.send({
    message,
    locale: 'en',
    ...(opts.sessionId ? { sessionId: opts.sessionId } : {}),
  });
  return {
    status: res.status,
    reply: res.body.reply ?? '',
    shipments: res.body.shipments ?? [],
    sessionId: res.body.sessionId,
    code: res.body.code,
  };
}

const inTransit = () => ({ status: 'in_transit' as const, lastEventAt: new Date() });

/** A UK order's request body: these specs send it themselves, as they also test what is answered. */
function orderBody(o: {
  email: string;
  phone?: string;
  postcode: string;
  name?: string;
  tracking?: string[];
}) {
  return orderRequest({
    customer: {
      name: o.name ?? 'Sam Owner',
      email: o.email,
      phone: o.phone ?? null,
      postcode: o.postcode,
      locale: 'en-GB',
      timeZone: 'Europe/London',
      country: 'GB',
    },
    shipments: (o.tracking ?? []).map((trackingNumber) => ({ trackingNumber })),
  }).body;
}

let orderCounter = 0;
/** Order ids the chat recognises (the default pattern: up to 3 letters, a dash, 4–10 digits). */
const newOrderId = () =>
  `SEC-${String(Date.now() % 1e5).padStart(5, '0')}${String(orderCounter++ % 100).padStart(2, '0')}`;
const tracking = () => `1Z${randomBytes(8).toString('hex').toUpperCase()}`;

describe('security: chat trust (issue 14)', () => {
  describe('client addresses and shared lock-outs', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { CHAT_RATE_LIMIT_PER_MINUTE: '100000' } });
    });
    afterAll(async () => t?.close());

    it('ignores X-Forwarded-For by default: rotating it does not escape the client lock-out', async () => {
      const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
      const decoy = await createOrder(t.db, { shipments: [inTransit()] });
      const turns: Turn[] = [];
      for (let i = 0; i < 6; i++) {
        // a different decoy order each time, so only the client counter can lock
        turns.push(
          await say(t, `order 7${String(i).padStart(6, '0')} guess${i}@example.net`, { xff: newIp() }),
        );
      }
      expect(turns.filter((x) => LOCKED.test(x.reply)).length).toBeGreaterThanOrEqual(2);
      const right = await say(t, `order ${orderNumberOf(order)} ${customer.email}`, { xff: newIp() });
      expect(right.reply).toMatch(LOCKED);
      expect(right.shipments).toEqual([]);
      expect(decoy.order.id).not.toBe(order.id);
    });
  });

  describe('behind a trusted proxy', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { TRUST_PROXY: 'loopback', CHAT_RATE_LIMIT_PER_MINUTE: '100000' } });
    });
    afterAll(async () => t?.close());

    it('takes the address the proxy saw: "X-Forwarded-For: <new>, <locked>" stays locked', async () => {
      const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
      const locked = newIp();
      for (let i = 0; i < 5; i++)
        await say(t, `order 8${String(i).padStart(6, '0')} x${i}@example.net`, { xff: locked });
      const sneaky = await say(t, `order ${orderNumberOf(order)} ${customer.email}`, {
        xff: `${newIp()}, ${locked}`,
      });
      expect(sneaky.reply).toMatch(LOCKED);
      expect(sneaky.shipments).toEqual([]);
      const honest = await say(t, `order ${orderNumberOf(order)} ${customer.email}`, { xff: newIp() });
      expect(honest.shipments).toHaveLength(1);
    });

    it('counts failures per order: guesses over rotating addresses and sessions lock that order', async () => {
      const { order } = await createOrder(t.db, {
        customer: { postcode: '40213' },
        shipments: [inTransit()],
      });
      const turns: Turn[] = [];
      for (let i = 0; i < 12; i++) {
        turns.push(
          await say(t, `order ${orderNumberOf(order)} postcode ${String(40200 + i)}`, { xff: newIp() }),
        );
      }
      // 5 evaluated, then locked whatever the address or session
      expect(turns.slice(4).every((x) => LOCKED.test(x.reply))).toBe(true);
      const right = await say(t, `order ${orderNumberOf(order)} postcode 40213`, { xff: newIp() });
      expect(right.reply).toMatch(LOCKED);
      expect(right.reply).toContain('https://example.com/help');
      expect(right.reply).toMatch(/\d+ minutes/);
      expect(turns.concat(right).every((x) => x.shipments.length === 0)).toBe(true);
    });

    it('`chat unlock --order` clears the lock-out of an order', async () => {
      const { order } = await createOrder(t.db, {
        customer: { postcode: '50111' },
        shipments: [inTransit()],
      });
      for (let i = 0; i < 5; i++)
        await say(t, `order ${orderNumberOf(order)} postcode 5020${i}`, { xff: newIp() });
      expect((await say(t, `order ${orderNumberOf(order)} postcode 50111`, { xff: newIp() })).reply).toMatch(
        LOCKED,
      );
      const out = await runCli(['chat', 'unlock', '--order', orderNumberOf(order)], t);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('order: lock-out cleared');
      const after = await say(t, `order ${orderNumberOf(order)} postcode 50111`, { xff: newIp() });
      expect(after.shipments).toHaveLength(1);
    });
  });

  describe.each(['postgres', 'redis'] as const)('two API processes sharing the %s store', (store) => {
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      const env = {
        TRUST_PROXY: 'loopback',
        CHAT_RATE_LIMIT_PER_MINUTE: '8',
        QUEUE_PREFIX: `${runPrefix()}-sec-${store}-${randomBytes(3).toString('hex')}`,
      };
      a = await startTestApp({ queue: store, env });
      b = await startTestApp({ queue: store, env });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('locks out a client whose guesses alternate between the processes', async () => {
      const { order, customer } = await createOrder(a.db, { shipments: [inTransit()] });
      const ip = newIp();
      const turns: Turn[] = [];
      for (let i = 0; i < 5; i++) {
        turns.push(
          await say(i % 2 ? b : a, `order 9${String(i).padStart(6, '0')} g${i}@example.net`, { xff: ip }),
        );
      }
      expect(turns[4].reply).toMatch(LOCKED);
      for (const app of [a, b]) {
        const right = await say(app, `order ${orderNumberOf(order)} ${customer.email}`, { xff: ip });
        expect(right.reply).toMatch(LOCKED);
      }
    });

    it('applies one request rate limit across both processes', async () => {
      const ip = newIp();
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await say(i % 2 ? b : a, 'hi', { xff: ip })).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(8);
      expect(statuses.slice(8)).toEqual([429, 429]);
    });
  });

  describe('the database pool under concurrent verifications', () => {
    let t: TestApp;
    let url: string;
    beforeAll(async () => {
      t = await startTestApp({
        queue: 'redis',
        env: {
          TRUST_PROXY: 'loopback',
          CHAT_RATE_LIMIT_PER_MINUTE: '100000',
          GENERIC_WEBHOOK_SECRET: GENERIC_SECRET,
        },
      });
      url = await serve(t);
      // warm the webhook path, so the first measured webhook is not the process's first
      await postGenericEvent(t, GENERIC_SECRET, {
        carrier: 'ups',
        trackingNumber: tracking(),
        status: 'in_transit',
        occurredAt: new Date().toISOString(),
      });
    });
    afterAll(async () => t?.close());

    async function burst(n: number) {
      const chats = Array.from({ length: n }, (_, i) =>
        fetch(`${url}/v1/chat/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': newIp() },
          // distinct addresses, sessions and order numbers: every one of them reaches the full verification
          body: JSON.stringify({ message: `order 6${String(i).padStart(6, '0')} nobody${i}@example.net` }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string } })),
      );
      // Before the fix each verification held a connection and waited for a second one: the pool's queue filled.
      const pg = (t.db.driver as unknown as { master: { waitingCount: number } }).master;
      let poolWaiting = 0;
      const sampler = setInterval(() => (poolWaiting = Math.max(poolWaiting, pg.waitingCount)), 5);
      const probes = (async () => {
        const ready: number[] = [];
        const webhookMs: number[] = [];
        for (let i = 0; i < 5; i++) {
          const started = Date.now();
          await postGenericEvent(t, GENERIC_SECRET, {
            carrier: 'ups',
            trackingNumber: tracking(),
            status: 'in_transit',
            occurredAt: new Date().toISOString(),
          });
          webhookMs.push(Date.now() - started);
          ready.push((await fetch(`${url}/health/ready`)).status);
        }
        return { ready, webhookMs };
      })();
      const [results, probe] = await Promise.all([Promise.all(chats), probes]);
      clearInterval(sampler);
      return { results, probe, poolWaiting };
    }

    it.each([20, 400])(
      '%i at once: no 5xx, /health/ready stays 200, webhooks answered promptly',
      async (n) => {
        const { results, probe, poolWaiting } = await burst(n);
        expect(results.filter((r) => r.status >= 500)).toEqual([]);
        // every answer is a reply or a clear refusal, never a hang
        expect(
          results.every((r) => r.status === 200 || (r.status === 429 && r.body.code === 'chat_busy')),
        ).toBe(true);
        expect(probe.ready.every((s) => s === 200)).toBe(true);
        // No request ever waited for a database connection; webhooks kept being answered (before the fix: about
        // 9 s each). The median is the promptness figure: the load generator shares this process, so the one webhook
        // sent in the same instant as 400 chat requests waits for the event loop to read them all.
        expect(poolWaiting).toBe(0);
        expect([...probe.webhookMs].sort((x, y) => x - y)[2]).toBeLessThan(1000);
        expect(Math.max(...probe.webhookMs)).toBeLessThan(10_000);
      },
      120_000,
    );
  });

  describe('identity belongs to the order', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        env: {
          TRUST_PROXY: 'loopback',
          CHAT_RATE_LIMIT_PER_MINUTE: '100000',
          GENERIC_WEBHOOK_SECRET: GENERIC_SECRET,
          NOTIFY_DEBOUNCE_SECONDS: '0',
          QUIET_HOURS: 'off',
        },
      });
    });
    afterAll(async () => t?.close());

    const put = (id: string, body: unknown) =>
      t.http
        .put(`/v1/orders/${id}`)
        .set(bearer(t.adminKey))
        .send(body as object);

    it("a guest order with the victim's email changes neither the victim's contacts nor how the victim's order is verified", async () => {
      const email = `victim.${randomBytes(3).toString('hex')}@example.com`;
      const victimTracking = tracking();
      const victimId = newOrderId();
      const attackerId = newOrderId();
      expect(
        (
          await put(
            victimId,
            orderBody({ email, phone: '+447911123456', postcode: 'SW1A 1AA', tracking: [victimTracking] }),
          )
        ).status,
      ).toBe(201);
      const attacker = await put(
        attackerId,
        orderBody({ email, phone: '+447911123666', postcode: 'E1 6AN', name: 'Mallory' }),
      );
      expect([200, 201]).toContain(attacker.status);

      // The victim's order keeps its own details.
      const view = await t.http.get(`/v1/orders/${victimId}`).set(bearer(t.adminKey));
      expect(view.body.customer).toMatchObject({ phone: '+447911123456', name: 'Sam Owner' });

      // Web: the attacker's postcode does not open the victim's order; the victim's does.
      const byAttacker = await say(t, `order ${victimId} postcode E1 6AN`, { xff: newIp() });
      expect(byAttacker.shipments).toEqual([]);
      const byVictim = await say(t, `order ${victimId} postcode SW1A 1AA`, { xff: newIp() });
      expect(byVictim.shipments).toHaveLength(1);

      // SMS: the attacker's phone proves only the attacker's own order.
      const chat = t.app.get(ChatService);
      const sms = await chat.handleTurn({
        channel: 'sms',
        phone: '+447911123666',
        message: `where is order ${victimId}?`,
        clientIp: 'sms',
      });
      expect(sms.shipments).toEqual([]);
      const smsLatest = await chat.handleTurn({
        channel: 'sms',
        phone: '+447911123666',
        message: 'where is my order?',
        clientIp: 'sms',
      });
      expect(smsLatest.reply).not.toContain(victimId);

      // The victim's messages still go to the victim's phone.
      await postGenericEvent(t, GENERIC_SECRET, {
        carrier: 'ups',
        trackingNumber: victimTracking,
        status: 'out_for_delivery',
        occurredAt: new Date().toISOString(),
      });
      const victimOrder = await t.db.getRepository(Order).findOneByOrFail({ externalId: victimId });
      const sms2 = await waitFor('an SMS for the victim order', () =>
        t.db.getRepository(Notification).findOne({ where: { orderId: victimOrder.id, channel: 'sms' } }),
      );
      const outbox = await waitFor(
        'the outbox copy',
        async () => {
          const rows: { to: string }[] = await t.db.query(
            `SELECT "to" FROM outbox_messages WHERE notification_id = $1`,
            [sms2.id],
          );
          return rows[0];
        },
        30000,
      );
      expect(outbox.to).toBe('+447911123456');
    });

    it('refuses to move a shipment to another order (409), and still joins a shipment with no order', async () => {
      const owned = tracking();
      const a = newOrderId();
      const b = newOrderId();
      expect(
        (await put(a, orderBody({ email: 'a@example.com', postcode: '1000', tracking: [owned] }))).status,
      ).toBe(201);
      const moved = await put(b, orderBody({ email: 'b@example.com', postcode: '2000', tracking: [owned] }));
      expect(moved.status).toBe(409);
      expect(moved.body.code).toBe('shipment_belongs_to_other_order');
      const still = await t.http.get(`/v1/orders/${a}`).set(bearer(t.adminKey));
      expect(still.body.shipments.map((s: { trackingNumber: string }) => s.trackingNumber)).toEqual([owned]);
      expect((await t.http.get(`/v1/orders/${b}`).set(bearer(t.adminKey))).status).toBe(404);

      const orphan = tracking();
      await postGenericEvent(t, GENERIC_SECRET, {
        carrier: 'ups',
        trackingNumber: orphan,
        status: 'in_transit',
        occurredAt: new Date().toISOString(),
      });
      const joined = await put(
        b,
        orderBody({ email: 'b@example.com', postcode: '2000', tracking: [orphan] }),
      );
      expect(joined.status).toBe(201);
      expect(joined.body.shipments[0]).toMatchObject({ trackingNumber: orphan, status: 'in_transit' });
    });

    it('an existing order with a wrong email and a missing order run the same queries and answer alike', async () => {
      const { order } = await createOrder(t.db, { shipments: [inTransit()] });
      const verification = t.app.get(ChatVerificationService);
      const record = async (orderNumber: string) => {
        const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
        try {
          expect(await verification.verify({ orderNumber }, { email: 'nobody@example.net' })).toBeNull();
          return spy.mock.calls.map((c) => c[0]);
        } finally {
          spy.mockRestore();
        }
      };
      const existing = await record(orderNumberOf(order));
      const missing = await record('99999991');
      expect(existing.length).toBeGreaterThan(0);
      expect(missing).toEqual(existing);

      const a = await say(t, `order ${orderNumberOf(order)} nobody@example.net`, { xff: newIp() });
      const b = await say(t, 'order 99999992 nobody@example.net', { xff: newIp() });
      expect(a.reply).toBe(b.reply);
      expect(a.status).toBe(b.status);
    });
  });

  describe('shopper tokens and sessions', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        env: {
          CHAT_TOKEN_SECRET: TOKEN_SECRET,
          CHAT_RATE_LIMIT_PER_MINUTE: '100000',
          CHAT_TOKEN_MAX_LIFETIME_HOURS: '24',
        },
      });
    });
    afterAll(async () => t?.close());

    it('refuses tokens without exp, with a lifetime over the maximum, or without the audience', async () => {
      const { customer } = await createOrder(t.db, { shipments: [inTransit()] });
      const sign = (claims: object, options: jwt.SignOptions) =>
        jwt.sign({ sub: customer.id, ...claims }, TOKEN_SECRET, { algorithm: 'HS256', ...options });
      const refused = [
        sign({}, { audience: 'wismo-chat' }), // no exp: good for ever
        sign({}, { audience: 'wismo-chat', expiresIn: '30d' }),
        sign({ iat: Math.floor(Date.now() / 1000) - 3600 }, { audience: 'wismo-chat', expiresIn: '25h' }),
        sign({}, { expiresIn: '10m' }), // no audience
        sign({}, { audience: 'another-app', expiresIn: '10m' }),
      ];
      for (const token of refused) {
        const res = await say(t, 'where is my order?', { token });
        expect(res.shipments).toEqual([]);
      }
      const good = await say(t, 'where is my order?', {
        token: sign({}, { audience: 'wismo-chat', expiresIn: '1h' }),
      });
      expect(good.shipments).toHaveLength(1);
    });

    it('logs a hash of the session id, never the id itself', async () => {
      const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
      const lines: string[] = [];
      const spy = jest
        .spyOn(Logger.prototype, 'log')
        .mockImplementation((m: unknown) => void lines.push(String(m)));
      try {
        const first = await say(t, `order ${orderNumberOf(order)} wrong@example.net`);
        const second = await say(t, `order ${orderNumberOf(order)} ${customer.email}`, {
          sessionId: first.sessionId,
        });
        expect(second.shipments).toHaveLength(1);
        expect(lines.some((l) => /Chat session [0-9a-f]{16} verified/.test(l))).toBe(true);
        expect(lines.some((l) => /failed verification/.test(l))).toBe(true);
        expect(lines.join('\n')).not.toContain(first.sessionId);
      } finally {
        spy.mockRestore();
      }
    });

    it('forgets a verification after the idle time', async () => {
      const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
      const first = await say(t, `order ${orderNumberOf(order)} ${customer.email}`);
      expect(first.shipments).toHaveLength(1);
      const soon = await say(t, 'where is my order?', { sessionId: first.sessionId });
      expect(soon.shipments).toHaveLength(1);
      await t.db
        .getRepository(ChatSession)
        .update({ id: first.sessionId }, { lastActiveAt: new Date(Date.now() - 31 * 60_000) });
      const later = await say(t, 'where is my order?', { sessionId: first.sessionId });
      expect(later.sessionId).toBe(first.sessionId);
      expect(later.shipments).toEqual([]);
    });
  });
});

/** The operator CLI from source, against the test run's database and the app's store. */
function runCli(
  args: string[],
  t: TestApp,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'test',
    DATABASE_URL: runDatabaseUrl(),
    QUEUE_PREFIX: t.config.queue.prefix,
    ...(t.config.queue.redisUrl ? { REDIS_URL: TEST_REDIS_URL } : {}),
  };
  const root = resolve(__dirname, '..');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}
