import { randomUUID } from 'node:crypto';
import { ApiKeyService } from '../src/auth/api-key.service';
import { OrderCustomerSpec, putOrder } from './support/factories';
import { uniquePhone } from './support/phones';
import { bearer, startTestApp, TestApp } from './support/test-app';

describe('GET /v1/admin/search', () => {
  let t: TestApp;
  let support: string;
  let integration: string;

  beforeAll(async () => {
    t = await startTestApp();
    support = (await t.app.get(ApiKeyService).create('support', 'Search support')).key;
    integration = (await t.app.get(ApiKeyService).create('integration', 'Search shop')).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  // Unique per run: the database is shared by every test file in the run.
  const tag = randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();
  const phone = uniquePhone();
  const [area, exchange, phoneTail] = [phone.slice(2, 5), phone.slice(5, 8), phone.slice(8)];

  /** Only the contact details given: what the search finds must come from them. */
  const createOrder = (externalId: string, customer: OrderCustomerSpec, trackingNumbers: string[]) =>
    putOrder(t, {
      externalId,
      customer: { name: 'Ana Search', email: null, phone: null, ...customer },
      shipments: trackingNumbers.map((trackingNumber) => ({ trackingNumber })),
    });

  const search = (q: string, key = support) => t.http.get('/v1/admin/search').query({ q }).set(bearer(key));
  const ids = (res: { body: { results: { externalId: string }[] } }) =>
    res.body.results.map((r) => r.externalId).sort();

  beforeAll(async () => {
    await createOrder(`SR-${tag}-1`, { email: `Ana.${tag}@Example.com` }, [`1Z${tag}A`, `1Z${tag}B`]);
    await createOrder(`SR-${tag}-2`, { email: `ana.${tag}@example.com` }, [`1Z${tag}C`]);
    await createOrder(`SR-${tag}-3`, { name: 'Bo Phone', phone }, []);
  });

  it('finds an order by exact store order id, with its summary', async () => {
    const res = await search(`SR-${tag}-1`);
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toEqual({
      externalId: `SR-${tag}-1`,
      customerName: 'Ana Search',
      shipments: 2,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('finds orders by store order id prefix, and treats LIKE wildcards literally', async () => {
    expect(ids(await search(`SR-${tag}`))).toEqual([`SR-${tag}-1`, `SR-${tag}-2`, `SR-${tag}-3`]);
    expect((await search(`SR-${tag}-%`)).body.results).toEqual([]);
    expect((await search(`SR_${tag}`)).body.results).toEqual([]);
  });

  it('finds an order by exact tracking number, not by a fragment of one', async () => {
    expect(ids(await search(`1Z${tag}C`))).toEqual([`SR-${tag}-2`]);
    expect(ids(await search(`1z${tag.toLowerCase()}b`))).toEqual([`SR-${tag}-1`]);
    expect((await search(`1Z${tag}`)).body.results).toEqual([]);
  });

  it('finds every order of a customer by email, case-insensitively', async () => {
    expect(ids(await search(`  ANA.${tag}@EXAMPLE.COM `))).toEqual([`SR-${tag}-1`, `SR-${tag}-2`]);
    expect((await search(`ana.${tag}@example.co`)).body.results).toEqual([]);
  });

  it('finds an order by phone in any common format', async () => {
    for (const q of [
      phone,
      `(${area}) ${exchange}-${phoneTail}`,
      `${area}.${exchange}.${phoneTail}`,
      `1 ${area} ${exchange} ${phoneTail}`,
    ]) {
      const res = await search(q);
      expect(ids(res)).toContain(`SR-${tag}-3`);
      expect(res.body.results.every((r: { customerName: string }) => r.customerName === 'Bo Phone')).toBe(
        true,
      );
    }
    // A short number is not treated as a phone (it would match the tail of too many).
    expect(
      (await search(phoneTail)).body.results.map((r: { externalId: string }) => r.externalId),
    ).not.toContain(`SR-${tag}-3`);
  });

  it('returns at most 20 results', async () => {
    for (let i = 0; i < 22; i++)
      await createOrder(
        `SRMANY-${tag}-${String(i).padStart(2, '0')}`,
        { email: `many.${tag}@example.com` },
        [],
      );
    const res = await search(`many.${tag}@example.com`);
    expect(res.body.results).toHaveLength(20);
  });

  it('refuses an empty, blank or over-long query with 400', async () => {
    for (const q of ['', '   ', 'x'.repeat(201)]) {
      const res = await search(q);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/q/);
    }
    expect((await t.http.get('/v1/admin/search').set(bearer(support))).status).toBe(400);
    expect((await search('x'.repeat(200))).status).toBe(200);
  });

  it('needs a support or admin key', async () => {
    expect((await t.http.get('/v1/admin/search?q=abc')).status).toBe(401);
    expect((await search('abc', 'wsm_not_a_real_key_000000')).status).toBe(401);
    expect((await search('abc', integration)).status).toBe(403);
    expect((await search('abc', t.adminKey)).status).toBe(200);
    expect((await t.http.get('/v1/admin/session').set(bearer(support))).body).toEqual({ role: 'support' });
    expect((await t.http.get('/v1/admin/session').set(bearer(integration))).status).toBe(403);
  });

  it('serves the support pages without a key: HTML that loads its bundled script', async () => {
    const index = await t.http.get('/admin');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    for (const href of ['/admin/orders', '/admin/templates', '/outbox', '/docs'])
      expect(index.text).toContain(`href="${href}"`);
    const orders = await t.http.get('/admin/orders');
    expect(orders.status).toBe(200);
    expect(orders.headers['content-security-policy']).toContain("connect-src 'self'");
    const script = /<script type="module" src="(\/assets\/support-orders-[\w-]+\.js)"><\/script>/.exec(
      orders.text,
    );
    expect(script).not.toBeNull();
    const bundle = await t.http.get(script![1]);
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
  });
});
