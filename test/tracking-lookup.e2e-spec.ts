import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { TrackingLinks } from '../src/links/tracking-links.service';
import { encodeGrant, GRANT_TTL_SECONDS } from '../src/tracking-page/order-grant';
import { verifyStandardWebhook } from '../src/tracking/webhook-signature';
import { launchBrowser } from './support/browser';
import { bearer, serve, startTestApp, TestApp, waitFor } from './support/test-app';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const HOOK_SECRET = 'case-webhook-secret-0123';
const SUPPORT_URL = 'https://help.acme.test/contact';

interface Hook {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** The second tier of the tracking page: the order lookup at /track and the whole order at /track/order. */
describe('the order lookup (/track)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let hookServer: Server;
  const hooks: Hook[] = [];
  /** The receiver's next answers (then 200). */
  const hookAnswers: number[] = [];
  let ipCounter = 0;
  /** Each test plays its own client address, so one test's lock-out never blocks another. */
  const nextIp = () => `198.51.100.${++ipCounter}`;
  const run = randomUUID().slice(0, 6).toUpperCase();

  async function placeOrder(suffix: string, customer: Record<string, string> = {}) {
    const number = `LK-${run}-${suffix}`;
    const res = await t.http
      .put(`/v1/orders/${number}`)
      .set(bearer(t.adminKey))
      .send({
        customer: {
          name: 'Alexandra Whitfield',
          email: `alexandra.${suffix.toLowerCase()}.${run.toLowerCase()}@example.com`,
          phone: '+12025550143',
          timeZone: 'America/New_York',
          country: 'US',
          locale: 'en-US',
          postcode: 'SW1A 1AA',
          ...customer,
        },
        shipments: [
          { carrier: 'UPS', trackingNumber: `1Z${run}${suffix}A`.replace(/[^A-Z0-9]/g, '').padEnd(18, '7') },
          { carrier: 'DHL', trackingNumber: `JD${run}${suffix}B`.replace(/[^A-Z0-9]/g, '').padEnd(20, '4') },
        ],
      });
    expect(res.status).toBe(201);
    const [row] = await t.db.query(
      `SELECT id, customer_id AS "customerId", contact_email AS email FROM orders WHERE external_id = $1`,
      [number],
    );
    return { number, id: row.id as string, customerId: row.customerId as string, email: row.email as string };
  }

  const post = (fields: Record<string, string>, ip = nextIp(), cookie?: string) => {
    const req = t.http.post('/track').type('form').set('X-Forwarded-For', ip).send(fields);
    if (cookie) req.set('cookie', cookie);
    return req;
  };

  /** Signs in with order + contact and answers the grant cookie ("name=value"). */
  async function signIn(order: string, contact: string): Promise<string> {
    const res = await post({ order, contact });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/track/order');
    const grant = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('wismo_order='),
    );
    expect(grant).toMatch(/; HttpOnly; SameSite=Strict/);
    expect(grant).toMatch(/Max-Age=1800/);
    return grant!.split(';')[0];
  }

  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  beforeAll(async () => {
    hookServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const status = hookAnswers.shift() ?? 200;
        hooks.push({ headers: req.headers, body, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
    const port = (hookServer.address() as { port: number }).port;
    t = await startTestApp({
      queue: 'redis',
      env: {
        QUIET_HOURS: 'off',
        BRAND_NAME: 'Acme Outdoor',
        SUPPORT_URL,
        HANDOFF_WEBHOOK_URL: `http://127.0.0.1:${port}/cases`,
        HANDOFF_WEBHOOK_SECRET: HOOK_SECRET,
        TRUST_PROXY: 'loopback',
      },
    });
    base = await serve(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((r) => hookServer?.close(r));
  });

  it('shows a form in the shopper language', async () => {
    const en = await t.http.get('/track');
    expect(en.status).toBe(200);
    expect(en.text).toContain('Find your order');
    expect(en.text).toMatch(/<form class="lookup card" method="post" action="\/track"/);
    expect(en.text).toContain('name="order"');
    expect(en.text).toContain('name="contact"');
    expect((await t.http.get('/track?lang=es')).text).toContain('Encuentra tu pedido');
    expect((await t.http.get('/track').set('accept-language', 'fr-CH, de;q=0.5')).text).toContain(
      'Retrouver votre commande',
    );
    const de = await t.http.get('/track?lang=de');
    expect(de.text).toContain('<html lang="de">');
    expect(de.headers['set-cookie']?.[0]).toMatch(/^wismo_lang=de; Path=\/track/);
    expect((await t.http.get('/track').set('cookie', 'wismo_lang=de')).text).toContain('Bestellung finden');
  });

  it('finds an order by email and shows the whole order, email and phone masked', async () => {
    const order = await placeOrder('EMAIL');
    const grant = await signIn(order.number, order.email.toUpperCase());
    const res = await t.http.get('/track/order').set('cookie', grant);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toMatch(/no-store/);
    const html = res.text;
    expect(html).toContain(`Your order ${order.number}`);
    expect(html).toContain('Parcel 1: ');
    expect(html).toContain('Parcel 2: ');
    expect(html).toMatch(/href="\/t\/[A-Za-z0-9_-]{22}\?s&#x3D;lookup"/); // "=" escaped by Handlebars
    expect(html).toContain('SW1A 1AA');
    expect(html).toContain('>US<');
    expect(html).toContain('a•••@e•••.com');
    expect(html).toContain('•••• 0143');
    for (const personal of [order.email, '2025550143', 'Whitfield']) expect(html).not.toContain(personal);
    // Renewed on use: a fresh 30-minute cookie with every page.
    expect(String(res.headers['set-cookie'])).toMatch(
      /wismo_order=.*Max-Age=1800; HttpOnly; SameSite=Strict/,
    );
    // The parcel link works and is counted as a lookup view.
    const href = /href="(\/t\/[^"]+)"/.exec(html)![1].replace('&#x3D;', '=');
    expect((await t.http.get(href)).status).toBe(200);
    // Views are written about once a second (TrackingPageViews).
    const views = await waitFor(
      'the lookup view written',
      async () => {
        const [{ n }] = await t.db.query(
          `SELECT coalesce(sum(views), 0)::int AS n FROM tracking_page_views v JOIN shipments s ON s.id = v.shipment_id
            WHERE s.order_id = $1 AND v.source = 'lookup'`,
          [order.id],
        );
        return n > 0 ? (n as number) : null;
      },
      5000,
    );
    expect(views).toBe(1);
  });

  it('finds an order by postcode, however it is written', async () => {
    const order = await placeOrder('POST');
    const grant = await signIn(order.number.toLowerCase(), 'sw1a-1aa');
    expect((await t.http.get('/track/order').set('cookie', grant)).text).toContain(
      `Your order ${order.number}`,
    );
  });

  it('answers a wrong contact and a missing order the same: status, body and time', async () => {
    const order = await placeOrder('SAME');
    await post({ order: `LK-WARM-${run}`, contact: 'warm@example.com' }); // warm-up
    const wrong: number[] = [];
    const missing: number[] = [];
    let wrongRes, missingRes;
    for (let i = 0; i < 4; i++) {
      let started = performance.now();
      wrongRes = await post({ order: order.number, contact: 'someone.else@example.com' });
      wrong.push(performance.now() - started);
      started = performance.now();
      missingRes = await post({ order: `LK-${run}-NONE${i}`, contact: 'someone.else@example.com' });
      missing.push(performance.now() - started);
    }
    expect(wrongRes!.status).toBe(422);
    expect(missingRes!.status).toBe(422);
    expect(wrongRes!.text).toBe(missingRes!.text);
    expect(wrongRes!.text).toContain('find an order with these details.');
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(Math.abs(median(wrong) - median(missing))).toBeLessThan(50);
    // Empty fields are a different answer, and not counted as a guess.
    expect((await post({ order: order.number, contact: '' })).status).toBe(400);
  });

  it('locks out after the configured failures, saying how long and where to get help', async () => {
    const order = await placeOrder('LOCK');
    const ip = nextIp();
    const answers: number[] = [];
    for (let i = 0; i < 5; i++)
      answers.push((await post({ order: order.number, contact: `x${i}@example.com` }, ip)).status);
    expect(answers).toEqual([422, 422, 422, 422, 429]);
    // Even the right email is refused now, from this client and for this order from any client.
    for (const from of [ip, nextIp()]) {
      const res = await post({ order: order.number, contact: order.email }, from);
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);
      expect(res.text).toMatch(/you can try again in (60|59) minutes/);
      expect(res.text).toContain(`href="${SUPPORT_URL}"`);
    }
    const es = await post({ order: order.number, contact: order.email, lang: 'es' }, ip);
    expect(es.text).toMatch(/dentro de (60|59) minutos/);
  });

  it('refuses a forged cookie, another order in a genuine-looking cookie, and an expired one', async () => {
    const mine = await placeOrder('MINE');
    const other = await placeOrder('OTHER');
    const grant = await signIn(mine.number, mine.email);
    const value = grant.slice('wismo_order='.length);
    const swapped = value.replace(mine.id, other.id);
    const links = t.app.get(TrackingLinks);
    const sign = (p: string, d: string) => links.sign(p, d);
    const [, chatSessionId] = value.split('.');
    const expired = encodeGrant(
      { orderId: mine.id, chatSessionId, expiresAt: Math.floor(Date.now() / 1000) - 1 },
      sign,
    );
    const forged = encodeGrant(
      { orderId: other.id, chatSessionId, expiresAt: Math.floor(Date.now() / 1000) + GRANT_TTL_SECONDS },
      (p, d) => links.sign(`${p}x`, d),
    );
    for (const bad of [swapped, expired, forged, 'garbage', `${value}x`]) {
      const res = await t.http.get('/track/order').set('cookie', `wismo_order=${bad}`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/track?expired=1');
    }
    expect((await t.http.get('/track/order')).headers.location).toBe('/track?expired=1');
    expect((await t.http.get('/track?expired=1')).text).toContain('please look up your order again');
  });

  it('refuses an action without the right CSRF token, and creates no case', async () => {
    const order = await placeOrder('CSRF');
    const grant = await signIn(order.number, order.email);
    const otherGrant = await signIn(order.number, order.email);
    const otherCsrf = csrfOf((await t.http.get('/track/order').set('cookie', otherGrant)).text);
    for (const csrf of [undefined, 'nope', otherCsrf]) {
      const res = await t.http
        .post('/track/order/instructions')
        .type('form')
        .set('cookie', grant)
        .send({ instructions: 'Leave it at the back door', ...(csrf ? { csrf } : {}) });
      expect(res.status).toBe(403);
      expect(res.text).toContain('This form has expired. Please try again.');
    }
    const noCookie = await t.http
      .post('/track/order/problem')
      .type('form')
      .send({ kind: 'damaged', csrf: otherCsrf });
    expect(noCookie.status).toBe(303);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM support_cases WHERE order_id = $1`, [
      order.id,
    ]);
    expect(n).toBe(0);
  });

  it('turns instructions and problems into cases in the support order API, and delivers them signed, retrying after a 500', async () => {
    const order = await placeOrder('CASE');
    const grant = await signIn(order.number, order.email);
    const html = (await t.http.get('/track/order').set('cookie', grant)).text;
    const csrf = csrfOf(html);
    const shipmentId = /<option value="([0-9a-f-]{36})">Parcel 2/.exec(html)![1];

    hookAnswers.push(500);
    const done = await t.http
      .post('/track/order/instructions')
      .type('form')
      .set('cookie', grant)
      .send({ csrf, instructions: 'Please leave it with the neighbour at number 12.' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/track/order?done=instructions');
    expect((await t.http.get(done.headers.location).set('cookie', grant)).text).toContain(
      'passed your delivery instructions on to our team',
    );
    const tooLong = await t.http
      .post('/track/order/instructions')
      .type('form')
      .set('cookie', grant)
      .send({ csrf, instructions: 'x'.repeat(501) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('Please keep it to 500 characters.');
    const problem = await t.http
      .post('/track/order/problem')
      .type('form')
      .set('cookie', grant)
      .send({ csrf, kind: 'damaged', shipment: shipmentId, details: 'The box was crushed.' });
    expect(problem.headers.location).toBe('/track/order?done=problem');
    expect(
      (
        await t.http
          .post('/track/order/problem')
          .type('form')
          .set('cookie', grant)
          .send({ csrf, kind: 'lost' })
      ).status,
    ).toBe(400);

    const api = await t.http.get(`/v1/orders/${order.number}/cases`).set(bearer(t.adminKey));
    expect(api.status).toBe(200);
    expect(api.body.cases).toEqual([
      expect.objectContaining({
        kind: 'damaged',
        details: 'The box was crushed.',
        source: 'tracking_page',
        shipment: expect.objectContaining({ id: shipmentId }),
      }),
      expect.objectContaining({
        kind: 'delivery_instructions',
        details: 'Please leave it with the neighbour at number 12.',
        shipment: null,
      }),
    ]);
    expect((await t.http.get(`/v1/orders/${order.number}/cases`)).status).toBe(401);

    // Delivered by the maintenance task; the receiver first fails (500), then the retry goes through.
    const runTask = async () => {
      await t.db.query(
        `UPDATE support_cases SET webhook_next_at = now() WHERE order_id = $1 AND webhook_status = 'pending'`,
        [order.id],
      );
      await t.http.post('/v1/system/maintenance/deliver-support-cases').set(bearer(t.adminKey)).expect(200);
    };
    const caseIds = api.body.cases.map((c: { id: string }) => c.id);
    await waitFor('both cases delivered', async () => {
      await runTask();
      const rows = await t.db.query(`SELECT webhook_status AS s FROM support_cases WHERE order_id = $1`, [
        order.id,
      ]);
      return rows.every((r: { s: string }) => r.s === 'delivered') || undefined;
    });
    const mine = hooks.filter((h) => caseIds.some((id: string) => h.body.includes(id)));
    // Whichever case met the 500 (the scheduled run may post the other one first) was retried with the same id.
    const retriedId: string = caseIds.find((id: string) =>
      mine.some((h) => h.status === 500 && h.body.includes(id)),
    );
    const retried = mine.filter((h) => h.body.includes(retriedId));
    expect(retried.map((h) => h.status)).toEqual([500, 200]);
    expect(new Set(retried.map((h) => h.headers['webhook-id'])).size).toBe(1);
    for (const hook of mine) {
      expect(
        verifyStandardWebhook(
          Buffer.from(hook.body),
          {
            id: hook.headers['webhook-id'] as string,
            timestamp: hook.headers['webhook-timestamp'] as string,
            signature: hook.headers['webhook-signature'] as string,
          },
          HOOK_SECRET,
          new Date(),
        ),
      ).toEqual({ ok: true });
    }
    const payload = JSON.parse(mine.find((h) => h.body.includes(caseIds[1]) && h.status === 200)!.body);
    expect(payload).toMatchObject({
      type: 'tracking_page.case',
      case: { kind: 'delivery_instructions', source: 'tracking_page' },
      order: { number: order.number },
    });
    expect(payload.order.shipments).toHaveLength(2);
    const [{ attempts }] = await t.db.query(
      `SELECT webhook_attempts AS attempts FROM support_cases WHERE id = $1`,
      [retriedId],
    );
    expect(attempts).toBe(2);
  });

  it('changes the message preferences, through the customer preferences support sees', async () => {
    const order = await placeOrder('PREF');
    const grant = await signIn(order.number, order.email);
    const html = (await t.http.get('/track/order').set('cookie', grant)).text;
    expect(html).toMatch(/id="pref-sms" name="sms" checked/);
    expect(html).toMatch(/id="pref-email" name="email" checked/);
    const res = await t.http
      .post('/track/order/preferences')
      .type('form')
      .set('cookie', grant)
      .send({ csrf: csrfOf(html), sms: 'on' });
    expect(res.headers.location).toBe('/track/order?done=preferences');
    const prefs = await t.http.get(`/v1/customers/${order.customerId}/preferences`).set(bearer(t.adminKey));
    expect(prefs.body.preferences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: '*', channel: 'email', enabled: false }),
        expect.objectContaining({ type: '*', channel: 'sms', enabled: true }),
      ]),
    );
    const after = (await t.http.get(res.headers.location).set('cookie', grant)).text;
    expect(after).toContain('Your choices are saved.');
    expect(after).toMatch(/id="pref-sms" name="sms" checked/);
    expect(after).not.toMatch(/id="pref-email" name="email" checked/);
  });

  it('speaks the order page in the customer locale, or as picked', async () => {
    const order = await placeOrder('LANG', { locale: 'de-DE' });
    const grant = await signIn(order.number, order.email);
    const de = (await t.http.get('/track/order').set('cookie', grant)).text;
    expect(de).toContain(`Ihre Bestellung ${order.number}`);
    expect(de).toContain('Lieferhinweise');
    expect((await t.http.get('/track/order?lang=fr').set('cookie', grant)).text).toContain(
      `Votre commande ${order.number}`,
    );
    expect((await t.http.get('/track/order?lang=es').set('cookie', grant)).text).toContain(
      'Informar de un problema',
    );
    expect((await t.http.get('/track/order?lang=en').set('cookie', grant)).text).toContain(
      'Report a problem',
    );
  });

  it('signs out: the cookie is cleared', async () => {
    const order = await placeOrder('OUT');
    const grant = await signIn(order.number, order.email);
    const res = await t.http.get('/track/sign-out').set('cookie', grant);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/track?signed_out=1');
    expect(String(res.headers['set-cookie'])).toMatch(/wismo_order=; Path=\/track; Max-Age=0/);
    // The chat session the page opened is no longer verified for the order.
    const chatSessionId = grant.split('.')[1];
    const [session] = await t.db.query(
      `SELECT order_id AS "orderId", verified_customer_id AS "customerId" FROM chat_sessions WHERE id = $1`,
      [chatSessionId],
    );
    expect(session).toEqual({ orderId: null, customerId: null });
    // A copy of the cookie is void too.
    expect((await t.http.get('/track/order').set('cookie', grant)).headers.location).toBe('/track?expired=1');
  });

  async function axe(tab: Page): Promise<string[]> {
    await tab.evaluate(AXE_SOURCE);
    const result = await tab.evaluate(() =>
      (
        window as unknown as {
          axe: { run(d: Document, o: object): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
        }
      ).axe.run(document, { resultTypes: ['violations'] }),
    );
    return result.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes)}`);
  }

  it('works without JavaScript in Chromium: look up, act, read the result', async () => {
    const order = await placeOrder('NOJS');
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 360, height: 740 },
      extraHTTPHeaders: { 'X-Forwarded-For': nextIp() },
    });
    const tab = await context.newPage();
    try {
      await tab.goto(`${base}/track`);
      await tab.getByLabel('Order number').fill(order.number);
      await tab.getByLabel('Email or postcode').fill('SW1A 1AA');
      await tab.getByRole('button', { name: 'Find my order' }).click();
      await tab.getByRole('heading', { name: `Your order ${order.number}` }).waitFor();
      await tab.getByLabel('Instructions for the courier (up to 500 characters)').fill('Ring twice, please.');
      await tab.getByRole('button', { name: 'Send instructions' }).click();
      await tab.getByText("we've passed your delivery instructions on to our team").waitFor();
      expect(new URL(tab.url()).pathname).toBe('/track/order');
    } finally {
      await context.close();
    }
  });

  it('is accessible (axe-core: 0 violations) and usable at 360 px, and hands the chat a verified session', async () => {
    const order = await placeOrder('AXE');
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      extraHTTPHeaders: { 'X-Forwarded-For': nextIp() },
    });
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (err) => problems.push(err.message));
    try {
      await tab.goto(`${base}/track`);
      expect(await axe(tab)).toEqual([]);
      // The error state too (a failed lookup).
      await tab.getByLabel('Order number').fill(order.number);
      await tab.getByLabel('Email or postcode').fill('wrong@example.com');
      await tab.getByRole('button', { name: 'Find my order' }).click();
      await tab.getByRole('alert').waitFor();
      expect(await axe(tab)).toEqual([]);
      await tab.getByLabel('Order number').fill(order.number);
      await tab.getByLabel('Email or postcode').fill(order.email);
      await tab.getByRole('button', { name: 'Find my order' }).click();
      await tab.getByRole('heading', { name: `Your order ${order.number}` }).waitFor();
      await tab.waitForLoadState('networkidle');
      expect(
        await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
      expect(await axe(tab)).toEqual([]);
      expect(problems).toEqual([]);

      // The widget resumes the session the page opened, which is verified for this order.
      const sessionId = await tab.evaluate(() => sessionStorage.getItem('wismo-chat-session'));
      expect(sessionId).toBe(await tab.locator('#order').getAttribute('data-chat-session'));
      const [session] = await t.db.query(
        `SELECT order_id AS "orderId", verified_customer_id AS "customerId" FROM chat_sessions WHERE id = $1`,
        [sessionId],
      );
      expect(session).toEqual({ orderId: order.id, customerId: order.customerId });
      const chat = await t.http
        .post('/v1/chat/messages')
        .set('X-Forwarded-For', nextIp())
        .send({ sessionId, message: 'Where is my order?' });
      expect(chat.status).toBe(200);
      expect(chat.body.sessionId).toBe(sessionId);
      expect(chat.body.shipments?.length).toBe(2);
    } finally {
      await context.close();
    }
  });
  it('shows the cases to support on /admin/orders, as text', async () => {
    const order = await placeOrder('SUPP');
    const grant = await signIn(order.number, order.email);
    const csrf = csrfOf((await t.http.get('/track/order').set('cookie', grant)).text);
    await t.http
      .post('/track/order/problem')
      .type('form')
      .set('cookie', grant)
      .send({ csrf, kind: 'wrong_item', details: 'Got <b>blue</b> boots, ordered red.' })
      .expect(303);
    const context = await browser.newContext();
    const tab = await context.newPage();
    try {
      await tab.goto(`${base}/admin/orders`);
      await tab.getByLabel('API key').fill(t.adminKey);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByLabel('Order number, tracking number, email or phone').fill(order.number);
      await tab.getByRole('button', { name: 'Search', exact: true }).click();
      await tab.locator(`#results button[data-order="${order.number}"]`).click();
      const item = tab.locator('#cases > li[data-case]');
      await item.first().waitFor();
      expect(await item.count()).toBe(1);
      const text = await item.textContent();
      expect(text).toContain('wrong item');
      expect(text).toContain('Got <b>blue</b> boots, ordered red.');
      expect(await tab.locator('#cases b').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
