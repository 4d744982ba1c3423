import { Inject, Injectable, Logger } from '@nestjs/common';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationRepository } from '../notifications/notification.repository';
import type { TrackingUpdate } from '../shared/tracking.types';
import type { UpsertOrderDto } from './order.dto';
import { Order } from './order.entity';
import { OrdersService } from './orders.service';
import { ShopifyFulfillment, ShopifyMessage, ShopifyOrder, shopifyScan } from './shopify.mapper';
import { timeZoneForAddress } from './shopify-time-zone';
import { TrackingIngestService } from './tracking-ingest.service';

/** How long a processed `X-Shopify-Webhook-Id` is remembered: Shopify retries a delivery for 48 hours. */
const DELIVERY_MEMORY_SECONDS = 7 * 86_400;
const TRACKING_NUMBER = /^[A-Za-z0-9 -]{4,100}$/;
const EXTERNAL_ID_CHARS = /[^A-Za-z0-9._#:-]/g;

export interface ShopifyResult {
  topic: string;
  duplicate: boolean;
  /** Our order's external id (`GET /v1/orders/{id}`), when the webhook concerned a known order. */
  order: string | null;
  shipments: number;
  /** Shipment statuses recorded as scans (those of shipments no aggregator reports on). */
  scans: number;
  newEvents: number;
  duplicateEvents: number;
  notifications: number;
  cancelledNotifications: number;
  ignored?: string;
}

/**
 * Shopify as an order source (issue 21). An order becomes our order through OrdersService.upsert, the service behind
 * `PUT /v1/orders/{id}`; its fulfillments' tracking numbers become its shipments; a fulfillment's `shipment_status`
 * is recorded as a scan only for a shipment no aggregator reports on; a cancelled order cancels its pending messages.
 * Each `X-Shopify-Webhook-Id` is processed once (remembered in PostgreSQL, so every API process sees it).
 */
@Injectable()
export class ShopifyOrdersService {
  private readonly logger = new Logger(ShopifyOrdersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrdersService,
    private readonly ingest: TrackingIngestService,
    private readonly notifications: NotificationRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(
    shopDomain: string,
    webhookId: string | null,
    message: ShopifyMessage,
  ): Promise<ShopifyResult> {
    const result: ShopifyResult = {
      topic: message.topic,
      duplicate: false,
      order: null,
      shipments: 0,
      scans: 0,
      newEvents: 0,
      duplicateEvents: 0,
      notifications: 0,
      cancelledNotifications: 0,
    };
    if (webhookId && (await this.alreadyProcessed(webhookId))) return { ...result, duplicate: true };

    if (message.order) await this.handleOrder(shopDomain, message.order, message.scans, result);
    else if (message.event) await this.handleFulfillmentEvent(shopDomain, message, webhookId, result);
    else await this.handleFulfillments(shopDomain, message.fulfillments, message.scans, result);

    // Remembered only once handled: a failure above leaves the id free, so Shopify's retry is processed.
    if (webhookId) await this.remember(webhookId);
    return result;
  }

  private async handleOrder(
    shop: string,
    order: ShopifyOrder,
    scans: TrackingUpdate[],
    result: ShopifyResult,
  ): Promise<void> {
    const dto = this.orderDto(order);
    if (!dto) {
      this.logger.warn(
        { shop, shopifyOrderId: order.id },
        'Shopify order has no usable email or phone; not imported',
      );
      result.ignored = 'no_contact';
      return;
    }
    const externalId = await this.claimExternalId(shop, order.id, order.number);
    await this.upsert(shop, externalId, dto, order.fulfillments);
    result.order = externalId;
    result.shipments = dto.shipments.length;
    await this.scanUncovered(scans, result);
    if (order.cancelled) result.cancelledNotifications = await this.cancelPending(externalId);
  }

  private async handleFulfillments(
    shop: string,
    fulfillments: ShopifyFulfillment[],
    scans: TrackingUpdate[],
    result: ShopifyResult,
  ): Promise<void> {
    for (const f of fulfillments) {
      await this.rememberFulfillment(shop, f);
      const externalId = f.orderId ? await this.externalIdOf(shop, f.orderId) : null;
      if (!externalId) {
        // The order webhook has not arrived yet: its payload lists this fulfillment and will attach the shipments.
        result.ignored = 'order_unknown';
        continue;
      }
      const dto = await this.dtoFromStoredOrder(externalId, [f]);
      if (dto) await this.upsert(shop, externalId, dto, [f]);
      result.order = externalId;
      result.shipments += dto?.shipments.length ?? 0;
    }
    // A scan of a parcel whose order is not here yet is kept on an orderless shipment and joined later.
    await this.scanUncovered(scans, result);
  }

  private async handleFulfillmentEvent(
    shop: string,
    message: ShopifyMessage,
    webhookId: string | null,
    result: ShopifyResult,
  ): Promise<void> {
    const ev = message.event!;
    const rows: { tracking_number: string; carrier: string | null }[] = await this.dataSource.query(
      `SELECT tracking_number, carrier FROM shopify_fulfillments WHERE shop_domain = $1 AND fulfillment_id = $2`,
      [shop, ev.fulfillmentId],
    );
    if (rows.length === 0) {
      result.ignored = 'fulfillment_unknown';
      return;
    }
    const scans = rows
      .map((r) =>
        shopifyScan(
          r.tracking_number,
          r.carrier,
          ev.status,
          ev.happenedAt,
          `event:${ev.id}`,
          ev.location,
          ev.message,
          webhookId,
        ),
      )
      .filter((s): s is TrackingUpdate => s !== null);
    result.order = ev.orderId ? await this.externalIdOf(shop, ev.orderId) : null;
    await this.scanUncovered(scans, result);
  }

  /** The same service as `PUT /v1/orders/{id}`, then the shop recorded on the order. */
  private async upsert(
    shop: string,
    externalId: string,
    dto: UpsertOrderDto,
    fulfillments: ShopifyFulfillment[],
  ) {
    await this.orders.upsert(externalId, dto);
    await this.dataSource.query(`UPDATE orders SET shop_domain = $1 WHERE external_id = $2`, [
      shop,
      externalId,
    ]);
    for (const f of fulfillments) await this.rememberFulfillment(shop, f);
  }

  /**
   * Our external id for a Shopify order: the one already linked, else the plain number when no other order has it,
   * else `<shop>:<number>`. The unique external id of the link table settles concurrent claims.
   */
  private async claimExternalId(shop: string, shopifyOrderId: string, number: string): Promise<string> {
    const existing = await this.externalIdOf(shop, shopifyOrderId);
    if (existing) return existing;
    const plain = externalIdFrom(number);
    const candidates = [
      plain,
      externalIdFrom(`${shopHandle(shop)}:${number}`),
      externalIdFrom(`${shop}:${number}`),
    ];
    for (const candidate of candidates) {
      // A plain number already used by an order from the API (not from a shop) is not ours to take.
      const taken: unknown[] = await this.dataSource.query(
        `SELECT 1 FROM orders o WHERE o.external_id = $1
            AND NOT EXISTS (SELECT 1 FROM shopify_orders l WHERE l.external_id = o.external_id
                              AND l.shop_domain = $2 AND l.shopify_order_id = $3)`,
        [candidate, shop, shopifyOrderId],
      );
      if (taken.length) continue;
      const claimed: unknown[] = await this.dataSource.query(
        `INSERT INTO shopify_orders (shop_domain, shopify_order_id, external_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [shop, shopifyOrderId, candidate],
      );
      if (claimed.length) return candidate;
      const raced = await this.externalIdOf(shop, shopifyOrderId);
      if (raced) return raced;
    }
    throw new Error(`No free external id for Shopify order ${shopifyOrderId} of ${shop}`);
  }

  private async externalIdOf(shop: string, shopifyOrderId: string): Promise<string | null> {
    const rows: { external_id: string }[] = await this.dataSource.query(
      `SELECT external_id FROM shopify_orders WHERE shop_domain = $1 AND shopify_order_id = $2`,
      [shop, shopifyOrderId],
    );
    return rows[0]?.external_id ?? null;
  }

  private async rememberFulfillment(shop: string, f: ShopifyFulfillment): Promise<void> {
    const numbers = f.trackingNumbers.filter((n) => TRACKING_NUMBER.test(n));
    if (!numbers.length) return;
    await this.dataSource.query(
      `INSERT INTO shopify_fulfillments (shop_domain, fulfillment_id, tracking_number, carrier)
       SELECT $1, $2, n, $4 FROM unnest($3::text[]) AS n
       ON CONFLICT (shop_domain, fulfillment_id, tracking_number) DO UPDATE SET carrier = EXCLUDED.carrier`,
      [shop, f.id, numbers, f.company?.slice(0, 100) ?? null],
    );
  }

  /** What PUT /v1/orders would receive for this order; null when there is no way to reach the customer. */
  private orderDto(order: ShopifyOrder): UpsertOrderDto | null {
    const country = /^[A-Za-z]{2}$/.test(order.countryCode ?? '') ? order.countryCode!.toUpperCase() : null;
    const email =
      order.email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(order.email) ? order.email.slice(0, 320) : null;
    const phone = validPhone(order.phone, country ?? this.config.tracking.defaultCountry);
    if (!email && !phone) return null;
    return {
      customer: {
        name: order.customerName.slice(0, 200),
        email: email ?? undefined,
        phone: phone ?? undefined,
        locale: canonicalLocale(order.locale),
        timeZone: timeZoneForAddress(country, order.provinceCode, this.config.analytics.storeTimeZone),
        country: country ?? undefined,
        postcode: order.postcode?.slice(0, 20) ?? undefined,
      },
      shipments: shipmentRefs(order.fulfillments),
    };
  }

  /** A fulfillment names only the order: its contact details are the ones the order was imported with. */
  private async dtoFromStoredOrder(
    externalId: string,
    fulfillments: ShopifyFulfillment[],
  ): Promise<UpsertOrderDto | null> {
    const order = await this.dataSource.getRepository(Order).findOneBy({ externalId });
    if (!order) return null;
    const shipments = shipmentRefs(fulfillments);
    if (!shipments.length) return null;
    return {
      customer: {
        name: order.contactName || 'Customer',
        email: order.contactEmail ?? undefined,
        phone: order.contactPhone ?? undefined,
        locale: order.contactLocale,
        timeZone: order.contactTimeZone,
        country: order.contactCountry ?? undefined,
        postcode: order.contactPostcode ?? undefined,
      },
      promisedDate: order.promisedDate ?? undefined,
      shipments,
    };
  }

  /**
   * Shopify's own shipment status is a fallback: a parcel an aggregator reports on (any event from another provider)
   * follows the aggregator, whose scans are richer and more timely.
   */
  private async scanUncovered(scans: TrackingUpdate[], result: ShopifyResult): Promise<void> {
    if (!scans.length) return;
    const covered: { tracking_number: string }[] = await this.dataSource.query(
      `SELECT DISTINCT s.tracking_number FROM shipments s
         JOIN tracking_events e ON e.shipment_id = s.id AND e.provider <> 'shopify'
        WHERE s.tracking_number = ANY($1::text[])`,
      [scans.map((s) => s.trackingNumber)],
    );
    const skip = new Set(covered.map((r) => r.tracking_number));
    const uncovered = scans.filter((s) => !skip.has(s.trackingNumber));
    if (!uncovered.length) return;
    const ingested = await this.ingest.ingest(uncovered);
    result.scans += uncovered.length;
    result.newEvents += ingested.newEvents;
    result.duplicateEvents += ingested.duplicateEvents;
    result.notifications += ingested.notifications;
  }

  /** Notifications are notifications' rows: their repository cancels the ones no worker holds yet. */
  private async cancelPending(externalId: string): Promise<number> {
    return this.notifications.cancelWaitingForOrder(externalId, 'order_cancelled');
  }

  private async alreadyProcessed(webhookId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM webhook_message_ids WHERE provider = 'shopify' AND message_id = $1 AND expires_at > now()`,
      [webhookId.slice(0, 255)],
    );
    return rows.length > 0;
  }

  private async remember(webhookId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO webhook_message_ids (provider, message_id, expires_at)
       VALUES ('shopify', $1, now() + make_interval(secs => $2))
       ON CONFLICT (provider, message_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      [webhookId.slice(0, 255), DELIVERY_MEMORY_SECONDS],
    );
  }
}

function shipmentRefs(fulfillments: ShopifyFulfillment[]): UpsertOrderDto['shipments'] {
  const seen = new Set<string>();
  const refs: UpsertOrderDto['shipments'] = [];
  for (const f of fulfillments) {
    for (const trackingNumber of f.trackingNumbers) {
      const key = trackingNumber.toUpperCase();
      // A number Wismo cannot track (a URL pasted into the field, a note) is not a shipment.
      if (!TRACKING_NUMBER.test(trackingNumber) || seen.has(key) || refs.length >= 20) continue;
      seen.add(key);
      refs.push({ carrier: (f.company ?? 'unknown').slice(0, 50), trackingNumber });
    }
  }
  return refs;
}

function validPhone(phone: string | null, country: string): string | null {
  if (!phone) return null;
  const parsed = parsePhoneNumberFromString(phone, country as CountryCode);
  return parsed?.isValid() ? parsed.number : null;
}

function canonicalLocale(locale: string | null): string | undefined {
  if (!locale || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale)) return undefined;
  try {
    return Intl.getCanonicalLocales(locale)[0];
  } catch {
    return undefined;
  }
}

/** "my-shop.myshopify.com" → "my-shop". */
function shopHandle(shop: string): string {
  return shop.replace(/\.myshopify\.com$/i, '');
}

function externalIdFrom(value: string): string {
  return value.replace(EXTERNAL_ID_CHARS, '-').slice(0, 100) || 'order';
}
