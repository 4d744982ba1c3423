import type { ShipmentDomainEvent, TrackingEventInput, TrackingUpdate } from '../shared/tracking.types';
import { applyUpdate, ShipmentState } from './shipment-state';
import type { Shipment } from './shipment.entity';
import type { LockedShipment } from './tracking.repository';

/** What one update does to its locked shipment: the rows to write and the domain events for notifications. */
export interface ShipmentUpdateResult {
  /** The update's events not stored yet. */
  inserted: TrackingEventInput[];
  duplicates: number;
  changes: ShipmentDomainEvent[];
  warnings: string[];
  eventRows: Record<string, unknown>[];
  stateRow: Record<string, unknown>;
  etaRow: Record<string, unknown> | null;
}

/**
 * Applies one update to its locked shipment in memory (the pure reducer of shipment-state.ts) and returns the
 * rows to write. The shipment object is updated in place, so a later update in the same group sees this one.
 */
export function applyToShipment(
  locked: LockedShipment,
  update: TrackingUpdate,
  receivedAt: Date,
): ShipmentUpdateResult {
  const { shipment, seenEvents, byHash } = locked;
  const seenHashes = new Set(seenEvents.map((e) => e.hash.trim()));
  const seenIds = new Set(seenEvents.filter((e) => e.provider === update.provider && e.id).map((e) => e.id));
  const fresh = [...byHash.entries()].filter(
    ([hash, ev]) => !seenHashes.has(hash) && !(ev.providerEventId && seenIds.has(ev.providerEventId)),
  );
  const inserted = fresh.map(([, ev]) => ev);

  // "Before shipping" means before the first carrier scan, not before we first heard of the parcel.
  const firstScan = [locked.firstEventAt, ...inserted.map((e) => e.occurredAt)]
    .filter((d): d is Date => d instanceof Date)
    .reduce<Date | null>((min, d) => (!min || d < min ? d : min), null);
  const { next, changes, warnings } = applyUpdate(stateOf(shipment), update, inserted, {
    now: receivedAt,
    shippedAt: firstScan ?? shipment.createdAt,
  });

  const previousEta = shipment.eta;
  const values = {
    status: next.status,
    exceptionReason: next.reason,
    rawStatus: next.rawStatus,
    rawSubstatus: next.rawSubstatus,
    eta: next.eta,
    originalEta: next.originalEta,
    lastEventAt: next.lastEventAt,
    deliveredAt: next.deliveredAt,
    collectedAtPickup: next.collectedAtPickup,
    pickup: next.pickup,
    provider: update.provider,
    pickupAvailableAt: changes.some((c) => c.kind === 'status_changed' && c.to === 'available_for_pickup')
      ? (newestTime(inserted) ?? receivedAt)
      : shipment.pickupAvailableAt,
  } satisfies Partial<Shipment>;
  Object.assign(shipment, values);

  return {
    inserted,
    duplicates: update.events.length - inserted.length,
    changes,
    warnings,
    eventRows: fresh.map(([contentHash, ev]) => eventRow(shipment.id, update, contentHash, ev)),
    stateRow: {
      id: shipment.id,
      status: values.status,
      exception_reason: values.exceptionReason,
      raw_status: values.rawStatus,
      raw_substatus: values.rawSubstatus,
      eta: values.eta,
      original_eta: values.originalEta,
      last_event_at: values.lastEventAt?.toISOString() ?? null,
      delivered_at: values.deliveredAt?.toISOString() ?? null,
      collected_at_pickup: values.collectedAtPickup,
      pickup: values.pickup,
      provider: values.provider,
      pickup_available_at: values.pickupAvailableAt?.toISOString() ?? null,
    },
    etaRow: changes.some((c) => c.kind === 'eta_changed')
      ? { shipment_id: shipment.id, eta: next.eta, previous_eta: previousEta, provider: update.provider }
      : null,
  };
}

export function stateOf(s: Shipment): ShipmentState {
  return {
    status: s.status,
    reason: s.exceptionReason,
    rawStatus: s.rawStatus,
    rawSubstatus: s.rawSubstatus,
    eta: s.eta,
    originalEta: s.originalEta,
    promisedDate: s.promisedDate,
    lastEventAt: s.lastEventAt,
    deliveredAt: s.deliveredAt,
    collectedAtPickup: s.collectedAtPickup,
    pickup: s.pickup,
  };
}

export function newestTime(events: TrackingEventInput[]): Date | null {
  let newest: Date | null = null;
  for (const ev of events) if (ev.occurredAt && (!newest || ev.occurredAt > newest)) newest = ev.occurredAt;
  return newest;
}

/** One fresh event as the batch insert reads it (json_to_recordset). */
function eventRow(
  shipmentId: string,
  update: TrackingUpdate,
  contentHash: string,
  ev: TrackingEventInput,
): Record<string, unknown> {
  return {
    shipment_id: shipmentId,
    status: ev.status,
    reason: ev.reason,
    description: ev.description.slice(0, 2000),
    location: ev.location?.slice(0, 300) ?? null,
    occurred_at: ev.occurredAt?.toISOString() ?? null,
    occurred_at_raw: ev.occurredAtRaw?.slice(0, 64) ?? null,
    provider: update.provider,
    provider_event_id: ev.providerEventId?.slice(0, 200) ?? null,
    content_hash: contentHash,
    raw_status: ev.rawStatus?.slice(0, 100) ?? null,
    raw_substatus: ev.rawSubstatus?.slice(0, 100) ?? null,
    raw_payload: {
      status: ev.rawStatus,
      substatus: ev.rawSubstatus,
      description: ev.description,
      location: ev.location,
      time: ev.occurredAtRaw,
      id: ev.providerEventId,
      delivery: update.deliveryId,
    },
  };
}
