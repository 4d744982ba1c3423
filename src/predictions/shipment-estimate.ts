/**
 * Our estimate as one shipment keeps it (issue 20), in pure functions: when a window is (re)made, which date the
 * customer is shown (the carrier's ETA or ours), and how far each was off once the parcel arrived.
 *
 * - A window is made at each scan while the parcel is on its way, conditional on the business days already spent;
 *   the first one is kept unchanged (the original, for accuracy figures), the current one replaces the last.
 * - Per carrier, the source shown is the one with the lower mean absolute error (business days, most likely date
 *   against delivery) over that carrier's deliveries of the last `windowDays`, each source with at least
 *   `minSamples` scored deliveries; a tie goes to the carrier. Without that evidence: the carrier's ETA when it has
 *   a usable one, ours otherwise. A source whose date has passed is never shown while the other has one.
 * - Scores compare first with first: our first window and the carrier's first ETA, each against the delivery day
 *   in the customer's zone.
 */
import type { CanonicalStatus, Eta, EtaSource, StoredEstimate } from '../shared/tracking.types';
import { businessIndex } from './business-days';
import type { DeliveryEstimate } from './delivery-estimate';

/** Statuses in which a parcel is on its way to the customer, so a delivery window means something. */
export const ESTIMATED_STATUSES: readonly CanonicalStatus[] = [
  'in_transit',
  'out_for_delivery',
  'attempt_failed',
  'exception',
];

/** Statuses where "expected delivery" has no meaning: waiting at a pickup point, or already over. */
const NO_EXPECTED_DELIVERY: readonly CanonicalStatus[] = [
  'available_for_pickup',
  'delivered',
  'returned',
  'cancelled',
];

/** Scan statuses that do not start the transit clock (a label printed is not a parcel handed over). */
const NOT_SHIPPED: readonly CanonicalStatus[] = ['pre_transit', 'unknown', 'cancelled'];

export interface ChoiceRule {
  /** Deliveries of the last this many days are scored. */
  windowDays: number;
  /** Scored deliveries each source needs before the comparison counts. */
  minSamples: number;
}

export const DEFAULT_CHOICE_RULE: ChoiceRule = { windowDays: 90, minSamples: 20 };

/** One carrier's recent record: scored deliveries and mean absolute business-day error, per source. */
export interface CarrierAccuracy {
  ours: { samples: number; mae: number | null };
  carrier: { samples: number; mae: number | null };
}

/** The source a carrier's shipments should show, or null when neither has earned it (then: the fallback). */
export function preferredSource(
  accuracy: CarrierAccuracy | undefined,
  rule: ChoiceRule = DEFAULT_CHOICE_RULE,
): EtaSource | null {
  if (!accuracy) return null;
  const { ours, carrier } = accuracy;
  if (ours.samples < rule.minSamples || carrier.samples < rule.minSamples) return null;
  if (ours.mae === null || carrier.mae === null) return null;
  return ours.mae < carrier.mae ? 'estimate' : 'carrier';
}

/**
 * Which date to show on `today` (the customer's date): the preferred source when its date is still ahead, else
 * the other when its is; without a preference the carrier's first. Null when neither has a usable date.
 */
export function shownSource(
  preferred: EtaSource | null,
  carrierEta: Eta | null,
  estimate: StoredEstimate | null,
  today: string,
): EtaSource | null {
  const carrierUsable = !!carrierEta?.date && carrierEta.date >= today;
  const oursUsable = !!estimate && estimate.latest >= today;
  if (preferred === 'estimate') return oursUsable ? 'estimate' : carrierUsable ? 'carrier' : null;
  return carrierUsable ? 'carrier' : oursUsable ? 'estimate' : null;
}

/** What a customer-facing surface shows: the carrier's ETA as before, or our window labelled as an estimate. */
export type ShownDelivery =
  { source: 'carrier'; eta: Eta } | { source: 'estimate'; earliest: string; likely: string; latest: string };

/**
 * The delivery date to show for a shipment on `today`, from what it stores: its preferred source (`etaSource`,
 * decided at the last scan) re-checked against today, so a date that has passed since is never presented. A
 * window that started in the past is shown from today.
 */
export function shownDelivery(
  shipment: {
    status: CanonicalStatus;
    eta: Eta | null;
    estimate: StoredEstimate | null;
    etaSource: EtaSource | null;
  },
  today: string,
): ShownDelivery | null {
  if (NO_EXPECTED_DELIVERY.includes(shipment.status)) return null;
  const estimate = ESTIMATED_STATUSES.includes(shipment.status) ? shipment.estimate : null;
  const source = shownSource(shipment.etaSource, shipment.eta, estimate, today);
  if (source === 'carrier') return { source, eta: shipment.eta! };
  if (source === 'estimate' && estimate) {
    const notBefore = (d: string) => (d < today ? today : d);
    return {
      source,
      earliest: notBefore(estimate.earliest),
      likely: notBefore(estimate.likely),
      latest: estimate.latest,
    };
  }
  return null;
}

/**
 * The day a parcel's transit counts from: the earliest of what is already known (`known`, from its stored
 * window) and the new scans that mean it was handed over, as dates in the store's zone (`dayOf`).
 */
export function shippedOnOf(
  known: string | null,
  scans: { status: CanonicalStatus; occurredAt: Date | null }[],
  dayOf: (instant: Date) => string,
): string | null {
  let first = known;
  for (const scan of scans) {
    if (!scan.occurredAt || NOT_SHIPPED.includes(scan.status)) continue;
    const day = dayOf(scan.occurredAt);
    if (!first || day < first) first = day;
  }
  return first;
}

/** A model answer as stored with the shipment; null for "cannot estimate yet". */
export function storedWindow(
  answer: DeliveryEstimate,
  shippedOn: string,
  madeAt: Date,
): StoredEstimate | null {
  if (answer.status !== 'estimated') return null;
  return {
    earliest: answer.earliest,
    likely: answer.likely,
    latest: answer.latest,
    madeAt: madeAt.toISOString(),
    level: answer.level,
    basedOn: answer.basedOn,
    shippedOn,
  };
}

export interface DeliveryScores {
  estimateError: number | null;
  estimateHit: boolean | null;
  carrierEtaError: number | null;
}

/** How far our first window and the carrier's first ETA were off, in business days (positive = arrived later). */
export function scoreDelivery(
  firstEstimate: StoredEstimate | null,
  firstCarrierEta: Eta | null,
  deliveredOn: string,
): DeliveryScores {
  const actual = businessIndex(deliveredOn);
  return {
    estimateError: firstEstimate ? actual - businessIndex(firstEstimate.likely) : null,
    estimateHit: firstEstimate
      ? actual >= businessIndex(firstEstimate.earliest) && actual <= businessIndex(firstEstimate.latest)
      : null,
    carrierEtaError: firstCarrierEta?.date ? actual - businessIndex(firstCarrierEta.date) : null,
  };
}
