import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { signAfterShip, signEasyPost, signStandardWebhook } from '../src/tracking/webhook-signature';
import { bearer, startTestApp, TestApp } from './support/test-app';

const FIXTURES = resolve(__dirname, '../../shared/fixtures/tracking');
const fixture = (path: string) =>
  JSON.parse(readFileSync(resolve(FIXTURES, path), 'utf8')) as Record<string, unknown>;
const SECRETS = {
  EASYPOST_WEBHOOK_SECRET: 'sécret',
  AFTERSHIP_WEBHOOK_SECRET: 'aftership-secret-123',
  SHIPPO_WEBHOOK_TOKEN: 'shippo-token-123456',
  GENERIC_WEBHOOK_SECRET: 'whsec_' + Buffer.from('generic-secret-bytes-0123456789').toString('base64'),
};

describe('tracking intake', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: SECRETS });
  });
  afterAll(async () => {
    await t.close();
  });

  const postEasyPost = (body: string, signature = signEasyPost(body, SECRETS.EASYPOST_WEBHOOK_SECRET)) =>
    t.http
      .post('/v1/webhooks/easypost')
      .set('content-type', 'application/json')
      .set('x-hmac-signature', signature)
      .send(body);
  const postAfterShip = (body: string) =>
    t.http
      .post('/v1/webhooks/aftership')
      .set('content-type', 'application/json')
      .set('aftership-hmac-sha256', signAfterShip(body, SECRETS.AFTERSHIP_WEBHOOK_SECRET))
      .send(body);
  const postShippo = (body: string, token = SECRETS.SHIPPO_WEBHOOK_TOKEN) =>
    t.http
      .post(`/v1/webhooks/shippo?token=${encodeURIComponent(token)}`)
      .set('content-type', 'application/json')
      .send(body);
  const postGeneric = (body: string, id = `msg_${randomUUID()}`, ts = Math.floor(Date.now() / 1000)) =>
    t.http
      .post('/v1/webhooks/generic')
      .set('content-type', 'application/json')
      .set('webhook-id', id)
      .set('webhook-timestamp', String(ts))
      .set('webhook-signature', signStandardWebhook(id, ts, body, SECRETS.GENERIC_WEBHOOK_SECRET))
      .send(body);
  const shipmentsFor = async (trackingNumber: string) =>
    (
      await t.http
        .get(`/v1/shipments?trackingNumber=${encodeURIComponent(trackingNumber)}`)
        .set(bearer(t.adminKey))
    ).body;

  it('verifies the published EasyPost test vector over the compact body and ingests it', async () => {
    const body = JSON.stringify(fixture('easypost/event-tracker-updated-fedex-in-transit.json'));
    const res = await postEasyPost(
      body,
      'hmac-sha256-hex=38f3f53c103713df81616a0a186d77141957323ec21d5fe9363db93840f527db',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ shipments: 1, newEvents: 7, duplicateEvents: 0 });
    const tracker = fixture('easypost/event-tracker-updated-fedex-in-transit.json').result as {
      tracking_code: string;
    };
    const [shipment] = await shipmentsFor(tracker.tracking_code);
    expect(shipment.status).toBe('in_transit');
    expect(shipment.carrier).toBe('fedex');
    expect(shipment.events.length).toBe(res.body.newEvents);
    // A date sent as UTC midnight stays that calendar day.
    expect(shipment.eta?.date).toBe('2024-08-05');
  });

  it('rejects a tampered body, a missing signature and an unconfigured provider', async () => {
    const body = JSON.stringify(fixture('easypost/tracker-usps-pre-transit.json'));
    const signed = signEasyPost(body, SECRETS.EASYPOST_WEBHOOK_SECRET);
    const tampered = await postEasyPost(body.replace('pre_transit', 'delivered'), signed);
    expect(tampered.status).toBe(401);
    expect(tampered.body.code).toBe('invalid_signature');
    const unsigned = await t.http
      .post('/v1/webhooks/aftership')
      .set('content-type', 'application/json')
      .send('{}');
    expect(unsigned.status).toBe(401);
    const badToken = await postShippo('{}', 'wrong-token-000000');
    expect(badToken.status).toBe(401);
  });

  it('accepts a bare Tracker, and answers an Event without result cleanly (4xx, never 5xx)', async () => {
    const bare = await postEasyPost(JSON.stringify(fixture('easypost/tracker-usps-pre-transit.json')));
    expect(bare.status).toBe(200);
    const noResult = await postEasyPost(
      JSON.stringify(fixture('easypost/event-tracker-created-no-result.json')),
    );
    expect(noResult.status).toBeGreaterThanOrEqual(400);
    expect(noResult.status).toBeLessThan(500);
    expect(noResult.body.message).toBeTruthy();
  });

  it('ingests AfterShip trackings: in transit, and a delivered tracking with local times', async () => {
    const inTransit = await postAfterShip(
      JSON.stringify(fixture('aftership/webhook-tracking-update-intransit-trimmed-2026-07.json')),
    );
    expect(inTransit.status).toBe(200);
    const delivered = fixture('aftership/api-tracking-fedex-delivered-no-offsets.json');
    const tracking = ((delivered.data as Record<string, unknown>)?.tracking ?? delivered) as Record<
      string,
      unknown
    >;
    const envelope = JSON.stringify({
      event: 'tracking_update',
      event_id: randomUUID(),
      msg: tracking,
      ts: 1,
    });
    const res = await postAfterShip(envelope);
    expect(res.status).toBe(200);
    const [shipment] = await shipmentsFor(String(tracking.tracking_number));
    expect(shipment.status).toBe('delivered');
    expect(shipment.events.length).toBeGreaterThan(1);
  });

  it('ingests Shippo, trusting the status over a contradicting substatus, and dedupes re-sent history', async () => {
    const docs = fixture('shippo/webhook-track-updated-docs-schema-example.json');
    expect((await postShippo(JSON.stringify(docs))).status).toBe(200);
    const recorded = fixture('shippo/track-usps-delivered-2016-get.json');
    const envelope = { event: 'track_updated', test: true, data: recorded };
    const first = await postShippo(JSON.stringify(envelope));
    expect(first.status).toBe(200);
    // Shippo re-sends the same history under new object_ids: nothing new.
    const renamed = JSON.parse(JSON.stringify(envelope));
    for (const ev of renamed.data.tracking_history ?? []) ev.object_id = randomUUID().replace(/-/g, '');
    const second = await postShippo(JSON.stringify(renamed));
    expect(second.status).toBe(200);
    expect(second.body.newEvents).toBe(0);
    expect(second.body.duplicateEvents).toBeGreaterThanOrEqual(first.body.newEvents);
    const [shipment] = await shipmentsFor(String(recorded.tracking_number));
    expect(shipment.status).toBe('delivered');
    expect(shipment.eta?.date).toBe(String(recorded.eta).slice(0, 10));
  });

  it('gives the same final state when every webhook arrives three times, shuffled', async () => {
    const tn = `GEN${Date.now()}`;
    const base = Date.now() - 3 * 86400_000;
    const steps = [
      'pre_transit',
      'in_transit',
      'out_for_delivery',
      'attempt_failed',
      'available_for_pickup',
      'delivered',
    ];
    const events = steps.map((status, i) => ({
      carrier: 'dhl',
      trackingNumber: tn,
      status,
      description: `step ${i} ${status}`,
      location: 'Leipzig, DE',
      occurredAt: new Date(base + i * 3600_000).toISOString(),
      ...(status === 'attempt_failed' ? { reason: 'recipient_unavailable' } : {}),
    }));
    const deliveries = [...events, ...events, ...events].map((e) => JSON.stringify(e));
    const shuffled = fc.sample(
      fc.shuffledSubarray(deliveries, { minLength: deliveries.length, maxLength: deliveries.length }),
      {
        numRuns: 1,
        seed: 42,
      },
    )[0];
    for (const body of shuffled) expect((await postGeneric(body)).status).toBe(200);
    const [shipment] = await shipmentsFor(tn);
    expect(shipment.status).toBe('delivered');
    expect(shipment.collectedAtPickup).toBe(true);
    expect(shipment.events).toHaveLength(steps.length);
    expect(shipment.events.map((e: { status: string }) => e.status)).toEqual([...steps].reverse());
  });

  it('applies webhooks that arrive together, for many parcels and several times for one, as if one by one', async () => {
    // Sent at once, these share transactions (group commit): updates to one parcel go in successive rounds.
    const stamp = Date.now();
    const base = stamp - 86400_000;
    const many = Array.from({ length: 30 }, (_, i) => `GRP${stamp}${i}`);
    const one = `GRP${stamp}ONE`;
    const steps = ['in_transit', 'out_for_delivery', 'delivered'];
    const bodies = [
      ...many.map((tn) =>
        JSON.stringify({
          carrier: 'ups',
          trackingNumber: tn,
          status: 'in_transit',
          occurredAt: new Date(base).toISOString(),
        }),
      ),
      ...[...steps, ...steps].map((status, i) =>
        JSON.stringify({
          carrier: 'ups',
          trackingNumber: one,
          status,
          description: status,
          occurredAt: new Date(base + (i % 3) * 3600_000).toISOString(),
        }),
      ),
    ];
    const responses = await Promise.all(bodies.map((body) => postGeneric(body)));
    expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 200));
    const totals = responses.reduce(
      (acc, r) => ({
        newEvents: acc.newEvents + r.body.newEvents,
        duplicates: acc.duplicates + r.body.duplicateEvents,
      }),
      { newEvents: 0, duplicates: 0 },
    );
    expect(totals).toEqual({ newEvents: 30 + 3, duplicates: 3 });
    for (const tn of many) {
      const [shipment] = await shipmentsFor(tn);
      expect(shipment.status).toBe('in_transit');
      expect(shipment.events).toHaveLength(1);
    }
    const [parcel] = await shipmentsFor(one);
    expect(parcel.status).toBe('delivered');
    expect(parcel.events.map((e: { status: string }) => e.status)).toEqual([...steps].reverse());
  });

  it("sees what another writer committed while it waited for the parcel's lock", async () => {
    const tn = `LOCK${Date.now()}`;
    const event = (eventId: string, description: string) =>
      JSON.stringify({
        carrier: 'ups',
        trackingNumber: tn,
        status: 'in_transit',
        description,
        eventId,
        occurredAt: new Date(Date.now() - 3600_000).toISOString(),
      });
    expect((await postGeneric(event('ev-1', 'Departed facility'))).status).toBe(200);
    // Another writer holds the shipment's lock and stores the carrier's event ev-2 before letting go.
    const runner = t.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const [{ id }] = await runner.query('SELECT id FROM shipments WHERE tracking_number = $1 FOR UPDATE', [
        tn,
      ]);
      await runner.query(
        `INSERT INTO tracking_events (shipment_id, status, description, provider, provider_event_id, content_hash)
         VALUES ($1, 'in_transit', 'Arrived at facility', 'generic', 'ev-2', repeat('a', 64))`,
        [id],
      );
      await runner.query(`UPDATE shipments SET raw_status = 'held', updated_at = now() WHERE id = $1`, [id]);
      // The same event (same provider id, reworded) arrives and waits for the lock.
      const pending = postGeneric(event('ev-2', 'Arrived at the facility'));
      await new Promise((r) => setTimeout(r, 300));
      await runner.commitTransaction();
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ newEvents: 0, duplicateEvents: 1 });
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    const [shipment] = await shipmentsFor(tn);
    expect(shipment.events).toHaveLength(2);
  });

  it('rejects generic events with a bad signature, an old timestamp, or invalid fields (naming them)', async () => {
    const body = JSON.stringify({
      carrier: 'ups',
      trackingNumber: '1Z999AA10123456784',
      status: 'in_transit',
      occurredAt: new Date().toISOString(),
    });
    const id = `msg_${randomUUID()}`;
    const old = Math.floor(Date.now() / 1000) - 3600;
    const stale = await postGeneric(body, id, old);
    expect(stale.status).toBe(401);
    const wrong = await t.http
      .post('/v1/webhooks/generic')
      .set('content-type', 'application/json')
      .set('webhook-id', id)
      .set('webhook-timestamp', String(Math.floor(Date.now() / 1000)))
      .set('webhook-signature', 'v1,AAAA')
      .send(body);
    expect(wrong.status).toBe(401);
    const invalid = await postGeneric(
      JSON.stringify({ carrier: 'ups', status: 'teleported', occurredAt: 'yesterday' }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('malformed_payload');
    expect(invalid.body.message).toMatch(/trackingNumber|status|occurredAt/);
  });

  it('never answers 5xx to fuzzed webhook bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        const body = JSON.stringify(value) ?? 'null';
        const responses = await Promise.all([
          postEasyPost(body),
          postAfterShip(body),
          postShippo(body),
          postGeneric(body),
        ]);
        for (const r of responses) expect(r.status).toBeLessThan(500);
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  describe('orders API', () => {
    const order = (overrides: Record<string, unknown> = {}) => ({
      customer: {
        name: 'Ana García',
        email: 'Ana@Example.com',
        phone: '612 345 678',
        locale: 'es-ES',
        timeZone: 'Europe/Madrid',
        country: 'ES',
      },
      promisedDate: '2026-12-02',
      shipments: [{ carrier: 'UPS', trackingNumber: `1Z${Date.now()}` }],
      ...overrides,
    });

    it('upserts idempotently and normalises contact details', async () => {
      const id = `WS-${Date.now()}`;
      const body = order();
      const first = await t.http.put(`/v1/orders/${id}`).set(bearer(t.adminKey)).send(body);
      expect(first.status).toBe(201);
      expect(first.body.customer).toMatchObject({
        email: 'ana@example.com',
        phone: '+34612345678',
        timeZone: 'Europe/Madrid',
      });
      const second = await t.http.put(`/v1/orders/${id}`).set(bearer(t.adminKey)).send(body);
      expect(second.status).toBe(200);
      expect(second.body.shipments.map((s: { id: string }) => s.id)).toEqual(
        first.body.shipments.map((s: { id: string }) => s.id),
      );
      const got = await t.http.get(`/v1/orders/${id}`).set(bearer(t.adminKey));
      expect(got.body.shipments[0]).toMatchObject({
        carrier: 'ups',
        status: 'unknown',
        promisedDate: '2026-12-02',
      });
    });

    it('names each bad field', async () => {
      const res = await t.http
        .put('/v1/orders/WS-bad')
        .set(bearer(t.adminKey))
        .send(
          order({
            customer: {
              name: 'X',
              email: 'not-an-email',
              timeZone: 'Mars/Base',
              locale: 'english please',
              country: 'ES',
            },
          }),
        );
      expect(res.status).toBe(400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(
        expect.arrayContaining(['customer.email', 'customer.timeZone', 'customer.locale']),
      );
      const phone = await t.http
        .put('/v1/orders/WS-bad2')
        .set(bearer(t.adminKey))
        .send(order({ customer: { name: 'X', phone: '123', country: 'US' } }));
      expect(phone.status).toBe(400);
      expect(phone.body.errors[0].field).toBe('customer.phone');
      const none = await t.http
        .put('/v1/orders/WS-bad3')
        .set(bearer(t.adminKey))
        .send(order({ customer: { name: 'X' } }));
      expect(none.status).toBe(400);
      expect(none.body.message).toContain('email or a phone');
    });

    it('keeps a shipment seen before its order and joins it when the order arrives', async () => {
      const tn = `GEN-EARLY-${Date.now()}`;
      const ev = {
        carrier: 'dhl',
        trackingNumber: tn,
        status: 'in_transit',
        occurredAt: new Date().toISOString(),
      };
      expect((await postGeneric(JSON.stringify(ev))).status).toBe(200);
      const [orphan] = await shipmentsFor(tn);
      expect(orphan.status).toBe('in_transit');
      const res = await t.http
        .put(`/v1/orders/WS-JOIN-${Date.now()}`)
        .set(bearer(t.adminKey))
        .send(order({ shipments: [{ carrier: 'DHL Express', trackingNumber: tn }] }));
      expect(res.status).toBe(201);
      expect(res.body.shipments[0]).toMatchObject({ id: orphan.id, status: 'in_transit' });
    });

    it('requires the integration role', async () => {
      const res = await t.http.put('/v1/orders/WS-1').send(order());
      expect(res.status).toBe(401);
    });
  });
});
