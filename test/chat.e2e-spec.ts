import { createServer, IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { analyzeSms } from '../src/shared/sms-segments';
import { ChannelHooks } from '../src/channels/channel-hooks';
import { ChatLimiter } from '../src/chat/chat-rate-limiter';
import { ChatRequest } from '../src/chat/chat-request.entity';
import { VerificationFailure } from '../src/chat/verification-failure.entity';
import { verifyStandardWebhook } from '../src/tracking/webhook-signature';
import { createOrder, orderNumberOf } from './support/factories';
import { bearer, startTestApp, TestApp, waitFor } from './support/test-app';

const TOKEN_SECRET = 'chat-token-secret-0123456789';
const HANDOFF_SECRET = 'handoff-secret-0123';
const STORE = 'https://shop.example';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('chat: POST /v1/chat/messages', () => {
  let t: TestApp;
  let hookServer: Server;
  const received: Received[] = [];
  let ipCounter = 0;
  /** Each test speaks from its own address so rate limits and lock-outs never leak between tests. */
  const newIp = () => `203.0.113.${++ipCounter}`;

  beforeAll(async () => {
    hookServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
    const port = (hookServer.address() as { port: number }).port;
    t = await startTestApp({
      env: {
        CHAT_TOKEN_SECRET: TOKEN_SECRET,
        HANDOFF_WEBHOOK_URL: `http://127.0.0.1:${port}/handoffs`,
        HANDOFF_WEBHOOK_SECRET: HANDOFF_SECRET,
        CHAT_ALLOWED_ORIGINS: STORE,
        CHAT_HELP_LINKS:
          'returns=https://shop.example/returns;payments=https://shop.example/payments;invoices=https://shop.example/invoices',
        // Each test plays its own client address through X-Forwarded-For from the local "proxy".
        TRUST_PROXY: 'loopback',
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    await new Promise((r) => hookServer?.close(r));
  });

  function say(message: string, opts: { ip: string; sessionId?: string; locale?: string; token?: string }) {
    const req = t.http.post('/v1/chat/messages').set('X-Forwarded-For', opts.ip);
    if (opts.token) req.set('Authorization', `Bearer ${opts.token}`);
    return req.send({
      message,
      ...(opts.sessionId ? { sessionId: opts.sessionId } : {}),
      ...(opts.locale ? { locale: opts.locale } : {}),
    });
  }

  /** A conversation: keeps the session id between turns. */
  function conversation(ip = newIp(), token?: string) {
    let sessionId: string | undefined;
    return async (message: string, locale?: string) => {
      const res = await say(message, { ip, sessionId, locale, token });
      expect(res.status).toBe(200);
      sessionId = res.body.sessionId;
      return res.body;
    };
  }

  const inTransit = () => ({
    status: 'in_transit' as const,
    eta: { date: '2031-05-07' },
    lastEventAt: new Date('2031-05-03T14:05:00Z'),
    events: [
      {
        description: 'Departed facility',
        location: 'Leeds, GB',
        occurredAt: new Date('2031-05-03T14:05:00Z'),
      },
    ],
  });

  it('asks for details, verifies by order number and email, then shows the shipment without personal data', async () => {
    const { order, customer, shipments } = await createOrder(t.db, { shipments: [inTransit()] });
    const chat = conversation();
    const first = await chat('where is my order?');
    expect(first.intent).toBe('track_order');
    expect(first.reply).toMatch(/order number/);
    expect(first.shipments).toEqual([]);

    const second = await chat(`it's #${orderNumberOf(order)} and ${customer.email}`);
    expect(second.shipments).toHaveLength(1);
    const card = second.shipments[0];
    expect(card).toMatchObject({
      carrier: 'ups',
      carrierName: 'UPS',
      trackingNumber: shipments[0].trackingNumber,
      status: 'in_transit',
      statusText: 'On its way',
      eta: { date: '2031-05-07', windowStart: null, windowEnd: null },
      // Our signed tracking page (issue 17), which links the carrier's page in turn.
      trackingUrl: expect.stringMatching(/^http:\/\/wismo\.test\/t\/[A-Za-z0-9_-]{22}\?s=chat$/),
    });
    expect(card.etaText).toMatch(/7 May|May 7/);
    // 14:05 UTC is 15:05 in London in May (BST).
    expect(card.lastScan).toMatchObject({ location: 'Leeds, GB', description: 'Departed facility' });
    expect(card.lastScan.text).toMatch(/15:05|3:05/);
    expect(second.reply).toContain('On its way');
    expect(second.reply).toContain('Leeds, GB');
    const json = JSON.stringify(second);
    expect(json).not.toContain(customer.email);
    expect(json).not.toContain('SW1A');
    expect(json).not.toContain('Jo Tester');
  });

  it('verifies with the postcode in any spacing and case, and with a tracking number', async () => {
    const { order, shipments } = await createOrder(t.db, {
      customer: { postcode: 'SW1A 1AA' },
      shipments: [inTransit()],
    });
    const byOrder = await conversation()(`order ${orderNumberOf(order)} postcode sw1a1aa`);
    expect(byOrder.shipments).toHaveLength(1);
    const byTracking = await conversation()(`${shipments[0].trackingNumber} SW1A 1AA`);
    expect(byTracking.shipments.map((s: { id: string }) => s.id)).toEqual([shipments[0].id]);
  });

  it('gives the same answer for an unknown order and a wrong email, and locks after five failures', async () => {
    const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
    const ip = newIp();
    const chat = conversation(ip);
    const unknown = await chat('order 99999999 nobody@example.com');
    const wrong = await chat(`order ${orderNumberOf(order)} nobody@example.com`);
    expect(unknown.reply).toBe(wrong.reply);
    expect(unknown.shipments).toEqual([]);
    await chat(`order ${orderNumberOf(order)} wrong1@example.com`);
    await chat(`order ${orderNumberOf(order)} wrong2@example.com`);
    const fifth = await chat(`order ${orderNumberOf(order)} wrong3@example.com`);
    expect(fifth.reply).toMatch(/too many attempts.*60 minutes/i);
    const correct = await chat(`order ${orderNumberOf(order)} ${customer.email}`);
    expect(correct.reply).toMatch(/too many attempts/i);
    expect(correct.shipments).toEqual([]);

    // The lock follows the client too: a fresh session from the same address is still locked.
    const again = await conversation(ip)(`order ${orderNumberOf(order)} ${customer.email}`);
    expect(again.shipments).toEqual([]);
    expect(again.reply).toMatch(/too many attempts/i);

    const failures = await t.db.getRepository(VerificationFailure).findBy({ sessionId: unknown.sessionId });
    expect(failures).toHaveLength(5);
    expect(failures[0].clientHash).toMatch(/^[0-9a-f]{64}$/);
    expect(failures[0].clientHash).not.toContain(ip);
  });

  it('counts guesses sent all at once: no more than five are checked from one address', async () => {
    const { order } = await createOrder(t.db, { shipments: [inTransit()] });
    const ip = newIp();
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => say(`order ${orderNumberOf(order)} guess${i}@example.com`, { ip })),
    );
    for (const r of replies) {
      expect(r.status).toBe(200);
      expect(r.body.shipments).toEqual([]);
    }
    const clientHash = (
      await t.db.getRepository(VerificationFailure).findOneByOrFail({ sessionId: replies[0].body.sessionId })
    ).clientHash;
    expect(await t.db.getRepository(VerificationFailure).countBy({ clientHash })).toBe(5);
    // The three guesses beyond the count are refused unchecked; of the five checked, the one that used up the
    // client's count and the one that used up the order's (the same guess or two) already say so.
    const locked = replies.filter((r) => /too many attempts/i.test(r.body.reply)).length;
    expect(locked).toBeGreaterThanOrEqual(4);
    expect(locked).toBeLessThanOrEqual(5);
  });

  it('a guess refused at an address that is out of attempts uses up nothing of the order it names', async () => {
    // Straight at the counters, as guesses in flight at once meet them: each passed the lock check before any was
    // counted, then the address's count refuses this one. It must not take one of the order's five points too.
    const limiter = t.app.get(ChatLimiter);
    const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
    const ip = newIp();
    for (let i = 0; i < 5; i++) {
      const taken = await limiter.reserve({
        sessionId: randomUUID(),
        clientIp: ip,
        identifier: `OTHER-${i}`,
      });
      expect(taken.locked).toBe(false);
    }
    const refused = await limiter.reserve({
      sessionId: randomUUID(),
      clientIp: ip,
      identifier: orderNumberOf(order),
    });
    expect(refused.locked).toBe(true);
    // The order's five checks are all still there: four wrong guesses from elsewhere, then the right one.
    const chat = conversation(newIp());
    for (let i = 0; i < 4; i++) {
      expect((await chat(`order ${orderNumberOf(order)} other${i}@example.com`)).reply).not.toMatch(
        /too many/i,
      );
    }
    const right = await chat(`order ${orderNumberOf(order)} ${customer.email}`);
    expect(right.shipments).toHaveLength(1);
  });

  it('trusts a storefront token for the customer, and ignores a badly signed one', async () => {
    const { customer, shipments } = await createOrder(t.db, { shipments: [inTransit()] });
    const good = jwt.sign({ sub: customer.id }, TOKEN_SECRET, {
      algorithm: 'HS256',
      expiresIn: '10m',
      audience: 'wismo-chat',
    });
    const res = await conversation(newIp(), good)('where is my order?');
    expect(res.shipments.map((s: { id: string }) => s.id)).toEqual([shipments[0].id]);

    const forged = jwt.sign({ sub: customer.id }, 'not-the-secret-at-all', { algorithm: 'HS256' });
    const refused = await conversation(newIp(), forged)('where is my order?');
    expect(refused.shipments).toEqual([]);
    expect(refused.reply).toMatch(/order number/);
  });

  it('answers each shipment of a multi-shipment order on its own, and follows up on the verified order', async () => {
    const { order, customer, shipments } = await createOrder(t.db, {
      shipments: [
        { ...inTransit(), carrier: 'fedex', trackingNumber: '123456789012' },
        {
          carrier: 'usps',
          trackingNumber: '9400111899223344556677',
          status: 'available_for_pickup',
          pickup: { name: 'Post Office Soho', address: 'Kiosk 1', deadline: '2031-05-12' },
          lastEventAt: new Date('2031-05-04T09:00:00Z'),
        },
        {
          carrier: 'dhl',
          trackingNumber: '1234567890',
          status: 'exception',
          exceptionReason: 'customs',
          eta: { date: '2031-05-09', windowStart: '2031-05-09T08:00:00Z', windowEnd: '2031-05-09T12:00:00Z' },
        },
      ],
    });
    const chat = conversation();
    const first = await chat(`#${orderNumberOf(order)} ${customer.email}`);
    expect(first.shipments).toHaveLength(3);
    expect(first.reply).toContain('3 parcels');
    expect(first.reply).toContain('Parcel 1 of 3 (FedEx 123456789012)');
    expect(first.reply).toContain('Parcel 2 of 3 (USPS 9400111899223344556677): Ready for pickup');
    expect(first.reply).toContain('Post Office Soho');
    expect(first.reply).toMatch(/collect it by .*(12 May|May 12)/);
    expect(first.reply).not.toContain('Kiosk 1');
    expect(first.reply).toMatch(/held in customs.*Next step/);
    expect(first.shipments[2].etaText).toMatch(/between 09:00 and 13:00|between 9:00 AM and 1:00 PM/);

    const eta = await chat('and when will it arrive?');
    expect(eta.intent).toBe('delivery_eta');
    expect(eta.shipments).toHaveLength(3);
    expect(eta.reply).toContain('Expected delivery');

    // Verified by one parcel's tracking number: the answer is about that parcel; "the other" means the rest.
    const focused = conversation();
    const one = await focused(`${shipments[0].trackingNumber} ${customer.email}`);
    expect(one.shipments.map((s: { id: string }) => s.id)).toEqual([shipments[0].id]);
    expect(one.quickReplies).toContain('What about the other parcel?');
    const rest = await focused('what about the other parcel?');
    expect(rest.shipments.map((s: { id: string }) => s.id)).toEqual([shipments[1].id, shipments[2].id]);
  });

  it('starts a new verification for a different order number', async () => {
    const a = await createOrder(t.db, { shipments: [inTransit()] });
    const b = await createOrder(t.db, { shipments: [inTransit()] });
    const chat = conversation();
    expect((await chat(`${orderNumberOf(a.order)} ${a.customer.email}`)).shipments).toHaveLength(1);
    const other = await chat(`and order ${orderNumberOf(b.order)}?`);
    expect(other.shipments).toEqual([]);
    expect(other.reply).toMatch(/email address or postcode/);
    const verified = await chat(b.customer.email as string);
    expect(verified.shipments.map((s: { id: string }) => s.id)).toEqual([b.shipments[0].id]);
  });

  it('never answers an out-of-scope question with tracking data, even when verified', async () => {
    const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
    const chat = conversation();
    await chat(`${orderNumberOf(order)} ${customer.email}`);
    const res = await chat('when will I get my refund?');
    expect(res.intent).toBe('refund_return');
    expect(res.shipments).toEqual([]);
    expect(res.reply).toContain('https://shop.example/returns');
    expect(res.reply).not.toContain('On its way');
  });

  it('walks a delivered-but-missing parcel through a checklist and offers a person', async () => {
    const { order, customer } = await createOrder(t.db, {
      shipments: [
        {
          status: 'delivered',
          deliveredAt: new Date('2031-05-02T11:30:00Z'),
          lastEventAt: new Date('2031-05-02T11:30:00Z'),
        },
      ],
    });
    const chat = conversation();
    await chat(`${orderNumberOf(order)} ${customer.email}`);
    const res = await chat("it says delivered but it's not here");
    expect(res.intent).toBe('delivery_problem');
    expect(res.reply).toMatch(/neighbours/);
    expect(res.reply).toMatch(/safe place/);
    expect(res.reply).toMatch(/household/);
    expect(res.quickReplies).toContain('Talk to a person');
  });

  it('records an address change before dispatch, and explains after dispatch', async () => {
    const early = await createOrder(t.db, { shipments: [{ status: 'pre_transit' }] });
    const chat = conversation();
    await chat(`${orderNumberOf(early.order)} ${early.customer.email}`);
    const res = await chat('can I change the delivery address?');
    expect(res.intent).toBe('change_address');
    expect(res.reply).toMatch(/hasn't shipped yet/);
    const requests = await t.db.getRepository(ChatRequest).findBy({ orderId: early.order.id });
    expect(requests.map((r) => r.kind)).toEqual(['change_address']);

    const late = await createOrder(t.db, { shipments: [inTransit()] });
    const chat2 = conversation();
    await chat2(`${orderNumberOf(late.order)} ${late.customer.email}`);
    const cancel = await chat2('please cancel my order');
    expect(cancel.intent).toBe('cancel_order');
    expect(cancel.reply).toMatch(/already shipped/);
    expect(cancel.quickReplies).toContain('Talk to a person');
    expect(await t.db.getRepository(ChatRequest).countBy({ orderId: late.order.id })).toBe(0);
  });

  it('hands off on request: a record for support, a signed webhook, and a reply that says what happens next', async () => {
    const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
    const chat = conversation();
    await chat(`${orderNumberOf(order)} ${customer.email}`);
    const res = await chat('I want to talk to a person');
    expect(res.intent).toBe('human_agent');
    expect(res.handoff).toMatchObject({ reason: 'requested', status: 'open' });
    expect(res.reply).toMatch(/support team.*reply/);

    const list = await t.http.get('/v1/chat/handoffs').set(bearer(t.adminKey)).expect(200);
    const listed = list.body.items.find((h: { id: string }) => h.id === res.handoff.id);
    expect(listed).toMatchObject({
      sessionId: res.sessionId,
      reason: 'requested',
      order: { number: order.externalId },
    });
    await t.http.get('/v1/chat/handoffs').expect(401);

    const hook = await waitFor('hand-off webhook', async () =>
      received.find((r) => r.body.includes(res.handoff.id)),
    );
    const result = verifyStandardWebhook(
      Buffer.from(hook.body),
      {
        id: hook.headers['webhook-id'] as string,
        timestamp: hook.headers['webhook-timestamp'] as string,
        signature: hook.headers['webhook-signature'] as string,
      },
      HANDOFF_SECRET,
      new Date(),
    );
    expect(result).toEqual({ ok: true });
    const payload = JSON.parse(hook.body);
    expect(payload.order.number).toBe(order.externalId);
    expect(payload.transcript.map((m: { role: string }) => m.role)).toEqual([
      'shopper',
      'bot',
      'shopper',
      'bot',
    ]);
    await waitFor('webhook status', async () => {
      const after = await t.http.get('/v1/chat/handoffs').set(bearer(t.adminKey));
      return after.body.items.find(
        (h: { id: string; webhookStatus: string }) =>
          h.id === res.handoff.id && h.webhookStatus === 'delivered',
      );
    });

    const transcript = await t.http
      .get(`/v1/chat/sessions/${res.sessionId}`)
      .set(bearer(t.adminKey))
      .expect(200);
    expect(transcript.body.messages).toHaveLength(4);
    expect(transcript.body).toMatchObject({ verified: true, orderId: order.id });
  });

  it('hands off after two low-confidence turns in a row', async () => {
    const chat = conversation();
    const first = await chat('blorp');
    expect(first.handoff).toBeNull();
    expect(first.reply).toMatch(/didn't understand/);
    const second = await chat('asdf qwer');
    expect(second.handoff).toMatchObject({ reason: 'low_confidence' });
    expect(second.reply).toMatch(/person will reply/);
  });

  it('validates input with field names, and starts a new session for an unknown id', async () => {
    const ip = newIp();
    const empty = await say('', { ip });
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toContain('message');
    const long = await say('x'.repeat(1001), { ip });
    expect(long.status).toBe(400);
    const bad = await t.http
      .post('/v1/chat/messages')
      .set('X-Forwarded-For', ip)
      .send({ message: 'hi', sessionId: 'nope', locale: 'not a locale!' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['locale', 'sessionId']);
    const unknown = '6f1c1e9e-0000-4000-8000-000000000000';
    const fresh = await say('hi', { ip, sessionId: unknown, locale: 'es-MX' });
    expect(fresh.status).toBe(200);
    expect(fresh.body.sessionId).not.toBe(unknown);
    expect(fresh.body.intent).toBe('greeting');
  });

  it('replies in Spanish for a Spanish shopper', async () => {
    const res = await conversation()('hola, dónde está mi pedido?');
    expect(res.reply).toMatch(/número de pedido/);
    expect(res.quickReplies).toEqual([]);
  });

  it('keeps the conversation in Spanish when the next message has no words, even from an English page', async () => {
    const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
    const chat = conversation();
    expect((await chat('¿dónde está mi pedido?', 'en-US')).reply).toMatch(/número de pedido/);
    const verified = await chat(`${order.externalId} ${customer.email}`, 'en-US');
    expect(verified.shipments).toHaveLength(1);
    expect(verified.reply).toContain(`Este es el pedido ${order.externalId}`);
    expect(verified.reply).toContain('En camino');
  });

  it('answers CORS preflight for allowed store origins only', async () => {
    const ok = await t.http
      .options('/v1/chat/messages')
      .set('Origin', STORE)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(STORE);
    const post = await say('hi', { ip: newIp() }).set('Origin', STORE);
    expect(post.headers['access-control-allow-origin']).toBe(STORE);
    const other = await t.http.options('/v1/chat/messages').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rate-limits per IP with 429 and Retry-After', async () => {
    const ip = newIp();
    for (let i = 0; i < 30; i++) {
      const res = await say('', { ip });
      expect(res.status).toBe(400);
    }
    const limited = await say('hi', { ip });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await say('hi', { ip: newIp() })).status).toBe(200);
  });

  it('answers inbound SMS from the same bot, verified by the phone on the order, in at most two segments', async () => {
    const phone = '+447700900123';
    const { order } = await createOrder(t.db, {
      customer: { phone },
      shipments: [
        { ...inTransit(), trackingNumber: '1Z999AA10123456784' },
        { ...inTransit(), carrier: 'fedex', trackingNumber: '123456789013' },
      ],
    });
    const handler = t.app.get(ChannelHooks).inboundSms!;
    const reply = await handler.reply(phone, 'where is my order?');
    expect(reply).toContain(order.externalId);
    expect(reply).toContain('On its way');
    expect(analyzeSms(reply).segments).toBeLessThanOrEqual(2);
    const followUp = await handler.reply(phone, 'when will it arrive?');
    expect(followUp).toContain('Expected delivery');
    expect(analyzeSms(followUp).segments).toBeLessThanOrEqual(2);

    const stranger = await handler.reply('+447700900999', `where is order ${orderNumberOf(order)}?`);
    expect(stranger).not.toContain('On its way');
    expect(stranger).toMatch(/email address or postcode/);
  });

  describe('dialogue (issue 18)', () => {
    let seq = 0;
    /** A store-shaped number (WS- and six digits, leading zeros) unique within the run. */
    const storeNumber = () => `WS-00${String((Date.now() + seq++) % 10000).padStart(4, '0')}`;

    it('reads an order number as shoppers type it ("ws9307") and keeps the verified order', async () => {
      const orderNumber = storeNumber();
      const typed = `ws${orderNumber.slice(5)}`;
      const { customer } = await createOrder(t.db, {
        orderNumber,
        shipments: [{ ...inTransit(), status: 'returned' }],
      });
      const chat = conversation();
      const first = await chat(`${typed} ${customer.email}`);
      expect(first.shipments).toHaveLength(1);
      expect(first.reply).toContain(orderNumber);
      // The email again, after verification: still about the same order, not "send your order number".
      const again = await chat(String(customer.email));
      expect(again.reply).toContain(orderNumber);
      expect(again.shipments).toHaveLength(1);
      const why = await chat('it says returned?? why');
      expect(why.reply).toContain('Being returned to us');
      expect(why.reply).not.toMatch(/order number/);
    });

    it('tells a postcode from an order number by shape and by what it asked for', async () => {
      const orderNumber = storeNumber();
      const { order } = await createOrder(t.db, {
        orderNumber,
        customer: { postcode: '28013' },
        shipments: [inTransit()],
      });
      const together = await conversation()(`${order.externalId} 28013`);
      expect(together.shipments).toHaveLength(1);

      const chat = conversation();
      await chat(`where is order ${order.externalId}?`);
      const postcode = await chat('28013');
      expect(postcode.shipments).toHaveLength(1);
    });

    it('answers "ok" with an acknowledgement and thanks with "you\'re welcome"', async () => {
      const chat = conversation();
      const ok = await chat('ok');
      expect(ok.intent).toBe('acknowledge');
      expect(ok.reply).not.toMatch(/welcome/i);
      const thanks = await chat('thanks!');
      expect(thanks.reply).toMatch(/welcome/i);
    });

    it.each([
      ['when will I get my refund', 'refund_return', 'https://shop.example/returns'],
      ['when will I be charged', 'payment', 'https://shop.example/payments'],
      ['where is my invoice', 'invoice', 'https://shop.example/invoices'],
      ['my account shows my order as cancelled', 'account', 'https://example.com/help'],
      ['quiero devolver el pedido y que me reembolsen', 'refund_return', 'https://shop.example/returns'],
      ['Wann bekomme ich mein Geld zurück?', 'refund_return', 'https://shop.example/returns'],
    ])(
      'points "%s" (%s) to the store page, never to tracking, even when verified',
      async (text, intent, url) => {
        const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
        const chat = conversation();
        await chat(`${orderNumberOf(order)} ${customer.email}`);
        const res = await chat(text);
        expect(res.intent).toBe(intent);
        expect(res.shipments).toEqual([]);
        expect(res.reply).toContain(url);
        expect(res.reply).not.toMatch(/On its way|En camino|Unterwegs/);
      },
    );

    it('answers German and French in their language', async () => {
      const de = await conversation()('Wo ist meine Bestellung?');
      expect(de.intent).toBe('track_order');
      expect(de.reply).not.toMatch(/nicht verstanden/);
      expect(de.reply).toMatch(/Bestellnummer/);
      const fr = await conversation()('Où est mon colis ?');
      expect(fr.intent).toBe('track_order');
      expect(fr.reply).toMatch(/commande/);
    });

    it('answers each request of one message', async () => {
      const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
      const chat = conversation();
      await chat(`${orderNumberOf(order)} ${customer.email}`);
      const both = await chat('where is it and can I change the address?');
      expect(both.reply).toContain('On its way');
      expect(both.reply).toMatch(/already shipped, so I can't change the address/);
      const withRefund = await chat('when will it arrive, and when do I get my refund for the last one?');
      expect(withRefund.reply).toContain('Expected delivery');
      expect(withRefund.reply).toContain('https://shop.example/returns');
    });

    it('links our tracking page from the card instead of pasting a link into the web reply', async () => {
      const { order, customer } = await createOrder(t.db, { shipments: [inTransit()] });
      const res = await conversation()(`${orderNumberOf(order)} ${customer.email}`);
      expect(res.shipments[0].trackingUrl).toMatch(/^http:\/\/wismo\.test\/t\/[A-Za-z0-9_-]{22}\?s=chat$/);
      expect(res.reply).not.toContain('/t/');
      expect(res.reply).not.toContain('https://www.ups.com');
    });

    it('stores a first turn, session and both lines, and serves the transcript to the session holder', async () => {
      const first = await conversation()('where is my order?');
      const transcript = await t.http.get(`/v1/chat/sessions/${first.sessionId}/transcript`);
      expect(transcript.status).toBe(200);
      expect(transcript.body.messages.map((m: { role: string }) => m.role)).toEqual(['shopper', 'bot']);
      expect(transcript.body.messages[0].text).toBe('where is my order?');
      expect(transcript.body.messages[1].text).toBe(first.reply);
      const unknown = await t.http.get('/v1/chat/sessions/6f1c1e9e-0000-4000-8000-000000000001/transcript');
      expect(unknown.status).toBe(404);
    });
  });
});
