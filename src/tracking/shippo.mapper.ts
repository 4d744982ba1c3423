/**
 * Shippo `track_updated` webhooks to TrackingUpdate. `data` is a Track object; a bare Track (GET /tracks response)
 * is accepted too. Shippo regenerates history `object_id`s on every call, so scans carry no provider id and are
 * deduplicated on content (content-hash.ts).
 */
import { calendarDateFromProvider } from './eta';
import { parseEventTime } from './event-time';
import {
  field,
  isRecord,
  joinLocation,
  JsonRecord,
  optionalArray,
  optionalString,
  requireRecord,
  requireString,
} from './payload-reader';
import {
  attemptReasonFromText,
  exceptionReasonFromText,
  newestEventWithStatus,
  textSaysAttemptFailed,
  textSaysAvailableForPickup,
  textSaysOutForDelivery,
} from './status-text';
import { malformed, unsupported } from './tracking-payload.error';
import type {
  CanonicalStatus,
  ExceptionReason,
  TrackingEventInput,
  TrackingUpdate,
} from '../shared/tracking.types';

type Mapped = { status: CanonicalStatus; reason: ExceptionReason | null };

/** TRANSIT substatuses that refine the status; any other TRANSIT substatus stays plain in_transit. */
const TRANSIT_SUBSTATUS = new Map<string, Mapped>([
  ['out_for_delivery', { status: 'out_for_delivery', reason: null }],
  ['pickup_available', { status: 'available_for_pickup', reason: null }],
  ['delivery_attempted', { status: 'attempt_failed', reason: null }],
  ['notice_left', { status: 'attempt_failed', reason: 'recipient_unavailable' }],
  // Action-required substatuses: the parcel is still "in transit" for Shippo but the customer must act.
  ['address_issue', { status: 'exception', reason: 'address_issue' }],
  ['package_held', { status: 'exception', reason: 'held' }],
  ['package_damaged', { status: 'exception', reason: 'damaged' }],
  ['contact_carrier', { status: 'exception', reason: 'other' }],
  // The courier could not reach the door: the fix is better access or address instructions.
  ['location_inaccessible', { status: 'exception', reason: 'address_issue' }],
]);

const FAILURE_REASON = new Map<string, ExceptionReason>([
  ['package_lost', 'lost'],
  ['package_disposed', 'lost'],
  ['package_damaged', 'damaged'],
  ['address_issue', 'address_issue'],
  ['location_inaccessible', 'address_issue'],
  ['package_held', 'held'],
  ['delayed', 'delayed'],
  ['package_undeliverable', 'other'],
  ['contact_carrier', 'other'],
]);

export function parseShippoWebhook(body: unknown): TrackingUpdate[] {
  const root = requireRecord(body, 'body');
  const event = field(root, 'event');
  if (event !== undefined) {
    if (typeof event !== 'string') throw malformed('body.event must be a string');
    if (event !== 'track_updated') throw unsupported(`Shippo event "${event}" is not a tracking event`);
    return [mapTrack(requireRecord(field(root, 'data'), 'body.data'), 'data')];
  }
  if (field(root, 'tracking_number') !== undefined) return [mapTrack(root, 'body')];
  throw malformed('body.event is missing');
}

function mapTrack(track: JsonRecord, path: string): TrackingUpdate {
  const trackingNumber = requireString(track, 'tracking_number', path);
  const carrier = requireString(track, 'carrier', path);
  const statusValue = field(track, 'tracking_status');
  // Shippo sends `tracking_status: null` for a number it has not seen scanned yet.
  const current =
    statusValue === null || statusValue === undefined
      ? null
      : requireRecord(statusValue, `${path}.tracking_status`);

  const rawStatus = current ? optionalString(current, 'status') : null;
  const rawSubstatus = current ? substatusCode(current) : null;
  const mapped = mapStatus(
    rawStatus,
    rawSubstatus,
    current ? optionalString(current, 'status_details') : null,
  );
  const events = optionalArray(track, 'tracking_history', path).map((h, i) =>
    mapHistory(h, `${path}.tracking_history[${i}]`),
  );

  const statusTime = current ? parseEventTime(field(current, 'status_date')).instant : null;
  const deliveredScan = newestEventWithStatus(events, 'delivered');
  return {
    provider: 'shippo',
    deliveryId: null,
    carrier,
    trackingNumber,
    status: mapped.status,
    reason: mapped.reason,
    rawStatus,
    rawSubstatus,
    eta: calendarDateFromProvider(field(track, 'eta')),
    originalEta: calendarDateFromProvider(field(track, 'original_eta')),
    etaRevised: false,
    pickup:
      mapped.status === 'available_for_pickup'
        ? { name: null, address: current ? locationOf(current) : null, deadline: null }
        : null,
    collectedAtPickup: false,
    deliveredAt: mapped.status === 'delivered' ? (statusTime ?? deliveredScan?.occurredAt ?? null) : null,
    events,
  };
}

function mapHistory(value: unknown, path: string): TrackingEventInput {
  const entry = requireRecord(value, path);
  const rawStatus = optionalString(entry, 'status');
  const rawSubstatus = substatusCode(entry);
  const description = optionalString(entry, 'status_details') ?? '';
  const mapped = mapStatus(rawStatus, rawSubstatus, description);
  const time = parseEventTime(field(entry, 'status_date'));
  return {
    ...mapped,
    description,
    location: locationOf(entry),
    occurredAt: time.instant,
    occurredAtRaw: time.raw,
    providerEventId: null,
    rawStatus,
    rawSubstatus,
  };
}

/**
 * The status is trusted over the substatus: Shippo's own docs pair DELIVERED with `information_received`.
 * A substatus only refines within its status; text is read only when there is no substatus (older API versions).
 */
function mapStatus(status: string | null, substatus: string | null, text: string | null): Mapped {
  switch (status) {
    case 'PRE_TRANSIT':
      return { status: 'pre_transit', reason: null };
    case 'TRANSIT': {
      if (substatus !== null)
        return TRANSIT_SUBSTATUS.get(substatus) ?? { status: 'in_transit', reason: null };
      if (textSaysOutForDelivery(text)) return { status: 'out_for_delivery', reason: null };
      if (textSaysAvailableForPickup(text)) return { status: 'available_for_pickup', reason: null };
      if (textSaysAttemptFailed(text))
        return { status: 'attempt_failed', reason: attemptReasonFromText(text) };
      return { status: 'in_transit', reason: null };
    }
    case 'DELIVERED':
      return { status: 'delivered', reason: null };
    case 'RETURNED':
      return { status: 'returned', reason: null };
    case 'FAILURE':
      return {
        status: 'exception',
        reason:
          (substatus !== null ? FAILURE_REASON.get(substatus) : undefined) ??
          exceptionReasonFromText(text) ??
          'other',
      };
    default:
      return { status: 'unknown', reason: null };
  }
}

/** `substatus` is `{ code, text, action_required }` in current versions; tolerate a bare string too. */
function substatusCode(entry: JsonRecord): string | null {
  const value = field(entry, 'substatus');
  if (typeof value === 'string') return value.trim() || null;
  return isRecord(value) ? optionalString(value, 'code') : null;
}

function locationOf(entry: JsonRecord): string | null {
  const location = field(entry, 'location');
  if (!isRecord(location)) return null;
  return joinLocation([field(location, 'city'), field(location, 'state'), field(location, 'country')]);
}
