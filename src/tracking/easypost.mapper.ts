/**
 * EasyPost webhooks to TrackingUpdate. EasyPost posts Event envelopes (`tracker.created`, `tracker.updated`) whose
 * `result` is a Tracker; polling and tests hand us bare Tracker objects, so both are accepted.
 */
import { calendarDateFromProvider, parseCalendarDate } from './eta';
import { parseEventTime } from './event-time';
import {
  field,
  isRecord,
  joinLocation,
  JsonRecord,
  optionalArray,
  optionalRecord,
  optionalString,
  requireRecord,
  requireString,
} from './payload-reader';
import {
  attemptReasonFromText,
  exceptionReasonFromText,
  newestEvent,
  newestEventWithStatus,
  textSaysAttemptFailed,
} from './status-text';
import { malformed, unsupported } from './tracking-payload.error';
import type {
  CanonicalStatus,
  Eta,
  ExceptionReason,
  TrackingEventInput,
  TrackingUpdate,
} from '../shared/tracking.types';

const STATUS = new Map<string, CanonicalStatus>([
  ['pre_transit', 'pre_transit'],
  ['in_transit', 'in_transit'],
  ['out_for_delivery', 'out_for_delivery'],
  ['available_for_pickup', 'available_for_pickup'],
  ['delivered', 'delivered'],
  ['failure', 'exception'],
  ['return_to_sender', 'returned'],
  ['cancelled', 'cancelled'],
  ['canceled', 'cancelled'],
  ['unknown', 'unknown'],
  ['error', 'unknown'],
]);

const FAILURE_REASON = new Map<string, ExceptionReason>([
  ['damaged', 'damaged'],
  ['lost', 'lost'],
  ['refused', 'refused'],
  ['weather_delay', 'weather'],
  ['address_correction', 'address_issue'],
  ['held', 'held'],
  ['delayed', 'delayed'],
  ['missorted', 'delayed'],
  ['awaiting_information', 'other'],
  ['delivery_exception', 'other'],
]);

/** Not in EasyPost's documented list today; accepted defensively so a new value is not silently lost. */
const ATTEMPT_DETAILS = new Set([
  'attempted_delivery',
  'delivery_attempted',
  'attempt_failed',
  'notice_left',
]);

/** Statuses a failed-attempt message can refine; never rewrite a delivered or returned scan from its wording. */
const ATTEMPT_CAN_REFINE = new Set<CanonicalStatus>([
  'in_transit',
  'out_for_delivery',
  'exception',
  'unknown',
]);

export function parseEasyPostWebhook(body: unknown): TrackingUpdate[] {
  const root = requireRecord(body, 'body');
  const object = field(root, 'object');

  if (object === 'Tracker') return [mapTracker(root, 'body', null)];
  if (object !== 'Event') {
    if (object === undefined || object === null) throw malformed('body.object is missing');
    throw unsupported(`EasyPost object ${JSON.stringify(object)} is neither an Event nor a Tracker`);
  }

  const id = optionalString(root, 'id');
  const description = requireString(root, 'description', 'body');
  if (!description.startsWith('tracker.')) {
    throw unsupported(`EasyPost event "${description}" is not a tracker event`);
  }
  const result = field(root, 'result');
  if (result === undefined || result === null) {
    throw unsupported(
      `EasyPost event ${id ?? '(no id)'} "${description}" has no result to read a tracker from`,
    );
  }
  if (!isRecord(result)) throw malformed('body.result must be an object');
  if (field(result, 'object') !== 'Tracker') {
    throw unsupported(
      `EasyPost event "${description}" carries ${JSON.stringify(field(result, 'object') ?? null)}, not a Tracker`,
    );
  }
  return [mapTracker(result, 'body.result', id)];
}

function mapTracker(tracker: JsonRecord, path: string, deliveryId: string | null): TrackingUpdate {
  const trackingNumber = requireString(tracker, 'tracking_code', path);
  const carrier = requireString(tracker, 'carrier', path);
  const rawStatus = requireString(tracker, 'status', path);
  const rawSubstatus = optionalString(tracker, 'status_detail');

  const events = optionalArray(tracker, 'tracking_details', path).map((detail, i) =>
    mapDetail(detail, `${path}.tracking_details[${i}]`),
  );
  const newest = newestEvent(events);
  // The newest scan's wording is the only place EasyPost says "attempted"; use it only when it agrees with the tracker.
  const newestText = newest && newest.rawStatus === rawStatus ? newest.description : null;
  const { status, reason } = mapStatus(rawStatus, rawSubstatus, newestText);

  const carrierDetail = optionalRecord(tracker, 'carrier_detail', path);
  const pickupScan =
    status === 'available_for_pickup' ? newestEventWithStatus(events, 'available_for_pickup') : null;
  const deliveredScan = status === 'delivered' ? newestEventWithStatus(events, 'delivered') : null;

  return {
    provider: 'easypost',
    deliveryId,
    carrier,
    trackingNumber,
    status,
    reason,
    rawStatus,
    rawSubstatus,
    eta: easyPostEta(tracker, carrierDetail),
    originalEta: null,
    etaRevised: false,
    pickup: pickupScan ? { name: null, address: pickupScan.location, deadline: null } : null,
    collectedAtPickup: false,
    deliveredAt: deliveredScan?.occurredAt ?? null,
    events,
  };
}

function mapDetail(value: unknown, path: string): TrackingEventInput {
  const detail = requireRecord(value, path);
  const rawStatus = optionalString(detail, 'status');
  const rawSubstatus = optionalString(detail, 'status_detail');
  const description = optionalString(detail, 'message') ?? optionalString(detail, 'description') ?? '';
  const { status, reason } = mapStatus(rawStatus ?? 'unknown', rawSubstatus, description);
  const location = optionalRecord(detail, 'tracking_location', path);
  const time = parseEventTime(field(detail, 'datetime'));
  return {
    status,
    reason,
    description,
    location: location
      ? joinLocation([field(location, 'city'), field(location, 'state'), field(location, 'country')])
      : null,
    occurredAt: time.instant,
    occurredAtRaw: time.raw,
    providerEventId: optionalString(detail, 'id'),
    rawStatus,
    rawSubstatus,
  };
}

function mapStatus(
  rawStatus: string,
  detail: string | null,
  text: string | null,
): { status: CanonicalStatus; reason: ExceptionReason | null } {
  const status = STATUS.get(rawStatus) ?? 'unknown';
  if (
    ATTEMPT_CAN_REFINE.has(status) &&
    ((detail !== null && ATTEMPT_DETAILS.has(detail)) || textSaysAttemptFailed(text))
  ) {
    return { status: 'attempt_failed', reason: attemptReasonFromText(text) };
  }
  if (status === 'exception') {
    const reason =
      (detail !== null ? FAILURE_REASON.get(detail) : undefined) ?? exceptionReasonFromText(text) ?? 'other';
    return { status, reason };
  }
  return { status, reason: null };
}

/**
 * `est_delivery_date_local` is the carrier's own calendar date and wins; `est_delivery_date` is that date encoded
 * as UTC midnight (or occasionally a real instant) and is read as a calendar date, never shifted.
 */
function easyPostEta(tracker: JsonRecord, carrierDetail: JsonRecord | null): Eta | null {
  const local = carrierDetail ? parseCalendarDate(field(carrierDetail, 'est_delivery_date_local')) : null;
  if (local) return { date: local };
  return calendarDateFromProvider(field(tracker, 'est_delivery_date'));
}
