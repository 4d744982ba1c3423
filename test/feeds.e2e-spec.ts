import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Notification } from '../src/notifications/notification.entity';
import { signKarrio, signShopify, signTrack17 } from '../src/tracking/feed-signatures';
import { putOrder, uniqueExternalId } from './support/factories';
import { bearer, QUEUE_BACKENDS, startTestApp, TestApp, waitFor } from './support/test-app';

/** Issue 21: 17TRACK, Ship24, ShipEngine and karrio tracking feeds, and Shopify as an order source. */
const SECRETS = {
  TRACK17_API_KEY: 'track17-api-key-0123',
  SHIP24_WEBHOOK_SECRET: 'ship24-webhook-secret-0123',
  SHIPENGINE_WEBHOOK_TOKEN: 'shipengine-token-0123',
  KARRIO_WEBHOOK_SECRET: 'karrio-webhook-secret-0123',
  SHOPIFY_WEBHOOK_SECRET: 'shopify-app-secret-0123',
};
const FIXTURES = resolve(__dirname, 'fixtures');
const fixture = (path: string) =>
  JSON.parse(readFileSync(resolve(FIXTURES, path), 'utf8')) as Record<string, any>;

const uniqueTracking = (prefix: string) =>
  `${prefix}${randomUUID().replace(/-/g, '').slice(0, 14).toUpperCase()}`;
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

const createOrder = (t: TestApp, trackingNumber: string, carrier: string) =>
  putOrder(t, { externalId: uniqueExternalId('FEED'), shipments: [{ carrier, trackingNumber }] });

/** Waits for the out-for-delivery SMS and email of an order to be sent. */
const outForDeliverySent = (t: TestApp, orderId: string) =>
  waitFor('out-for-delivery SMS and email sent', async () => {
    const list = await t.db.getRepository(Notification).findBy({ orderId, type: 'out_for_delivery' });
    const sent = list
      .filter((n) => n.status === 'sent')
      .map((n) => n.channel)
      .sort();
    return sent.join() === 'email,sms' ? list : null;
  });

/** ShipEngine's key set, served locally (the outside service is a double; the RSA check is real). */
const SHIPENGINE_KEYS = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signShipEngine = (timestamp: string, body: string) =>
  createSign('RSA-SHA256').update(`${timestamp}.${body}`).sign(SHIPENGINE_KEYS.privateKey, 'base64');

describe.each(QUEUE_BACKENDS)('tracking feeds and Shopify orders on the %s queue backend', (backend) => {
  let t: TestApp;
  let jwks: Server;
  beforeAll(async () => {
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          keys: [{ ...SHIPENGINE_KEYS.publicKey.export({ format: 'jwk' }), kid: 'se-key-1' }],
        }),
      );
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
    t = await startTestApp({
      queue: backend,
      env: { ...SECRETS, SHIPENGINE_JWKS_URL: jwksUrl, NOTIFY_DEBOUNCE_SECONDS: '0', QUIET_HOURS: 'off' },
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => jwks.close(r));
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) => {
    const req = t.http.post(path).set('content-type', 'application/json');
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send(body);
  };

  it('17TRACK: a signed TRACKING_UPDATED push sends the out-for-delivery messages; a bad sign is refused', async () => {
    const tn = uniqueTracking('RR');
    const { orderId } = await createOrder(t, tn, 'China Post');
    const body = JSON.stringify({
      event: 'TRACKING_UPDATED',
      data: {
        number: tn,
        carrier: 3011,
        track_info: {
          latest_status: {
            status: 'OutForDelivery',
            sub_status: 'OutForDelivery_Other',
            sub_status_descr: null,
          },
          tracking: {
            providers: [
              {
                provider: { key: 3011, name: 'China Post' },
                events: [
                  {
                    time_iso: hoursAgo(1).toISOString(),
                    description: 'Out for delivery',
                    location: 'NEW YORK',
                    stage: 'OutForDelivery',
                  },
                  {
                    time_iso: hoursAgo(20).toISOString(),
                    description: 'Arrived',
                    location: 'NEW YORK',
                    stage: 'Arrival',
                  },
                ],
              },
            ],
          },
        },
      },
    });
    const bad = await post('/v1/webhooks/17track', body, { sign: signTrack17(body, 'wrong-key') });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('invalid_signature');

    const res = await post('/v1/webhooks/17track', body, {
      sign: signTrack17(body, SECRETS.TRACK17_API_KEY),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ shipments: 1, newEvents: 2 });
    await outForDeliverySent(t, orderId);
    // The same push again adds nothing (17TRACK events have no id: deduplicated on content).
    const again = await post('/v1/webhooks/17track', body, {
      sign: signTrack17(body, SECRETS.TRACK17_API_KEY),
    });
    expect(again.body).toMatchObject({ newEvents: 0, duplicateEvents: 2 });

    const stopped = JSON.stringify(fixture('17track/webhook-tracking-stopped-docs.json'));
    const stop = await post('/v1/webhooks/17track', stopped, {
      sign: signTrack17(stopped, SECRETS.TRACK17_API_KEY),
    });
    expect(stop.status).toBe(200);
    expect(stop.body.shipments).toBe(0);
  });

  it('Ship24: HEAD answers 200; one webhook with two trackings is authenticated by its Bearer secret', async () => {
    const head = await t.http.head('/v1/webhooks/ship24');
    expect(head.status).toBe(200);

    const [a, b] = [uniqueTracking('S24A'), uniqueTracking('S24B')];
    const first = await createOrder(t, a, 'DHL');
    const second = await createOrder(t, b, 'DHL');
    const tracking = (tn: string, id: string) => ({
      metadata: { generatedAt: new Date().toISOString(), messageId: randomUUID() },
      tracker: { trackerId: randomUUID(), trackingNumber: tn, courierCode: ['dhl'] },
      shipment: {
        statusMilestone: 'out_for_delivery',
        statusCode: 'delivery_out_for_delivery',
        delivery: {},
      },
      events: [
        {
          eventId: id,
          trackingNumber: tn,
          status: 'Out for Delivery',
          occurrenceDatetime: hoursAgo(1).toISOString().slice(0, 19),
          location: 'BROOKLYN, NY',
          statusCode: 'delivery_out_for_delivery',
          statusMilestone: 'out_for_delivery',
        },
      ],
    });
    const body = JSON.stringify({ trackings: [tracking(a, randomUUID()), tracking(b, randomUUID())] });
    const unauthorised = await post('/v1/webhooks/ship24', body, { authorization: 'Bearer nope' });
    expect(unauthorised.status).toBe(401);
    const res = await post('/v1/webhooks/ship24', body, {
      authorization: `Bearer ${SECRETS.SHIP24_WEBHOOK_SECRET}`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ shipments: 2, newEvents: 2 });
    await outForDeliverySent(t, first.orderId);
    await outForDeliverySent(t, second.orderId);
  });

  it('ShipEngine: the token in the URL authenticates; a USPS collection at the post office is a pickup collection', async () => {
    const tn = uniqueTracking('94');
    const { orderId, externalId } = await createOrder(t, tn, 'USPS');
    const ofd = JSON.stringify({
      resource_url: `https://api.shipengine.com/v1/tracking?carrier_code=usps&tracking_number=${tn}`,
      resource_type: 'API_TRACK',
      data: {
        tracking_number: tn,
        status_code: 'IT',
        status_detail_code: 'OUT_FOR_DELIVERY',
        carrier_status_description: 'Out for Delivery, Expected Delivery by 9:00pm',
        events: [
          {
            occurred_at: hoursAgo(2).toISOString(),
            description: 'Out for Delivery',
            city_locality: 'AUSTIN',
            state_province: 'TX',
          },
        ],
      },
    });
    expect((await post('/v1/webhooks/shipengine?token=wrong', ofd)).status).toBe(401);
    const res = await post(`/v1/webhooks/shipengine?token=${SECRETS.SHIPENGINE_WEBHOOK_TOKEN}`, ofd);
    expect(res.status).toBe(200);
    await outForDeliverySent(t, orderId);

    // ShipEngine's own example, for this parcel: DE with "picked up at the post office".
    const published = fixture('shipengine/webhook-api-track-usps-picked-up-at-post-office.json');
    published.data.tracking_number = tn;
    published.data.actual_delivery_date = hoursAgo(1).toISOString();
    published.data.events[0].event_date = hoursAgo(1).toISOString();
    const delivered = await post(
      `/v1/webhooks/shipengine?token=${SECRETS.SHIPENGINE_WEBHOOK_TOKEN}`,
      JSON.stringify(published),
    );
    expect(delivered.status).toBe(200);
    const order = await t.http.get(`/v1/orders/${externalId}`).set(bearer(t.adminKey));
    expect(order.body.shipments[0]).toMatchObject({ status: 'delivered', collectedAtPickup: true });
  });

  it('ShipEngine: RSA-SHA256 signature headers, when present, must verify against the published keys', async () => {
    const body = JSON.stringify({
      resource_url:
        'https://api.shipengine.com/v1/tracking?carrier_code=ups&tracking_number=1Z0000000000000001',
      resource_type: 'API_TRACK',
      data: { tracking_number: uniqueTracking('1Z'), status_code: 'IT', events: [] },
    });
    const path = `/v1/webhooks/shipengine?token=${SECRETS.SHIPENGINE_WEBHOOK_TOKEN}`;
    const timestamp = new Date().toISOString();
    const headers = (signature: string, kid = 'se-key-1') => ({
      'x-shipengine-rsa-sha256-key-id': kid,
      'x-shipengine-rsa-sha256-signature': signature,
      'x-shipengine-timestamp': timestamp,
    });
    expect((await post(path, body, headers(signShipEngine(timestamp, body)))).status).toBe(200);
    const tampered = await post(path, body.replace('"IT"', '"DE"'), headers(signShipEngine(timestamp, body)));
    expect(tampered.status).toBe(401);
    expect((await post(path, body, headers(signShipEngine(timestamp, body), 'unknown-kid'))).status).toBe(
      401,
    );
  });

  it('karrio: X-Event-Id carrying the secret (as karrio sends it) or an HMAC signature authenticates', async () => {
    const tn = uniqueTracking('1Z');
    const { orderId } = await createOrder(t, tn, 'UPS');
    const tracker = {
      ...fixture('karrio/tracker-ups-in-transit-test-response.json'),
      tracking_number: tn,
      status: 'out_for_delivery',
      events: [
        {
          date: hoursAgo(1).toISOString().slice(0, 10),
          time: hoursAgo(1).toISOString().slice(11, 16),
          description: 'Out for delivery',
          location: 'NEW YORK',
          code: 'OT',
        },
      ],
    };
    const body = JSON.stringify({ event: 'tracker.updated', data: tracker });
    expect((await post('/v1/webhooks/karrio', body, { 'x-event-id': 'not-the-secret' })).status).toBe(401);
    expect(
      (await post('/v1/webhooks/karrio', body, { 'x-karrio-signature': signKarrio(body, 'other') })).status,
    ).toBe(401);
    const res = await post('/v1/webhooks/karrio', body, { 'x-event-id': SECRETS.KARRIO_WEBHOOK_SECRET });
    expect(res.status).toBe(200);
    await outForDeliverySent(t, orderId);
    const signed = await post('/v1/webhooks/karrio', body, {
      'x-karrio-signature': signKarrio(body, SECRETS.KARRIO_WEBHOOK_SECRET),
    });
    expect(signed.body).toMatchObject({ newEvents: 0, duplicateEvents: 1 });
  });

  describe('Shopify', () => {
    const shop = `wismo-${randomUUID().slice(0, 6)}.myshopify.com`;
    const postShopify = (topic: string, payload: unknown, opts: { shop?: string; id?: string } = {}) => {
      const body = JSON.stringify(payload);
      return post('/v1/webhooks/shopify', body, {
        'x-shopify-topic': topic,
        'x-shopify-shop-domain': opts.shop ?? shop,
        'x-shopify-webhook-id': opts.id ?? randomUUID(),
        'x-shopify-hmac-sha256': signShopify(body, SECRETS.SHOPIFY_WEBHOOK_SECRET),
      });
    };
    const orderNumber = String(100000 + Math.floor(Math.random() * 800000));
    const shopifyOrderId = 5_000_000_000 + Math.floor(Math.random() * 1_000_000);
    const tn = uniqueTracking('1Z');
    const published = fixture('shopify/order-rest-python-api.json').order;
    const order = {
      ...published,
      id: shopifyOrderId,
      name: `#${orderNumber}`,
      email: `bob.${orderNumber}@example.com`,
      phone: '+12025550123',
      customer_locale: 'fr-CA',
      shipping_address: {
        ...published.shipping_address,
        phone: '+12025550123',
        country_code: 'CA',
        province_code: 'QC',
        zip: 'H2X 1Y4',
      },
      fulfillments: [],
    };
    const fulfillment = (status: string | null) => ({
      id: shopifyOrderId + 1,
      order_id: shopifyOrderId,
      status: 'success',
      tracking_company: 'UPS',
      tracking_number: tn,
      tracking_numbers: [tn],
      shipment_status: status,
      updated_at: hoursAgo(1).toISOString(),
    });

    it('refuses a body whose HMAC does not match, before parsing it', async () => {
      const res = await post('/v1/webhooks/shopify', '{"id":1}', {
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': shop,
        'x-shopify-hmac-sha256': signShopify('{"id":2}', SECRETS.SHOPIFY_WEBHOOK_SECRET),
      });
      expect(res.status).toBe(401);
    });

    it('imports orders/create as our order: number without "#", locale, postcode, country, zone from the province', async () => {
      const res = await postShopify('orders/create', order);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ order: orderNumber, duplicate: false });
      const view = await t.http.get(`/v1/orders/${orderNumber}`).set(bearer(t.adminKey));
      expect(view.status).toBe(200);
      expect(view.body.customer).toMatchObject({
        email: `bob.${orderNumber}@example.com`,
        phone: '+12025550123',
        locale: 'fr-CA',
        timeZone: 'America/Toronto',
        country: 'CA',
      });
      const [row]: { shop_domain: string }[] = await t.db.query(
        `SELECT shop_domain FROM orders WHERE external_id = $1`,
        [orderNumber],
      );
      expect(row.shop_domain).toBe(shop);
    });

    it('turns a fulfillment into a shipment and its shipment_status into a scan that sends messages, once per webhook id', async () => {
      const id = randomUUID();
      const created = await postShopify('fulfillments/create', fulfillment(null), { id });
      expect(created.body).toMatchObject({ order: orderNumber, shipments: 1, scans: 0 });
      const view = await t.http.get(`/v1/orders/${orderNumber}`).set(bearer(t.adminKey));
      expect(view.body.shipments).toEqual([expect.objectContaining({ trackingNumber: tn, carrier: 'ups' })]);
      const duplicate = await postShopify('fulfillments/create', fulfillment('out_for_delivery'), { id });
      expect(duplicate.body).toMatchObject({ duplicate: true, scans: 0 });

      const ofd = await postShopify('fulfillments/update', fulfillment('out_for_delivery'));
      expect(ofd.body).toMatchObject({ scans: 1 });
      await outForDeliverySent(t, view.body.id);
    });

    it('does not let shipment_status speak for a shipment an aggregator reports on', async () => {
      const body = JSON.stringify({
        event: 'TRACKING_UPDATED',
        data: {
          number: tn,
          carrier: 100002,
          track_info: {
            latest_status: { status: 'InTransit', sub_status: 'InTransit_Arrival' },
            tracking: {
              providers: [
                {
                  provider: { name: 'UPS' },
                  events: [
                    { time_iso: hoursAgo(0.5).toISOString(), description: 'Arrival scan', stage: 'Arrival' },
                  ],
                },
              ],
            },
          },
        },
      });
      expect(
        (await post('/v1/webhooks/17track', body, { sign: signTrack17(body, SECRETS.TRACK17_API_KEY) }))
          .status,
      ).toBe(200);
      const res = await postShopify('fulfillments/update', fulfillment('delivered'));
      expect(res.body).toMatchObject({ scans: 0 });
      const view = await t.http.get(`/v1/orders/${orderNumber}`).set(bearer(t.adminKey));
      expect(view.body.shipments[0].status).not.toBe('delivered');
    });

    it('gives the same order number of a second shop its own external id', async () => {
      const otherShop = `other-${randomUUID().slice(0, 6)}.myshopify.com`;
      const res = await postShopify(
        'orders/create',
        { ...order, email: `carla.${orderNumber}@example.com` },
        { shop: otherShop },
      );
      expect(res.status).toBe(200);
      expect(res.body.order).toBe(`${otherShop.replace('.myshopify.com', '')}:${orderNumber}`);
      const first = await t.http.get(`/v1/orders/${orderNumber}`).set(bearer(t.adminKey));
      expect(first.body.customer.email).toBe(`bob.${orderNumber}@example.com`);
    });

    it("records a fulfillment event (fulfillment_events/create) as a scan of that fulfillment's parcels", async () => {
      const second = uniqueTracking('1Z');
      const f = {
        ...fulfillment(null),
        id: shopifyOrderId + 2,
        tracking_number: second,
        tracking_numbers: [second],
      };
      expect((await postShopify('fulfillments/create', f)).body).toMatchObject({ shipments: 1 });
      const event = {
        ...fixture('shopify/fulfillment-event-rest-python-api.json').fulfillment_event,
        id: shopifyOrderId + 3,
        fulfillment_id: shopifyOrderId + 2,
        order_id: shopifyOrderId,
        status: 'out_for_delivery',
        happened_at: hoursAgo(0.2).toISOString(),
        city: 'Montréal',
      };
      const res = await postShopify('fulfillment_events/create', event);
      expect(res.body).toMatchObject({ order: orderNumber, scans: 1, newEvents: 1 });
      const view = await t.http.get(`/v1/orders/${orderNumber}`).set(bearer(t.adminKey));
      expect(
        view.body.shipments.find((s: { trackingNumber: string }) => s.trackingNumber === second).status,
      ).toBe('out_for_delivery');
    });

    it('remembers a webhook id only once it was handled, so a retry after a failure is processed', async () => {
      const taken = uniqueTracking('1Z');
      await createOrder(t, taken, 'UPS');
      const id = randomUUID();
      const clash = {
        ...order,
        id: shopifyOrderId + 10,
        name: `#${orderNumber}-B`,
        email: `dana.${orderNumber}@example.com`,
        fulfillments: [
          {
            ...fulfillment(null),
            id: shopifyOrderId + 11,
            order_id: shopifyOrderId + 10,
            tracking_numbers: [taken],
            tracking_number: taken,
          },
        ],
      };
      // The parcel already belongs to another order: refused, and the delivery is not marked as processed.
      const refused = await postShopify('orders/create', clash, { id });
      expect(refused.status).toBe(409);
      const retry = await postShopify('orders/create', { ...clash, fulfillments: [] }, { id });
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ duplicate: false, order: `${orderNumber}-B` });
    });

    it('cancels the pending messages of a cancelled order', async () => {
      const view = await t.http.get(`/v1/orders/${orderNumber}`).set(bearer(t.adminKey));
      const pending: { id: string }[] = await t.db.query(
        `INSERT INTO notifications (order_id, shipment_id, customer_id, type, channel, status, scheduled_for)
         SELECT o.id, s.id, o.customer_id, 'delivered', 'email', 'pending', now() + interval '1 day'
           FROM orders o JOIN shipments s ON s.order_id = o.id WHERE o.external_id = $1
         RETURNING id`,
        [orderNumber],
      );
      const res = await postShopify('orders/cancelled', { ...order, cancelled_at: new Date().toISOString() });
      expect(res.status).toBe(200);
      expect(res.body.cancelledNotifications).toBeGreaterThanOrEqual(1);
      const row = await t.db.getRepository(Notification).findOneByOrFail({ id: pending[0].id });
      expect(row).toMatchObject({ status: 'cancelled', statusReason: 'order_cancelled' });
      expect(view.status).toBe(200);
    });
  });
});

describe('feeds without secrets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({});
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['17track', 'ship24', 'shipengine', 'karrio', 'shopify'])(
    '/v1/webhooks/%s answers 401 webhook_not_configured',
    async (provider) => {
      const res = await t.http
        .post(`/v1/webhooks/${provider}`)
        .set('content-type', 'application/json')
        .send('{}');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('webhook_not_configured');
    },
  );
});
