import { AnalyticsRefresher } from '../src/analytics/analytics-refresh.service';
import { ANALYTICS_SECRET, loadDesignedWeek, startAnalyticsApp, WEEK } from './support/analytics-dataset';
import { bearer, TestApp } from './support/test-app';
import { putOrder } from './support/factories';
import { uniquePhone } from './support/phones';
import { postGenericEvent } from './support/webhooks';

describe('delivery analytics on a designed week', () => {
  let t: TestApp;
  let tracking: Record<string, string>;
  let shipmentIds: Record<string, string>;
  const get = (path: string) => t.http.get(path).set(bearer(t.adminKey));

  beforeAll(async () => {
    t = await startAnalyticsApp();
    ({ tracking, shipmentIds } = await loadDesignedWeek(t));
  });
  afterAll(() => t?.close());

  it('answers every headline figure as worked out by hand', async () => {
    const res = await get(`/v1/analytics/delivery?${WEEK}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2026-11-02',
      to: '2026-11-09',
      shipments: 11, // A–J and M
      onTimeRate: 6 / 8, // A C D E G H of A–H (B and F late)
      firstAttemptRate: 6 / 8, // A B E F G H delivered at the first attempt; C failed, D went to a pickup point
      transitDays: { p50: 2, p90: 5 }, // 1 2 2 2 2 3 3 5
      transitDaysHistogram: { 1: 1, 2: 4, 3: 2, 5: 1 },
      exceptionRate: 3 / 11, // H I J
      exceptionsByReason: { damaged: 1, lost: 1, customs: 1, address_issue: 1 },
      timeToFirstScanHours: { p50: 14, p90: 60 }, // 12 12 12 12 14 14 35 35 38 60 116
      scanLatencyMinutes: { p50: 7, p90: 125 }, // 23 events after 7 minutes, A's and B's 4 after 125
      lost: 1,
      returned: 1,
      stuck: 1, // M
      counts: { withAttempt: 8, deliveredFirst: 6, withPromise: 8, onTime: 6, withException: 3 },
      groups: [],
    });
  });

  it('answers the same figures from whole weeks and from days', async () => {
    const week = await get(`/v1/analytics/delivery?${WEEK}`);
    // Mon 2nd → Sun 8th (nobody was first scanned on the 8th): no whole week, every figure from the daily rows.
    const days = await get('/v1/analytics/delivery?from=2026-11-02&to=2026-11-08');
    expect(days.body).toEqual({ ...week.body, to: '2026-11-08' });
    // Wed 28 Oct → Thu 12 Nov: the designed week whole (its weekly row), the days either side from the daily rows,
    // where only L falls (first scan Mon 9th, no attempt; 180 hours after its order, one event after 7 minutes).
    const wide = await get('/v1/analytics/delivery?from=2026-10-28&to=2026-11-12&groupBy=week');
    expect(wide.status).toBe(200);
    expect(wide.body).toMatchObject({
      shipments: 12,
      onTimeRate: 6 / 8,
      firstAttemptRate: 6 / 8,
      transitDays: { p50: 2, p90: 5 },
      exceptionRate: 3 / 12,
      exceptionsByReason: { damaged: 1, lost: 1, customs: 1, address_issue: 1 },
      timeToFirstScanHours: { p50: 14, p90: 116 }, // 12 12 12 12 14 14 35 35 38 60 116 180
      scanLatencyMinutes: { p50: 7, p90: 125 }, // 24 after 7 minutes, 4 after 125
      stuck: 2, // M and L
    });
    expect(wide.body.groups.map((g: { key: string; shipments: number }) => [g.key, g.shipments])).toEqual([
      ['2026-11-02', 11],
      ['2026-11-09', 1],
    ]);
  });

  it('compares carriers side by side, keyed by their canonical ids', async () => {
    const res = await get(`/v1/analytics/delivery?${WEEK}&groupBy=carrier`);
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(res.body.groups.map((g: { key: string }) => [g.key, g]));
    expect(Object.keys(byKey)).toEqual(['dhl', 'fedex', 'ups']);
    expect(byKey.ups.name).toBe('UPS'); // the display name beside the canonical id
    expect(byKey.dhl).toMatchObject({
      shipments: 2,
      onTimeRate: 1,
      firstAttemptRate: 0,
      transitDays: { p50: 1, p90: 2 },
      exceptionRate: 0,
    });
    expect(byKey.fedex).toMatchObject({
      shipments: 3,
      onTimeRate: 1,
      firstAttemptRate: 1,
      transitDays: { p50: 3, p90: 3 },
      exceptionRate: 1,
    });
    expect(byKey.ups).toMatchObject({
      shipments: 6,
      onTimeRate: 3 / 5,
      firstAttemptRate: 1,
      transitDays: { p50: 2, p90: 5 },
      exceptionRate: 0,
    });
    const carrierOnly = await get(`/v1/analytics/delivery?${WEEK}&carrier=dhl`);
    expect(carrierOnly.body).toMatchObject({ shipments: 2, onTimeRate: 1, stuck: 0 });
    const weeks = await get(`/v1/analytics/delivery?${WEEK}&groupBy=week`);
    expect(weeks.body.groups).toEqual([expect.objectContaining({ key: '2026-11-02', shipments: 11 })]);
  });

  it('lists the shipments behind a figure', async () => {
    const numbers = async (query: string) => {
      const res = await get(`/v1/analytics/shipments?${WEEK}&${query}`);
      expect(res.status).toBe(200);
      return res.body.shipments.map((s: { trackingNumber: string }) => s.trackingNumber).sort();
    };
    expect(await numbers('filter=late')).toEqual([tracking.B, tracking.F].sort());
    expect(await numbers('filter=stuck')).toEqual([tracking.M]);
    expect(await numbers('reason=lost')).toEqual([tracking.I]);
    expect(await numbers('filter=failed_first&carrier=dhl')).toEqual([tracking.C, tracking.D].sort());
    expect(await numbers('filter=all')).toHaveLength(11);
  });

  it('gives the same figures as CSV', async () => {
    const res = await get(`/v1/analytics/delivery?${WEEK}&groupBy=carrier&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const [header, total, dhl] = res.text.trim().split('\r\n');
    const cols = header.split(',');
    const at = (line: string, col: string) => line.split(',')[cols.indexOf(col)];
    expect(at(total, 'shipments')).toBe('11');
    expect(at(total, 'onTimeRate')).toBe('0.75');
    expect(at(total, 'transitDays.p90')).toBe('5');
    expect(at(dhl, 'key')).toBe('dhl');
    expect(at(dhl, 'firstAttemptRate')).toBe('0');
  });

  it('folds a new scan in on the next refresh', async () => {
    await postGenericEvent(t, ANALYTICS_SECRET, {
      carrier: 'ups',
      trackingNumber: tracking.M,
      status: 'delivered',
      occurredAt: '2026-11-06T10:00:00Z',
      description: 'Delivered',
    });
    const result = await t.app.get(AnalyticsRefresher).refresh();
    expect(result.shipments).toBe(1);
    const res = await get(`/v1/analytics/delivery?${WEEK}`);
    expect(res.body).toMatchObject({ onTimeRate: 7 / 9, firstAttemptRate: 7 / 9, stuck: 0 });
    // M: Wed 4th → Fri 6th is 2 more business days of transit: 1 2 2 2 2 2 3 3 5.
    expect(res.body.transitDays).toEqual({ p50: 2, p90: 5 });
  });

  it('adds what changed to the rollups on a refresh, to the same rows as a rebuild', async () => {
    const rows = async () =>
      t.db.query(
        `SELECT 'day' AS kind, to_char(cohort_date, 'YYYY-MM-DD') AS at, carrier, service, destination_country,
                shipments, with_attempt, delivered_first, with_promise, on_time, with_exception, lost, returned,
                exception_reasons, transit_days, first_scan_hours, latency_minutes
           FROM analytics_delivery_daily WHERE cohort_date BETWEEN '2026-10-19' AND '2026-11-22'
         UNION ALL
         SELECT 'week', to_char(week, 'YYYY-MM-DD'), carrier, service, destination_country, shipments, with_attempt,
                delivered_first, with_promise, on_time, with_exception, lost, returned, exception_reasons, transit_days,
                first_scan_hours, latency_minutes
           FROM analytics_delivery_weekly WHERE week BETWEEN '2026-10-19' AND '2026-11-22'
          ORDER BY 1, 2, 3, 4, 5`,
      );
    const changes = [
      // A: an exception after its delivery (a reason, the exception count; the histograms keep their shape).
      {
        name: 'A',
        carrier: 'ups',
        status: 'exception',
        occurredAt: '2026-11-05T09:00:00Z',
        reason: 'damaged',
      },
      // B: an earlier first scan, in the week before: its fact leaves Monday 2nd's rows for Friday 30th's.
      { name: 'B', carrier: 'ups', status: 'in_transit', occurredAt: '2026-10-30T09:00:00Z' },
      // L: delivered late (a first attempt, transit days, on-time false).
      { name: 'L', carrier: 'ups', status: 'delivered', occurredAt: '2026-11-23T16:00:00Z' },
    ];
    for (const { name, ...event } of changes) {
      await postGenericEvent(t, ANALYTICS_SECRET, {
        trackingNumber: tracking[name],
        description: 'scan',
        ...event,
      });
    }
    const before = await rows();
    await t.app.get(AnalyticsRefresher).refresh();
    const refreshed = await rows();
    expect(refreshed).not.toEqual(before); // the changes reached the rollups
    expect(refreshed.some((r: { at: string }) => r.at === '2026-10-30')).toBe(true);
    await t.app.get(AnalyticsRefresher).rebuild();
    expect(await rows()).toEqual(refreshed);
  });

  it('takes a scan committed after a refresh looked on the next refresh, and nothing twice', async () => {
    const refresher = t.app.get(AnalyticsRefresher);
    await refresher.refresh();
    // The scans of the tests before arrived minutes ago at most: a refresh that took them all again (the 5-minute
    // look-back) would count them here.
    expect((await refresher.refresh()).shipments).toBe(0);
    const hasException = async () =>
      (
        await t.db.query(`SELECT has_exception AS "has" FROM shipment_facts WHERE shipment_id = $1`, [
          shipmentIds.D,
        ])
      )[0].has;
    expect(await hasException()).toBe(false);

    // A scan written by a transaction that is still open while the next refresh runs: dated (received_at, the
    // transaction's start) before that refresh's watermark, committed after it.
    const late = t.db.createQueryRunner();
    await late.connect();
    try {
      await late.startTransaction();
      await late.query(
        `INSERT INTO tracking_events (shipment_id, status, reason, description, occurred_at, provider, content_hash)
         VALUES ($1, 'exception', 'damaged', 'Damaged in transit', '2026-11-05T09:00:00Z', 'generic', $2)`,
        [shipmentIds.D, 'f'.repeat(64)],
      );
      // The refresh's watermark (this process's clock, to the millisecond) must come after the scan's time.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await refresher.refresh()).shipments).toBe(0); // not visible yet
      await late.commitTransaction();
    } finally {
      await late.release();
    }
    expect(await refresher.refresh()).toMatchObject({ shipments: 1 });
    expect(await hasException()).toBe(true);
    expect((await refresher.refresh()).shipments).toBe(0);
  });

  it('counts messages by outcome and channel', async () => {
    const ids = { shipment_id: shipmentIds.A };
    const [{ order_id, customer_id }] = await t.db.query(
      `SELECT s.order_id, o.customer_id FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.id = $1`,
      [ids.shipment_id],
    );
    const rows: [string, string, string, string | null, boolean, number | null, string][] = [
      // channel, type, status, reason, sent, segments, created
      ['sms', 'shipped', 'sent', null, true, 1, '2026-11-02T12:00:00Z'],
      ['sms', 'shipped', 'delivered', null, true, 2, '2026-11-03T12:00:00Z'],
      ['sms', 'shipped', 'failed', null, false, null, '2026-11-03T13:00:00Z'],
      ['email', 'delivered', 'sent', null, true, null, '2026-11-04T12:00:00Z'],
      ['email', 'delivered', 'skipped', 'opted_out', false, null, '2026-11-04T12:00:00Z'],
      ['sms', 'delayed', 'skipped', 'suppressed_sms', false, null, '2026-11-05T12:00:00Z'],
      ['sms', 'delayed', 'sent', null, true, 1, '2026-11-10T12:00:00Z'], // outside the range
    ];
    for (const [channel, type, status, reason, sent, segments, created] of rows) {
      await t.db.query(
        `INSERT INTO notifications (shipment_id, order_id, customer_id, type, channel, status, status_reason,
                scheduled_for, sent_at, segments, created_at, resend_of)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8, gen_random_uuid())`,
        [
          ids.shipment_id,
          order_id,
          customer_id,
          type,
          channel,
          status,
          reason,
          created,
          sent ? created : null,
          segments,
        ],
      );
    }
    // Shopper visits to A's tracking page: 3 from texts and 1 from an email that week, 5 more the week after.
    for (const [day, source, views] of [
      ['2026-11-03', 'sms', 3],
      ['2026-11-04', 'email', 1],
      ['2026-11-12', 'sms', 5],
    ] as const) {
      await t.db.query(
        `INSERT INTO tracking_page_views (shipment_id, source, day, views) VALUES ($1, $2, $3, $4)`,
        [ids.shipment_id, source, day, views],
      );
    }
    await t.app.get(AnalyticsRefresher).rebuild();
    const res = await get(`/v1/analytics/messages?${WEEK}&groupBy=type`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      planned: 6,
      sent: 3,
      delivered: 1,
      failed: 1,
      optedOut: 2,
      smsSegments: 3,
      deliveryRate: 1 / 3,
      failureRate: 1 / 4,
      byChannel: {
        sms: { planned: 4, sent: 2, delivered: 1, failed: 1, optedOut: 1, smsSegments: 3 },
        email: { planned: 2, sent: 1, delivered: 0, failed: 0, optedOut: 1, smsSegments: 0 },
      },
      // A was first sent a message on the 2nd (the other shipments' first messages went out today, not that week).
      trackingPage: {
        views: 4,
        bySource: { email: 1, sms: 3 },
        notifiedShipments: 1,
        viewsPerNotifiedShipment: 4,
      },
    });
    expect(res.body.groups.map((g: { key: string; planned: number }) => [g.key, g.planned])).toEqual([
      ['delayed', 1],
      ['delivered', 2],
      ['shipped', 3],
    ]);
  });

  it('counts a message an opt-out stopped when it would be planned as planned and opted out', async () => {
    const placed = await putOrder(t, { customer: { phone: uniquePhone(), timeZone: 'UTC' } });
    const prefs = await t.http
      .put(`/v1/customers/${placed.customerId}/preferences`)
      .set(bearer(t.adminKey))
      .send({ preferences: [{ type: 'out_for_delivery', channel: 'sms', enabled: false }] });
    expect(prefs.status).toBe(200);
    const outForDelivery = {
      carrier: 'ups',
      trackingNumber: placed.trackingNumber,
      status: 'out_for_delivery',
      occurredAt: new Date().toISOString(),
      description: 'Out for delivery',
    };
    await postGenericEvent(t, ANALYTICS_SECRET, outForDelivery);
    // The same change again (another scan): the stopped text is counted once, like a message is made once.
    await postGenericEvent(t, ANALYTICS_SECRET, { ...outForDelivery, description: 'Still out' });
    const [{ id: shipmentId }] = await t.db.query(`SELECT id FROM shipments WHERE tracking_number = $1`, [
      placed.trackingNumber,
    ]);
    const made = await t.db.query(`SELECT type, channel FROM notifications WHERE shipment_id = $1`, [
      shipmentId,
    ]);
    expect(made).toEqual([{ type: 'out_for_delivery', channel: 'email' }]);
    const skips = await t.db.query(
      `SELECT type, channel, reason FROM notification_skips WHERE shipment_id = $1`,
      [shipmentId],
    );
    expect(skips).toEqual([{ type: 'out_for_delivery', channel: 'sms', reason: 'opted_out' }]);
    // Moved to a day nothing else happened on, to count them alone.
    const day = '2026-11-20T12:00:00Z';
    await t.db.query(`UPDATE notifications SET created_at = $2 WHERE shipment_id = $1`, [shipmentId, day]);
    await t.db.query(`UPDATE notification_skips SET created_at = $2 WHERE shipment_id = $1`, [
      shipmentId,
      day,
    ]);
    await t.app.get(AnalyticsRefresher).rebuild();
    const res = await get('/v1/analytics/messages?from=2026-11-20&to=2026-11-21');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      planned: 2,
      optedOut: 1,
      byChannel: { sms: { planned: 1, sent: 0, optedOut: 1 }, email: { planned: 1, optedOut: 0 } },
    });
  });

  it('counts chat conversations, verification and containment', async () => {
    const sessions: [string, boolean, boolean, string][] = [
      ['web', true, true, '2026-11-03T10:00:00Z'],
      ['web', false, false, '2026-11-03T11:00:00Z'],
      ['sms', true, false, '2026-11-04T10:00:00Z'],
      ['web', true, false, '2026-11-12T10:00:00Z'], // outside the range
    ];
    for (const [channel, verified, handedOff, created] of sessions) {
      const [{ id }] = await t.db.query(
        `INSERT INTO chat_sessions (channel, verified_at, handed_off_at, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id`,
        [channel, verified ? created : null, handedOff ? created : null, created],
      );
      await t.db.query(
        `INSERT INTO chat_messages (session_id, role, text) VALUES ($1, 'user', 'where is it')`,
        [id],
      );
    }
    // Opened by the order lookup for the widget, never written in: not a conversation.
    await t.db.query(
      `INSERT INTO chat_sessions (channel, verified_at, created_at) VALUES ('web', '2026-11-03T12:00:00Z', '2026-11-03T12:00:00Z')`,
    );
    await t.app.get(AnalyticsRefresher).rebuild();
    const res = await get(`/v1/analytics/chat?${WEEK}&groupBy=channel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      conversations: 3,
      verified: 2,
      handedOff: 1,
      contained: 2,
      handOffRate: 1 / 3,
      containmentRate: 2 / 3,
    });
    expect(
      res.body.groups.map((g: { key: string; conversations: number }) => [g.key, g.conversations]),
    ).toEqual([
      ['sms', 1],
      ['web', 2],
    ]);
  });

  it('says which parameter is wrong', async () => {
    const problem = async (query: string) => {
      const res = await get(`/v1/analytics/delivery?${query}`);
      expect(res.status).toBe(400);
      return res.body.message as string;
    };
    expect(await problem('from=2026-13-01&to=2026-11-09')).toMatch(/from must be a date as YYYY-MM-DD/);
    expect(await problem('from=2026-11-09&to=2026-11-02')).toMatch(/from \(2026-11-09\) is after to/);
    expect(JSON.stringify(await problem(`${WEEK}&groupBy=colour`))).toMatch(
      /groupBy must be one of carrier, service, destinationCountry, week/,
    );
    expect(await problem('from=2020-01-01&to=2026-01-01')).toMatch(/longer than 731 days/);
    const empty = await get('/v1/analytics/delivery?from=2026-11-09&to=2026-11-09');
    expect(empty.body).toMatchObject({
      shipments: 0,
      onTimeRate: null,
      firstAttemptRate: null,
      exceptionRate: null,
    });
    expect((await t.http.get(`/v1/analytics/delivery?${WEEK}`)).status).toBe(401);
  });

  it('recomputes the last day of messages at every refresh and the whole last week hourly', async () => {
    const refresher = t.app.get(AnalyticsRefresher);
    const [{ order_id, customer_id }] = await t.db.query(
      `SELECT s.order_id, o.customer_id FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.id = $1`,
      [shipmentIds.A],
    );
    const base = Date.now();
    const at = (hours: number) => new Date(base + hours * 3_600_000);
    // A type of its own, so other messages on the same days do not count.
    const [older, recent] = [at(-72), at(-2)];
    const ids: string[] = [];
    for (const created of [older, recent]) {
      const [{ id }] = await t.db.query(
        `INSERT INTO notifications (shipment_id, order_id, customer_id, type, channel, status, scheduled_for,
                sent_at, created_at, resend_of)
         VALUES ($1, $2, $3, 'recent_days_probe', 'email', 'sent', $4, $4, $4, gen_random_uuid()) RETURNING id`,
        [shipmentIds.A, order_id, customer_id, created],
      );
      ids.push(id);
    }
    const delivered = async () =>
      (
        await t.db.query(
          `SELECT to_char(day, 'YYYY-MM-DD') AS day, delivered FROM analytics_message_daily
            WHERE type = 'recent_days_probe' ORDER BY day`,
        )
      ).map((r: { day: string; delivered: number }) => Number(r.delivered));
    try {
      await refresher.refresh(at(2)); // more than an hour after this suite's last whole week: the whole week
      expect(await delivered()).toEqual([0, 0]);
      await t.db.query(`UPDATE notifications SET status = 'delivered' WHERE id = ANY($1::uuid[])`, [ids]);
      await refresher.refresh(at(2.5)); // half an hour later: the last day only
      expect(await delivered()).toEqual([0, 1]);
      await refresher.refresh(at(3.5)); // an hour after the whole week: the whole week again
      expect(await delivered()).toEqual([1, 1]);
    } finally {
      // Those refreshes moved the event watermark hours ahead: a rebuild sets it to now for every later test.
      await t.db.query(`DELETE FROM notifications WHERE id = ANY($1::uuid[])`, [ids]);
      await refresher.rebuild();
    }
  });
});
