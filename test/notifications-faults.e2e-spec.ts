import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CLOCK, type Clock } from '../src/shared/clock';
import { NotificationAttempt } from '../src/notifications/notification-attempt.entity';
import { NotificationDispatcher } from '../src/notifications/notification-dispatcher.service';
import { NotificationMaintenance } from '../src/notifications/notification-maintenance.service';
import { Notification } from '../src/notifications/notification.entity';
import { Suppression } from '../src/channels/suppression.entity';
import { QueueName } from '../src/queue/queue.constants';
import { QueueService } from '../src/queue/queue.service';
import { FakeTwilio, twilioError } from './support/fake-twilio';
import { SmtpCatcher } from './support/smtp-catcher';
import { putOrder } from './support/factories';
import { uniquePhone } from './support/phones';
import { QUEUE_BACKENDS, startTestApp, TestApp, waitFor } from './support/test-app';
import { postGenericEvent } from './support/webhooks';

/**
 * Provider faults through the whole pipeline (webhook → notification → queue → worker → real Twilio SDK /
 * real SMTP client → local fakes): transient errors retry with the notification backoff, permanent ones fail
 * at once and fall back to email, a STOP number is suppressed, and the sweeper never resends.
 */

const GENERIC_SECRET = 'generic-secret-for-fault-tests';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio_test_auth_token_faults';

const postEvent = (t: TestApp, event: Record<string, unknown>) => postGenericEvent(t, GENERIC_SECRET, event);

const createOrder = (t: TestApp, customer: { phone: string; email?: string | null }) =>
  putOrder(t, { customer, promisedDate: '2026-12-05' });

const outForDelivery = (trackingNumber: string) => ({
  carrier: 'ups',
  trackingNumber,
  status: 'out_for_delivery',
  occurredAt: new Date().toISOString(),
});

const notificationsOf = (t: TestApp, orderId: string) =>
  t.db.getRepository(Notification).find({ where: { orderId }, order: { createdAt: 'ASC' } });

const attemptsOf = (t: TestApp, notificationId: string) =>
  t.db
    .getRepository(NotificationAttempt)
    .find({ where: { notificationId }, order: { startedAt: 'ASC', attempt: 'ASC' } });

async function smsOf(t: TestApp, orderId: string): Promise<Notification> {
  return waitFor('the SMS notification', async () =>
    (await notificationsOf(t, orderId)).find((n) => n.channel === 'sms'),
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify(await notificationsOf(t, orderId))}`);
  });
}

describe.each(QUEUE_BACKENDS)('provider faults on the %s queue backend', (backend) => {
  let t: TestApp;
  let fake: FakeTwilio;
  let smtp: SmtpCatcher;
  const toPhone = (phone: string) => fake.requests.filter((r) => r.form.To === phone);

  beforeAll(async () => {
    fake = await new FakeTwilio().start();
    smtp = await new SmtpCatcher().start();
    t = await startTestApp({
      queue: backend,
      env: {
        GENERIC_WEBHOOK_SECRET: GENERIC_SECRET,
        NOTIFY_DEBOUNCE_SECONDS: '0',
        QUIET_HOURS: 'off',
        // Out for delivery by SMS only, so a failed SMS has an email to fall back to.
        NOTIFY_CHANNELS: 'out_for_delivery=sms',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM_NUMBER: '+15005550006',
        TWILIO_API_BASE_URL: fake.url,
        SMTP_URL: smtp.url,
        // The sweeper is called by hand where a test wants it; its timer must not blur what the queue did.
        SWEEPER_INTERVAL_SECONDS: '3600',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
    await smtp?.stop();
  });
  beforeEach(() => fake.reset());

  it('retries a transient failure (500, then 429) with the notification backoff, then sends once', async () => {
    const phone = uniquePhone();
    fake.answerTo(phone, { kind: 'http', status: 500 }, { kind: 'http', status: 429 });
    const { trackingNumber, orderId } = await createOrder(t, { phone });
    await postEvent(t, outForDelivery(trackingNumber));
    const { id } = await smsOf(t, orderId);
    const job = async () => (await t.app.get(QueueService).queue(QueueName.Sms).getJob(id))!;

    // First attempt: HTTP 500 → back to `queued` with the code, a transient attempt, and a *delayed* retry
    // (minutes away in production), not a failed job left to the sweeper.
    for (const [n, code] of [
      [1, 'HTTP_500'],
      [2, '20429'],
    ] as const) {
      const row = await waitFor(`transient attempt ${n}`, async () => {
        const r = await t.db.getRepository(Notification).findOneByOrFail({ id });
        const attempts = await attemptsOf(t, id);
        const state = await (await job()).getState();
        return r.status === 'queued' && attempts.length === n && state !== 'active'
          ? { r, attempts, state }
          : null;
      });
      expect(row.r.errorCode).toBe(code);
      expect(row.attempts[n - 1]).toMatchObject({ outcome: 'transient_error', errorCode: code, attempt: n });
      expect(row.state).toBe('delayed');
      const delayed = await job();
      // The production backoff: about a minute before the first retry, about two before the second.
      expect(delayed.delay).toBeGreaterThanOrEqual(30_000 * 2 ** (n - 1));
      expect(toPhone(phone)).toHaveLength(n);
      await delayed.promote();
    }

    const sent = await waitFor('the SMS sent after the retries', async () => {
      const r = await t.db.getRepository(Notification).findOneByOrFail({ id });
      return r.status === 'sent' ? r : null;
    });
    const attempts = await attemptsOf(t, id);
    expect(attempts.map((a) => a.outcome)).toEqual(['transient_error', 'transient_error', 'sent']);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(sent.errorCode).toBeNull();
    expect(sent.attemptCount).toBe(3);
    const requests = toPhone(phone);
    expect(requests).toHaveLength(3);
    const accepted = requests.filter((r) => r.sid);
    expect(accepted).toHaveLength(1);
    expect(sent.providerMessageId).toBe(accepted[0].sid);
    // Nothing more goes out later, even after a sweep.
    await t.app.get(NotificationMaintenance).sweep();
    await new Promise((r) => setTimeout(r, 500));
    expect(toPhone(phone)).toHaveLength(3);
  });

  it('fails an invalid number (21211) at once, without retry, and falls back to email', async () => {
    const phone = uniquePhone();
    fake.answerTo(phone, twilioError(21211, 400, "The 'To' number is not a valid phone number."));
    const { trackingNumber, orderId, email } = await createOrder(t, { phone });
    await postEvent(t, outForDelivery(trackingNumber));
    const { id } = await smsOf(t, orderId);

    const failed = await waitFor('the SMS failed', async () => {
      const r = await t.db.getRepository(Notification).findOneByOrFail({ id });
      return r.status === 'failed' ? r : null;
    });
    expect(failed.errorCode).toBe('21211');
    const fallback = await waitFor('the fallback email sent', async () => {
      const r = await t.db.getRepository(Notification).findOneBy({ fallbackOf: id });
      return r?.status === 'sent' ? r : null;
    });
    expect(fallback).toMatchObject({ channel: 'email', type: 'out_for_delivery', orderId });
    const mail = await waitFor('the fallback email at the SMTP server', () => smtp.lastTo(email!));
    expect(mail.subject).toBeTruthy();

    // Only the fallback email went out, and the SMS was asked for exactly once.
    expect(smtp.messages.filter((m) => m.to.includes(email!.toLowerCase()))).toHaveLength(1);
    const job = await t.app.get(QueueService).queue(QueueName.Sms).getJob(id);
    expect(await job?.getState()).toBe('failed');
    expect((await attemptsOf(t, id)).map((a) => `${a.outcome}/${a.errorCode}`)).toEqual([
      'permanent_error/21211',
    ]);
    await t.app.get(NotificationMaintenance).sweep();
    await new Promise((r) => setTimeout(r, 500));
    expect(toPhone(phone)).toHaveLength(1);
    expect(await t.db.getRepository(Notification).findOneByOrFail({ id })).toMatchObject({
      status: 'failed',
    });
  });

  it('suppresses a number that replied STOP (21610) and skips later texts to it', async () => {
    const phone = uniquePhone();
    fake.answerTo(phone, twilioError(21610, 400, 'Attempt to send to unsubscribed recipient'));
    const first = await createOrder(t, { phone });
    await postEvent(t, outForDelivery(first.trackingNumber));
    const { id } = await smsOf(t, first.orderId);
    const failed = await waitFor('the SMS failed', async () => {
      const r = await t.db.getRepository(Notification).findOneByOrFail({ id });
      return r.status === 'failed' ? r : null;
    });
    expect(failed.errorCode).toBe('21610');
    const suppression = await t.db
      .getRepository(Suppression)
      .findOneByOrFail({ channel: 'sms', address: phone });
    expect(suppression).toMatchObject({ reason: 'stop', source: '21610', liftedAt: null });

    // Another order for the same number: the planner does not even create the SMS (the webhook answered
    // 200, so its transaction committed) ...
    const second = await createOrder(t, { phone });
    await postEvent(t, outForDelivery(second.trackingNumber));
    expect((await notificationsOf(t, second.orderId)).filter((n) => n.channel === 'sms')).toEqual([]);
    // ... and an SMS already queued for the number when the STOP arrived is skipped at send time.
    const [shipment] = await t.db.query('SELECT id FROM shipments WHERE order_id = $1', [second.orderId]);
    // The message must match the parcel's state, or the send-time check cancels it (issue 16).
    await t.db.query(
      `UPDATE shipments SET status = 'exception', exception_reason = 'damaged' WHERE id = $1`,
      [shipment.id],
    );
    const queuedEarlier = randomUUID();
    await t.db.getRepository(Notification).insert({
      id: queuedEarlier,
      shipmentId: shipment.id,
      orderId: second.orderId,
      customerId: (await t.db.query('SELECT customer_id FROM orders WHERE id = $1', [second.orderId]))[0]
        .customer_id,
      type: 'exception',
      channel: 'sms',
      status: 'pending',
      scheduledFor: new Date(),
    } as Partial<Notification>);
    await t.app
      .get(NotificationDispatcher)
      .enqueue([{ id: queuedEarlier, channel: 'sms', scheduledFor: new Date() }]);
    const skipped = await waitFor('the queued SMS skipped', async () => {
      const r = await t.db.getRepository(Notification).findOneByOrFail({ id: queuedEarlier });
      return r.status === 'skipped' ? r : null;
    });
    expect(skipped.statusReason).toBe('suppressed_sms');
    await new Promise((r) => setTimeout(r, 300));
    expect(toPhone(phone)).toHaveLength(1);
  });
});

/** A Twilio-compatible front that holds every request `holdMs` before handing it to the fake. */
async function slowFront(
  target: FakeTwilio,
  holdMs: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        // Forwarded even when the caller went away: the provider got (and accepted) the message.
        void fetch(`${target.url}${req.url}`, {
          method: req.method,
          headers: {
            authorization: req.headers.authorization ?? '',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: Buffer.concat(chunks),
        })
          .then(async (r) => {
            res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
            res.end(await r.text());
          })
          .catch(() => res.destroy());
      }, holdMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe.each(QUEUE_BACKENDS)('the sweeper while sends are in flight on the %s queue backend', (backend) => {
  it('resends nothing', async () => {
    const fake = await new FakeTwilio().start();
    const front = await slowFront(fake, 300);
    const t = await startTestApp({
      queue: backend,
      env: {
        GENERIC_WEBHOOK_SECRET: GENERIC_SECRET,
        NOTIFY_DEBOUNCE_SECONDS: '0',
        QUIET_HOURS: 'off',
        NOTIFY_CHANNELS: 'out_for_delivery=sms',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM_NUMBER: '+15005550006',
        TWILIO_API_BASE_URL: front.url,
        SWEEPER_INTERVAL_SECONDS: '3600',
      },
    });
    try {
      const clock = t.app.get<Clock>(CLOCK);
      const orders = [];
      for (let i = 0; i < 60; i++) orders.push(await createOrder(t, { phone: uniquePhone(), email: null }));
      await Promise.all(orders.map((o) => postEvent(t, outForDelivery(o.trackingNumber))));
      const ids: string[] = (
        await t.db.query(`SELECT id FROM notifications WHERE order_id = ANY($1) AND channel = 'sms'`, [
          orders.map((o) => o.orderId),
        ])
      ).map((r: { id: string }) => r.id);
      expect(ids).toHaveLength(60);
      // The sweeper as it runs in a long load test: every queued row is past its grace period.
      const realNow = clock.now;
      clock.now = () => new Date(Date.now() + 20_000);
      const maintenance = t.app.get(NotificationMaintenance);
      let requeued = 0;
      const deadline = Date.now() + 30_000;
      for (;;) {
        requeued += (await maintenance.sweep()).requeued;
        const [{ open }] = await t.db.query(
          `SELECT count(*)::int AS open FROM notifications WHERE id = ANY($1) AND status <> 'sent'`,
          [ids],
        );
        if (open === 0 || Date.now() > deadline) break;
      }
      clock.now = realNow;
      await new Promise((r) => setTimeout(r, 1000));
      // The sweeper covers the whole store: rows other spec files left waiting in this database may go out through
      // this fake too. Only this test's numbers are counted.
      const ours = new Set(orders.map((o) => o.phone));
      const requests = fake.requests.filter((r) => ours.has(r.form.To));
      const perPhone = new Map<string, number>();
      for (const r of requests) perPhone.set(r.form.To, (perPhone.get(r.form.To) ?? 0) + 1);
      const duplicates = [...perPhone.values()].filter((n) => n > 1).length;
      expect({ requests: requests.length, duplicates, requeued }).toEqual({
        requests: 60,
        duplicates: 0,
        requeued: expect.any(Number),
      });
    } finally {
      await t.close();
      await front.stop();
      await fake.stop();
    }
  });
});
