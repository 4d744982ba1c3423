/**
 * 17TRACK API v2 push notifications to TrackingUpdate. A push is `{ event, data }`: `TRACKING_UPDATED` carries one
 * tracked number with its `track_info`, `TRACKING_STOPPED` only says 17TRACK stopped following the number (nothing to
 * record). The `gettrackinfo` response (`{ code, data: { accepted: [...] } }`, used when we poll) is accepted too.
 *
 * `track_info.latest_status` is the tracking-level status and outranks the newest event (DOMAIN.md §8): 17TRACK's own
 * documentation example pairs `Exception_Other` with a newest event whose stage is `AvailableForPickup`.
 * 17TRACK events carry no id, so they are deduplicated on content (content-hash.ts).
 */
import { carrierFromProviderCode } from './carrier';
import { etaFromRange } from './eta';
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
import { exceptionReasonFromText, newestEventWithStatus } from './status-text';
import { malformed, unsupported } from './tracking-payload.error';
import type {
  CanonicalStatus,
  ExceptionReason,
  TrackingEventInput,
  TrackingUpdate,
} from '../shared/tracking.types';

type Mapped = { status: CanonicalStatus; reason: ExceptionReason | null };

const MAIN_STATUS = new Map<string, CanonicalStatus>([
  ['NotFound', 'unknown'],
  ['InfoReceived', 'pre_transit'],
  ['InTransit', 'in_transit'],
  ['Expired', 'unknown'],
  ['AvailableForPickup', 'available_for_pickup'],
  ['OutForDelivery', 'out_for_delivery'],
  ['DeliveryFailure', 'attempt_failed'],
  ['Delivered', 'delivered'],
  ['Exception', 'exception'],
]);

/** Sub-statuses that change the status or name a reason; any other sub-status keeps its main status. */
const SUB_STATUS = new Map<string, Mapped>([
  // Customs wants documents or duties from the customer: they must act.
  ['InTransit_CustomsRequiringInformation', { status: 'exception', reason: 'customs' }],
  ['DeliveryFailure_Other', { status: 'attempt_failed', reason: null }],
  ['DeliveryFailure_NoBody', { status: 'attempt_failed', reason: 'recipient_unavailable' }],
  // "Security, customs clearance or fee issues during delivery": the parcel waits until something is paid or cleared.
  ['DeliveryFailure_Security', { status: 'exception', reason: 'held' }],
  ['DeliveryFailure_Rejected', { status: 'exception', reason: 'refused' }],
  ['DeliveryFailure_InvalidAddress', { status: 'exception', reason: 'address_issue' }],
  ['Exception_Other', { status: 'exception', reason: 'other' }],
  ['Exception_Returning', { status: 'returned', reason: null }],
  ['Exception_Returned', { status: 'returned', reason: null }],
  ['Exception_NoBody', { status: 'exception', reason: 'recipient_unavailable' }],
  ['Exception_Security', { status: 'exception', reason: 'held' }],
  ['Exception_Damage', { status: 'exception', reason: 'damaged' }],
  ['Exception_Rejected', { status: 'exception', reason: 'refused' }],
  ['Exception_Delayed', { status: 'exception', reason: 'delayed' }],
  ['Exception_Lost', { status: 'exception', reason: 'lost' }],
  ['Exception_Destroyed', { status: 'exception', reason: 'lost' }],
  ['Exception_Cancel', { status: 'cancelled', reason: null }],
]);

/** Per-event milestone (`stage`). 17TRACK's own example also uses `Exception` here. */
const STAGE = new Map<string, CanonicalStatus>([
  ['InfoReceived', 'pre_transit'],
  ['PickedUp', 'in_transit'],
  ['Departure', 'in_transit'],
  ['Arrival', 'in_transit'],
  ['AvailableForPickup', 'available_for_pickup'],
  ['OutForDelivery', 'out_for_delivery'],
  ['Delivered', 'delivered'],
  ['Returning', 'returned'],
  ['Returned', 'returned'],
  ['Exception', 'exception'],
]);

const PUSH_EVENTS = new Set(['TRACKING_UPDATED', 'TRACKING_STOPPED']);

export function parseTrack17Webhook(body: unknown): TrackingUpdate[] {
  const root = requireRecord(body, 'body');
  const event = field(root, 'event');
  if (event !== undefined) {
    if (typeof event !== 'string') throw malformed('body.event must be a string');
    if (!PUSH_EVENTS.has(event)) throw unsupported(`17TRACK event "${event}" is not a tracking push`);
    const data = requireRecord(field(root, 'data'), 'body.data');
    requireString(data, 'number', 'body.data');
    // 17TRACK stopped following the number: there is no status to record, and the last one stays true.
    if (event === 'TRACKING_STOPPED') return [];
    return [mapItem(data, 'body.data')];
  }
  const data = field(root, 'data');
  if (isRecord(data) && field(data, 'accepted') !== undefined) {
    return optionalArray(data, 'accepted', 'body.data')
      .map((item, i) => requireRecord(item, `body.data.accepted[${i}]`))
      .filter((item) => isRecord(field(item, 'track_info')))
      .map((item, i) => mapItem(item, `body.data.accepted[${i}]`));
  }
  throw malformed('body.event is missing');
}

function mapItem(item: JsonRecord, path: string): TrackingUpdate {
  const trackingNumber = requireString(item, 'number', path);
  const info = requireRecord(field(item, 'track_info'), `${path}.track_info`);
  const latest = optionalRecord(info, 'latest_status', `${path}.track_info`);
  const rawStatus = latest ? optionalString(latest, 'status') : null;
  const rawSubstatus = latest ? optionalString(latest, 'sub_status') : null;
  const mapped = mapStatus(
    rawStatus,
    rawSubstatus,
    latest ? optionalString(latest, 'sub_status_descr') : null,
  );

  const providers = trackingProviders(info, `${path}.track_info`);
  let events = providers.flatMap(({ record, index }) =>
    optionalArray(record, 'events', `${path}.track_info.tracking.providers[${index}]`).map((ev, i) =>
      mapEvent(ev, `${path}.track_info.tracking.providers[${index}].events[${i}]`),
    ),
  );
  // A push with no provider list still names its newest scan.
  if (events.length === 0) {
    const newest = optionalRecord(info, 'latest_event', `${path}.track_info`);
    if (newest) events = [mapEvent(newest, `${path}.track_info.latest_event`)];
  }

  const metrics = optionalRecord(info, 'time_metrics', `${path}.track_info`);
  const estimate = metrics ? field(metrics, 'estimated_delivery_date') : null;
  const eta = isRecord(estimate) ? etaFromRange(field(estimate, 'from'), field(estimate, 'to')) : null;
  const pickupScan =
    mapped.status === 'available_for_pickup' ? newestEventWithStatus(events, 'available_for_pickup') : null;
  const deliveredScan = mapped.status === 'delivered' ? newestEventWithStatus(events, 'delivered') : null;

  return {
    provider: '17track',
    deliveryId: null,
    carrier: carrierName(item, providers),
    trackingNumber,
    status: mapped.status,
    reason: mapped.reason,
    rawStatus,
    rawSubstatus,
    eta,
    originalEta: null,
    etaRevised: false,
    pickup: pickupScan ? { name: null, address: pickupScan.location, deadline: null } : null,
    collectedAtPickup: false,
    deliveredAt: deliveredScan?.occurredAt ?? null,
    events,
  };
}

function trackingProviders(info: JsonRecord, path: string): { record: JsonRecord; index: number }[] {
  const tracking = optionalRecord(info, 'tracking', path);
  if (!tracking) return [];
  return optionalArray(tracking, 'providers', `${path}.tracking`).map((p, index) => ({
    record: requireRecord(p, `${path}.tracking.providers[${index}]`),
    index,
  }));
}

/**
 * Our carrier id for 17TRACK's numeric carrier code (the provider's `key`, else the number's `carrier`) when the
 * registry lists that code; else the carrier's name as 17TRACK gives it ("DHL Paket"); else the bare code.
 */
function carrierName(item: JsonRecord, providers: { record: JsonRecord }[]): string {
  const records = providers.map(({ record }) => field(record, 'provider')).filter(isRecord);
  const codes = [...records.map((p) => field(p, 'key')), field(item, 'carrier')].filter(
    (code): code is number => typeof code === 'number' && Number.isSafeInteger(code) && code > 0,
  );
  for (const code of codes) {
    const id = carrierFromProviderCode(code, '17track');
    if (id) return id;
  }
  for (const provider of records) {
    const name = optionalString(provider, 'name');
    if (name) return name;
  }
  return codes.length > 0 ? `17track-${codes[0]}` : 'unknown';
}

function mapEvent(value: unknown, path: string): TrackingEventInput {
  const ev = requireRecord(value, path);
  const stage = optionalString(ev, 'stage');
  const subStatus = optionalString(ev, 'sub_status');
  const description = optionalString(ev, 'description') ?? '';
  const fromSub = subStatus ? SUB_STATUS.get(subStatus) : undefined;
  const status = fromSub?.status ?? (stage ? STAGE.get(stage) : undefined) ?? 'in_transit';
  const reason =
    fromSub?.reason ?? (status === 'exception' ? (exceptionReasonFromText(description) ?? 'other') : null);
  // `time_iso` keeps the carrier's own offset; `time_utc` is the same instant.
  const time = parseEventTime(optionalString(ev, 'time_iso') ?? field(ev, 'time_utc'));
  return {
    status,
    reason: status === 'exception' || status === 'attempt_failed' ? reason : null,
    description,
    location: optionalString(ev, 'location'),
    occurredAt: time.instant,
    occurredAtRaw: time.raw,
    providerEventId: null,
    rawStatus: stage,
    rawSubstatus: subStatus,
  };
}

function mapStatus(main: string | null, sub: string | null, text: string | null): Mapped {
  const status = (main ? MAIN_STATUS.get(main) : undefined) ?? 'unknown';
  // A sub-status from another main status is a provider inconsistency; the main status wins.
  const own = sub && main && sub.startsWith(`${main}_`) ? SUB_STATUS.get(sub) : undefined;
  if (own) return own;
  if (status === 'exception') return { status, reason: exceptionReasonFromText(text) ?? 'other' };
  return { status, reason: null };
}
