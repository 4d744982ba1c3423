import { randomUUID } from 'node:crypto';
import { CLOCK, Clock } from '../src/shared/clock';
import { NotificationMaintenance } from '../src/notifications/notification-maintenance.service';
import { NotificationSender } from '../src/notifications/notification-sender.service';
import { Notification } from '../src/notifications/notification.entity';
import { OutboxMessage } from '../src/channels/outbox-message.entity';
import { OrderCustomerSpec, putOrder } from './support/factories';
import { bearer, QUEUE_BACKENDS, startTestApp, TestApp, waitFor } from './support/test-app';
import { postGenericEvent } from './support/webhooks';

const GENERIC_SECRET = 'generic-secret-for-notification-tests';

const postEvent = (t: TestApp, event: Record<string, unknown>) => postGenericEvent(t, GENERIC_SECRET, event);

/** A US customer with email and phone and one UPS parcel, as most specs here need. */
const createOrder = (t: TestApp, customer: OrderCustomerSpec = {}) =>
  putOrder(t, { customer, promisedDate: '2026-12-05' });

const rows = (t: TestApp, orderId: string) =>
  t.db.getRepository(Notification).find({ where: { orderId }, order: { createdAt: 'ASC' } });

/** Waits until every notification of the order has left pending/queued/sending. */
async function settled(t: TestApp, orderId: string, expected: number): Promise<Notification[]> {
  return waitFor(`${expected} settled notifications`, async () => {
    const list = await rows(t, orderId);
    const open = list.filter((n) => ['pending', 'queued', 'sending'].includes(n.status));
    return list.length === expected && open.length === 0 ? list : null;
  });
}

describe.each(QUEUE_BACKENDS)('notifications on the %s queue backend', (backend) => {
  let t: TestApp;
  let clock: Clock;
  const realNow = () => new Date();
  beforeAll(async () => {
    t = await startTestApp({
      queue: backend,
      env: { GENERIC_WEBHOOK_SECRET: GENERIC_SECRET, NOTIFY_DEBOUNCE_SECONDS: '0', QUIET_HOURS: 'off' },
    });
    clock = t.app.get<Clock>(CLOCK);
  });
  afterEach(() => {
    clock.now = realNow;
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends exactly the expected messages over a full journey, and nothing more for duplicates', async () => {
    const { trackingNumber, orderId, externalId } = await createOrder(t);
    const base = Date.now() - 6 * 3600_000;
    const steps: [string, Record<string, unknown>, number][] = [
      ['pre_transit', {}, 0],
      ['in_transit', {}, 1], // shipped: email
      ['out_for_delivery', {}, 3], // sms + email
      ['attempt_failed', { reason: 'recipient_unavailable' }, 5], // sms + email
      [
        'available_for_pickup',
        { pickup: { name: 'Corner Store Locker', address: '1 Main St', deadline: '2026-12-10' } },
        7,
      ],
      ['delivered', { collectedAtPickup: true }, 8], // email
    ];
    const events = steps.map(([status, extra], i) => ({
      carrier: 'ups',
      trackingNumber,
      status,
      description: `scan ${status}`,
      location: 'Brooklyn, NY',
      occurredAt: new Date(base + i * 3600_000).toISOString(),
      ...extra,
    }));
    for (const [i, event] of events.entries()) {
      await postEvent(t, event);
      await settled(t, orderId, steps[i][2]);
    }
    // Every webhook again, out of order: nothing new.
    for (const event of [...events].reverse()) await postEvent(t, event);
    await new Promise((r) => setTimeout(r, 300));
    const final = await settled(t, orderId, 8);
    expect(final.map((n) => `${n.type}/${n.channel}/${n.status}`).sort()).toEqual(
      [
        'shipped/email/sent',
        'out_for_delivery/sms/sent',
        'out_for_delivery/email/sent',
        'delivery_attempt_failed/sms/sent',
        'delivery_attempt_failed/email/sent',
        'available_for_pickup/sms/sent',
        'available_for_pickup/email/sent',
        'delivered/email/sent',
      ].sort(),
    );
    // Rendered from the templates, in the outbox (no providers configured), with the template version recorded.
    const delivered = final.find((n) => n.type === 'delivered')!;
    expect(delivered.renderedSubject).toBeTruthy();
    expect(delivered.renderedHtml).toContain(externalId);
    expect(delivered.templateVersion).toBe(0);
    const pickupSms = final.find((n) => n.type === 'available_for_pickup' && n.channel === 'sms')!;
    expect(pickupSms.renderedText).toContain('Corner Store Locker');
    expect(pickupSms.segments).toBeLessThanOrEqual(2);
    const outbox = await t.db.getRepository(OutboxMessage).findBy({ notificationId: pickupSms.id });
    expect(outbox).toHaveLength(1);
    expect(outbox[0].to).toBe('+12025550123');

    const api = await t.http.get(`/v1/notifications?orderId=${externalId}`).set(bearer(t.adminKey));
    expect(api.status).toBe(200);
    expect(api.body.total).toBe(8);
    expect(api.body.items[0]).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        type: expect.any(String),
        sentAt: expect.any(String),
        templateVersion: 0,
      }),
    );
    const detail = await t.http.get(`/v1/notifications/${pickupSms.id}`).set(bearer(t.adminKey));
    expect(detail.body.attempts).toHaveLength(1);
    expect(detail.body.attempts[0]).toMatchObject({ outcome: 'sent', provider: 'outbox' });
    const order = await t.http.get(`/v1/orders/${externalId}`).set(bearer(t.adminKey));
    expect(order.body.notifications).toHaveLength(8);
  });

  it('reminds once about a parcel left at a pickup point for the configured days, and lists by shipment', async () => {
    const { trackingNumber, orderId } = await createOrder(t);
    const other = await createOrder(t);
    const pickup = { name: 'Corner Store Locker', address: '1 Main St', deadline: '2026-12-10' };
    for (const o of [{ trackingNumber, orderId }, other]) {
      await postEvent(t, {
        carrier: 'ups',
        trackingNumber: o.trackingNumber,
        status: 'available_for_pickup',
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        pickup,
      });
      await settled(t, o.orderId, 2);
    }
    const maintenance = t.app.get(NotificationMaintenance);
    // The check covers the whole store, and other spec files leave parcels at pickup points in this database:
    // what it did is read off this test's two orders.
    const remindersOf = async () =>
      Promise.all(
        [orderId, other.orderId].map(
          async (id) => (await rows(t, id)).filter((n) => n.type === 'pickup_reminder').length,
        ),
      );
    await maintenance.pickupReminders();
    expect(await remindersOf()).toEqual([0, 0]); // not yet: the default is 3 days
    clock.now = () => new Date(Date.now() + 3 * 86_400_000 + 60_000);
    expect((await maintenance.pickupReminders()).created).toBeGreaterThanOrEqual(4);
    expect(await remindersOf()).toEqual([2, 2]); // SMS and email, for each parcel
    expect((await maintenance.pickupReminders()).created).toBe(0); // once
    expect(await remindersOf()).toEqual([2, 2]);
    const list = await settled(t, orderId, 4);
    const reminders = list.filter((n) => n.type === 'pickup_reminder');
    expect(reminders.map((n) => `${n.channel}/${n.status}`).sort()).toEqual(['email/sent', 'sms/sent']);
    // The support API's shipment filter finds this parcel's messages and no other's.
    const [{ id: shipmentId }] = await t.db.query('SELECT id FROM shipments WHERE order_id = $1', [orderId]);
    const byShipment = await t.http.get(`/v1/notifications?shipmentId=${shipmentId}`).set(bearer(t.adminKey));
    expect(byShipment.status).toBe(200);
    expect(byShipment.body.total).toBe(4);
    expect(new Set(byShipment.body.items.map((n: { id: string }) => n.id))).toEqual(
      new Set(list.map((n) => n.id)),
    );
  });

  it('cancels a pending out-for-delivery message when delivered arrives first (supersession)', async () => {
    // A 10-minute debounce keeps the out-for-delivery messages waiting when the delivery scan comes in.
    const held = await startTestApp({
      queue: backend,
      env: { GENERIC_WEBHOOK_SECRET: GENERIC_SECRET, NOTIFY_DEBOUNCE_SECONDS: '600', QUIET_HOURS: 'off' },
    });
    try {
      const { trackingNumber, orderId } = await createOrder(held);
      const t0 = Date.now() - 3600_000;
      await postEvent(held, {
        carrier: 'ups',
        trackingNumber,
        status: 'out_for_delivery',
        occurredAt: new Date(t0).toISOString(),
      });
      const waiting = await waitFor('held out-for-delivery messages', async () => {
        const list = await rows(held, orderId);
        return list.length === 2 && list.every((n) => n.status === 'queued') ? list : null;
      });
      expect(
        waiting.every((n) => n.type === 'out_for_delivery' && n.scheduledFor.getTime() > Date.now()),
      ).toBe(true);
      await postEvent(held, {
        carrier: 'ups',
        trackingNumber,
        status: 'delivered',
        occurredAt: new Date(t0 + 120_000).toISOString(),
      });
      const final = await rows(held, orderId);
      expect(
        final.filter((n) => n.type === 'out_for_delivery').map((n) => `${n.status}/${n.statusReason}`),
      ).toEqual(['cancelled/superseded', 'cancelled/superseded']);
      expect(final.filter((n) => n.type === 'delivered').map((n) => n.channel)).toEqual(['email']);
    } finally {
      await held.close();
    }
  });

  it('respects opt-outs and suppressions, and lets support resend', async () => {
    const { trackingNumber, orderId, customerId } = await createOrder(t);
    const prefs = await t.http
      .put(`/v1/customers/${customerId}/preferences`)
      .set(bearer(t.adminKey))
      .send({ preferences: [{ type: 'out_for_delivery', channel: 'sms', enabled: false }] });
    expect(prefs.status).toBe(200);
    expect(prefs.body.preferences).toEqual([
      expect.objectContaining({ type: 'out_for_delivery', channel: 'sms', enabled: false }),
    ]);
    const bad = await t.http
      .put(`/v1/customers/${customerId}/preferences`)
      .set(bearer(t.adminKey))
      .send({ preferences: [{ type: 'nope', channel: 'fax', enabled: 'yes' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['preferences.0.type', 'preferences.0.channel', 'preferences.0.enabled']),
    );

    await postEvent(t, {
      carrier: 'ups',
      trackingNumber,
      status: 'out_for_delivery',
      occurredAt: new Date().toISOString(),
    });
    const list = await settled(t, orderId, 1);
    expect(list.map((n) => `${n.type}/${n.channel}`)).toEqual(['out_for_delivery/email']);

    const resend = await t.http.post(`/v1/notifications/${list[0].id}/resend`).set(bearer(t.adminKey));
    expect(resend.status).toBe(202);
    const both = await settled(t, orderId, 2);
    expect(both.filter((n) => n.status === 'sent')).toHaveLength(2);
    expect(both[1].resendOf).toBe(list[0].id);
  });

  it("delays SMS in quiet hours to the end of the window in the customer's zone; email is not delayed", async () => {
    const local = await startTestApp({
      queue: backend,
      env: {
        GENERIC_WEBHOOK_SECRET: GENERIC_SECRET,
        NOTIFY_DEBOUNCE_SECONDS: '0',
        QUIET_HOURS: '21:00-08:00',
      },
    });
    try {
      const localClock = local.app.get<Clock>(CLOCK);
      // 23:30 in Los Angeles on 2026-11-24 is 07:30Z on the 25th; quiet hours end at 08:00 local = 16:00Z.
      const lateEvening = new Date('2026-11-25T07:30:00Z');
      localClock.now = () => lateEvening;
      const { trackingNumber, orderId } = await createOrder(local, { timeZone: 'America/Los_Angeles' });
      await postEvent(local, {
        carrier: 'ups',
        trackingNumber,
        status: 'out_for_delivery',
        occurredAt: new Date().toISOString(),
      });
      const list = await waitFor(
        'decisions',
        async () => {
          const l = await rows(local, orderId);
          return l.length === 2 ? l : null;
        },
        5000,
      ).catch(async (err) => {
        throw new Error(
          `${err.message}: ${JSON.stringify(await rows(local, orderId))} ${JSON.stringify(await local.db.query('select status, last_event_at from shipments where order_id = $1', [orderId]))}`,
        );
      });
      const sms = list.find((n) => n.channel === 'sms')!;
      const email = list.find((n) => n.channel === 'email')!;
      expect(sms.quietHoursDelayed).toBe(true);
      expect(sms.scheduledFor.toISOString()).toBe('2026-11-25T16:00:00.000Z');
      expect(email.quietHoursDelayed).toBe(false);
      expect(email.scheduledFor.toISOString()).toBe(lateEvening.toISOString());
    } finally {
      await local.close();
    }
  });

  it('claims atomically: a redelivered job for a sent notification sends nothing', async () => {
    const { orderId, customerId } = await createOrder(t);
    const [shipment] = await t.db.query('SELECT id FROM shipments WHERE order_id = $1', [orderId]);
    // The message must match the parcel's state, or the send-time check cancels it (issue 16).
    await t.db.query(
      `UPDATE shipments SET status = 'exception', exception_reason = 'damaged' WHERE id = $1`,
      [shipment.id],
    );
    const id = randomUUID();
    await t.db.getRepository(Notification).insert({
      id,
      shipmentId: shipment.id,
      orderId,
      customerId,
      type: 'exception',
      channel: 'email',
      status: 'pending',
      scheduledFor: new Date(),
    });
    const sender = t.app.get(NotificationSender);
    const [first, second] = await Promise.all([sender.process(id, false), sender.process(id, false)]);
    expect([first, second].sort()).toEqual(['not_claimed', 'sent']);
    expect(await sender.process(id, false)).toBe('not_claimed');
    expect(await t.db.getRepository(OutboxMessage).countBy({ notificationId: id })).toBe(1);
  });

  it('recovers notifications left pending when the queue was unreachable at commit (sweeper)', async () => {
    const { orderId, customerId } = await createOrder(t);
    const shipment = await t.db.query('SELECT id FROM shipments WHERE order_id = $1', [orderId]);
    // The message must match the parcel's state, or the send-time check cancels it (issue 16).
    await t.db.query(
      `UPDATE shipments SET status = 'exception', exception_reason = 'damaged' WHERE id = $1`,
      [shipment[0].id],
    );
    const id = randomUUID();
    await t.db.getRepository(Notification).insert({
      id,
      shipmentId: shipment[0].id,
      orderId,
      customerId,
      type: 'exception',
      channel: 'email',
      status: 'pending',
      scheduledFor: new Date(),
      // Older than the sweeper's grace period: its enqueue was lost.
      createdAt: new Date(Date.now() - 60_000),
    } as Partial<Notification>);
    const swept = await t.app.get(NotificationMaintenance).sweep();
    expect(swept.requeued).toBeGreaterThanOrEqual(1);
    const sent = await waitFor('swept notification sent', async () => {
      const n = await t.db.getRepository(Notification).findOneBy({ id });
      return n?.status === 'sent' ? n : null;
    });
    expect(sent.provider).toBe('outbox');
  });
});
