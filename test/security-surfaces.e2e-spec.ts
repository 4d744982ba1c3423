/**
 * Issue 14 items 5, 7, 9, 10, 12, 13, 14 and issue 16 item 8, each played as the attack the issue describes
 * against the real app (real PostgreSQL, real queues): it must now fail to get through.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyRequest } from 'fastify';
import type { AppException } from '../src/common/app.exception';
import { Notification } from '../src/notifications/notification.entity';
import { signEasyPost, signStandardWebhook } from '../src/tracking/webhook-signature';
import { WebhookVerifiers } from '../src/tracking/webhook-verifiers.service';
import { createOrder } from './support/factories';
import { bearer, serve, startTestApp, TestApp } from './support/test-app';

const GENERIC_SECRET = 'whsec_' + Buffer.from('security-surfaces-generic-secret').toString('base64');
const EASYPOST_SECRET = 'easypost-security-secret';
const PRODUCTION = {
  NODE_ENV: 'production',
  UNSUBSCRIBE_SECRET: 'unsubscribe-secret-for-production-tests',
  TRACKING_LINK_SECRET: 'tracking-link-secret-for-production-tests',
  PUBLIC_BASE_URL: 'http://wismo.test',
  DEV_SECRETS: 'off',
};

function signedGeneric(body: string | Buffer, id = `msg_${randomUUID()}`) {
  const ts = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': signStandardWebhook(id, ts, body, GENERIC_SECRET),
  };
}

const genericEvent = (trackingNumber = `1Z${randomUUID().slice(0, 16).toUpperCase()}`) =>
  JSON.stringify({
    carrier: 'ups',
    trackingNumber,
    status: 'in_transit',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
  });

describe('security surfaces (issue 14)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: { GENERIC_WEBHOOK_SECRET: GENERIC_SECRET, EASYPOST_WEBHOOK_SECRET: EASYPOST_SECRET },
    });
  });
  afterAll(() => t?.close());

  describe('item 5: a template cannot hold the event loop', () => {
    // The sandbox's worker thread starts on first use (seconds under ts-node): start it before timing anything.
    beforeAll(async () => {
      await t.http
        .post('/v1/templates/preview')
        .set(bearer(t.adminKey))
        .send({ type: 'shipped', channel: 'sms', locale: 'en' })
        .expect(200);
    });

    it('answers the 193-character eight-nested {{#each @root}} draft at once with a clear 4xx', async () => {
      const body = '{{#each @root}}'.repeat(8) + 'x' + '{{/each}}'.repeat(8);
      expect(body).toHaveLength(193);
      const started = performance.now();
      const res = await t.http
        .put('/v1/templates/shipped/sms/en/draft')
        .set(bearer(t.adminKey))
        .send({ body });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ code: 'template_too_complex', part: 'body' }),
      ]);
      const preview = await t.http
        .post('/v1/templates/preview')
        .set(bearer(t.adminKey))
        .send({ type: 'shipped', channel: 'sms', locale: 'en', parts: { body } });
      expect(preview.status).toBe(400);
      expect(preview.body.errors[0].code).toBe('template_too_complex');
    });

    it('stops a preview that is cheap to write and expensive to run with 422, serving others meanwhile', async () => {
      // 2^24 calls of an empty inline partial: no deep nesting, seconds of CPU.
      const body =
        '{{#*inline "p0"}}{{/inline}}' +
        Array.from(
          { length: 24 },
          (_, i) => `{{#*inline "p${i + 1}"}}{{> p${i}}}{{> p${i}}}{{/inline}}`,
        ).join('') +
        '{{> p24}}';
      // Warm the sandbox so the timing below is the template's, not the worker's start.
      await t.http
        .post('/v1/templates/preview')
        .set(bearer(t.adminKey))
        .send({ type: 'shipped', channel: 'sms', locale: 'en' })
        .expect(200);
      const preview = t.http
        .post('/v1/templates/preview')
        .set(bearer(t.adminKey))
        .send({ type: 'shipped', channel: 'sms', locale: 'en', parts: { body } })
        .then((r) => r);
      await new Promise((r) => setTimeout(r, 100));
      const during = performance.now();
      await t.http.get('/health/live').expect(200);
      expect(performance.now() - during).toBeLessThan(200);
      const res = await preview;
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'template_too_expensive' });
    });

    it('refuses the built-in {{log}} helper in a draft', async () => {
      const res = await t.http
        .put('/v1/templates/shipped/sms/en/draft')
        .set(bearer(t.adminKey))
        .send({ body: '{{log "INFO forged line" order.number}}' });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'unknown_helper' });
    });
  });

  describe('items 9 and 16.8: resend', () => {
    async function sentNotification(
      shipmentStatus: 'out_for_delivery' | 'delivered' = 'out_for_delivery',
      overrides: Partial<Notification> = {},
      customer?: { id: string; orderId: string },
    ) {
      let customerId = customer?.id;
      let orderId = customer?.orderId;
      const trackingNumber = `1Z${randomUUID().slice(0, 16).toUpperCase()}`;
      let shipmentId: string;
      if (!customerId) {
        const made = await createOrder(t.db, { shipments: [{ status: shipmentStatus, trackingNumber }] });
        customerId = made.customer.id;
        orderId = made.order.id;
        shipmentId = made.shipments[0].id;
      } else {
        const rows: { id: string }[] = await t.db.query(
          `INSERT INTO shipments (order_id, carrier, tracking_number, status) VALUES ($1, 'ups', $2, $3) RETURNING id`,
          [orderId, trackingNumber, shipmentStatus],
        );
        shipmentId = rows[0].id;
      }
      const repo = t.db.getRepository(Notification);
      return repo.save(
        repo.create({
          shipmentId,
          orderId: orderId!,
          customerId: customerId!,
          type: 'out_for_delivery',
          channel: 'email',
          status: 'sent',
          scheduledFor: new Date(),
          sentAt: new Date(),
          locale: 'en',
          ...overrides,
        }),
      );
    }

    const resend = (id: string) => t.http.post(`/v1/notifications/${id}/resend`).set(bearer(t.adminKey));

    it('caps resends of one message at 3 an hour, also when the clicks arrive together', async () => {
      const n = await sentNotification();
      const results = await Promise.all(Array.from({ length: 6 }, () => resend(n.id)));
      expect(results.filter((r) => r.status === 202)).toHaveLength(3);
      const refused = results.filter((r) => r.status !== 202);
      expect(refused).toHaveLength(3);
      for (const r of refused) {
        expect(r.status).toBe(429);
        expect(r.body).toMatchObject({ code: 'resend_limited', reason: 'per_message_limit' });
        expect(r.body.message).toMatch(/already resent 3 times in the last hour/);
      }
    });

    it('caps resends per customer across their messages', async () => {
      const first = await sentNotification();
      for (let i = 0; i < 3; i++) await resend(first.id).expect(202);
      const second = await sentNotification(
        'out_for_delivery',
        {},
        { id: first.customerId, orderId: first.orderId },
      );
      const res = await resend(second.id);
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ code: 'resend_limited', reason: 'per_customer_limit' });
    });

    it('refuses cancelled (superseded) and unsent messages with the reason', async () => {
      const cancelled = await sentNotification('out_for_delivery', { status: 'cancelled', sentAt: null });
      const res = await resend(cancelled.id);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'resend_not_allowed', reason: 'cancelled' });
      const pending = await sentNotification('out_for_delivery', { status: 'pending', sentAt: null });
      expect((await resend(pending.id)).body).toMatchObject({
        code: 'resend_not_allowed',
        reason: 'not_sent_yet',
      });
    });

    it('refuses an "out for delivery" resend after delivery, and says so on every listing', async () => {
      const stale = await sentNotification('delivered');
      const res = await resend(stale.id);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'resend_not_allowed', reason: 'no_longer_true' });
      expect(res.body.message).toContain('the shipment is now delivered');
      expect(await t.db.getRepository(Notification).countBy({ resendOf: stale.id })).toBe(0);

      const detail = await t.http.get(`/v1/notifications/${stale.id}`).set(bearer(t.adminKey)).expect(200);
      expect(detail.body.resend).toMatchObject({ allowed: false, code: 'no_longer_true' });
      const list = await t.http
        .get(`/v1/notifications?customerId=${stale.customerId}`)
        .set(bearer(t.adminKey))
        .expect(200);
      expect(list.body.items[0].resend).toMatchObject({ allowed: false, code: 'no_longer_true' });
      const fresh = await sentNotification();
      const ok = await t.http.get(`/v1/notifications/${fresh.id}`).set(bearer(t.adminKey)).expect(200);
      expect(ok.body.resend).toEqual({ allowed: true, code: null, reason: null });
    });
  });

  describe('item 12: a replayed Standard Webhooks message', () => {
    it('is refused inside the tolerance window, also when the copies arrive together', async () => {
      const body = genericEvent();
      const headers = signedGeneric(body);
      await t.http.post('/v1/webhooks/generic').set(headers).send(body).expect(200);
      const replay = await t.http.post('/v1/webhooks/generic').set(headers).send(body);
      expect(replay.status).toBe(409);
      expect(replay.body).toMatchObject({ code: 'webhook_replayed' });

      const twin = genericEvent();
      const twinHeaders = signedGeneric(twin);
      const both = await Promise.all(
        [1, 2].map(() => t.http.post('/v1/webhooks/generic').set(twinHeaders).send(twin)),
      );
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);

      // Many claims at once, straight through the verifier (over HTTP each request takes long enough that few
      // meet): ten copies of one new id among other ids, exactly one copy taken, every other id taken.
      const verifiers = t.app.get(WebhookVerifiers);
      const verify = (body: string, id?: string) =>
        verifiers
          .verifyStandard(
            { headers: signedGeneric(body, id) } as unknown as FastifyRequest,
            Buffer.from(body),
            'generic',
            t.config.webhooks.genericSecret,
          )
          .then(
            () => 'taken',
            (err: AppException) => err.code,
          );
      const copy = genericEvent();
      const copyId = `msg_${randomUUID()}`;
      const [others, copies] = await Promise.all([
        Promise.all(Array.from({ length: 8 }, () => verify(genericEvent()))),
        Promise.all(Array.from({ length: 10 }, () => verify(copy, copyId))),
      ]);
      expect(others).toEqual(Array.from({ length: 8 }, () => 'taken'));
      expect(copies.sort()).toEqual(['taken', ...Array.from({ length: 9 }, () => 'webhook_replayed')]);
    });
  });

  describe('item 13: one rule for invalid UTF-8 and lone surrogates in JSON', () => {
    const invalidUtf8 = (json: string) =>
      Buffer.concat([Buffer.from(json.slice(0, -2)), Buffer.from([0xff, 0xfe]), Buffer.from(json.slice(-2))]);

    it('refuses them in chat, orders and webhooks alike with 400 malformed_payload', async () => {
      // Raw bytes over a real socket: supertest would turn a Buffer into JSON of its own.
      const base = await serve(t);
      const postBytes = async (path: string, body: Buffer, headers: Record<string, string> = {}) => {
        const res = await fetch(base + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: new Uint8Array(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const chat = await postBytes('/v1/chat/messages', invalidUtf8('{"message":"where is my order"}'));
      expect(chat.status).toBe(400);
      expect(chat.body).toMatchObject({ code: 'malformed_payload', message: 'The body is not valid UTF-8' });

      const lone = await t.http
        .post('/v1/chat/messages')
        .set('content-type', 'application/json')
        .send('{"message":"where is \\ud800 my order"}');
      expect(lone.status).toBe(400);
      expect(lone.body.message).toMatch(/lone UTF-16 surrogate/);

      const order = await t.http
        .put(`/v1/orders/WS-${randomUUID().slice(0, 8)}`)
        .set(bearer(t.adminKey))
        .set('content-type', 'application/json')
        .send('{"customer":{"name":"Eve \\udc00","email":"eve@example.com"},"shipments":[]}');
      expect(order.status).toBe(400);
      expect(order.body.code).toBe('malformed_payload');

      const raw = invalidUtf8(genericEvent());
      const hook = await postBytes('/v1/webhooks/generic', raw, signedGeneric(raw));
      expect(hook.status).toBe(400);
      expect(hook.body.code).toBe('malformed_payload');

      // An emoji written as an escaped surrogate pair is fine.
      const emoji = await t.http
        .post('/v1/chat/messages')
        .set('content-type', 'application/json')
        .send('{"message":"where is my order \\ud83d\\udce6"}');
      expect(emoji.status).toBe(200);
    });
  });

  describe('item 14: nosniff everywhere, webhook signatures checked before parsing', () => {
    it('sends X-Content-Type-Options: nosniff on JSON, errors, metrics, scripts and pages', async () => {
      for (const path of ['/health/live', '/v1/nowhere', '/metrics', '/widget.js', '/demo', '/v1/orders/x']) {
        const res = await t.http.get(path);
        expect({ path, nosniff: res.headers['x-content-type-options'] }).toEqual({
          path,
          nosniff: 'nosniff',
        });
      }
    });

    it('refuses a forged webhook with 401 before its body is parsed (malformed JSON never reaches the parser)', async () => {
      const forged = await t.http
        .post('/v1/webhooks/easypost')
        .set('content-type', 'application/json')
        .set('x-hmac-signature', 'hmac-sha256-hex=00')
        .send('{"not json');
      expect(forged.status).toBe(401);
      expect(forged.body.code).toBe('invalid_signature');
      const unsigned = await t.http
        .post('/v1/webhooks/generic')
        .set('content-type', 'application/json')
        .send('[[[[');
      expect(unsigned.status).toBe(401);

      // Signed but malformed: now it is the parser's turn.
      const body = '{"not json';
      const signed = await t.http
        .post('/v1/webhooks/easypost')
        .set('content-type', 'application/json')
        .set('x-hmac-signature', signEasyPost(body, EASYPOST_SECRET))
        .send(body);
      expect(signed.status).toBe(400);
      expect(signed.body.code).toBe('malformed_payload');
    });

    it('still enforces the body limit while reading a webhook for verification', async () => {
      const big = '{"x":"' + 'a'.repeat(1024 * 1024 + 10) + '"}';
      const res = await t.http.post('/v1/webhooks/generic').set(signedGeneric(big)).send(big);
      expect(res.status).toBe(413);
    });
  });

  describe('item 10: security headers on every HTML response', () => {
    it('gives /demo, /admin and /outbox the page policy', async () => {
      for (const path of ['/demo', '/admin', '/outbox']) {
        const res = await t.http.get(path);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
      }
    });
  });

  it('item 7: /metrics is open outside production when no token is set', async () => {
    await t.http.get('/metrics').expect(200);
  });
});

describe('security surfaces in production (issue 14 items 7 and 10)', () => {
  let prod: TestApp;
  let withToken: TestApp;
  const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

  beforeAll(async () => {
    prod = await startTestApp({ env: PRODUCTION });
    withToken = await startTestApp({ env: { ...PRODUCTION, METRICS_TOKEN, DEMO_PAGE: 'true' } });
  });
  afterAll(async () => {
    await prod?.close();
    await withToken?.close();
  });

  it('asks for an admin key on /metrics in production, or the METRICS_TOKEN when one is set', async () => {
    const open = await prod.http.get('/metrics');
    expect(open.status).toBe(401);
    expect(open.body.code).toBe('unauthorized');
    expect(open.text).not.toContain('wismo_');
    await prod.http.get('/metrics').set(bearer('not-a-key-at-all')).expect(401);
    const scraped = await prod.http.get('/metrics').set(bearer(prod.adminKey)).expect(200);
    expect(scraped.text).toContain('wismo_');

    await withToken.http.get('/metrics').expect(401);
    await withToken.http.get('/metrics').set(bearer(withToken.adminKey)).expect(401);
    await withToken.http.get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);
  });

  it('hides /demo in production unless DEMO_PAGE=true, and serves it then with the page headers', async () => {
    const hidden = await prod.http.get('/demo');
    expect(hidden.status).toBe(404);
    const shown = await withToken.http.get('/demo').expect(200);
    expect(shown.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(shown.headers['x-content-type-options']).toBe('nosniff');
  });
});
