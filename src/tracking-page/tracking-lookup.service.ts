import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { carrierDisplayName } from '../carriers/carrier-registry';
import { type AttemptOutcome, ChatVerificationService } from '../chat/chat-verification.service';
import { NotificationsService } from '../notifications/notifications.service';
import type { SupportedLocale } from '../shared/notification.types';
import { shownDelivery } from '../predictions/shipment-estimate';
import type { CanonicalStatus, Eta, EtaSource, StoredEstimate } from '../shared/tracking.types';
import { maskEmail, maskPhone, type OrderGrant, type Signer } from './order-grant';
import { TrackingLinks } from '../links/tracking-links.service';
import { TrackingPageService } from './tracking-page.service';
import { fill, type PageStrings } from './tracking-page.view';

export const MAX_ORDER_LENGTH = 64;
export const MAX_CONTACT_LENGTH = 320;
export const MAX_TEXT_LENGTH = 500;

export type LookupResult =
  | { kind: 'invalid' }
  | { kind: 'failed' }
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'verified'; orderId: string; customerId: string };

interface OrderRow {
  id: string;
  number: string;
  customerId: string;
  email: string | null;
  phone: string | null;
  postcode: string | null;
  country: string | null;
  locale: string | null;
  timeZone: string | null;
}

interface ParcelRow {
  id: string;
  linkRef: string;
  carrier: string;
  trackingNumber: string;
  status: CanonicalStatus;
  eta: Eta | null;
  estimate: StoredEstimate | null;
  etaSource: EtaSource | null;
  deliveredAt: Date | null;
  collectedAtPickup: boolean;
}

export interface OrderPage {
  number: string;
  locale: string | null;
  postcode: string | null;
  country: string | null;
  email: string | null;
  phone: string | null;
  parcels: {
    id: string;
    label: string;
    statusText: string;
    when: string | null;
    carrierName: string;
    trackingNumber: string;
    href: string;
    linkText: string;
  }[];
  prefs: { sms: boolean; email: boolean };
}

/**
 * The order lookup at /track: checks an order number plus the order's email or postcode through the chat's
 * verification (same rules, shared limits and lock-outs), and serves the verified shopper the whole order and its
 * actions: delivery instructions and problems (support cases), message preferences, a chat session already
 * verified for the order. Never shows the email or phone in full.
 */
@Injectable()
export class TrackingLookupService {
  private readonly logger = new Logger(TrackingLookupService.name);

  constructor(
    private readonly db: DataSource,
    private readonly verification: ChatVerificationService,
    private readonly links: TrackingLinks,
    private readonly tracking: TrackingPageService,
    private readonly notifications: NotificationsService,
  ) {}

  readonly sign: Signer = (purpose, data) => this.links.sign(purpose, data);

  /**
   * One lookup attempt. A missing order and a wrong contact run the same code and queries (ChatVerificationService
   * compares against a dummy when no order exists) and come back as the same `failed`.
   */
  async lookup(sessionId: string, clientIp: string, order: unknown, contact: unknown): Promise<LookupResult> {
    const number = typeof order === 'string' ? order.trim() : '';
    const proof = typeof contact === 'string' ? contact.trim() : '';
    if (!number || !proof || number.length > MAX_ORDER_LENGTH || proof.length > MAX_CONTACT_LENGTH) {
      return { kind: 'invalid' };
    }
    const outcome: AttemptOutcome = await this.verification.attempt(
      sessionId,
      clientIp,
      { orderNumber: number },
      proof.includes('@') ? { email: proof } : { postcode: proof },
    );
    switch (outcome.kind) {
      case 'verified':
        this.logger.log(
          `Order lookup ${this.verification.sessionLogId(sessionId)} verified order ${outcome.verified.orderId}`,
        );
        return {
          kind: 'verified',
          orderId: outcome.verified.orderId,
          customerId: outcome.verified.customerId,
        };
      case 'locked':
        return { kind: 'locked', retryAfterSeconds: outcome.retryAfterSeconds };
      default:
        return outcome.lockedNow.locked
          ? { kind: 'locked', retryAfterSeconds: outcome.lockedNow.retryAfterSeconds }
          : { kind: 'failed' };
    }
  }

  /**
   * A web chat session verified for this order, as if the shopper had given the details in the chat; the order
   * page hands its id to the widget. It is also the grant's nonce.
   */
  async openChatSession(orderId: string, customerId: string, locale: SupportedLocale): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO chat_sessions (id, channel, locale, verified_customer_id, order_id, verified_at, last_active_at, context)
       VALUES ($1, 'web', $2, $3, $4, now(), now(), $5)`,
      [id, locale, customerId, orderId, JSON.stringify({ verifiedBy: 'details' })],
    );
    return id;
  }

  /**
   * Keeps the grant's chat session alive while the shopper uses the page (the chat forgets an idle verification).
   * False once the session lost its verification (signed out, or forgotten by the chat): the grant is then void
   * even though its cookie is still genuine, so sign-out revokes a copied cookie too.
   */
  async touchChatSession(grant: OrderGrant): Promise<boolean> {
    const [rows]: [{ id: string }[], number] = await this.db.query(
      `UPDATE chat_sessions SET last_active_at = now()
        WHERE id = $1 AND channel = 'web' AND verified_customer_id IS NOT NULL RETURNING id`,
      [grant.chatSessionId],
    );
    return rows.length > 0;
  }

  /** Sign-out ends the chat's verification too: on a shared computer the widget must not keep showing the order. */
  async closeChatSession(grant: OrderGrant): Promise<void> {
    await this.db.query(
      `UPDATE chat_sessions SET verified_customer_id = NULL, order_id = NULL, verified_at = NULL
        WHERE id = $1 AND order_id = $2 AND channel = 'web'`,
      [grant.chatSessionId, grant.orderId],
    );
  }

  async order(orderId: string): Promise<OrderRow | null> {
    const [row]: OrderRow[] = await this.db.query(
      `SELECT id, external_id AS number, customer_id AS "customerId", contact_email AS email, contact_phone AS phone,
              contact_postcode AS postcode, contact_country AS country, contact_locale AS locale,
              contact_time_zone AS "timeZone"
         FROM orders WHERE id = $1`,
      [orderId],
    );
    return row ?? null;
  }

  /** Everything the order page shows, in the shopper's language. */
  async page(order: OrderRow, lang: SupportedLocale, strings: PageStrings): Promise<OrderPage> {
    const parcels: ParcelRow[] = await this.db.query(
      `SELECT id, link_ref AS "linkRef", carrier, tracking_number AS "trackingNumber", status, eta,
              estimate, eta_source AS "etaSource", delivered_at AS "deliveredAt", collected_at_pickup AS "collectedAtPickup"
         FROM shipments WHERE order_id = $1 ORDER BY created_at, id`,
      [order.id],
    );
    const catalog = this.tracking.catalogs[lang];
    const zone = order.timeZone || 'UTC';
    const today = DateTime.now().setZone(zone).toISODate() ?? '';
    const finished = (s: CanonicalStatus) => ['delivered', 'returned', 'cancelled'].includes(s);
    return {
      number: order.number,
      locale: order.locale,
      postcode: order.postcode,
      country: order.country,
      email: maskEmail(order.email),
      phone: maskPhone(order.phone),
      parcels: parcels.map((p, i) => {
        const index = i + 1;
        let when: string | null = null;
        if (p.status === 'delivered' && p.deliveredAt) {
          const at = DateTime.fromJSDate(p.deliveredAt).setZone(zone).setLocale(lang);
          when = fill(p.collectedAtPickup ? strings.collectedOn : strings.deliveredOn, {
            when: at.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' }),
          });
        } else if (!finished(p.status)) {
          // The carrier's date or our window, whichever the parcel shows (issue 20).
          const shown = shownDelivery(p, today);
          const day = (d: string) =>
            DateTime.fromISO(d.slice(0, 10), { zone: 'UTC' })
              .setLocale(lang)
              .toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' });
          if (shown?.source === 'carrier') when = `${strings.estimatedDelivery}: ${day(shown.eta.date)}`;
          if (shown?.source === 'estimate')
            when = `${strings.estimatedDelivery}: ${
              shown.earliest === shown.latest
                ? day(shown.likely)
                : fill(strings.estimate, {
                    earliest: day(shown.earliest),
                    likely: day(shown.likely),
                    latest: day(shown.latest),
                  })
            }`;
        }
        return {
          id: p.id,
          label: fill(strings.parcelN, { index }),
          statusText: catalog.status[p.status] ?? p.status,
          when,
          carrierName: carrierDisplayName(p.carrier, p.trackingNumber) || p.carrier,
          trackingNumber: p.trackingNumber,
          href: `/t/${this.links.tokenFor(p.linkRef)}?s=lookup`,
          linkText: fill(strings.trackParcel, { index }),
        };
      }),
      prefs: await this.messagePreferences(order.customerId),
    };
  }

  /** Whether SMS and email messages are on: off when the customer opted out of every message on that channel. */
  async messagePreferences(customerId: string): Promise<{ sms: boolean; email: boolean }> {
    const { preferences } = await this.notifications.preferences(customerId);
    const on = (channel: 'sms' | 'email') =>
      !preferences.some((p) => p.type === '*' && (p.channel === channel || p.channel === '*') && !p.enabled);
    return { sms: on('sms'), email: on('email') };
  }

  /** Through the customer preferences that support uses too, so both see the same switches. */
  async setMessagePreferences(customerId: string, prefs: { sms: boolean; email: boolean }): Promise<void> {
    await this.notifications.setPreferences(customerId, [
      { type: '*', channel: '*', enabled: true },
      { type: '*', channel: 'sms', enabled: prefs.sms },
      { type: '*', channel: 'email', enabled: prefs.email },
    ]);
  }

  /** The shipment id when it belongs to this order; null for "the whole order" or anything else. */
  async shipmentOf(orderId: string, shipmentId: unknown): Promise<string | null> {
    if (typeof shipmentId !== 'string' || !/^[0-9a-f-]{36}$/i.test(shipmentId)) return null;
    const [row]: { id: string }[] = await this.db.query(
      `SELECT id FROM shipments WHERE id = $1 AND order_id = $2`,
      [shipmentId, orderId],
    );
    return row?.id ?? null;
  }
}
