/**
 * The canonical shipment vocabulary every provider maps into (DOMAIN.md §1).
 * Kept free of framework imports so mappers, the state reducer and the notification policy stay pure.
 */

export const CANONICAL_STATUSES = [
  'pre_transit',
  'in_transit',
  'out_for_delivery',
  'available_for_pickup',
  'attempt_failed',
  'delivered',
  'exception',
  'returned',
  'cancelled',
  'unknown',
] as const;
export type CanonicalStatus = (typeof CANONICAL_STATUSES)[number];

export const EXCEPTION_REASONS = [
  'address_issue',
  'recipient_unavailable',
  'refused',
  'damaged',
  'lost',
  'customs',
  'weather',
  'held',
  'delayed',
  'other',
] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

export const TRACKING_PROVIDERS = [
  'easypost',
  'aftership',
  'shippo',
  'generic',
  '17track',
  'ship24',
  'shipengine',
  'karrio',
  'shopify',
] as const;
export type TrackingProvider = (typeof TRACKING_PROVIDERS)[number];

/** Statuses a shipment never leaves because of an older or contradicting scan. */
export const TERMINAL_STATUSES: readonly CanonicalStatus[] = ['delivered', 'returned', 'cancelled'];

/**
 * An estimated delivery: a calendar date (YYYY-MM-DD, never shifted by time zone) and, when the carrier
 * gives one, a window as UTC instants (ISO 8601).
 */
export interface Eta {
  date: string;
  windowStart?: string | null;
  windowEnd?: string | null;
}

/** Where the delivery date a customer is shown comes from: the carrier's ETA, or our own estimate (issue 20). */
export type EtaSource = 'carrier' | 'estimate';

/**
 * Our estimated delivery window for a shipment (issue 20), as stored with it: calendar dates in the customer's
 * zone, when it was made, and which rung of the lane ladder answered from how many past deliveries.
 */
export interface StoredEstimate {
  earliest: string;
  likely: string;
  latest: string;
  /** ISO instant the window was computed (the scan's receipt). */
  madeAt: string;
  level: string;
  basedOn: number;
  /** The parcel's first carrier scan, as a date in the store's zone: the day its transit counts from. */
  shippedOn: string;
}

export interface PickupPoint {
  name: string | null;
  address: string | null;
  /** Last day (YYYY-MM-DD) or instant (ISO) the parcel can be collected. */
  deadline: string | null;
  /** Opening hours as the provider gave them ("Mon–Sat 8:00–20:00"), when it did. */
  hours?: string | null;
}

/** One scan as a provider reported it, already mapped to the canonical vocabulary. */
export interface TrackingEventInput {
  status: CanonicalStatus;
  reason: ExceptionReason | null;
  description: string;
  location: string | null;
  /** UTC instant; null when the provider gave no usable time. */
  occurredAt: Date | null;
  /** The time exactly as the provider sent it. */
  occurredAtRaw: string | null;
  /** Stable provider id when the provider has one (AfterShip checkpoint ids, EasyPost detail ids); null for Shippo. */
  providerEventId: string | null;
  rawStatus: string | null;
  rawSubstatus: string | null;
  /** True when this scan is a collection by the customer at a pickup point. */
  collectedAtPickup?: boolean;
}

/** Everything one webhook says about one shipment. */
export interface TrackingUpdate {
  provider: TrackingProvider;
  /** Envelope id (EasyPost `evt_…`, AfterShip `event_id`, Standard Webhooks `webhook-id`), for logs. */
  deliveryId: string | null;
  carrier: string;
  trackingNumber: string;
  /** Tracking-level status: outranks the last event in the list. */
  status: CanonicalStatus;
  reason: ExceptionReason | null;
  rawStatus: string | null;
  rawSubstatus: string | null;
  eta: Eta | null;
  originalEta: Eta | null;
  /** True when the provider explicitly says the ETA was revised (AfterShip `edd_revise`). */
  etaRevised: boolean;
  pickup: PickupPoint | null;
  collectedAtPickup: boolean;
  deliveredAt: Date | null;
  events: TrackingEventInput[];
}

/** Domain events emitted inside the transaction that accepted a change; notifications act on them. */
export type ShipmentDomainEvent =
  | {
      kind: 'status_changed';
      from: CanonicalStatus;
      to: CanonicalStatus;
      reason: ExceptionReason | null;
      collectedAtPickup: boolean;
      /** When the change happened at the carrier (the newest event's time), if known. */
      occurredAt: Date | null;
    }
  | { kind: 'eta_changed'; from: Eta | null; to: Eta | null }
  | { kind: 'delayed'; previous: string | null; current: string | null; cause: 'eta_later' | 'no_scan' };
