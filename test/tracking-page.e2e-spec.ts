import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { signTrackingToken } from '../src/links/tracking-link';
import { TrackingLinks } from '../src/links/tracking-links.service';
import { DeliveryEstimates } from '../src/predictions/delivery-estimates.service';
import { launchBrowser } from './support/browser';
import { bearer, serve, startTestApp, TestApp, waitFor } from './support/test-app';
import { postGenericEvent } from './support/webhooks';

const SECRET = 'generic-secret-for-tracking-page-tests';
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The shopper's tracking page reached by a signed link: what it shows, to whom, in which language, and for how long. */
describe('the tracking page (/t/<token>)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const order = `WS-${randomUUID().slice(0, 6).toUpperCase()}`;
  const first = `1Z${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;
  const second = `JD${randomUUID().replace(/\D/g, '').padEnd(18, '7').slice(0, 18)}`;
  const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const later = new Date(Date.now() + 4 * 86_400_000).toISOString().slice(0, 10);

  const tokenOf = async (trackingNumber: string) => {
    const [{ ref }] = await t.db.query(`SELECT link_ref AS ref FROM shipments WHERE tracking_number = $1`, [
      trackingNumber,
    ]);
    return t.app.get(TrackingLinks).tokenFor(ref);
  };
  const page = (token: string, query = '', headers: Record<string, string> = {}) => {
    const req = t.http.get(`/t/${token}${query}`);
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req;
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: { GENERIC_WEBHOOK_SECRET: SECRET, QUIET_HOURS: 'off', BRAND_NAME: 'Acme Outdoor' },
    });
    const res = await t.http
      .put(`/v1/orders/${order}`)
      .set(bearer(t.adminKey))
      .send({
        customer: {
          name: 'Alexandra Whitfield',
          email: 'alexandra.whitfield@example.com',
          phone: '+12025550143',
          timeZone: 'America/New_York',
          country: 'US',
          locale: 'en-US',
        },
        promisedDate: tomorrow,
        shipments: [
          { carrier: 'UPS', trackingNumber: first },
          { carrier: 'DHL', trackingNumber: second },
        ],
      });
    expect(res.status).toBe(201);
    await postGenericEvent(t, SECRET, {
      carrier: 'ups',
      trackingNumber: first,
      status: 'in_transit',
      description: 'Departed facility',
      location: '1200 Industrial Rd, Hodgkins, IL 60525',
      occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
      eta: { date: later },
    });
    base = await serve(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the parcel: status, progress, the later date as a delay, carrier, number and which parcel it is', async () => {
    const res = await page(await tokenOf(first));
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const html = res.text;
    expect(html).toContain('On its way');
    expect(html).toContain('Parcel 1 of 2');
    expect(html).toContain(`Order ${order}`);
    expect(html).toMatch(/Running late: now expected .* \(previously .*\)/);
    expect(html).toContain('UPS');
    expect(html).toContain(first);
    expect(html).toContain('https://www.ups.com/'); // the carrier's own page, beside ours
    expect(html).toContain('Departed facility');
    expect(html).toContain('Hodgkins, IL'); // the city, not the street
    expect(html).not.toContain('1200 Industrial');
    expect(html).not.toContain('60525');
  });

  it('lists the scans newest first with their times, whatever order they arrived in', async () => {
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000);
    const scans = [
      { description: 'Arrived at hub', hoursAgo: 5 },
      { description: 'Out with courier', hoursAgo: 1 },
      { description: 'Picked up', hoursAgo: 20 }, // reported last, happened first
    ];
    const times = new Map<string, Date>();
    for (const [i, scan] of scans.entries()) {
      const occurredAt = at(scan.hoursAgo);
      occurredAt.setMilliseconds(123); // kept to the millisecond through the page's statement
      times.set(scan.description, occurredAt);
      await postGenericEvent(t, SECRET, {
        carrier: 'dhl',
        trackingNumber: second,
        status: i === 1 ? 'out_for_delivery' : 'in_transit',
        description: scan.description,
        location: 'Leipzig, DE',
        occurredAt: occurredAt.toISOString(),
      });
    }
    const html = (await page(await tokenOf(second))).text;
    const shown = ['Out with courier', 'Arrived at hub', 'Picked up'];
    const positions = shown.map((d) => html.indexOf(d));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const d of shown) expect(html).toContain(`<time datetime="${times.get(d)!.toISOString()}">`);
  });

  it("never shows the customer's name, email or phone", async () => {
    const html = (await page(await tokenOf(first))).text;
    for (const personal of ['Alexandra', 'Whitfield', 'alexandra.whitfield', '5550143']) {
      expect(html).not.toContain(personal);
    }
  });

  it('speaks the language asked for, picked, of the customer, or of the browser', async () => {
    const token = await tokenOf(first);
    expect((await page(token, '?lang=de')).text).toContain('Unterwegs');
    const picked = await page(token, '?lang=fr');
    expect(picked.headers['set-cookie']?.[0]).toMatch(/^wismo_lang=fr;/);
    expect((await page(token, '', { cookie: 'wismo_lang=fr' })).text).toContain('En route');
    // The customer's locale (en-US) comes before the browser's.
    expect((await page(token, '', { 'accept-language': 'es-ES,es;q=0.9' })).text).toContain('On its way');
    expect((await page(token, '?lang=es')).text).toContain('Seguir en la web de UPS');
    await t.db.query(`UPDATE orders SET contact_locale = 'xx' WHERE external_id = $1`, [order]);
    try {
      expect((await page(token, '', { 'accept-language': 'fr-CH, es;q=0.5' })).text).toContain('En route');
    } finally {
      await t.db.query(`UPDATE orders SET contact_locale = 'en-US' WHERE external_id = $1`, [order]);
    }
  });

  it('answers 404 for a tampered, guessed or foreign-key token, and 410 once expired', async () => {
    const token = await tokenOf(second);
    const tampered = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    expect((await page(tampered)).status).toBe(404);
    expect((await page('not-a-token')).status).toBe(404);
    const [{ ref }] = await t.db.query(`SELECT link_ref AS ref FROM shipments WHERE tracking_number = $1`, [
      second,
    ]);
    // Signed with another key: what every old link becomes when TRACKING_LINK_SECRET is rotated.
    expect((await page(signTrackingToken(BigInt(ref), randomBytes(32)))).status).toBe(404);
    for (let i = 0; i < 50; i++) expect((await page(randomBytes(16).toString('base64url'))).status).toBe(404);
    await t.db.query(
      `UPDATE shipments SET status = 'delivered', delivered_at = now() - interval '91 days' WHERE tracking_number = $1`,
      [second],
    );
    const gone = await page(token);
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('This tracking link has expired');
    await t.db.query(
      `UPDATE shipments SET delivered_at = now() - interval '89 days' WHERE tracking_number = $1`,
      [second],
    );
    expect((await page(token)).status).toBe(200);
  });

  const viewsOf = async (trackingNumber: string): Promise<Record<string, number>> => {
    const rows: { source: string; views: number }[] = await t.db.query(
      `SELECT source, sum(views)::int AS views FROM tracking_page_views v JOIN shipments s ON s.id = v.shipment_id
        WHERE s.tracking_number = $1 GROUP BY source ORDER BY source`,
      [trackingNumber],
    );
    return Object.fromEntries(rows.map((r) => [r.source, r.views]));
  };

  it('counts views per source, written within a few seconds, and answers 304 while nothing changed', async () => {
    const token = await tokenOf(first);
    const before = await viewsOf(first);
    const res = await page(token, '?s=email');
    await page(token, '?s=sms');
    await page(token, '?s=sms');
    // Counted in memory and written about once a second: nothing else triggers the write here.
    const counted = await waitFor(
      'the views written',
      async () => {
        const now = await viewsOf(first);
        const added = (s: string) => (now[s] ?? 0) - (before[s] ?? 0);
        return added('sms') >= 2 && added('email') >= 1 ? { sms: added('sms'), email: added('email') } : null;
      },
      5000,
    );
    expect(counted).toEqual({ sms: 2, email: 1 });
    const again = await page(token, '?s=sms', { 'if-none-match': res.headers.etag, 'x-wismo-live': '1' });
    expect(again.status).toBe(304);
  });

  it('adds up the views of several processes, and writes those counted just before a shutdown', async () => {
    const other = await startTestApp({ env: { GENERIC_WEBHOOK_SECRET: SECRET, QUIET_HOURS: 'off' } });
    try {
      const before = await viewsOf(second);
      const [{ ref }] = await t.db.query(`SELECT link_ref AS ref FROM shipments WHERE tracking_number = $1`, [
        second,
      ]);
      const here = t.app.get(TrackingLinks).tokenFor(ref);
      const there = other.app.get(TrackingLinks).tokenFor(ref);
      for (let i = 0; i < 3; i++) expect((await page(here, '?s=chat')).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await other.http.get(`/t/${there}?s=chat`)).status).toBe(200);
      // Closed at once: what its periodic write has not taken yet, the shutdown writes.
      await other.close();
      const added = await waitFor(
        'both processes written',
        async () => {
          const n = ((await viewsOf(second)).chat ?? 0) - (before.chat ?? 0);
          return n >= 7 ? n : null;
        },
        5000,
      );
      expect(added).toBe(7);
    } finally {
      await other.close();
    }
  });

  it("shows the store's own estimate, labelled, when the carrier gives no date", async () => {
    // Twelve past UPS parcels to the US, first scanned on successive weekdays and delivered 1–3 business days later.
    const transit = [1, 2, 2, 2, 3, 2, 1, 2, 3, 2, 2, 2];
    for (const [i, days] of transit.entries()) {
      const shipped = new Date(Date.UTC(2026, 9, 5 + i * 2)); // October, spread out
      const delivered = new Date(
        shipped.getTime() + (days + (shipped.getUTCDay() + days > 5 ? 2 : 0)) * 86_400_000,
      );
      const [{ id }] = await t.db.query(
        `INSERT INTO shipments (carrier, tracking_number, status, delivered_at) VALUES ('ups', $1, 'delivered', $2) RETURNING id`,
        [`1ZHIST${i}${randomUUID().slice(0, 6)}`, delivered],
      );
      await t.db.query(
        `INSERT INTO shipment_facts (shipment_id, carrier, destination_country, cohort_date, first_scan_at, status)
         VALUES ($1, 'ups', 'US', $2, $3, 'delivered')`,
        [id, shipped.toISOString().slice(0, 10), shipped],
      );
    }
    // The model learns deliveries loaded in bulk at its next training (every 15 minutes), now here.
    await t.app.get(DeliveryEstimates).retrain();
    const trackingNumber = `1Z${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;
    const res = await t.http
      .put(`/v1/orders/EST-${randomUUID().slice(0, 6)}`)
      .set(bearer(t.adminKey))
      .send({
        customer: {
          name: 'Sam Lee',
          email: 'sam.lee@example.com',
          timeZone: 'America/New_York',
          country: 'US',
        },
        shipments: [{ carrier: 'UPS', trackingNumber }],
      });
    expect(res.status).toBe(201);
    await postGenericEvent(t, SECRET, {
      carrier: 'ups',
      trackingNumber,
      status: 'in_transit',
      description: 'Origin scan',
      occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const html = (await page(await tokenOf(trackingNumber))).text;
    expect(html).toMatch(/Between .+ and .+, most likely .+/);
    expect(html).toContain('Our estimate from this store&#x27;s recent deliveries');
    expect(html).not.toContain('as soon as the carrier gives one');
  });

  async function open(path: string, width = 1280): Promise<{ tab: Page; problems: string[] }> {
    const tab = await browser.newPage({ viewport: { width, height: 800 } });
    const problems: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    tab.on('pageerror', (err) => problems.push(err.message));
    await tab.goto(`${base}${path}`);
    return { tab, problems };
  }

  it('updates itself in Chromium when a scan arrives, without a reload', async () => {
    const { tab, problems } = await open(`/t/${await tokenOf(first)}`);
    try {
      await tab.locator('h1.status', { hasText: 'On its way' }).waitFor();
      await tab.evaluate(() => {
        (window as unknown as { marker: number }).marker = 42;
      });
      await postGenericEvent(t, SECRET, {
        carrier: 'ups',
        trackingNumber: first,
        status: 'out_for_delivery',
        description: 'Out for delivery today',
        occurredAt: new Date().toISOString(),
      });
      await tab.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await tab.locator('h1.status', { hasText: 'Out for delivery' }).waitFor({ timeout: 10_000 });
      expect(await tab.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
      expect(await tab.locator('#live-status').innerText()).toBe('Updated with the latest scan.');
      expect(problems).toEqual([]);
    } finally {
      await tab.close();
    }
  });

  it('is accessible, usable at 360 px and light (under 100 KB)', async () => {
    const tab = await browser.newPage({ viewport: { width: 360, height: 740 } });
    let bytes = 0;
    tab.on('response', (r) => {
      void r.body().then(
        (b) => (bytes += b.length),
        () => undefined,
      );
    });
    const external: string[] = [];
    tab.on('request', (r) => {
      if (!r.url().startsWith(base)) external.push(r.url());
    });
    try {
      await tab.goto(`${base}/t/${await tokenOf(first)}?lang=fr`, { waitUntil: 'networkidle' });
      const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(bytes).toBeGreaterThan(0);
      expect(bytes).toBeLessThan(100 * 1024);
      expect(external).toEqual([]);
      await tab.evaluate(AXE_SOURCE);
      const result = await tab.evaluate(() =>
        (
          window as unknown as {
            axe: { run(d: Document, o: object): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
          }
        ).axe.run(document, { resultTypes: ['violations'] }),
      );
      expect(result.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes)}`)).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});
