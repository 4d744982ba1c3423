import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { Notification } from '../src/notifications/notification.entity';
import {
  addBusinessDays,
  businessIndex,
  dateAtBusinessIndex,
  weekdayOf,
} from '../src/predictions/business-days';
import { DeliveryEstimates } from '../src/predictions/delivery-estimates.service';
import { ScanGaps } from '../src/predictions/scan-gaps.service';
import { CLOCK, type Clock } from '../src/shared/clock';
import { Shipment } from '../src/tracking/shipment.entity';
import { createOrder, putOrder, type PlacedOrder } from './support/factories';
import { FakeTwilio } from './support/fake-twilio';
import { uniquePhone } from './support/phones';
import { SmtpCatcher } from './support/smtp-catcher';
import { bearer, QUEUE_BACKENDS, startTestApp, type TestApp, waitFor } from './support/test-app';
import { postGenericEvent } from './support/webhooks';

/**
 * The messages sent before customers ask (issue 20), through the whole pipeline on both queue backends: the scheduled
 * checks (run as maintenance jobs), the policy, the queue, the send-time re-check, the real Twilio SDK and SMTP client
 * against local fakes. Each message is planned in its window, sent once and only once, and not at all when the
 * parcel's state says otherwise.
 */

const GENERIC_SECRET = 'generic-secret-for-proactive-messages';
const ACCOUNT_SID = `AC${'fedcba9876543210'.repeat(2)}`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** UTC−5 all year: the customer's 09:30 is 14:30Z whatever the season. */
const ZONE = 'America/Bogota';
/**
 * The fixed clock: yesterday (UTC) at 09:30 in Bogotá, inside the morning window. Always 9–34 hours in the past, so
 * every scan a test dates before it is in the past for the intake too.
 */
const MORNING = DateTime.utc().minus({ days: 1 }).startOf('day').plus({ hours: 14, minutes: 30 }).toJSDate();
const at = (offsetMs: number) => new Date(MORNING.getTime() + offsetMs);
/** The customer's calendar day `days` after the morning's. */
const dayAfter = (days: number) => DateTime.fromJSDate(MORNING, { zone: ZONE }).plus({ days }).toISODate()!;

describe.each(QUEUE_BACKENDS)('messages before customers ask, on the %s queue backend', (backend) => {
  let t: TestApp;
  let fake: FakeTwilio;
  let smtp: SmtpCatcher;
  let clock: Clock;
  const realNow = () => new Date();

  beforeAll(async () => {
    fake = await new FakeTwilio().start();
    smtp = await new SmtpCatcher().start();
    t = await startTestApp({
      queue: backend,
      env: {
        GENERIC_WEBHOOK_SECRET: GENERIC_SECRET,
        NOTIFY_DEBOUNCE_SECONDS: '0',
        QUIET_HOURS: 'off',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: 'twilio_test_auth_token_proactive',
        TWILIO_FROM_NUMBER: '+15005550006',
        TWILIO_API_BASE_URL: fake.url,
        SMTP_URL: smtp.url,
        SWEEPER_INTERVAL_SECONDS: '3600',
      },
    });
    clock = t.app.get<Clock>(CLOCK);
  });
  afterEach(() => {
    clock.now = realNow;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
    await smtp?.stop();
  });

  const tag = () => randomBytes(5).toString('hex');
  const post = (event: Record<string, unknown>) =>
    postGenericEvent(t, GENERIC_SECRET, { carrier: 'ups', ...event });
  const runJob = async (job: string) => {
    const res = await t.http.post(`/v1/system/maintenance/${job}`).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    return res.body as { result: unknown };
  };
  const placeOrder = (parcels = 1): Promise<PlacedOrder> =>
    putOrder(t, {
      customer: {
        phone: uniquePhone(),
        email: `proactive.${tag()}@example.com`,
        timeZone: ZONE,
        country: 'CO',
        locale: 'en-US',
      },
      shipments: Array.from({ length: parcels }, () => ({ carrier: 'UPS' })),
    });
  const rowsOf = (orderId: string, type?: string) =>
    t.db.getRepository(Notification).find({
      where: { orderId, ...(type ? { type: type as Notification['type'] } : {}) },
      order: { createdAt: 'ASC' },
    });
  const textsTo = (phone: string, words: string) =>
    fake.requests.filter((r) => r.form.To === phone && r.form.Body.includes(words)).map((r) => r.form.Body);
  const mailsTo = async (address: string) =>
    Promise.all(
      smtp.messages
        .filter((m) => m.to.includes(address))
        .map(async (m) => {
          const mail = await simpleParser(m.raw);
          return { subject: mail.subject ?? '', text: mail.text ?? '' };
        }),
    );
  /** Gives workers time to send anything they wrongly would, before asserting that nothing more went out. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

  describe('arriving tomorrow', () => {
    it("plans it in the morning window from the carrier's date, sends it once by text and email, again only for a new date", async () => {
      clock.now = () => MORNING;
      const order = await placeOrder();
      const tomorrow = dayAfter(1);
      await post({
        trackingNumber: order.trackingNumber,
        status: 'in_transit',
        occurredAt: at(-20 * HOUR).toISOString(),
        eta: { date: tomorrow },
      });

      await runJob('check-arriving-tomorrow');
      const rows = await rowsOf(order.orderId, 'arriving_tomorrow');
      expect(rows.map((r) => [r.channel, r.aboutDate, r.scheduledFor.toISOString()]).sort()).toEqual([
        ['email', tomorrow, MORNING.toISOString()],
        ['sms', tomorrow, MORNING.toISOString()],
      ]);
      const texts = await waitFor('the arriving-tomorrow text', async () => {
        const found = textsTo(order.phone!, 'should arrive tomorrow (');
        return found.length ? found : null;
      });
      expect(texts[0]).toContain(order.externalId);
      expect(texts[0]).toMatch(/http:\/\/wismo\.test\/t\//);
      const mail = await waitFor('the arriving-tomorrow email', async () =>
        (await mailsTo(order.email!)).find((m) => m.subject.startsWith('Arriving tomorrow')),
      );
      expect(mail.subject).toBe(`Arriving tomorrow: your order ${order.externalId}`);

      // The next runs of the check (every 15 minutes) add nothing: once per shipment and day.
      await runJob('check-arriving-tomorrow');
      await runJob('check-arriving-tomorrow');
      await settle();
      expect(await rowsOf(order.orderId, 'arriving_tomorrow')).toHaveLength(2);
      expect(textsTo(order.phone!, 'should arrive tomorrow (')).toHaveLength(1);
      expect(
        (await mailsTo(order.email!)).filter((m) => m.subject.startsWith('Arriving tomorrow')),
      ).toHaveLength(1);

      // The carrier moves the date a day later: not tomorrow today; tomorrow the next morning, and announced again.
      await post({
        trackingNumber: order.trackingNumber,
        status: 'in_transit',
        occurredAt: at(-1 * HOUR).toISOString(),
        eta: { date: dayAfter(2) },
      });
      await runJob('check-arriving-tomorrow');
      expect(await rowsOf(order.orderId, 'arriving_tomorrow')).toHaveLength(2);
      clock.now = () => at(DAY);
      await runJob('check-arriving-tomorrow');
      const again = (await rowsOf(order.orderId, 'arriving_tomorrow')).filter(
        (r) => r.aboutDate === dayAfter(2),
      );
      expect(again.map((r) => r.channel).sort()).toEqual(['email', 'sms']);
      await waitFor(
        'the second text',
        async () => textsTo(order.phone!, 'should arrive tomorrow (').length === 2,
      );
      await settle();
      expect(textsTo(order.phone!, 'should arrive tomorrow (')).toHaveLength(2);
    });

    it('uses our own most likely date when the carrier gives none', async () => {
      // A morning whose tomorrow is a weekday (business-day transit never ends on a weekend).
      let morning = MORNING;
      while (weekdayOf(DateTime.fromJSDate(morning, { zone: ZONE }).plus({ days: 1 }).toISODate()!) > 4)
        morning = new Date(morning.getTime() - DAY);
      const today = DateTime.fromJSDate(morning, { zone: ZONE }).toISODate()!;
      const tomorrow = DateTime.fromJSDate(morning, { zone: ZONE }).plus({ days: 1 }).toISODate()!;
      // Twenty past deliveries of this carrier to Colombia, each two business days from first scan to door.
      const carrier = `estpost${tag()}`;
      for (let i = 0; i < 20; i++) {
        const deliveredOn = dateAtBusinessIndex(businessIndex(today) - 1 - i);
        const shippedOn = addBusinessDays(deliveredOn, -2);
        const [{ id }] = await t.db.query(
          `INSERT INTO shipments (carrier, tracking_number, status, delivered_at)
           VALUES ($1, $2, 'delivered', $3) RETURNING id`,
          [carrier, `HIST-${tag()}`, `${deliveredOn}T17:00:00Z`],
        );
        await t.db.query(
          `INSERT INTO shipment_facts (shipment_id, carrier, destination_country, cohort_date, first_scan_at, status)
           VALUES ($1, $2, 'CO', $3, $4, 'delivered')`,
          [id, carrier, shippedOn, `${shippedOn}T15:00:00Z`],
        );
      }
      await t.app.get(DeliveryEstimates).retrain();

      clock.now = () => morning;
      const order = await putOrder(t, {
        customer: {
          phone: uniquePhone(),
          email: `proactive.${tag()}@example.com`,
          timeZone: ZONE,
          country: 'CO',
        },
        shipments: [{ carrier }],
      });
      // First scanned a business day ago, no carrier date: two business days of transit make it tomorrow.
      const shippedOn = addBusinessDays(tomorrow, -2);
      await post({
        carrier,
        trackingNumber: order.trackingNumber,
        status: 'in_transit',
        occurredAt: `${shippedOn}T15:00:00Z`,
      });
      await runJob('check-arriving-tomorrow');
      const rows = await rowsOf(order.orderId, 'arriving_tomorrow');
      expect(rows.map((r) => [r.channel, r.aboutDate]).sort()).toEqual([
        ['email', tomorrow],
        ['sms', tomorrow],
      ]);
      const text = await waitFor(
        'the text',
        async () => textsTo(order.phone!, 'should arrive tomorrow (')[0],
      );
      const day = DateTime.fromISO(tomorrow).setLocale('en-GB').toFormat('cccc d LLLL');
      expect(text).toContain(`should arrive tomorrow (${day})`);
    });

    it('before the window it waits for 09:00; after it, or once the parcel is out for delivery or at a pickup point, nothing', async () => {
      const tomorrow = dayAfter(1);
      const [early, outForDelivery, atPickup] = await Promise.all([1, 1, 1].map(() => placeOrder()));
      const inTransitDueTomorrow = (order: PlacedOrder) =>
        post({
          trackingNumber: order.trackingNumber,
          status: 'in_transit',
          occurredAt: at(-20 * HOUR).toISOString(),
          eta: { date: tomorrow },
        });
      for (const order of [early, outForDelivery, atPickup]) await inTransitDueTomorrow(order);
      await post({
        trackingNumber: outForDelivery.trackingNumber,
        status: 'out_for_delivery',
        occurredAt: at(-3 * HOUR).toISOString(),
      });
      await post({
        trackingNumber: atPickup.trackingNumber,
        status: 'available_for_pickup',
        occurredAt: at(-3 * HOUR).toISOString(),
      });

      // 07:00 in Bogotá: planned for 09:00, held until then.
      clock.now = () => at(-2.5 * HOUR);
      await runJob('check-arriving-tomorrow');
      const planned = await rowsOf(early.orderId, 'arriving_tomorrow');
      expect(planned.map((r) => [r.channel, r.status, r.scheduledFor.toISOString()]).sort()).toEqual([
        ['email', 'queued', at(-0.5 * HOUR).toISOString()],
        ['sms', 'queued', at(-0.5 * HOUR).toISOString()],
      ]);
      expect(await rowsOf(outForDelivery.orderId, 'arriving_tomorrow')).toEqual([]);
      expect(await rowsOf(atPickup.orderId, 'arriving_tomorrow')).toEqual([]);

      // 11:30: the window has passed for a parcel first seen due tomorrow now.
      clock.now = () => at(2 * HOUR);
      const late = await placeOrder();
      await inTransitDueTomorrow(late);
      await runJob('check-arriving-tomorrow');
      expect(await rowsOf(late.orderId, 'arriving_tomorrow')).toEqual([]);

      // The parcel held for 09:00 goes out for delivery at 08:00: the waiting message is now false and cancelled.
      clock.now = () => at(-1.5 * HOUR);
      await post({
        trackingNumber: early.trackingNumber,
        status: 'out_for_delivery',
        occurredAt: at(-1.5 * HOUR).toISOString(),
      });
      const after = await rowsOf(early.orderId, 'arriving_tomorrow');
      expect(after.map((r) => [r.channel, r.status, r.statusReason])).toEqual(
        expect.arrayContaining([
          ['sms', 'cancelled', 'superseded'],
          ['email', 'cancelled', 'superseded'],
        ]),
      );
      await settle();
      for (const order of [early, outForDelivery, atPickup, late])
        expect(textsTo(order.phone!, 'should arrive tomorrow (')).toEqual([]);
    });
  });

  describe('stalled', () => {
    const country = 'CO';
    /** A lane with known gaps between scans: `shipments` delivered parcels, five gaps each, `gapsMs` in turn. */
    async function laneHistory(carrier: string, gapsMs: number[], shipments = 12): Promise<void> {
      for (let i = 0; i < shipments; i++) {
        let time = at(-50 * DAY + i * DAY).getTime(); // inside the 60 days the thresholds read
        const events: { status: Shipment['status']; description: string; occurredAt: Date }[] = [];
        for (let j = 0; j < 6; j++) {
          events.push({
            status: j === 5 ? 'delivered' : 'in_transit',
            description: j === 5 ? 'Delivered' : 'Arrived at facility',
            occurredAt: new Date(time),
          });
          time += gapsMs[(i * 5 + j) % gapsMs.length];
        }
        const last = events[events.length - 1].occurredAt;
        await createOrder(t.db, {
          customer: { country },
          shipments: [{ carrier, status: 'delivered', lastEventAt: last, deliveredAt: last, events }],
        });
      }
    }
    const silentParcel = async (carrier: string, status: Shipment['status'], silentForMs: number) => {
      const phone = uniquePhone();
      const email = `stalled.${tag()}@example.com`;
      const lastScan = at(-silentForMs);
      const { order, shipments } = await createOrder(t.db, {
        customer: { country, phone, email, timeZone: ZONE, locale: 'en-US' },
        shipments: [
          {
            carrier,
            status,
            lastEventAt: lastScan,
            events: [
              { status: 'in_transit', description: 'Picked up', occurredAt: at(-silentForMs - 12 * HOUR) },
              { status, description: 'Departed facility', occurredAt: lastScan },
            ],
          },
        ],
      });
      return { orderId: order.id, shipmentId: shipments[0].id, phone, email, lastScan };
    };

    it("tells a silence longer than the lane's usual gap once, as stalled and never also as delayed; the fixed days do not apply to a lane with its own history", async () => {
      // A lane scanned every 4–11 hours (its 95th percentile is under a day, so the one-day floor applies), and a
      // lane whose parcels routinely go 3½–4 days between scans (95th percentile near 4 days).
      const fast = `fastpost${tag()}`;
      const slow = `slowpost${tag()}`;
      await laneHistory(
        fast,
        [4, 5, 6, 7, 8, 9, 10, 11].map((h) => h * HOUR),
      );
      await laneHistory(
        slow,
        [3.5, 3.75, 4].map((d) => d * DAY),
      );

      // The thresholds are kept for 6 hours (the scheduler's first run at start-up computed them): learn the lanes.
      const thresholds = await t.app.get(ScanGaps).refresh();
      expect(thresholds.lanes.get(`${fast}|${country}`)).toEqual({ ms: DAY, level: 'lane', samples: 60 });
      expect(thresholds.lanes.get(`${slow}|${country}`)!.ms).toBeGreaterThan(3.9 * DAY);

      const stalled = await silentParcel(fast, 'in_transit', 30 * HOUR);
      const recent = await silentParcel(fast, 'in_transit', 10 * HOUR);
      const usualOnItsLane = await silentParcel(slow, 'in_transit', 3.25 * DAY); // past NO_SCAN_DELAY_DAYS (3)
      const delivered = await silentParcel(fast, 'delivered', 30 * HOUR);

      clock.now = () => MORNING;
      await runJob('check-stale-shipments');
      const rows = await rowsOf(stalled.orderId);
      expect(rows.map((r) => `${r.type}/${r.channel}`).sort()).toEqual(['stalled/email', 'stalled/sms']);
      const text = await waitFor(
        'the stalled text',
        async () => textsTo(stalled.phone, "hasn't been scanned")[0],
      );
      const lastScanDay = DateTime.fromJSDate(stalled.lastScan, { zone: ZONE })
        .setLocale('en-GB')
        .toFormat('cccc d LLLL');
      expect(text).toContain(`since ${lastScanDay}`);
      const mail = await waitFor('the stalled email', async () =>
        (await mailsTo(stalled.email)).find((m) => m.subject.startsWith("We're keeping an eye")),
      );
      expect(mail.text).toContain('longer than usual on its route');

      for (const quiet of [recent, usualOnItsLane, delivered]) {
        expect(await rowsOf(quiet.orderId)).toEqual([]);
        const shipment = await t.db.getRepository(Shipment).findOneByOrFail({ id: quiet.shipmentId });
        expect(shipment.noScanFlaggedAt).toBeNull();
      }

      // The hourly check runs again, and again: the same silence is never told twice.
      await runJob('check-stale-shipments');
      clock.now = () => at(HOUR);
      await runJob('check-stale-shipments');
      await settle();
      expect((await rowsOf(stalled.orderId)).map((r) => r.type).sort()).toEqual(['stalled', 'stalled']);
      expect(textsTo(stalled.phone, "hasn't been scanned")).toHaveLength(1);
      expect(fake.requests.filter((r) => r.form.To === stalled.phone)).toHaveLength(1);
      expect(await rowsOf(usualOnItsLane.orderId)).toEqual([]);
    });
  });

  describe('order complete', () => {
    it('the last parcel of a split order gets "all parcels delivered" instead of its delivered message: never both', async () => {
      clock.now = () => MORNING;
      const order = await placeOrder(2);
      const [first, second] = order.trackingNumbers;
      await post({ trackingNumber: first, status: 'delivered', occurredAt: at(-3 * HOUR).toISOString() });
      const firstMail = await waitFor('the first delivery email', async () =>
        (await mailsTo(order.email!)).find((m) => m.subject.startsWith('Delivered')),
      );
      expect(firstMail.subject).toMatch(/\(parcel [12] of 2: UPS /);
      expect(firstMail.text).not.toContain('your order is complete');

      await post({ trackingNumber: second, status: 'delivered', occurredAt: at(-1 * HOUR).toISOString() });
      const complete = await waitFor('the order-complete email', async () =>
        (await mailsTo(order.email!)).find((m) => m.subject.startsWith('All parcels delivered')),
      );
      expect(complete.subject).toBe(`All parcels delivered: your order ${order.externalId} is complete`);
      expect(complete.text).toContain('so both parcels are now with you');

      await settle();
      const rows = await rowsOf(order.orderId);
      expect(rows.map((r) => `${r.type}/${r.channel}/${r.status}`)).toEqual([
        'delivered/email/sent',
        'order_complete/email/sent',
      ]);
      expect((await mailsTo(order.email!)).map((m) => m.subject.split(':')[0])).toEqual([
        'Delivered',
        'All parcels delivered',
      ]);
      expect(fake.requests.filter((r) => r.form.To === order.phone)).toEqual([]);
    });

    it('not while another parcel of the order is still on its way', async () => {
      clock.now = () => MORNING;
      const order = await placeOrder(2);
      const [first, second] = order.trackingNumbers;
      await post({ trackingNumber: first, status: 'in_transit', occurredAt: at(-5 * HOUR).toISOString() });
      await post({ trackingNumber: second, status: 'delivered', occurredAt: at(-1 * HOUR).toISOString() });
      await waitFor('the delivery email', async () =>
        (await mailsTo(order.email!)).find((m) => m.subject.startsWith('Delivered')),
      );
      await settle();
      expect((await rowsOf(order.orderId)).map((r) => r.type).sort()).toEqual(['delivered', 'shipped']);
    });
  });
});
