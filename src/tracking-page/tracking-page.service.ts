import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { VIEWS_DIR } from '../pages/page-renderer.service';
import { DeliveryEstimates } from '../predictions/delivery-estimates.service';
import { shownDelivery } from '../predictions/shipment-estimate';
import type { SupportedLocale } from '../shared/notification.types';
import type { CanonicalStatus, Eta, EtaSource, PickupPoint, StoredEstimate } from '../shared/tracking.types';
import { type I18nCatalogs, loadI18nCatalogs } from '../templates/template-helpers';
import { TrackingLinks } from '../links/tracking-links.service';
import {
  buildParcelPage,
  type EventFacts,
  loadPageStrings,
  type PageStrings,
  type ParcelPage,
} from './tracking-page.view';

const TEMPLATES_DIR = resolve(__dirname, '../../templates');
const MAX_EVENTS = 100;

export type ParcelLookup =
  { kind: 'found'; page: ParcelPage; etag: string; shipmentId: string } | { kind: 'expired' | 'not_found' };

interface ParcelRow {
  id: string;
  orderId: string | null;
  carrier: string;
  trackingNumber: string;
  status: CanonicalStatus;
  exceptionReason: string | null;
  eta: Eta | null;
  originalEta: Eta | null;
  promisedDate: string | null;
  deliveredAt: Date | null;
  collectedAtPickup: boolean;
  pickup: PickupPoint | null;
  lastEventAt: Date | null;
  updatedAt: Date;
  orderNumber: string | null;
  locale: string | null;
  timeZone: string | null;
  country: string | null;
  postcode: string | null;
  service: string | null;
  storedEstimate: StoredEstimate | null;
  etaSource: EtaSource | null;
  firstScanOn: string | null;
  parcelIndex: number;
  parcelCount: number;
  /** Its scans newest first (at most MAX_EVENTS), occurredAt as JSON text. */
  events: (Omit<EventFacts, 'occurredAt'> & { occurredAt: string | null })[];
}

/**
 * The tracking page's data: signed links for messages (`urlFor`), and the parcel a link names, in the shopper's
 * language, or why there is none (a forged or revoked token, an expired link). Reads shipments, events and orders
 * (views are counted by TrackingPageViews).
 */
@Injectable()
export class TrackingPageService {
  readonly strings: Record<SupportedLocale, PageStrings>;
  readonly catalogs: I18nCatalogs;

  constructor(
    private readonly db: DataSource,
    private readonly links: TrackingLinks,
    private readonly estimates: DeliveryEstimates,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.strings = loadPageStrings(VIEWS_DIR);
    this.catalogs = loadI18nCatalogs(TEMPLATES_DIR);
  }

  async parcel(
    token: string,
    lang: (customerLocale: string | null) => SupportedLocale,
    now = new Date(),
  ): Promise<ParcelLookup> {
    const ref = this.links.verify(token);
    if (ref === null) return { kind: 'not_found' };
    // One statement: the parcel, its order's facts and its scans (one round trip per view).
    const [row]: ParcelRow[] = await this.db.query(
      `SELECT s.id, s.order_id AS "orderId", s.carrier, s.tracking_number AS "trackingNumber", s.status,
              s.exception_reason AS "exceptionReason", s.eta, s.original_eta AS "originalEta",
              to_char(coalesce(o.promised_date, s.promised_date), 'YYYY-MM-DD') AS "promisedDate",
              s.delivered_at AS "deliveredAt", s.collected_at_pickup AS "collectedAtPickup", s.pickup,
              s.last_event_at AS "lastEventAt", s.updated_at AS "updatedAt", o.external_id AS "orderNumber",
              o.contact_locale AS "locale", o.contact_time_zone AS "timeZone", o.contact_country AS "country",
              o.contact_postcode AS "postcode", s.service, s.estimate AS "storedEstimate", s.eta_source AS "etaSource",
              to_char((SELECT min(e.occurred_at) FROM tracking_events e
                        WHERE e.shipment_id = s.id AND e.status NOT IN ('pre_transit', 'unknown', 'cancelled'))
                      AT TIME ZONE $2, 'YYYY-MM-DD') AS "firstScanOn",
              (SELECT count(*) FROM shipments x WHERE x.order_id = s.order_id
                  AND x.link_ref <= s.link_ref)::int AS "parcelIndex",
              (SELECT count(*) FROM shipments x WHERE x.order_id = s.order_id)::int AS "parcelCount",
              (SELECT coalesce(json_agg(json_build_object('status', e.status, 'description', e.description,
                                          'location', e.location, 'occurredAt', e.occurred_at)
                                        ORDER BY e.occurred_at DESC NULLS LAST, e.received_at DESC), '[]'::json)
                 FROM (SELECT status, description, location, occurred_at, received_at FROM tracking_events
                        WHERE shipment_id = s.id
                        ORDER BY occurred_at DESC NULLS LAST, received_at DESC LIMIT ${MAX_EVENTS}) e) AS events
         FROM shipments s LEFT JOIN orders o ON o.id = s.order_id
        WHERE s.link_ref = $1`,
      [ref.toString(), this.config.analytics.storeTimeZone],
    );
    if (!row) return { kind: 'not_found' };
    const endedAt =
      row.deliveredAt ?? (['returned', 'cancelled'].includes(row.status) ? row.updatedAt : null);
    if (endedAt && now.getTime() - endedAt.getTime() > this.config.trackingPage.linkTtlDays * 86_400_000) {
      return { kind: 'expired' };
    }
    const { events: scans, ...parcel } = row;
    const events: EventFacts[] = scans.map((e) => ({
      ...e,
      occurredAt: e.occurredAt === null ? null : new Date(e.occurredAt),
    }));
    const language = lang(row.locale);
    const estimate = await this.estimateFor(row, now);
    const page = buildParcelPage(
      {
        ...parcel,
        // Our window chosen over the carrier's date for this carrier (issue 20): the page shows the estimate.
        eta: estimate?.chosen ? null : row.eta,
        estimate,
        parcelIndex: row.orderId ? row.parcelIndex : 1,
        parcelCount: row.orderId ? row.parcelCount : 1,
        timeZone: row.timeZone ?? 'UTC',
      },
      events,
      language,
      this.strings[language],
      this.catalogs,
      now,
    );
    // Changes with every scan (updated_at) and with the language: the page's live updates compare it.
    const etag = `"${createHash('sha256').update(`${row.id}:${row.updatedAt.toISOString()}:${language}`).digest('base64url').slice(0, 16)}"`;
    return { kind: 'found', page, etag, shipmentId: row.id };
  }

  /**
   * Our window for a parcel in transit: the one stored at its last scan when the shipment shows it (chosen for
   * its carrier, or the carrier gives no date still ahead; `chosen` when it replaces a carrier date), else, for a
   * parcel with no stored window and no usable carrier date, one made now; null when we cannot say yet.
   */
  private async estimateFor(
    row: ParcelRow,
    now: Date,
  ): Promise<{ earliest: string; likely: string; latest: string; chosen: boolean } | null> {
    const inTransit = ['in_transit', 'out_for_delivery', 'exception', 'attempt_failed'].includes(row.status);
    if (!inTransit || !row.firstScanOn) return null;
    const today =
      DateTime.fromJSDate(now, { zone: row.timeZone ?? 'UTC' }).toISODate() ?? now.toISOString().slice(0, 10);
    if (row.storedEstimate) {
      const shown = shownDelivery({ ...row, estimate: row.storedEstimate }, today);
      if (shown?.source !== 'estimate') return null;
      const { earliest, likely, latest } = shown;
      return { earliest, likely, latest, chosen: !!row.eta?.date && row.eta.date >= today };
    }
    if (row.eta?.date && row.eta.date >= today) return null;
    const estimate = await this.estimates.estimate(
      {
        carrier: row.carrier,
        service: row.service,
        destinationCountry: row.country,
        destinationPostcode: row.postcode,
      },
      row.firstScanOn,
      today,
      now,
    );
    return estimate.status === 'estimated' ? { ...estimate, chosen: false } : null;
  }
}
