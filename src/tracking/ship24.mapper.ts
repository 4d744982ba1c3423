/**
 * Ship24 webhooks to TrackingUpdate. One webhook is `{ trackings: [ … ] }` and may carry several trackings; each
 * `tracking` has `tracker`, `shipment`, `events` (only the events found since the last push, newest first) and
 * `metadata.messageId`. A bare `tracking` and the API response `{ data: { trackings } }` are accepted too.
 *
 * `shipment.statusMilestone` is the dependable field (always present; `statusCode` is often null) and outranks the
 * newest event. Ship24 `eventId`s are stable, so they are the dedupe key. Event times are the carrier's local
 * wall-clock, mostly without an offset (see event-time.ts).
 */
import { carrierFromProviderCode } from './carrier';
import { calendarDateFromProvider, etaFromRange } from './eta';
import { parseEventTime } from './event-time';
import {
  field,
  isRecord,
  JsonRecord,
  optionalArray,
  optionalRecord,
  optionalString,
  requireRecord,
  requireString,
} from './payload-reader';
import { attemptReasonFromText, exceptionReasonFromText, newestEventWithStatus } from './status-text';
import { malformed } from './tracking-payload.error';
import type {
  CanonicalStatus,
  Eta,
  ExceptionReason,
  TrackingEventInput,
  TrackingUpdate,
} from '../shared/tracking.types';

type Mapped = { status: CanonicalStatus; reason: ExceptionReason | null };

const MILESTONE = new Map<string, CanonicalStatus>([
  ['pending', 'unknown'],
  ['info_received', 'pre_transit'],
  ['in_transit', 'in_transit'],
  ['out_for_delivery', 'out_for_delivery'],
  ['failed_attempt', 'attempt_failed'],
  ['available_for_pickup', 'available_for_pickup'],
  ['delivered', 'delivered'],
  ['exception', 'exception'],
]);

/** Words in a Ship24 `statusCode` (`exception_return_to_sender`, `delivery_failed_attempt`…) that name a reason. */
const CODE_REASON: [RegExp, ExceptionReason][] = [
  [/customs|clearance|duties|tax/, 'customs'],
  [/address/, 'address_issue'],
  [/refus|reject/, 'refused'],
  [/damage/, 'damaged'],
  [/lost|missing/, 'lost'],
  [/weather/, 'weather'],
  [/recipient|not_home|absent|unavailable/, 'recipient_unavailable'],
  [/held|hold|payment/, 'held'],
  [/delay/, 'delayed'],
];

export function parseShip24Webhook(body: unknown): TrackingUpdate[] {
  const root = requireRecord(body, 'body');
  if (field(root, 'trackings') !== undefined) return mapTrackings(root, 'body');
  const data = field(root, 'data');
  if (isRecord(data) && field(data, 'trackings') !== undefined) return mapTrackings(data, 'body.data');
  if (field(root, 'tracker') !== undefined || field(root, 'shipment') !== undefined) {
    return [mapTracking(root, 'body')];
  }
  throw malformed('body.trackings is missing');
}

function mapTrackings(container: JsonRecord, path: string): TrackingUpdate[] {
  return optionalArray(container, 'trackings', path).map((t, i) =>
    mapTracking(requireRecord(t, `${path}.trackings[${i}]`), `${path}.trackings[${i}]`),
  );
}

function mapTracking(tracking: JsonRecord, path: string): TrackingUpdate {
  const tracker = optionalRecord(tracking, 'tracker', path);
  const shipment = requireRecord(field(tracking, 'shipment'), `${path}.shipment`);
  const events = optionalArray(tracking, 'events', path).map((e, i) => mapEvent(e, `${path}.events[${i}]`));

  const trackingNumber = tracker
    ? requireString(tracker, 'trackingNumber', `${path}.tracker`)
    : firstEventTrackingNumber(tracking, path);
  const rawStatus = requireString(shipment, 'statusMilestone', `${path}.shipment`);
  const rawSubstatus = optionalString(shipment, 'statusCode');
  const newest = events[0] ?? null;
  const mapped = mapMilestone(rawStatus, rawSubstatus, newest?.description ?? null);
  const metadata = optionalRecord(tracking, 'metadata', path);
  const pickupScan =
    mapped.status === 'available_for_pickup' ? newestEventWithStatus(events, 'available_for_pickup') : null;
  const deliveredScan = mapped.status === 'delivered' ? newestEventWithStatus(events, 'delivered') : null;

  return {
    provider: 'ship24',
    deliveryId: metadata ? optionalString(metadata, 'messageId') : null,
    carrier: carrierOf(courierOf(tracker, tracking)),
    trackingNumber,
    status: mapped.status,
    reason: mapped.reason,
    rawStatus,
    rawSubstatus,
    eta: ship24Eta(shipment, path),
    originalEta: null,
    etaRevised: false,
    pickup: pickupScan ? { name: null, address: pickupScan.location, deadline: null } : null,
    collectedAtPickup: false,
    deliveredAt: deliveredScan?.occurredAt ?? null,
    events,
  };
}

function firstEventTrackingNumber(tracking: JsonRecord, path: string): string {
  const events = optionalArray(tracking, 'events', path);
  const first = events.find(isRecord);
  if (!first) throw malformed(`${path}.tracker is missing`);
  return requireString(first, 'trackingNumber', `${path}.events[0]`);
}

/** Our carrier id for a Ship24 courier code the registry lists (`us-post` is USPS), else the code as given. */
function carrierOf(code: string | null): string {
  if (!code) return 'unknown';
  return carrierFromProviderCode(code, 'ship24') ?? code;
}

/** Ship24's courier code (`us-post`, `dhl`), from the tracker or else the newest event. */
function courierOf(tracker: JsonRecord | null, tracking: JsonRecord): string | null {
  const code = tracker ? field(tracker, 'courierCode') : undefined;
  if (typeof code === 'string' && code.trim()) return code.trim();
  if (Array.isArray(code)) {
    const first = code.find((c): c is string => typeof c === 'string' && c.trim() !== '');
    if (first) return first.trim();
  }
  const events = field(tracking, 'events');
  if (Array.isArray(events)) {
    for (const ev of events)
      if (isRecord(ev) && optionalString(ev, 'courierCode')) return optionalString(ev, 'courierCode');
  }
  return null;
}

function mapEvent(value: unknown, path: string): TrackingEventInput {
  const ev = requireRecord(value, path);
  const milestone = optionalString(ev, 'statusMilestone');
  const code = optionalString(ev, 'statusCode');
  const description = optionalString(ev, 'status') ?? '';
  const mapped = mapMilestone(milestone ?? 'in_transit', code, description);
  const time = parseEventTime(field(ev, 'occurrenceDatetime'));
  return {
    status: mapped.status,
    reason: mapped.reason,
    description,
    location: optionalString(ev, 'location'),
    occurredAt: time.instant,
    occurredAtRaw: time.raw,
    providerEventId: optionalString(ev, 'eventId'),
    rawStatus: milestone,
    rawSubstatus: code,
  };
}

function mapMilestone(milestone: string, code: string | null, text: string | null): Mapped {
  const status = MILESTONE.get(milestone) ?? 'unknown';
  const lowerCode = code?.toLowerCase() ?? '';
  // Ship24 files a parcel on its way back under the `exception` milestone; the code says which.
  if ((status === 'exception' || status === 'in_transit') && /return/.test(lowerCode)) {
    return { status: 'returned', reason: null };
  }
  if (status === 'exception') {
    return { status, reason: codeReason(lowerCode) ?? exceptionReasonFromText(text) ?? 'other' };
  }
  if (status === 'attempt_failed') {
    return {
      status,
      reason:
        codeReason(lowerCode) === 'recipient_unavailable'
          ? 'recipient_unavailable'
          : attemptReasonFromText(text),
    };
  }
  return { status, reason: null };
}

function codeReason(code: string): ExceptionReason | null {
  for (const [pattern, reason] of CODE_REASON) if (pattern.test(code)) return reason;
  return null;
}

/** The courier's own window when there is one, else Ship24's estimate; both are local times without offset. */
function ship24Eta(shipment: JsonRecord, path: string): Eta | null {
  const delivery = optionalRecord(shipment, 'delivery', `${path}.shipment`);
  if (!delivery) return null;
  const courier = field(delivery, 'courierEstimatedDeliveryDate');
  const range = isRecord(courier) ? etaFromRange(field(courier, 'from'), field(courier, 'to')) : null;
  return range ?? calendarDateFromProvider(field(delivery, 'estimatedDeliveryDate'));
}
