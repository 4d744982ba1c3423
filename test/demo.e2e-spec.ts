import { main, NOTIFICATION_TYPES, type DemoResult } from '../scripts/demo';
import { Notification } from '../src/notifications/notification.entity';
import { bearer, serve, startTestApp, TestApp } from './support/test-app';

const SECRETS = {
  easypost: 'demo-easypost-secret',
  aftership: 'demo-aftership-secret',
  shippo: 'demo-shippo-token',
  generic: 'whsec_ZGVtby1nZW5lcmljLXNlY3JldC1mb3ItY2k=',
  track17: 'demo-17track-api-key',
  ship24: 'demo-ship24-secret',
  shipengine: 'demo-shipengine-token',
  karrio: 'demo-karrio-secret',
  shopify: 'demo-shopify-secret',
};

/** CI plays the demo store in fast mode against a real instance and checks every notification type came out. */
describe('npm run demo -- --fast', () => {
  let t: TestApp;
  let base: string;
  let result: DemoResult;
  const lines: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        EASYPOST_WEBHOOK_SECRET: SECRETS.easypost,
        AFTERSHIP_WEBHOOK_SECRET: SECRETS.aftership,
        SHIPPO_WEBHOOK_TOKEN: SECRETS.shippo,
        GENERIC_WEBHOOK_SECRET: SECRETS.generic,
        TRACK17_API_KEY: SECRETS.track17,
        SHIP24_WEBHOOK_SECRET: SECRETS.ship24,
        SHIPENGINE_WEBHOOK_TOKEN: SECRETS.shipengine,
        KARRIO_WEBHOOK_SECRET: SECRETS.karrio,
        SHOPIFY_WEBHOOK_SECRET: SECRETS.shopify,
      },
    });
    base = await serve(t);
    const started = Date.now();
    result = await main({
      baseUrl: base,
      adminKey: t.adminKey,
      secrets: SECRETS,
      fast: true,
      log: (line) => lines.push(line),
    });
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  it('creates at least 20 orders across the four languages and several time zones, some with two shipments', () => {
    expect(result.orders.length).toBeGreaterThanOrEqual(20);
    const languages = new Set(result.orders.map((o) => o.customer.locale.slice(0, 2)));
    expect([...languages].sort()).toEqual(['de', 'en', 'es', 'fr']);
    expect(new Set(result.orders.map((o) => o.customer.timeZone)).size).toBeGreaterThanOrEqual(8);
    expect(result.orders.filter((o) => o.shipments.length === 2).length).toBeGreaterThanOrEqual(2);
    const providers = new Set(
      result.orders.flatMap((o) => o.shipments.flatMap((s) => s.steps.map((x) => x.provider))),
    );
    expect([...providers].sort()).toEqual([
      '17track',
      'aftership',
      'easypost',
      'generic',
      'karrio',
      'ship24',
      'shipengine',
      'shippo',
      'shopify',
    ]);
    // Every feed's journey reached the service and was accepted as new scans.
    for (const provider of ['17track', 'ship24', 'shipengine', 'karrio', 'shopify']) {
      const steps = result.orders.flatMap((o) =>
        o.shipments.flatMap((s) => s.steps.filter((x) => x.provider === provider)),
      );
      expect({ provider, newEvents: steps.some((x) => x.result.newEvents > 0) }).toEqual({
        provider,
        newEvents: true,
      });
    }
  });

  it('leaves at least one live notification of every type in the database', async () => {
    const rows: { type: string; live: string }[] = await t.db
      .getRepository(Notification)
      .createQueryBuilder('n')
      .select('n.type', 'type')
      .addSelect(`count(*) FILTER (WHERE n.status NOT IN ('cancelled','skipped'))`, 'live')
      .groupBy('n.type')
      .getRawMany();
    const live = Object.fromEntries(rows.map((r) => [r.type, Number(r.live)]));
    for (const type of NOTIFICATION_TYPES)
      expect({ type, live: live[type] ?? 0 }).toEqual({ type, live: expect.any(Number) });
    const missing = NOTIFICATION_TYPES.filter((type) => !(live[type] > 0));
    expect(missing).toEqual([]);
  });

  it('ignores the duplicate webhook and stores the late scan without a message', () => {
    const steps = result.orders.flatMap((o) => o.shipments.flatMap((s) => s.steps));
    const duplicate = steps.find((s) => s.label.startsWith('duplicate'))!;
    expect(duplicate.result).toEqual(expect.objectContaining({ newEvents: 0, notifications: 0 }));
    expect(duplicate.result.duplicateEvents).toBeGreaterThan(0);
    const late = steps.find((s) => s.label.startsWith('late scan'))!;
    expect(late.result).toEqual(expect.objectContaining({ newEvents: 1, notifications: 0 }));
  });

  it('reports per order what was sent, and where to look', async () => {
    const text = lines.join('\n');
    expect(text).toContain('/outbox');
    expect(text).toContain('/admin/orders');
    expect(text).toContain('/demo');
    for (const type of NOTIFICATION_TYPES) expect(text).not.toMatch(new RegExp(`${type}\\s+MISSING`));
    const first = result.orders[0];
    const api = await t.http.get(`/v1/notifications?orderId=${first.orderNumber}`).set(bearer(t.adminKey));
    expect(api.body.total).toBe(first.notifications.length);
  });

  it('runs a maintenance task on demand for admins only', async () => {
    const ok = await t.http.post('/v1/system/maintenance/check-pickup-reminders').set(bearer(t.adminKey));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual(
      expect.objectContaining({ job: 'check-pickup-reminders', result: { created: 0 } }),
    );
    const unknown = await t.http.post('/v1/system/maintenance/rm-rf').set(bearer(t.adminKey));
    expect(unknown.status).toBe(404);
    const anonymous = await t.http.post('/v1/system/maintenance/check-pickup-reminders');
    expect(anonymous.status).toBe(401);
  });
});
