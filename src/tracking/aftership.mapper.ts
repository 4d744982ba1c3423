/**
 * AfterShip webhooks to TrackingUpdate. A webhook (`tracking_update`, `edd_revise`) carries a Tracking in `msg`;
 * the GET /trackings response (`{ data: { tracking } }`, used when we poll) and a bare Tracking are accepted too.
 */
import { calendarDateFromProvider, etaFromRange } from './eta';
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
import { newestEventWithStatus } from './status-text';
import { malformed, unsupported } from './tracking-payload.error';
import type {
  CanonicalStatus,
  Eta,
  ExceptionReason,
  PickupPoint,
  TrackingEventInput,
  TrackingUpdate,
} from '../shared/tracking.types';

const TRACKING_EVENTS = new Set(['tracking_update', 'edd_revise']);

const TAG = new Map<string, CanonicalStatus>([
  ['Pending', 'unknown'],
  ['InfoReceived', 'pre_transit'],
  ['InTransit', 'in_transit'],
  ['OutForDelivery', 'out_for_delivery'],
  ['AttemptFail', 'attempt_failed'],
  ['Delivered', 'delivered'],
  ['AvailableForPickup', 'available_for_pickup'],
  ['Exception', 'exception'],
  ['Expired', 'unknown'],
]);

const EXCEPTION_REASON = new Map<string, ExceptionReason>([
  ['Exception_001', 'other'],
  ['Exception_002', 'address_issue'], // customer moved
  ['Exception_003', 'refused'],
  ['Exception_004', 'customs'],
  ['Exception_005', 'delayed'], // external factors
  ['Exception_006', 'held'], // held for payment
  ['Exception_007', 'address_issue'], // incorrect address
  // "Available for pickup but not collected": the customer was not there to collect, like a missed delivery.
  ['Exception_008', 'recipient_unavailable'],
  // Rejected by the carrier for breaking its rules: not the recipient's refusal, so not `refused`.
  ['Exception_009', 'other'],
  ['Exception_012', 'damaged'],
  ['Exception_013', 'lost'],
  ['Exception_016', 'delayed'], // processing delay
  ['Exception_017', 'weather'],
  ['Exception_018', 'customs'], // missing documents for regulators
]);

const RETURNED_SUBTAGS = new Set(['Exception_010', 'Exception_011']);
const ATTEMPT_REASON = new Map<string, ExceptionReason | null>([
  ['AttemptFail_001', null],
  ['AttemptFail_002', 'recipient_unavailable'],
  ['AttemptFail_003', 'recipient_unavailable'], // business closed
]);
const COLLECTED_AT_PICKUP = 'Delivered_002';

export function parseAfterShipWebhook(body: unknown): TrackingUpdate[] {
  const root = requireRecord(body, 'body');
  const event = field(root, 'event');

  if (event !== undefined) {
    if (typeof event !== 'string') throw malformed('body.event must be a string');
    if (!TRACKING_EVENTS.has(event)) throw unsupported(`AfterShip event "${event}" is not a tracking event`);
    const msg = requireRecord(field(root, 'msg'), 'body.msg');
    return [mapTracking(msg, 'msg', optionalString(root, 'event_id'), event === 'edd_revise')];
  }

  const data = field(root, 'data');
  if (isRecord(data) && field(data, 'tracking') !== undefined) {
    return [
      mapTracking(requireRecord(field(data, 'tracking'), 'data.tracking'), 'data.tracking', null, false),
    ];
  }
  if (field(root, 'tracking_number') !== undefined) return [mapTracking(root, 'body', null, false)];
  throw malformed('body.event is missing');
}

function mapTracking(
  t: JsonRecord,
  path: string,
  deliveryId: string | null,
  etaRevised: boolean,
): TrackingUpdate {
  const trackingNumber = requireString(t, 'tracking_number', path);
  const carrier = requireString(t, 'slug', path);
  const tag = requireString(t, 'tag', path);
  const subtag = optionalString(t, 'subtag');
  const mapped = mapTag(tag, subtag);

  const events = optionalArray(t, 'checkpoints', path).map((cp, i) =>
    mapCheckpoint(cp, `${path}.checkpoints[${i}]`),
  );
  const deliveredScan = mapped.status === 'delivered' ? newestEventWithStatus(events, 'delivered') : null;

  return {
    provider: 'aftership',
    deliveryId,
    carrier,
    trackingNumber,
    status: mapped.status,
    reason: mapped.reason,
    rawStatus: tag,
    rawSubstatus: subtag,
    eta: afterShipEta(t),
    originalEta: estimateObject(field(t, 'first_estimated_delivery')),
    etaRevised,
    pickup: afterShipPickup(t, mapped.status, events),
    collectedAtPickup: mapped.collectedAtPickup,
    deliveredAt:
      mapped.status === 'delivered'
        ? (parseEventTime(field(t, 'shipment_delivery_date')).instant ?? deliveredScan?.occurredAt ?? null)
        : null,
    events,
  };
}

function mapCheckpoint(value: unknown, path: string): TrackingEventInput {
  const cp = requireRecord(value, path);
  const tag = optionalString(cp, 'tag');
  const subtag = optionalString(cp, 'subtag');
  const mapped = mapTag(tag ?? 'Pending', subtag);
  // AfterShip checkpoint times are the carrier's local wall-clock, usually without an offset; see event-time.ts.
  const time = parseEventTime(field(cp, 'checkpoint_time'));
  return {
    status: mapped.status,
    reason: mapped.reason,
    description: optionalString(cp, 'message') ?? optionalString(cp, 'subtag_message') ?? '',
    location:
      optionalString(cp, 'location') ??
      joinLocation([
        field(cp, 'city'),
        field(cp, 'state'),
        field(cp, 'country_region') ?? field(cp, 'country_iso3'),
      ]),
    occurredAt: time.instant,
    occurredAtRaw: time.raw,
    providerEventId: optionalString(cp, 'id'),
    rawStatus: tag,
    rawSubstatus: subtag,
    collectedAtPickup: subtag === COLLECTED_AT_PICKUP,
  };
}

function mapTag(
  tag: string,
  subtag: string | null,
): { status: CanonicalStatus; reason: ExceptionReason | null; collectedAtPickup: boolean } {
  const status = TAG.get(tag) ?? 'unknown';
  // A subtag from another tag's family is a provider inconsistency; the tag wins.
  const ownSubtag = subtag !== null && subtag.startsWith(`${tag}_`) ? subtag : null;
  if (status === 'exception') {
    if (ownSubtag && RETURNED_SUBTAGS.has(ownSubtag))
      return { status: 'returned', reason: null, collectedAtPickup: false };
    return {
      status,
      reason: (ownSubtag && EXCEPTION_REASON.get(ownSubtag)) || 'other',
      collectedAtPickup: false,
    };
  }
  if (status === 'attempt_failed') {
    return { status, reason: (ownSubtag && ATTEMPT_REASON.get(ownSubtag)) || null, collectedAtPickup: false };
  }
  return {
    status,
    reason: null,
    collectedAtPickup: status === 'delivered' && ownSubtag === COLLECTED_AT_PICKUP,
  };
}

/** In the order we trust them: AfterShip's merged latest, the carrier's, the legacy field, then predictions. */
function afterShipEta(t: JsonRecord): Eta | null {
  return (
    estimateObject(field(t, 'latest_estimated_delivery')) ??
    estimateObject(field(t, 'courier_estimated_delivery_date')) ??
    calendarDateFromProvider(field(t, 'expected_delivery')) ??
    estimateObject(field(t, 'custom_estimated_delivery_date')) ??
    estimateObject(field(t, 'aftership_estimated_delivery_date'))
  );
}

/**
 * Both estimate shapes AfterShip has used: `{ estimated_delivery_date, _min, _max }` (dates) and
 * `{ datetime, datetime_min, datetime_max }` (dates or instants). A single value sets the date; a range adds a window.
 */
function estimateObject(value: unknown): Eta | null {
  if (!isRecord(value)) return null;
  const single =
    calendarDateFromProvider(field(value, 'estimated_delivery_date')) ??
    calendarDateFromProvider(field(value, 'datetime'));
  const range =
    etaFromRange(field(value, 'estimated_delivery_date_min'), field(value, 'estimated_delivery_date_max')) ??
    etaFromRange(field(value, 'datetime_min'), field(value, 'datetime_max'));
  if (single && range) return { ...range, date: single.date };
  return single ?? range;
}

function afterShipPickup(
  t: JsonRecord,
  status: CanonicalStatus,
  events: TrackingEventInput[],
): PickupPoint | null {
  const name = optionalString(t, 'pickup_location');
  const pickupScan = newestEventWithStatus(events, 'available_for_pickup');
  if (name === null && status !== 'available_for_pickup') return null;
  return { name, address: pickupScan?.location ?? null, deadline: null };
}
