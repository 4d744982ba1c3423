/**
 * What a message may say about a shipment, decided once and purely: the render context of every notification
 * template, built from the shipment, its order's other parcels and the customer. The rules that keep messages
 * true live here rather than in each template:
 * - the carrier is named as shoppers know it (registry display name), never an internal code;
 * - the tracking link is our own signed tracking page, else the carrier's own page for that service, country and
 *   language, or none at all (never the help page dressed up as tracking) — see {@link messageTrackingUrl};
 * - an ETA whose day has passed in the customer's zone is not presented as expected (and a parcel waiting at a
 *   pickup point, delivered or returned has no "expected delivery": the pickup deadline is what counts);
 * - a delay names the date the customer was last told (or was promised), and only a later new date is a delay;
 * - a parcel of a split order says which parcel it is, and the last delivery says the order is complete.
 */
import { carrierDisplayName, carrierTrackingUrl } from '../carriers/carrier-registry';
import type { SupportedLocale } from '../shared/notification.types';
import { shownDelivery } from '../predictions/shipment-estimate';
import { localDate } from '../shared/local-date';
import type {
  CanonicalStatus,
  Eta,
  EtaSource,
  ExceptionReason,
  PickupPoint,
  StoredEstimate,
} from '../shared/tracking.types';
import {
  toTemplateEta,
  toTemplatePickup,
  type TemplateEstimate,
  type TemplateEta,
  type TemplateVariables,
} from '../templates/template-variables';

/** One parcel of the order, as much as the parcel count and "order complete" need. */
export interface SiblingParcel {
  id: string;
  status: CanonicalStatus;
  deliveredAt: Date | null;
  createdAt: Date;
  trackingNumber: string;
}

export interface MessageFacts {
  locale: SupportedLocale;
  now: Date;
  customer: { name: string; timeZone: string; country: string | null };
  order: { number: string };
  shipment: {
    id: string;
    carrier: string;
    trackingNumber: string;
    status: CanonicalStatus;
    reason: ExceptionReason | null;
    eta: Eta | null;
    originalEta: Eta | null;
    promisedDate: string | null;
    pickup: PickupPoint | null;
    collectedAtPickup: boolean;
    deliveredAt: Date | null;
    /** Our current window and the source this shipment shows (issue 20); absent = none stored. */
    estimate?: StoredEstimate | null;
    etaSource?: EtaSource | null;
    /** The carrier's latest scan (the `stalled` message says since when); absent = unknown. */
    lastEventAt?: Date | null;
  };
  /**
   * The day an `arriving_tomorrow` message announces (its notification's `aboutDate`): the carrier's date or our
   * own estimate. It is the message's `shipment.eta`, with the carrier's window when the carrier gave that day.
   */
  arrivingOn?: string | null;
  /** Every parcel of the order, this one included; empty when unknown (treated as a single parcel). */
  parcels: SiblingParcel[];
  /**
   * The estimated day the customer was last told about this parcel (by a sent message), or null when no
   * message named one. A delay is measured against it, else against the promised date, else the first ETA.
   */
  lastToldEtaDate: string | null;
  brand: { name: string; supportUrl: string; logoUrl?: string | null; returnsUrl?: string | null };
  unsubscribeUrl: string | null;
  /** Our signed tracking page for this parcel (issue 17); null only where there is none (a preview without one). */
  trackingPageUrl?: string | null;
}

/**
 * The link a message gives for following the parcel: our own signed tracking page (issue 17), which shows the
 * carrier's page too; the carrier's page only where we have no link of our own (never the help page).
 */
export function messageTrackingUrl(
  facts: Pick<MessageFacts, 'shipment' | 'customer' | 'locale' | 'trackingPageUrl'>,
): string | null {
  if (facts.trackingPageUrl) return facts.trackingPageUrl;
  return carrierTrackingUrl(facts.shipment.carrier, facts.shipment.trackingNumber, {
    country: facts.customer.country,
    language: facts.locale,
  });
}

/** For a parcel whose carrier nobody named and its number does not reveal: never the code "unknown". */
const NO_CARRIER_NAME: Record<SupportedLocale, string> = {
  en: 'The carrier',
  es: 'La empresa de transporte',
  fr: 'Le transporteur',
  de: 'Der Paketdienst',
};

/** The customer's calendar day (YYYY-MM-DD) at `now`. */
export function customerToday(now: Date, timeZone: string): string {
  // An unknown zone gives the UTC day.
  return localDate(now, timeZone);
}

/** Statuses where "expected delivery" has no meaning: waiting at a pickup point, or already over. */
const NO_EXPECTED_DELIVERY: readonly CanonicalStatus[] = [
  'available_for_pickup',
  'delivered',
  'returned',
  'cancelled',
];

/** The ETA a message may present as expected: none for a past day, a pickup, or a finished parcel. */
export function presentableEta(
  eta: Eta | null,
  status: CanonicalStatus,
  now: Date,
  timeZone: string,
): TemplateEta | null {
  if (!eta?.date || NO_EXPECTED_DELIVERY.includes(status)) return null;
  if (eta.date < customerToday(now, timeZone)) return null;
  return toTemplateEta(eta);
}

/** The announced day as the message's ETA: the carrier's, window included, when it is that day; else the day alone. */
function arrivalEta(carrierEta: Eta | null, day: string): TemplateEta {
  return carrierEta?.date === day
    ? toTemplateEta(carrierEta)!
    : { date: day, windowStart: null, windowEnd: null };
}

/** Where a message may give our window instead of a carrier date: a parcel still travelling (issue 20). */
const ESTIMATE_IN_MESSAGES: readonly CanonicalStatus[] = ['in_transit', 'exception'];

/**
 * Our estimated window, when that is what this shipment shows (its carrier's dates have been less accurate
 * lately, or the carrier gives none still ahead) and its latest day has not passed; a window that began in the
 * past is given from today. Out for delivery or after a failed attempt, only the carrier's date is given.
 */
export function presentableEstimate(
  shipment: MessageFacts['shipment'],
  now: Date,
  timeZone: string,
): TemplateEstimate | null {
  if (!ESTIMATE_IN_MESSAGES.includes(shipment.status)) return null;
  const shown = shownDelivery(
    {
      status: shipment.status,
      eta: shipment.eta,
      estimate: shipment.estimate ?? null,
      etaSource: shipment.etaSource ?? null,
    },
    customerToday(now, timeZone),
  );
  return shown?.source === 'estimate'
    ? { earliest: shown.earliest, likely: shown.likely, latest: shown.latest }
    : null;
}

/** The day a delay is measured against: what the customer was last told, else promised, else the first ETA. */
export function delayBaseline(facts: Pick<MessageFacts, 'lastToldEtaDate' | 'shipment'>): string | null {
  return facts.lastToldEtaDate ?? facts.shipment.promisedDate ?? facts.shipment.originalEta?.date ?? null;
}

/**
 * Whether a delay is news: the current ETA is later than the baseline. A no-scan delay (no ETA to compare)
 * is news too; an ETA that is equal to or earlier than what the customer expects is not a delay.
 */
export function delayIsNews(facts: Pick<MessageFacts, 'lastToldEtaDate' | 'shipment'>): boolean {
  const current = facts.shipment.eta?.date ?? null;
  if (!current) return true;
  const baseline = delayBaseline(facts);
  return baseline === null || current > baseline;
}

/** This parcel's place in the order, and whether its delivery completes the order. */
export function parcelPosition(
  shipmentId: string,
  parcels: readonly SiblingParcel[],
): { number: number; count: number; completesOrder: boolean } {
  const ordered = [...parcels].sort(
    (a, b) =>
      a.createdAt.getTime() - b.createdAt.getTime() ||
      a.trackingNumber.localeCompare(b.trackingNumber) ||
      a.id.localeCompare(b.id),
  );
  const index = ordered.findIndex((p) => p.id === shipmentId);
  if (index < 0 || ordered.length < 2) {
    const self = ordered[index];
    return { number: 1, count: 1, completesOrder: !self || self.status === 'delivered' };
  }
  const allDelivered = ordered.every((p) => p.status === 'delivered');
  // The last one to arrive completes the order; when two arrive at the same instant, the later in the list.
  const last = [...ordered].sort(
    (a, b) =>
      (a.deliveredAt?.getTime() ?? 0) - (b.deliveredAt?.getTime() ?? 0) ||
      ordered.indexOf(a) - ordered.indexOf(b),
  )[ordered.length - 1];
  return { number: index + 1, count: ordered.length, completesOrder: allDelivered && last.id === shipmentId };
}

export function buildTemplateVariables(facts: MessageFacts): TemplateVariables {
  const { shipment, customer } = facts;
  const [firstName, ...rest] = customer.name.trim().split(/\s+/);
  const position = parcelPosition(shipment.id, facts.parcels);
  const estimate = facts.arrivingOn ? null : presentableEstimate(shipment, facts.now, customer.timeZone);
  const eta = facts.arrivingOn
    ? arrivalEta(shipment.eta, facts.arrivingOn)
    : estimate
      ? null
      : presentableEta(shipment.eta, shipment.status, facts.now, customer.timeZone);
  const baseline = delayBaseline(facts);
  // A previous date is only worth naming when it differs from the one now expected.
  const previousEta =
    baseline && eta && baseline !== eta.date ? { date: baseline, windowStart: null, windowEnd: null } : null;
  return {
    locale: facts.locale,
    timeZone: customer.timeZone,
    now: facts.now.toISOString(),
    customer: { firstName: firstName || null, lastName: rest.join(' ') || null },
    order: { number: facts.order.number, url: null, complete: position.completesOrder && position.count > 1 },
    shipment: {
      carrier: carrierDisplayName(shipment.carrier, shipment.trackingNumber) || NO_CARRIER_NAME[facts.locale],
      trackingNumber: shipment.trackingNumber,
      trackingUrl: messageTrackingUrl(facts),
      parcel: { number: position.number, count: position.count },
      status: shipment.status,
      reason: shipment.reason,
      eta,
      etaSource: estimate ? 'estimate' : eta ? 'carrier' : null,
      estimate,
      previousEta,
      pickup: toTemplatePickup(shipment.pickup),
      collectedAtPickup: shipment.collectedAtPickup,
      deliveredAt: shipment.deliveredAt?.toISOString() ?? null,
      lastScanAt: shipment.lastEventAt?.toISOString() ?? null,
    },
    brand: {
      name: facts.brand.name,
      supportUrl: facts.brand.supportUrl,
      websiteUrl: null,
      logoUrl: facts.brand.logoUrl ?? null,
      returnsUrl: facts.brand.returnsUrl ?? null,
    },
    unsubscribeUrl: facts.unsubscribeUrl,
  };
}
