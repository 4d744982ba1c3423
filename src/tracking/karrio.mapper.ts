/**
 * karrio tracker webhooks to TrackingUpdate. karrio posts `{ event, data }` (its `notify_webhook_subscribers`:
 * `payload = dict(event=event, data=data)`) where `data` is a serialized tracker (`object_type: "tracker"`) for
 * `tracker.created` and `tracker.updated`; a bare tracker (the `/v1/trackers` response) is accepted too.
 *
 * The tracker `status` (karrio's TrackerStatus) outranks the newest event. Events carry no id: they are deduplicated
 * on content. Event times are `date` + `time` in the carrier's local wall-clock (or, in newer karrio, an ISO
 * `timestamp`).
 */
import { calendarDateFromProvider } from './eta';
import { parseEventTime } from './event-time';
import {
  field,
  JsonRecord,
  optionalArray,
  optionalString,
  requireRecord,
  requireString,
} from './payload-reader';
import { attemptReasonFromText, exceptionReasonFromText, newestEventWithStatus } from './status-text';
import { malformed, unsupported } from './tracking-payload.error';
import type {
  CanonicalStatus,
  ExceptionReason,
  TrackingEventInput,
  TrackingUpdate,
} from '../shared/tracking.types';

type Mapped = { status: CanonicalStatus; reason: ExceptionReason | null };

const TRACKER_EVENTS = new Set(['tracker.created', 'tracker.updated']);

/** karrio's TrackerStatus enum (karrio.server.core.serializers). */
const STATUS = new Map<string, Mapped>([
  ['pending', { status: 'pre_transit', reason: null }],
  ['unknown', { status: 'unknown', reason: null }],
  ['on_hold', { status: 'exception', reason: 'held' }],
  ['cancelled', { status: 'cancelled', reason: null }],
  ['delivered', { status: 'delivered', reason: null }],
  ['in_transit', { status: 'in_transit', reason: null }],
  ['delivery_delayed', { status: 'exception', reason: 'delayed' }],
  ['out_for_delivery', { status: 'out_for_delivery', reason: null }],
  ['ready_for_pickup', { status: 'available_for_pickup', reason: null }],
  ['delivery_failed', { status: 'attempt_failed', reason: null }],
  ['return_to_sender', { status: 'returned', reason: null }],
  // Newer karrio tags events with a status of their own, including a pickup milestone.
  ['picked_up', { status: 'in_transit', reason: null }],
]);

export function parseKarrioWebhook(body: unknown): TrackingUpdate[] {
  const root = requireRecord(body, 'body');
  const event = field(root, 'event');
  if (event !== undefined) {
    if (typeof event !== 'string') throw malformed('body.event must be a string');
    if (!TRACKER_EVENTS.has(event)) throw unsupported(`karrio event "${event}" is not a tracker event`);
    return [mapTracker(requireRecord(field(root, 'data'), 'body.data'), 'body.data')];
  }
  if (field(root, 'tracking_number') !== undefined) return [mapTracker(root, 'body')];
  throw malformed('body.event is missing');
}

function mapTracker(tracker: JsonRecord, path: string): TrackingUpdate {
  const trackingNumber = requireString(tracker, 'tracking_number', path);
  const rawStatus = optionalString(tracker, 'status');
  const events = optionalArray(tracker, 'events', path).map((e, i) => mapEvent(e, `${path}.events[${i}]`));
  const newestText = events[0]?.description ?? null;
  const mapped = mapStatus(rawStatus, null, newestText);
  // karrio sets `delivered` even when a carrier integration leaves `status` behind.
  const status: Mapped =
    field(tracker, 'delivered') === true && mapped.status !== 'returned'
      ? { status: 'delivered', reason: null }
      : mapped;
  const deliveredScan = status.status === 'delivered' ? newestEventWithStatus(events, 'delivered') : null;
  const pickupScan =
    status.status === 'available_for_pickup' ? newestEventWithStatus(events, 'available_for_pickup') : null;

  return {
    provider: 'karrio',
    deliveryId: null,
    carrier: optionalString(tracker, 'carrier_name') ?? optionalString(tracker, 'carrier_id') ?? 'unknown',
    trackingNumber,
    status: status.status,
    reason: status.reason,
    rawStatus,
    rawSubstatus: null,
    eta: calendarDateFromProvider(field(tracker, 'estimated_delivery')),
    originalEta: null,
    etaRevised: false,
    pickup: pickupScan ? { name: null, address: pickupScan.location, deadline: null } : null,
    collectedAtPickup: false,
    deliveredAt: deliveredScan?.occurredAt ?? null,
    events,
  };
}

function mapEvent(value: unknown, path: string): TrackingEventInput {
  const ev = requireRecord(value, path);
  const description = optionalString(ev, 'description') ?? '';
  const eventStatus = optionalString(ev, 'status');
  const reason = optionalString(ev, 'reason');
  // Without a status of its own an event is movement; the tracker-level status says where the parcel is.
  const mapped = eventStatus
    ? mapStatus(eventStatus, reason, description)
    : { status: 'in_transit' as const, reason: null };
  const raw = eventTime(ev);
  const time = parseEventTime(raw);
  return {
    status: mapped.status,
    reason: mapped.reason,
    description,
    location: optionalString(ev, 'location'),
    occurredAt: time.instant,
    occurredAtRaw: raw,
    providerEventId: null,
    rawStatus: eventStatus,
    rawSubstatus: optionalString(ev, 'code'),
  };
}

/** ISO `timestamp` when karrio has one; else `date` and `time` ("10:39" or "07:16 AM") as local wall-clock. */
function eventTime(ev: JsonRecord): string | null {
  const timestamp = optionalString(ev, 'timestamp');
  if (timestamp) return timestamp;
  const date = optionalString(ev, 'date');
  if (!date) return null;
  const time = optionalString(ev, 'time');
  const clock = time ? twentyFourHour(time) : null;
  return clock ? `${date}T${clock}` : date;
}

function twentyFourHour(time: string): string | null {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$/.exec(time.trim());
  if (!match) return null;
  let hour = Number(match[1]);
  const meridiem = match[4]?.toLowerCase();
  if (meridiem === 'pm' && hour < 12) hour += 12;
  if (meridiem === 'am' && hour === 12) hour = 0;
  if (hour > 23) return null;
  return `${String(hour).padStart(2, '0')}:${match[2]}${match[3] ? `:${match[3]}` : ''}`;
}

function mapStatus(raw: string | null, reason: string | null, text: string | null): Mapped {
  const mapped = (raw ? STATUS.get(raw) : undefined) ?? { status: 'unknown', reason: null };
  const words = [reason?.replace(/_/g, ' ') ?? null, text].filter((t): t is string => t !== null).join(' ');
  if (mapped.status === 'exception') {
    return { status: 'exception', reason: mapped.reason ?? exceptionReasonFromText(words) ?? 'other' };
  }
  if (mapped.status === 'attempt_failed')
    return { status: 'attempt_failed', reason: attemptReasonFromText(words) };
  return mapped;
}
