import { main, type DemoResult } from '../scripts/demo';
import { carrierDisplayName } from '../src/carriers/carrier-registry';
import { bearer, serve, startTestApp, waitFor, TestApp } from './support/test-app';

const SECRETS = {
  easypost: 'demo-easypost-secret',
  aftership: 'demo-aftership-secret',
  shippo: 'demo-shippo-token',
  generic: 'whsec_ZGVtby1nZW5lcmljLXNlY3JldC1mb3ItY2k=',
  track17: 'truth-17track-api-key',
  ship24: 'truth-ship24-secret',
  shipengine: 'truth-shipengine-token',
  karrio: 'truth-karrio-secret',
  shopify: 'truth-shopify-secret',
};

interface SentRow {
  id: string;
  order: string;
  shipment_id: string;
  carrier: string;
  tracking_number: string;
  type: string;
  channel: 'sms' | 'email';
  status: string;
  status_reason: string | null;
  sent_at: Date | null;
  scheduled_for: Date;
  rendered_text: string | null;
  rendered_subject: string | null;
  rendered_html: string | null;
}

/** How far along a parcel's journey a message speaks from; a later message never speaks from earlier. */
const STAGE: Record<string, number> = {
  shipped: 1,
  arriving_tomorrow: 1,
  delayed: 1,
  out_for_delivery: 2,
  delivery_attempt_failed: 3,
  available_for_pickup: 4,
  pickup_reminder: 5,
  delivered: 6,
  order_complete: 6,
  returned_to_sender: 7,
};

/**
 * The demo journeys as customers live them: every message goes out as soon as it may (no debounce), so a burst of
 * scans is sent message by message and the send-time re-check is all that keeps the story straight. Then each
 * customer's inbox is read in order.
 */
describe('message truth over the demo journeys', () => {
  let t: TestApp;
  let result: DemoResult;
  let rows: SentRow[];

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
        // Short enough for a test, long enough that the demo's scheduled checks run while notices still wait.
        NOTIFY_DEBOUNCE_SECONDS: '20',
        // What customers receive, whatever the hour the run happens at: quiet hours would hold the texts of
        // customers for whom it is night (Berlin's Packstation reminder after 21:00 UTC+1).
        QUIET_HOURS: 'off',
      },
    });
    const base = await serve(t);
    result = await main({
      baseUrl: base,
      adminKey: t.adminKey,
      secrets: SECRETS,
      fast: true,
      log: () => undefined,
    });
    // Everything of the demo's orders due within the debounce has been handled (sent, cancelled or skipped); held
    // texts wait for morning. Only these orders: the run's database also holds what other spec files left.
    const orderNumbers = result.orders.map((o) => o.orderNumber);
    const settled = () =>
      waitFor(
        "the demo's due notifications handled",
        async () => {
          const open: { type: string; channel: string; status: string; due: string }[] = await t.db.query(
            `SELECT n.type, n.channel, n.status, n.scheduled_for::text AS due
               FROM notifications n JOIN orders o ON o.id = n.order_id
              WHERE o.external_id = ANY($1::text[])
                AND (n.status = 'sending'
                     OR (n.status IN ('pending','queued') AND n.scheduled_for <= now() + interval '60 seconds'))`,
            [orderNumbers],
          );
          if (open.length) throw new Error(`still open: ${JSON.stringify(open.slice(0, 5))}`);
          return true;
        },
        90_000,
        250,
      );
    await settled();
    // The demo ran the pickup-reminder check while the "ready for pickup" notices were still waiting; the next
    // scheduled run comes after they went out.
    await t.http.post('/v1/system/maintenance/check-pickup-reminders').set(bearer(t.adminKey)).expect(200);
    await settled();
    rows = await t.db.query(
      `SELECT n.id, o.external_id AS order, n.shipment_id, s.carrier, s.tracking_number, n.type, n.channel,
              n.status, n.status_reason, n.sent_at, n.scheduled_for, n.rendered_text, n.rendered_subject,
              n.rendered_html
         FROM notifications n JOIN shipments s ON s.id = n.shipment_id JOIN orders o ON o.id = n.order_id
        WHERE o.external_id = ANY($1::text[])
        ORDER BY n.sent_at NULLS LAST, n.created_at`,
      [orderNumbers],
    );
  }, 240_000);

  afterAll(async () => {
    await t?.close();
  });

  const sent = () => rows.filter((r) => r.status === 'sent' || r.status === 'delivered');

  it('sends messages for every journey', () => {
    expect(sent().length).toBeGreaterThan(20);
    expect(new Set(sent().map((r) => r.type)).size).toBeGreaterThanOrEqual(6);
  });

  it('never sends a reminder before its "ready for pickup" notice', () => {
    const reminders = sent().filter((r) => r.type === 'pickup_reminder');
    expect(reminders.length).toBeGreaterThan(0);
    for (const reminder of reminders) {
      const notice = sent().find(
        (r) => r.shipment_id === reminder.shipment_id && r.type === 'available_for_pickup',
      );
      expect({
        reminder: reminder.id,
        noticeFirst: !!notice && notice.sent_at! <= reminder.sent_at!,
      }).toEqual({
        reminder: reminder.id,
        noticeFirst: true,
      });
    }
  });

  it('never tells a customer something older than what they were already told about a parcel', () => {
    const byShipment = new Map<string, SentRow[]>();
    for (const r of sent()) byShipment.set(r.shipment_id, [...(byShipment.get(r.shipment_id) ?? []), r]);
    for (const [shipment, list] of byShipment) {
      for (const channel of ['sms', 'email'] as const) {
        let furthest = 0;
        for (const r of list.filter((x) => x.channel === channel)) {
          const stage = STAGE[r.type];
          if (stage === undefined) continue; // an exception can come at any point
          expect({ shipment, channel, type: r.type, contradicts: stage < furthest }).toEqual({
            shipment,
            channel,
            type: r.type,
            contradicts: false,
          });
          furthest = Math.max(furthest, stage);
        }
      }
    }
  });

  it('names carriers as customers know them and never links the help page as tracking', () => {
    for (const r of sent()) {
      const text = `${r.rendered_subject ?? ''}\n${r.rendered_text ?? ''}`;
      const display = carrierDisplayName(r.carrier, r.tracking_number);
      if (display !== r.carrier && /[_a-z]/.test(r.carrier)) {
        const withoutLinks = text.replace(/https?:\/\/\S+/g, ' ');
        expect({
          id: r.id,
          raw: new RegExp(`(^|[^\\w.-])${r.carrier}($|[^\\w-])`).test(withoutLinks),
        }).toEqual({
          id: r.id,
          raw: false,
        });
      }
      expect(r.rendered_html ?? '').not.toMatch(
        /class="button"[^>]*href="[^"]*\/help|href="[^"]*\/help"[^>]*class="button"/,
      );
    }
  });

  it('gives a delay only with a new day different from the one before', () => {
    for (const r of sent().filter((x) => x.type === 'delayed')) {
      const m = /: ([^(.\n]+?) \((?:was|previously|antes:|au lieu du|bisher:) ([^)]+)\)/.exec(
        r.rendered_text ?? '',
      );
      if (m) expect({ id: r.id, same: m[1].trim() === m[2].trim() }).toEqual({ id: r.id, same: false });
    }
  });

  it('links the messages of every type to our tracking page, never to a carrier (issue 17)', () => {
    const types = new Set<string>();
    for (const r of sent()) {
      expect({
        type: r.type,
        channel: r.channel,
        link: /\/t\/[A-Za-z0-9_-]{22}\?s=(sms|email)/.test(r.rendered_text ?? ''),
      }).toEqual({
        type: r.type,
        channel: r.channel,
        link: true,
      });
      expect(r.rendered_text).toContain(`?s=${r.channel}`);
      expect(r.rendered_text).not.toMatch(/ups\.com|dhl\.(de|com)|fedex\.com|usps\.com|royalmail\.com/);
      types.add(r.type);
    }
    expect(types.size).toBeGreaterThanOrEqual(6);
    // The journeys' ends too: the demo delivers parcels and returns one to the sender.
    expect([...types]).toEqual(expect.arrayContaining(['delivered', 'returned_to_sender']));
  });

  it("names the Packstation and links the parcel to our tracking page, not the carrier's (issue 17)", () => {
    const packstation = sent().find(
      (r) => r.carrier === 'dhl_paket' && r.type === 'available_for_pickup' && r.channel === 'email',
    );
    expect(packstation?.rendered_text).toMatch(/\/t\/[A-Za-z0-9_-]{22}\?s=email/);
    expect(packstation?.rendered_text).toContain('DHL Packstation');
    expect(packstation?.rendered_text).not.toContain('dhl.de');
  });
});
