/**
 * ShipEngine (ShipStation API) track webhooks to TrackingUpdate. A webhook is `{ resource_url, resource_type:
 * "API_TRACK", data }` (`TRACK_EVENT_V2` on the ShipStation v2 API, same `data`); `data` is the tracking information
 * `GET /v1/tracking` returns, which is accepted bare too.
 *
 * `status_code` (UN, AC, IT, DE, EX, AT, NY, SP) is the tracking-level status and outranks the newest event. The
 * documented pitfalls: `AC` whose text says only that a label was prepared is still pre-transit, and a USPS parcel
 * "picked up at the post office" arrives as `DE` (a collection at a pickup point, not a doorstep delivery).
 * Events carry no id, so they are deduplicated on content.
 */
import { calendarDateFromProvider } from './eta';
import { parseEventTime } from './event-time';
import {
  field,
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

type Mapped = { status: CanonicalStatus; reason: ExceptionReason | null; collectedAtPickup: boolean };

const TRACK_RESOURCES = new Set(['API_TRACK', 'TRACK_EVENT_V2']);

const STATUS_CODE = new Map<string, CanonicalStatus>([
  ['UN', 'unknown'],
  ['NY', 'pre_transit'],
  ['AC', 'in_transit'],
  ['IT', 'in_transit'],
  ['DE', 'delivered'],
  ['EX', 'exception'],
  ['AT', 'attempt_failed'],
  // "Delivered to a service point": the parcel waits there for the customer.
  ['SP', 'available_for_pickup'],
]);

/** `status_detail_code`s that refine the status; the list grows, so unknown ones keep the status code's meaning. */
const DETAIL_CODE = new Map<string, Partial<Mapped> & { status: CanonicalStatus }>([
  ['OUT_FOR_DELIVERY', { status: 'out_for_delivery' }],
  ['ATTEMPTED_DELIVERY', { status: 'attempt_failed' }],
  ['AWAITING_COLLECTION_FROM_PICKUP_POINT', { status: 'available_for_pickup' }],
  ['AWAITING_PICKUP', { status: 'available_for_pickup' }],
  ['COLLECTED_FROM_PICKUP_POINT', { status: 'delivered', collectedAtPickup: true }],
  ['RETURNED_TO_SENDER', { status: 'returned' }],
  ['RETURNING_TO_SENDER', { status: 'returned' }],
]);

/** Wording of a shipment that has only a label so far (ShipEngine reports those as `AC`). */
const LABEL_ONLY =
  /\b(shipping )?label (has been )?(created|prepared|printed)\b|\bshipper created a label\b|\bpre-?shipment\b|\bnot (yet )?received the package\b|\bawaiting item\b/i;
/** A collection by the customer at a post office, locker or service point, reported as delivered. */
const COLLECTED =
  /\bpicked up at (the )?(post office|pick-?up point|service point|parcel ?shop|locker)\b|\bcollected (by|from)\b|\bpicked up by (the )?(customer|recipient|addressee)\b/i;
const RETURNED = /\breturn(ed|ing)? to (the )?(sender|shipper)\b/i;

export function parseShipEngineWebhook(body: unknown): TrackingUpdate[] {
  const root = requireRecord(body, 'body');
  const resourceType = field(root, 'resource_type');
  if (resourceType !== undefined) {
    if (typeof resourceType !== 'string') throw malformed('body.resource_type must be a string');
    if (!TRACK_RESOURCES.has(resourceType)) {
      throw unsupported(`ShipEngine webhook "${resourceType}" is not a tracking event`);
    }
    const data = requireRecord(field(root, 'data'), 'body.data');
    return [mapTracking(data, 'body.data', optionalString(root, 'resource_url'))];
  }
  if (field(root, 'tracking_number') !== undefined) return [mapTracking(root, 'body', null)];
  throw malformed('body.resource_type is missing');
}

function mapTracking(data: JsonRecord, path: string, resourceUrl: string | null): TrackingUpdate {
  const trackingNumber = requireString(data, 'tracking_number', path);
  const rawStatus = requireString(data, 'status_code', path).toUpperCase();
  const rawSubstatus = optionalString(data, 'status_detail_code');
  const text = [
    optionalString(data, 'status_detail_description'),
    optionalString(data, 'carrier_status_description'),
    optionalString(data, 'exception_description'),
  ]
    .filter((t): t is string => t !== null)
    .join(' · ');
  const mapped = mapStatus(rawStatus, rawSubstatus, text || null);
  const events = optionalArray(data, 'events', path).map((e, i) => mapEvent(e, `${path}.events[${i}]`));
  const deliveredScan = mapped.status === 'delivered' ? newestEventWithStatus(events, 'delivered') : null;
  const pickupScan =
    mapped.status === 'available_for_pickup' ? newestEventWithStatus(events, 'available_for_pickup') : null;

  return {
    provider: 'shipengine',
    deliveryId: null,
    carrier: optionalString(data, 'carrier_code') ?? carrierFromUrl(resourceUrl) ?? 'unknown',
    trackingNumber,
    status: mapped.status,
    reason: mapped.reason,
    rawStatus,
    rawSubstatus,
    eta: calendarDateFromProvider(field(data, 'estimated_delivery_date')),
    originalEta: null,
    etaRevised: false,
    pickup: pickupScan ? { name: null, address: pickupScan.location, deadline: null } : null,
    collectedAtPickup: mapped.collectedAtPickup || deliveredScan?.collectedAtPickup === true,
    deliveredAt:
      mapped.status === 'delivered'
        ? (parseEventTime(field(data, 'actual_delivery_date')).instant ?? deliveredScan?.occurredAt ?? null)
        : null,
    events,
  };
}

/** `…/v1/tracking?carrier_code=ups&…` or `…/v1/tracking/usps/94…`. */
function carrierFromUrl(url: string | null): string | null {
  if (!url) return null;
  const query = /[?&]carrier_code=([a-z0-9_]{1,50})/i.exec(url);
  if (query) return query[1];
  const path = /\/v1\/tracking\/([a-z0-9_]{1,50})\//i.exec(url);
  return path ? path[1] : null;
}

function mapEvent(value: unknown, path: string): TrackingEventInput {
  const ev = requireRecord(value, path);
  const description = optionalString(ev, 'description') ?? optionalString(ev, 'event_description') ?? '';
  const code = optionalString(ev, 'status_code')?.toUpperCase() ?? null;
  const detail = optionalString(ev, 'status_detail_code');
  const mapped =
    code && STATUS_CODE.has(code) ? mapStatus(code, detail, description) : statusFromText(description);
  // `occurred_at` is UTC; older payloads name it `event_date`. `carrier_occurred_at` is local and only a fallback.
  const time = parseEventTime(
    optionalString(ev, 'occurred_at') ?? optionalString(ev, 'event_date') ?? field(ev, 'carrier_occurred_at'),
  );
  return {
    status: mapped.status,
    reason: mapped.reason,
    description,
    location: joinLocation([
      field(ev, 'city_locality'),
      field(ev, 'state_province'),
      field(ev, 'country_code'),
    ]),
    occurredAt: time.instant,
    occurredAtRaw: time.raw,
    providerEventId: null,
    rawStatus: code,
    rawSubstatus: optionalString(ev, 'event_code') ?? optionalString(ev, 'carrier_status_code'),
    collectedAtPickup: mapped.collectedAtPickup,
  };
}

function mapStatus(code: string, detail: string | null, text: string | null): Mapped {
  const status = STATUS_CODE.get(code) ?? 'unknown';
  const refined = detail ? DETAIL_CODE.get(detail.toUpperCase()) : undefined;
  if (refined && status !== 'unknown') {
    return finish(refined.status, text, refined.collectedAtPickup === true);
  }
  if (code === 'AC' && text !== null && LABEL_ONLY.test(text)) return finish('pre_transit', text, false);
  if (status === 'delivered') return finish('delivered', text, text !== null && COLLECTED.test(text));
  if (status === 'exception' && text !== null && RETURNED.test(text)) return finish('returned', text, false);
  if (status === 'in_transit' && textSaysOutForDelivery(text)) return finish('out_for_delivery', text, false);
  return finish(status, text, false);
}

/** Events without a status code: only the carrier's words say what happened. */
function statusFromText(text: string): Mapped {
  if (/\bdelivered\b/i.test(text)) return finish('delivered', text, COLLECTED.test(text));
  if (textSaysOutForDelivery(text)) return finish('out_for_delivery', text, false);
  if (textSaysAttemptFailed(text)) return finish('attempt_failed', text, false);
  if (textSaysAvailableForPickup(text)) return finish('available_for_pickup', text, false);
  if (LABEL_ONLY.test(text)) return finish('pre_transit', text, false);
  return finish('in_transit', text, false);
}

function finish(status: CanonicalStatus, text: string | null, collectedAtPickup: boolean): Mapped {
  if (status === 'exception')
    return { status, reason: exceptionReasonFromText(text) ?? 'other', collectedAtPickup };
  if (status === 'attempt_failed') return { status, reason: attemptReasonFromText(text), collectedAtPickup };
  return { status, reason: null, collectedAtPickup };
}
