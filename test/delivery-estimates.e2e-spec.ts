import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { addBusinessDays, businessIndex, dateAtBusinessIndex } from '../src/predictions/business-days';
import { TrackingLinks } from '../src/links/tracking-links.service';
import { DeliveryEstimates } from '../src/predictions/delivery-estimates.service';
import { putOrder } from './support/factories';
import { uniquePhone } from './support/phones';
import { bearer, QUEUE_BACKENDS, startTestApp, TestApp, waitFor } from './support/test-app';
import { postGenericEvent } from './support/webhooks';

const SECRET = 'generic-secret-for-delivery-estimate-tests';
/** UTC all year, like the store's zone in tests: ship days and the customer's days are the same calendar. */
const ZONE = 'Atlantic/Reykjavik';

/** 20 past deliveries per carrier: transit 2, 3, 3, 3, 4 business days (interleaved), scored errors as given. */
const TRANSITS = [2, 3, 3, 3, 4];
const GOOD = { errors: [0, 0, 1, -1, 0], hits: [true, true, true, false, true] };
const POOR = { errors: [2, -2, 1, 3, 0], hits: [false, false, true, false, true] };

/** Figures of a list of signed business-day errors, computed here by hand (the service computes them in SQL). */
function figures(errors: number[], hits?: boolean[]) {
  const n = errors.length;
  return {
    covered: n,
    exactRate: errors.filter((e) => e === 0).length / n,
    withinOneDayRate: errors.filter((e) => Math.abs(e) <= 1).length / n,
    mae: errors.reduce((a, e) => a + Math.abs(e), 0) / n,
    windowHitRate: hits ? hits.filter(Boolean).length / n : errors.filter((e) => e === 0).length / n,
  };
}

/**
 * Issue 20, the estimate side: each shipment stores our current and first window and the source it shows, chosen
 * per carrier by which has been more accurate lately; messages, the chat, the support page and the tracking page
 * give it labelled as an estimate; the analytics compare our first windows with the carriers' first ETAs.
 */
describe.each(QUEUE_BACKENDS)('delivery estimates (queue on %s)', (queue) => {
  let t: TestApp;
  const tag = randomBytes(3).toString('hex');
  /** Our estimates have been better for this carrier; the carrier's ETAs for the other. */
  const oursBetter = `estacme${tag}`;
  const carrierBetter = `estbolt${tag}`;
  const today = DateTime.now().setZone(ZONE).toISODate()!;
  const carrierEta = DateTime.fromISO(today).plus({ days: 8 }).toISODate()!;

  /** The i-th past delivery: one a business day over the last four weeks, some in closed days, some recent. */
  const historyDay = (i: number) => dateAtBusinessIndex(businessIndex(today) - 1 - i);

  /** Past deliveries the model learns from (shipment facts) with the scores intake stores at delivery. */
  async function loadHistory(carrier: string, scores: { ours: typeof GOOD; carrier: number[] }) {
    for (let i = 0; i < 20; i++) {
      const deliveredOn = historyDay(i);
      const shippedOn = addBusinessDays(deliveredOn, -TRANSITS[i % 5]);
      const [{ id }] = await t.db.query(
        `INSERT INTO shipments (carrier, tracking_number, status, delivered_at, estimate_error, estimate_hit,
                                carrier_eta_error)
         VALUES ($1, $2, 'delivered', $3, $4, $5, $6) RETURNING id`,
        [
          carrier,
          `HIST-${randomUUID()}`,
          `${deliveredOn}T14:00:00Z`,
          scores.ours.errors[i % 5],
          scores.ours.hits[i % 5],
          scores.carrier[i % 5],
        ],
      );
      await t.db.query(
        `INSERT INTO shipment_facts (shipment_id, carrier, destination_country, cohort_date, first_scan_at, status)
         VALUES ($1, $2, 'GB', $3, $4, 'delivered')`,
        [id, carrier, shippedOn, `${shippedOn}T09:00:00Z`],
      );
    }
  }

  const shipmentRow = async (trackingNumber: string) =>
    (
      await t.db.query(
        `SELECT id, estimate, first_estimate AS "firstEstimate", eta_source AS "etaSource",
                estimate_error AS "estimateError", estimate_hit AS "estimateHit",
                carrier_eta_error AS "carrierEtaError"
           FROM shipments WHERE tracking_number = $1`,
        [trackingNumber],
      )
    )[0];

  const scan = (carrier: string, trackingNumber: string, status: string, occurredAt: string, eta?: string) =>
    postGenericEvent(t, SECRET, {
      carrier,
      trackingNumber,
      status,
      description: status === 'delivered' ? 'Delivered' : 'Departed facility',
      occurredAt,
      ...(eta ? { eta: { date: eta } } : {}),
    });

  /** The first scan today; the later, out-of-order one shows it was handed over three business days ago. */
  const shippedNow = new Date(Date.now() - 60_000).toISOString();
  const shippedEarlier = dateAtBusinessIndex(businessIndex(today) - 3);
  let order: Awaited<ReturnType<typeof putOrder>>;
  let other: Awaited<ReturnType<typeof putOrder>>;

  beforeAll(async () => {
    t = await startTestApp({
      queue,
      env: {
        GENERIC_WEBHOOK_SECRET: SECRET,
        QUIET_HOURS: 'off',
        NOTIFY_DEBOUNCE_SECONDS: '2',
        NOTIFY_CHANNELS: 'shipped=email,sms',
      },
    });
    await loadHistory(oursBetter, { ours: GOOD, carrier: POOR.errors });
    await loadHistory(carrierBetter, { ours: POOR, carrier: GOOD.errors });
    await t.app.get(DeliveryEstimates).retrain();
    const number = () => `WS-${randomInt(10_000_000, 99_999_999)}`;
    const customer = { timeZone: ZONE, country: 'GB', locale: 'en-GB', phone: uniquePhone() };
    order = await putOrder(t, { externalId: number(), customer, shipments: [{ carrier: oursBetter }] });
    other = await putOrder(t, {
      externalId: number(),
      customer: { ...customer, phone: uniquePhone() },
      shipments: [{ carrier: carrierBetter }],
    });
    await scan(oursBetter, order.trackingNumber, 'in_transit', shippedNow, carrierEta);
    await scan(carrierBetter, other.trackingNumber, 'in_transit', shippedNow, carrierEta);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores the first window at the first scan and the source chosen for each carrier', async () => {
    const row = await shipmentRow(order.trackingNumber);
    // Shipped today: P10, P50 and P90 of 2, 3, 3, 3, 4 business days.
    const first = {
      earliest: addBusinessDays(today, 2),
      likely: addBusinessDays(today, 3),
      latest: addBusinessDays(today, 4),
      shippedOn: today,
    };
    expect(row.firstEstimate).toMatchObject({ ...first, basedOn: 20 });
    expect(row.estimate).toEqual(row.firstEstimate);
    // Our dates were off by 0.4 business days on average, the carrier's by 1.6: ours is shown.
    expect(row.etaSource).toBe('estimate');
    // The other carrier's ETAs were the better guide: its date is shown although we have a window too.
    const otherRow = await shipmentRow(other.trackingNumber);
    expect(otherRow.estimate).toMatchObject(first);
    expect(otherRow.etaSource).toBe('carrier');
  });

  it('re-predicts at the next scan, conditional on the time spent, and keeps the first window', async () => {
    const before = await shipmentRow(order.trackingNumber);
    await scan(oursBetter, order.trackingNumber, 'in_transit', `${shippedEarlier}T12:00:00Z`, carrierEta);
    const row = await shipmentRow(order.trackingNumber);
    expect(row.firstEstimate).toEqual(before.firstEstimate);
    // In transit for three business days already: only the parcels that took 3 or 4 days are still possible.
    expect(row.estimate).toMatchObject({
      shippedOn: shippedEarlier,
      earliest: addBusinessDays(shippedEarlier, 3),
      likely: addBusinessDays(shippedEarlier, 3),
      latest: addBusinessDays(shippedEarlier, 4),
    });
    expect(row.estimate.madeAt > before.estimate.madeAt).toBe(true);
  });

  /** The window as en-GB writes a range of days ("7–9 December"), as the customer is shown it from today. */
  const shownRange = (earliest: string, latest: string, sms = true) => {
    const from = earliest < today ? today : earliest;
    const format = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' });
    const text = format.formatRange(new Date(`${from}T00:00:00Z`), new Date(`${latest}T00:00:00Z`));
    // SMS: typographic spaces and dashes as GSM-7 has them.
    return sms ? text.replace(/[\u2009\u202f]/g, ' ').replace('\u2013', '-') : text;
  };

  it('sends the shipped message with our window worded as an estimate, and the carrier date for the other', async () => {
    const { estimate } = await shipmentRow(order.trackingNumber);
    const sent = (trackingNumber: string, channel = 'sms') =>
      waitFor(
        `the shipped ${channel} of ${trackingNumber}`,
        async () => {
          const rows: { text: string }[] = await t.db.query(
            `SELECT n.rendered_text AS text FROM notifications n JOIN shipments s ON s.id = n.shipment_id
            WHERE s.tracking_number = $1 AND n.type = 'shipped' AND n.channel = $2
              AND n.status IN ('sent', 'delivered')`,
            [trackingNumber, channel],
          );
          return rows[0]?.text;
        },
        40_000,
      );
    const ours = await sent(order.trackingNumber);
    expect(ours).toContain(`Estimated ${shownRange(estimate.earliest, estimate.latest)}.`);
    expect(ours).not.toContain('Expected');
    const email = await sent(order.trackingNumber, 'email');
    expect(email).toContain(
      `Estimated delivery: ${shownRange(estimate.earliest, estimate.latest, false)} (our estimate`,
    );
    const theirs = await sent(other.trackingNumber);
    expect(theirs).toContain('Expected ');
    expect(theirs).not.toContain('Estimated');
    expect(theirs).toContain(String(DateTime.fromISO(carrierEta).day));
  });

  it("shows the stored window on the tracking page, in place of the carrier's date when ours was chosen", async () => {
    const { estimate } = await shipmentRow(order.trackingNumber);
    const page = async (trackingNumber: string) => {
      const [{ ref }] = await t.db.query(`SELECT link_ref AS ref FROM shipments WHERE tracking_number = $1`, [
        trackingNumber,
      ]);
      const res = await t.http.get(`/t/${t.app.get(TrackingLinks).tokenFor(ref)}`);
      expect(res.status).toBe(200);
      return res.text;
    };
    const day = (d: string) =>
      DateTime.fromISO(d, { zone: 'UTC' })
        .setLocale('en')
        .toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' });
    const ours = await page(order.trackingNumber);
    const from = estimate.earliest < today ? today : estimate.earliest;
    expect(ours).toContain(`Between ${day(from)} and ${day(estimate.latest)}, most likely`);
    expect(ours).not.toContain(day(carrierEta));
    expect(ours).toContain('which have lately been closer than the carrier&#x27;s dates');
    const theirs = await page(other.trackingNumber);
    expect(theirs).toContain(day(carrierEta));
    expect(theirs).not.toContain('most likely');
  });

  it('gives the estimate in the support order data and the chat', async () => {
    const { estimate, firstEstimate } = await shipmentRow(order.trackingNumber);
    const res = await t.http.get(`/v1/orders/${order.externalId}`).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    const [s] = res.body.shipments;
    expect(s).toMatchObject({
      eta: { date: carrierEta },
      etaSource: 'estimate',
      estimate: { earliest: estimate.earliest, likely: estimate.likely, latest: estimate.latest },
      firstEstimate: { earliest: firstEstimate.earliest, latest: firstEstimate.latest },
      shown: {
        source: 'estimate',
        earliest: estimate.earliest < today ? today : estimate.earliest,
        latest: estimate.latest,
      },
    });

    const ask = await t.http.post('/v1/chat/messages').send({ message: 'where is my order?' });
    expect(ask.status).toBe(200);
    const chat = await t.http
      .post('/v1/chat/messages')
      .send({ sessionId: ask.body.sessionId, message: `it's #${order.externalId} and ${order.email}` });
    expect(chat.status).toBe(200);
    const card = chat.body.shipments.find(
      (c: { trackingNumber: string }) => c.trackingNumber === order.trackingNumber,
    );
    expect(card).toMatchObject({ etaSource: 'estimate', estimate: { latest: estimate.latest } });
    expect(card.etaText).toMatch(
      /^Estimated delivery: .+ \(our estimate from recent deliveries like this one\)\.$/,
    );
    expect(chat.body.reply).toContain('Estimated delivery');
  });

  it('scores the delivery and reports accuracy and coverage per carrier, ours beside the carrier', async () => {
    const { firstEstimate } = await shipmentRow(order.trackingNumber);
    await scan(oursBetter, order.trackingNumber, 'delivered', new Date(Date.now() - 30_000).toISOString());
    const row = await shipmentRow(order.trackingNumber);
    const deliveredOn = today;
    const ourError = businessIndex(deliveredOn) - businessIndex(firstEstimate.likely);
    const carrierError = businessIndex(deliveredOn) - businessIndex(carrierEta);
    const hit =
      businessIndex(deliveredOn) >= businessIndex(firstEstimate.earliest) &&
      businessIndex(deliveredOn) <= businessIndex(firstEstimate.latest);
    expect(row).toMatchObject({ estimateError: ourError, estimateHit: hit, carrierEtaError: carrierError });

    // Closed days (a week old) are read from the daily rollup, the last week live: roll now rather than wait.
    const rolled = await t.http
      .post('/v1/system/maintenance/refresh-estimate-accuracy')
      .set(bearer(t.adminKey));
    expect(rolled.status).toBe(200);
    const lastClosed = DateTime.fromISO(today).minus({ days: 7 }).toISODate()!;
    const closed = Array.from({ length: 20 }, (_, i) => historyDay(i)).filter((d) => d <= lastClosed).length;
    expect(closed).toBeGreaterThan(5);
    const [{ inRollup }] = await t.db.query(
      `SELECT coalesce(sum(deliveries), 0)::int AS "inRollup" FROM estimate_accuracy_daily WHERE carrier = $1`,
      [oursBetter],
    );
    expect(inRollup).toBe(closed);
    const from = DateTime.fromISO(today).minus({ days: 90 }).toISODate()!;
    const to = DateTime.fromISO(today).plus({ days: 1 }).toISODate()!;
    const res = await t.http.get(`/v1/analytics/estimates?from=${from}&to=${to}`).set(bearer(t.adminKey));
    expect(res.status).toBe(200);
    const group = res.body.groups.find((g: { key: string }) => g.key === oursBetter);
    const ourErrors = [...Array.from({ length: 20 }, (_, i) => GOOD.errors[i % 5]), ourError];
    const ourHits = [...Array.from({ length: 20 }, (_, i) => GOOD.hits[i % 5]), hit];
    const carrierErrors = [...Array.from({ length: 20 }, (_, i) => POOR.errors[i % 5]), carrierError];
    const expected = { ours: figures(ourErrors, ourHits), carrier: figures(carrierErrors) };
    expect(group.deliveries).toBe(21);
    for (const source of ['ours', 'carrier'] as const) {
      const e = expected[source];
      expect(group[source].covered).toBe(e.covered);
      expect(group[source].coverage).toBeCloseTo(1, 10);
      expect(group[source].windowHitRate).toBeCloseTo(e.windowHitRate, 10);
      expect(group[source].exactRate).toBeCloseTo(e.exactRate, 10);
      expect(group[source].withinOneDayRate).toBeCloseTo(e.withinOneDayRate, 10);
      expect(group[source].mae).toBeCloseTo(e.mae, 10);
    }
    // A parcel delivered with no date from either source counts against coverage.
    await t.db.query(
      `INSERT INTO shipments (carrier, tracking_number, status, delivered_at) VALUES ($1, $2, 'delivered', now())`,
      [carrierBetter, `HIST-${randomUUID()}`],
    );
    const again = await t.http.get(`/v1/analytics/estimates?from=${from}&to=${to}`).set(bearer(t.adminKey));
    const otherGroup = again.body.groups.find((g: { key: string }) => g.key === carrierBetter);
    expect(otherGroup).toMatchObject({ deliveries: 21, ours: { covered: 20 }, carrier: { covered: 20 } });
    expect(otherGroup.ours.coverage).toBeCloseTo(20 / 21, 10);
    expect(otherGroup.carrier.coverage).toBeCloseTo(20 / 21, 10);
    const bad = await t.http.get('/v1/analytics/estimates?from=yesterday').set(bearer(t.adminKey));
    expect(bad.status).toBe(400);
  });
});
