/**
 * The pure shipment reducer: what one TrackingUpdate does to a shipment's state, and which domain events that
 * change emits. No I/O and no clock of its own, so the same inputs always give the same answer and a webhook
 * redelivered, duplicated or reordered lands on the same state (DOMAIN.md §1 "Rules the data forces on us").
 *
 * Deduplication of scans happens before this (content-hash.ts); `newEvents` are the scans not stored yet.
 */
import { etaDayDiff, isAbsurdEta, parseCalendarDate, sameEta } from './eta';
import { newestEvent } from './status-text';
import {
  CanonicalStatus,
  Eta,
  ExceptionReason,
  PickupPoint,
  ShipmentDomainEvent,
  TERMINAL_STATUSES,
  TrackingEventInput,
  TrackingUpdate,
} from '../shared/tracking.types';

export interface ShipmentState {
  status: CanonicalStatus;
  reason: ExceptionReason | null;
  rawStatus: string | null;
  rawSubstatus: string | null;
  eta: Eta | null;
  originalEta: Eta | null;
  /** The date the shop promised at checkout (YYYY-MM-DD); set from the order, never by a carrier. */
  promisedDate: string | null;
  lastEventAt: Date | null;
  deliveredAt: Date | null;
  collectedAtPickup: boolean;
  pickup: PickupPoint | null;
}

export interface ApplyUpdateOptions {
  now: Date;
  /** When the parcel shipped (or the tracker was created); ETAs before it are absurd. */
  shippedAt?: Date | null;
}

export interface ApplyUpdateResult {
  next: ShipmentState;
  changes: ShipmentDomainEvent[];
  /** Data we refused, for logs and metrics; never shown to customers. */
  warnings: string[];
}

/** Statuses whose reason means something; elsewhere reason is always null. */
const REASON_STATUSES: readonly CanonicalStatus[] = ['exception', 'attempt_failed'];
/** Only these can be "stuck": a parcel waiting at a pickup point or already in exception is not silently late. */
const NO_SCAN_CHECKED: readonly CanonicalStatus[] = [
  'pre_transit',
  'in_transit',
  'out_for_delivery',
  'attempt_failed',
  'unknown',
];
const MS_PER_DAY = 86_400_000;

export function initialShipmentState(promisedDate: string | null = null): ShipmentState {
  return {
    status: 'unknown',
    reason: null,
    rawStatus: null,
    rawSubstatus: null,
    eta: null,
    originalEta: null,
    promisedDate,
    lastEventAt: null,
    deliveredAt: null,
    collectedAtPickup: false,
    pickup: null,
  };
}

export function isTerminal(status: CanonicalStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function applyUpdate(
  current: ShipmentState,
  update: TrackingUpdate,
  newEvents: TrackingEventInput[],
  opts: ApplyUpdateOptions,
): ApplyUpdateResult {
  const warnings: string[] = [];
  const changes: ShipmentDomainEvent[] = [];
  const next: ShipmentState = { ...current };

  const allEvents = [...update.events, ...newEvents];
  const newestAt = latestTime(allEvents);
  next.lastEventAt = laterOf(current.lastEventAt, newestAt);
  // A retried or reordered webhook whose newest scan predates what we already know says nothing about *now*.
  const stale = current.lastEventAt !== null && newestAt !== null && newestAt < current.lastEventAt;

  const target = update.status;
  const targetReason = REASON_STATUSES.includes(target)
    ? (update.reason ?? (target === 'exception' ? 'other' : null))
    : null;
  const moveAllowed = !stale && statusMayMove(current.status, target, allEvents.length > 0);
  if (!stale && !moveAllowed && target !== current.status && isTerminal(current.status)) {
    warnings.push(`ignored ${update.provider} status ${target} for a shipment already ${current.status}`);
  }

  if (moveAllowed) {
    next.status = target;
    next.reason = targetReason;
    next.rawStatus = update.rawStatus;
    next.rawSubstatus = update.rawSubstatus;
    if (update.pickup) next.pickup = update.pickup;

    if (target === 'delivered') {
      const deliveredScan = newestEvent(allEvents.filter((ev) => ev.status === 'delivered'));
      next.deliveredAt = current.deliveredAt ?? update.deliveredAt ?? deliveredScan?.occurredAt ?? newestAt;
      // A parcel that was waiting at a pickup point and is now delivered was collected there.
      next.collectedAtPickup =
        current.collectedAtPickup ||
        update.collectedAtPickup ||
        deliveredScan?.collectedAtPickup === true ||
        current.status === 'available_for_pickup' ||
        allEvents.some((ev) => ev.status === 'available_for_pickup');
    } else {
      next.deliveredAt = null;
      next.collectedAtPickup = false;
    }

    if (next.status !== current.status || next.reason !== current.reason) {
      changes.push({
        kind: 'status_changed',
        from: current.status,
        to: next.status,
        reason: next.reason,
        collectedAtPickup: next.collectedAtPickup,
        occurredAt: changeTime(target, newEvents, newestAt),
      });
    }
  }

  if (!stale) applyEta(current, next, update, opts, changes, warnings);
  return { next, changes, warnings };
}

/**
 * Whether a non-stale update may set `to` over `from`. Terminal states hold: `delivered` may only become `returned`
 * (refused or sent back after delivery) or, with scans to back it, `exception` (the provider's tracking-level
 * "lost"/"damaged" outranks its own last "delivered" scan); `returned` and `cancelled` are final. `unknown` carries
 * no information and never replaces a known status. Everything else may move either way when newer, including an
 * exception recovering to in_transit.
 */
function statusMayMove(from: CanonicalStatus, to: CanonicalStatus, hasEvents: boolean): boolean {
  if (to === from) return true;
  if (to === 'unknown') return false;
  if (!isTerminal(from)) return true;
  if (from === 'delivered') return to === 'returned' || (to === 'exception' && hasEvents);
  return false;
}

function applyEta(
  current: ShipmentState,
  next: ShipmentState,
  update: TrackingUpdate,
  opts: ApplyUpdateOptions,
  changes: ShipmentDomainEvent[],
  warnings: string[],
): void {
  const shippedAt = opts.shippedAt ?? null;
  const accept = (eta: Eta | null, label: string): Eta | null => {
    if (eta === null) return null;
    if (isAbsurdEta(eta, shippedAt, opts.now)) {
      warnings.push(`ignored absurd ${label} ${eta.date} from ${update.provider}`);
      return null;
    }
    return eta;
  };
  const eta = accept(update.eta, 'ETA');
  const providerOriginal = accept(update.originalEta, 'original ETA');

  if (eta && !sameEta(eta, current.eta)) {
    next.eta = eta;
    // Recorded even after delivery so the final state does not depend on arrival order; announced only before.
    if (!isTerminal(next.status)) {
      changes.push({ kind: 'eta_changed', from: current.eta, to: eta });
      const delay = delayOf(eta, current.eta ?? providerOriginal, current);
      if (delay) changes.push(delay);
    }
  }
  if (next.originalEta === null) next.originalEta = providerOriginal ?? next.eta;
}

/** A delay is the ETA moving at least one calendar day past the previous ETA, or newly past the promised date. */
function delayOf(eta: Eta, previous: Eta | null, current: ShipmentState): ShipmentDomainEvent | null {
  if (previous && etaDayDiff(eta, previous) >= 1) {
    return { kind: 'delayed', previous: previous.date, current: eta.date, cause: 'eta_later' };
  }
  const promised = parseCalendarDate(current.promisedDate);
  const alreadyLate = current.eta !== null && promised !== null && etaDayDiff(current.eta, promised) >= 1;
  if (promised && !alreadyLate && etaDayDiff(eta, promised) >= 1) {
    return { kind: 'delayed', previous: promised, current: eta.date, cause: 'eta_later' };
  }
  return null;
}

/**
 * For the scheduled stale-shipment check: true when a moving shipment has had no scan for `days` days. Pickup
 * points, exceptions (already explained) and terminal states are not "stuck".
 */
export function detectNoScanDelay(state: ShipmentState, now: Date, days: number): boolean {
  if (!NO_SCAN_CHECKED.includes(state.status) || state.lastEventAt === null || !(days > 0)) return false;
  return now.getTime() - state.lastEventAt.getTime() >= days * MS_PER_DAY;
}

function changeTime(
  status: CanonicalStatus,
  newEvents: TrackingEventInput[],
  fallback: Date | null,
): Date | null {
  return (
    newestEvent(newEvents.filter((ev) => ev.status === status))?.occurredAt ??
    latestTime(newEvents) ??
    fallback
  );
}

function latestTime(events: readonly TrackingEventInput[]): Date | null {
  let latest: Date | null = null;
  for (const ev of events) {
    const t = ev.occurredAt;
    if (t && !Number.isNaN(t.getTime()) && (latest === null || t > latest)) latest = t;
  }
  return latest;
}

function laterOf(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}
