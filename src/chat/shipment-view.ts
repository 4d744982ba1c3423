/**
 * What a verified shopper may see of a shipment, and the words for it. Pure: shipment rows in, a card and reply
 * lines out. The card carries no address, phone or email; scan places are the carrier's (a depot or a city).
 * Times are shown in the customer's time zone; an ETA date is a calendar date and is never shifted by zone.
 */
import { DateTime } from 'luxon';
import type { Shipment } from '../tracking/shipment.entity';
import type { TrackingEvent } from '../tracking/tracking-event.entity';
import type { CanonicalStatus, ExceptionReason } from '../shared/tracking.types';
import { shownDelivery } from '../predictions/shipment-estimate';
import { carrierDisplayName, carrierTrackingUrl } from './carrier-links';
import type { ChatTemplateLanguage, ChatTemplates } from './chat-templates';

export interface ShipmentCard {
  id: string;
  carrier: string;
  carrierName: string;
  trackingNumber: string;
  status: CanonicalStatus;
  statusText: string;
  exceptionReason: ExceptionReason | null;
  eta: { date: string; windowStart: string | null; windowEnd: string | null } | null;
  /** The ETA or window in words, or null when the parcel is delivered or has no estimate. */
  etaText: string | null;
  /** Where the date given comes from (issue 20): the carrier's ETA or our estimate; null when none is given. */
  etaSource: 'carrier' | 'estimate' | null;
  /** Our estimated window when that is the date given. */
  estimate: { earliest: string; likely: string; latest: string } | null;
  lastScan: { at: string | null; location: string | null; description: string; text: string } | null;
  pickup: { name: string | null; deadline: string | null } | null;
  trackingUrl: string | null;
}

export interface ViewContext {
  templates: ChatTemplates;
  language: ChatTemplateLanguage;
  /** BCP 47 locale for dates ("en-GB"): the customer's own when it is in the reply language. */
  dateLocale: string;
  timeZone: string;
  /** The customer's country, so the card links the carrier's page for that country (as the messages do). */
  country?: string | null;
  /** false on the web widget, which links the card instead of pasting the carrier's address into the reply. */
  linksInText?: boolean;
  /** Our signed tracking page of a shipment (issue 17); without it, the carrier's page. */
  trackingPageUrl?: (shipment: Shipment) => string | null;
  /** When the answer is given (the customer's "today" for estimates); default now. */
  now?: Date;
}

export function dateLocaleFor(
  language: ChatTemplateLanguage,
  customerLocale: string | null | undefined,
): string {
  return customerLocale && customerLocale.slice(0, 2).toLowerCase() === language ? customerLocale : language;
}

function zoned(instant: Date | string, view: ViewContext): DateTime {
  const dt = typeof instant === 'string' ? DateTime.fromISO(instant) : DateTime.fromJSDate(instant);
  const inZone = dt.setZone(view.timeZone);
  return (inZone.isValid ? inZone : dt.setZone('UTC')).setLocale(view.dateLocale);
}

/** "Tue, May 7, 2024, 10:15 AM CEST" in the customer's zone. */
export function formatInstant(instant: Date | string, view: ViewContext): string {
  const dt = zoned(instant, view);
  return `${dt.toLocaleString({ weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })} ${dt.offsetNameShort ?? ''}`.trim();
}

function formatTime(instant: string, view: ViewContext): string {
  return zoned(instant, view).toLocaleString(DateTime.TIME_SIMPLE);
}

/** A calendar date (YYYY-MM-DD, or the date part of an instant) as "Tuesday, May 7". */
export function formatCalendarDate(date: string, view: ViewContext): string {
  const dt = DateTime.fromISO(date.slice(0, 10), { zone: 'UTC' }).setLocale(view.dateLocale);
  return dt.isValid ? dt.toLocaleString({ weekday: 'long', month: 'long', day: 'numeric' }) : date;
}

/** What the shipment shows today (issue 20): the carrier's date, or our window when that is the better guide. */
function shownOf(shipment: Shipment, view: ViewContext) {
  const today =
    DateTime.fromJSDate(view.now ?? new Date(), { zone: view.timeZone }).toISODate() ??
    (view.now ?? new Date()).toISOString().slice(0, 10);
  return shownDelivery(
    {
      status: shipment.status,
      eta: shipment.eta,
      estimate: shipment.estimate ?? null,
      etaSource: shipment.etaSource ?? null,
    },
    today,
  );
}

function etaText(shipment: Shipment, view: ViewContext): string | null {
  if (['delivered', 'returned', 'cancelled'].includes(shipment.status)) return null;
  const shown = shownOf(shipment, view);
  if (shown?.source === 'estimate') {
    const window =
      shown.earliest === shown.latest
        ? formatCalendarDate(shown.earliest, view)
        : `${formatCalendarDate(shown.earliest, view)} – ${formatCalendarDate(shown.latest, view)}`;
    return view.templates.render(view.language, 'eta_estimate', { window });
  }
  const eta = shipment.eta;
  if (!eta?.date) return view.templates.render(view.language, 'eta_unknown');
  const date = formatCalendarDate(eta.date, view);
  if (eta.windowStart && eta.windowEnd) {
    return view.templates.render(view.language, 'eta_window', {
      date,
      start: formatTime(eta.windowStart, view),
      end: formatTime(eta.windowEnd, view),
    });
  }
  return view.templates.render(view.language, 'eta_date', { date });
}

function shownFields(shipment: Shipment, view: ViewContext): Pick<ShipmentCard, 'etaSource' | 'estimate'> {
  const shown = shownOf(shipment, view);
  if (shown?.source === 'estimate')
    return {
      etaSource: 'estimate',
      estimate: { earliest: shown.earliest, likely: shown.likely, latest: shown.latest },
    };
  return { etaSource: shown?.source ?? null, estimate: null };
}

export function shipmentCard(
  shipment: Shipment,
  lastEvent: TrackingEvent | null,
  view: ViewContext,
): ShipmentCard {
  const at = lastEvent?.occurredAt ?? shipment.lastEventAt ?? null;
  let lastScan: ShipmentCard['lastScan'] = null;
  if (lastEvent || at) {
    const description =
      lastEvent?.description?.trim() ||
      view.templates.render(view.language, `status_${lastEvent?.status ?? shipment.status}`);
    const time = at ? formatInstant(at, view) : '';
    const location = lastEvent?.location?.trim() || null;
    lastScan = {
      at: at ? at.toISOString() : null,
      location,
      description,
      text: view.templates.render(view.language, location ? 'last_scan' : 'last_scan_no_place', {
        description,
        place: location,
        time,
      }),
    };
  }
  const pickup =
    shipment.status === 'available_for_pickup' && shipment.pickup
      ? {
          name: shipment.pickup.name,
          deadline: shipment.pickup.deadline
            ? shipment.pickup.deadline.length > 10
              ? formatInstant(shipment.pickup.deadline, view)
              : formatCalendarDate(shipment.pickup.deadline, view)
            : null,
        }
      : null;
  return {
    id: shipment.id,
    carrier: shipment.carrier,
    carrierName: carrierDisplayName(shipment.carrier, shipment.trackingNumber),
    trackingNumber: shipment.trackingNumber,
    status: shipment.status,
    statusText: view.templates.render(view.language, `status_${shipment.status}`),
    exceptionReason: shipment.exceptionReason,
    eta: shipment.eta?.date
      ? {
          date: shipment.eta.date,
          windowStart: shipment.eta.windowStart ?? null,
          windowEnd: shipment.eta.windowEnd ?? null,
        }
      : null,
    etaText: etaText(shipment, view),
    ...shownFields(shipment, view),
    lastScan,
    pickup,
    trackingUrl:
      view.trackingPageUrl?.(shipment) ??
      carrierTrackingUrl(shipment.carrier, shipment.trackingNumber, {
        country: view.country ?? null,
        language: view.language,
      }),
  };
}

/** What the bot says about one shipment; `focus` picks the lines the question is about. */
export function shipmentLines(
  card: ShipmentCard,
  shipment: Shipment,
  position: { index: number; count: number },
  view: ViewContext,
  focus: 'status' | 'eta',
): string[] {
  const t = (key: string, vars = {}) => view.templates.render(view.language, key, vars);
  const label = position.count > 1 ? t('shipment_label', position) : t('shipment_label_single');
  const lines = [
    t('shipment_status', {
      label,
      carrier: card.carrierName,
      trackingNumber: card.trackingNumber,
      status: card.statusText,
    }),
  ];
  if (card.status === 'exception') lines.push(t(`exception_${card.exceptionReason ?? 'other'}`));
  if (card.status === 'attempt_failed')
    lines.push(t(`exception_${card.exceptionReason ?? 'recipient_unavailable'}`));
  if (card.pickup?.name) lines.push(t('pickup', { name: card.pickup.name, deadline: card.pickup.deadline }));
  if (card.status === 'delivered' && (shipment.deliveredAt ?? shipment.lastEventAt)) {
    lines.push(
      t('delivered_on', {
        time: formatInstant((shipment.deliveredAt ?? shipment.lastEventAt) as Date, view),
      }),
    );
  } else if (focus === 'status' && card.lastScan) {
    lines.push(card.lastScan.text);
  }
  if (card.etaText) lines.push(card.etaText);
  // The widget shows the card's link ("Track your parcel"); only a text message needs the address itself.
  if (focus === 'status' && card.trackingUrl && view.linksInText !== false)
    lines.push(t('tracking_link', { url: card.trackingUrl }));
  return lines;
}
