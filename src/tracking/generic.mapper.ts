/**
 * Our own tracking format, for carriers and shops that push to us directly (signed with Standard Webhooks, see
 * webhook-signature.ts). It speaks the canonical vocabulary, so there is nothing to interpret: validation is strict,
 * unknown fields are rejected (a typo such as `tracking_number` must not be silently dropped) and every problem is
 * reported at once with its field path.
 *
 * Times must carry an offset or `Z`: the sender knows its zone, we would only guess it.
 */
import { parseCalendarDate } from './eta';
import { hasExplicitOffset, parseEventTime } from './event-time';
import { describeType, field, isRecord, JsonRecord } from './payload-reader';
import { TrackingPayloadError } from './tracking-payload.error';
import {
  CANONICAL_STATUSES,
  CanonicalStatus,
  Eta,
  EXCEPTION_REASONS,
  PickupPoint,
  TrackingEventInput,
  TrackingUpdate,
} from '../shared/tracking.types';

export const GENERIC_MAX_EVENTS = 100;
const MAX_ID = 64;
const MAX_EVENT_ID = 200;
const MAX_DESCRIPTION = 1000;
const MAX_LOCATION = 300;
const MAX_ISSUES_IN_MESSAGE = 5;

const EVENT_FIELDS = new Set([
  'carrier',
  'trackingNumber',
  'status',
  'reason',
  'description',
  'location',
  'occurredAt',
  'eventId',
  'collectedAtPickup',
  'eta',
  'pickup',
]);
const ETA_FIELDS = new Set(['date', 'windowStart', 'windowEnd']);
const PICKUP_FIELDS = new Set(['name', 'address', 'deadline']);
const REASON_STATUSES: readonly CanonicalStatus[] = ['exception', 'attempt_failed'];

/** One event as documented for integrators; also the OpenAPI example. */
export const GENERIC_EVENT_EXAMPLE = {
  carrier: 'ups',
  trackingNumber: '1Z999AA10123456784',
  status: 'available_for_pickup',
  description: 'Arrived at UPS Access Point',
  location: 'Berlin, DE',
  occurredAt: '2024-05-02T14:05:00+02:00',
  eventId: 'scan-000123',
  eta: { date: '2024-05-02', windowStart: '2024-05-02T08:00:00Z', windowEnd: '2024-05-02T16:00:00Z' },
  pickup: { name: 'Kiosk Müller', address: 'Hauptstraße 1, 10115 Berlin', deadline: '2024-05-09' },
} as const;

/** JSON Schema for one event, for the OpenAPI document. The runtime validator below is the authority. */
export const GENERIC_EVENT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['carrier', 'trackingNumber', 'status', 'occurredAt'],
  properties: {
    carrier: { type: 'string', minLength: 1, maxLength: MAX_ID, example: 'ups' },
    trackingNumber: { type: 'string', minLength: 1, maxLength: MAX_ID },
    status: { type: 'string', enum: [...CANONICAL_STATUSES] },
    reason: {
      type: ['string', 'null'],
      enum: [...EXCEPTION_REASONS, null],
      description: 'Only with status exception (defaults to other) or attempt_failed.',
    },
    description: { type: 'string', maxLength: MAX_DESCRIPTION },
    location: { type: ['string', 'null'], maxLength: MAX_LOCATION },
    occurredAt: { type: 'string', format: 'date-time', description: 'ISO 8601 with an offset or Z.' },
    eventId: {
      type: 'string',
      maxLength: MAX_EVENT_ID,
      description: 'Stable id of this scan; used for deduplication.',
    },
    collectedAtPickup: { type: 'boolean', description: 'Only with status delivered.' },
    eta: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['date'],
      properties: {
        date: { type: 'string', format: 'date', description: 'Calendar date YYYY-MM-DD, never shifted.' },
        windowStart: { type: ['string', 'null'], format: 'date-time' },
        windowEnd: { type: ['string', 'null'], format: 'date-time' },
      },
    },
    pickup: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        name: { type: ['string', 'null'] },
        address: { type: ['string', 'null'] },
        deadline: { type: ['string', 'null'], description: 'YYYY-MM-DD or ISO 8601 with offset.' },
      },
    },
  },
  example: GENERIC_EVENT_EXAMPLE,
} as const;

/** The body: one event, or `{ events: [...] }` with 1 to 100 events (any number of shipments). */
export const GENERIC_BODY_SCHEMA = {
  oneOf: [
    GENERIC_EVENT_SCHEMA,
    {
      type: 'object',
      additionalProperties: false,
      required: ['events'],
      properties: {
        events: { type: 'array', minItems: 1, maxItems: GENERIC_MAX_EVENTS, items: GENERIC_EVENT_SCHEMA },
      },
    },
  ],
} as const;

interface ValidEvent {
  carrier: string;
  trackingNumber: string;
  input: TrackingEventInput;
  /** undefined: the event says nothing about it; null: explicitly none. */
  eta: Eta | null | undefined;
  pickup: PickupPoint | null | undefined;
}

/** `deliveryId` is the Standard Webhooks `webhook-id` header, which lives outside the body. */
export function parseGenericWebhook(body: unknown, deliveryId: string | null = null): TrackingUpdate[] {
  const issues: string[] = [];
  const events = readBody(body, issues);
  if (issues.length > 0) {
    const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).join('; ');
    const more =
      issues.length > MAX_ISSUES_IN_MESSAGE ? ` (and ${issues.length - MAX_ISSUES_IN_MESSAGE} more)` : '';
    throw new TrackingPayloadError('malformed_payload', shown + more, issues);
  }
  return groupIntoUpdates(events, deliveryId);
}

function readBody(body: unknown, issues: string[]): ValidEvent[] {
  if (!isRecord(body)) {
    issues.push(`body must be an object, got ${describeType(body)}`);
    return [];
  }
  if (field(body, 'events') === undefined) {
    const ev = readEvent(body, '', issues);
    return ev ? [ev] : [];
  }
  for (const key of Object.keys(body))
    if (key !== 'events') issues.push(`${key} is not allowed next to events`);
  const list = field(body, 'events');
  if (!Array.isArray(list)) {
    issues.push(`events must be an array, got ${describeType(list)}`);
    return [];
  }
  if (list.length === 0) issues.push('events is empty');
  if (list.length > GENERIC_MAX_EVENTS) {
    issues.push(`events has ${list.length} entries; at most ${GENERIC_MAX_EVENTS} per request`);
    return [];
  }
  const out: ValidEvent[] = [];
  list.forEach((item, i) => {
    const ev = readEvent(item, `events[${i}].`, issues);
    if (ev) out.push(ev);
  });
  return out;
}

function readEvent(value: unknown, prefix: string, issues: string[]): ValidEvent | null {
  const where = prefix === '' ? 'body' : prefix.slice(0, -1);
  if (!isRecord(value)) {
    issues.push(`${where} must be an object, got ${describeType(value)}`);
    return null;
  }
  const before = issues.length;
  for (const key of Object.keys(value))
    if (!EVENT_FIELDS.has(key)) issues.push(`${prefix}${key} is not a known field`);

  const carrier = text(value, 'carrier', prefix, issues, { required: true, max: MAX_ID });
  const trackingNumber = text(value, 'trackingNumber', prefix, issues, { required: true, max: MAX_ID });
  const status = oneOf(value, 'status', prefix, issues, CANONICAL_STATUSES, true);
  const reasonValue = oneOf(value, 'reason', prefix, issues, EXCEPTION_REASONS, false);
  const description =
    text(value, 'description', prefix, issues, { required: false, max: MAX_DESCRIPTION }) ?? '';
  const location = text(value, 'location', prefix, issues, { required: false, max: MAX_LOCATION });
  const eventId = text(value, 'eventId', prefix, issues, { required: false, max: MAX_EVENT_ID });
  const occurredAt = instant(value, 'occurredAt', prefix, issues, true);

  const collected = field(value, 'collectedAtPickup');
  if (collected !== undefined && typeof collected !== 'boolean') {
    issues.push(`${prefix}collectedAtPickup must be a boolean, got ${describeType(collected)}`);
  } else if (collected === true && status !== null && status !== 'delivered') {
    issues.push(`${prefix}collectedAtPickup is only allowed with status delivered`);
  }
  if (reasonValue !== null && status !== null && !REASON_STATUSES.includes(status)) {
    issues.push(`${prefix}reason is only allowed with status exception or attempt_failed, not ${status}`);
  }
  const eta = readEta(field(value, 'eta'), `${prefix}eta`, issues);
  const pickup = readPickup(field(value, 'pickup'), `${prefix}pickup`, issues);

  if (issues.length > before || !carrier || !trackingNumber || !status || !occurredAt) return null;
  return {
    carrier,
    trackingNumber,
    eta,
    pickup,
    input: {
      status,
      reason: status === 'exception' ? (reasonValue ?? 'other') : reasonValue,
      description,
      location,
      occurredAt: occurredAt.instant,
      occurredAtRaw: occurredAt.raw,
      providerEventId: eventId,
      rawStatus: status,
      rawSubstatus: reasonValue,
      collectedAtPickup: collected === true,
    },
  };
}

function readEta(value: unknown, path: string, issues: string[]): Eta | null | undefined {
  if (value === undefined || value === null) return value;
  if (!isRecord(value)) {
    issues.push(`${path} must be an object or null, got ${describeType(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value))
    if (!ETA_FIELDS.has(key)) issues.push(`${path}.${key} is not a known field`);
  const rawDate = field(value, 'date');
  const date = parseCalendarDate(rawDate);
  if (rawDate === undefined || rawDate === null) issues.push(`${path}.date is missing`);
  else if (!date)
    issues.push(`${path}.date must be a calendar date YYYY-MM-DD, got ${JSON.stringify(rawDate)}`);
  const start = instant(value, 'windowStart', `${path}.`, issues, false);
  const end = instant(value, 'windowEnd', `${path}.`, issues, false);
  if (start?.instant && end?.instant && start.instant > end.instant)
    issues.push(`${path}.windowStart is after windowEnd`);
  if (!date) return undefined;
  return {
    date,
    windowStart: start?.instant?.toISOString() ?? null,
    windowEnd: end?.instant?.toISOString() ?? null,
  };
}

function readPickup(value: unknown, path: string, issues: string[]): PickupPoint | null | undefined {
  if (value === undefined || value === null) return value;
  if (!isRecord(value)) {
    issues.push(`${path} must be an object or null, got ${describeType(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value))
    if (!PICKUP_FIELDS.has(key)) issues.push(`${path}.${key} is not a known field`);
  const name = text(value, 'name', `${path}.`, issues, { required: false, max: MAX_LOCATION });
  const address = text(value, 'address', `${path}.`, issues, { required: false, max: MAX_LOCATION });
  const rawDeadline = field(value, 'deadline');
  let deadline: string | null = null;
  if (rawDeadline !== undefined && rawDeadline !== null) {
    const asDate = parseCalendarDate(rawDeadline);
    const asInstant =
      typeof rawDeadline === 'string' && hasExplicitOffset(rawDeadline)
        ? parseEventTime(rawDeadline).instant
        : null;
    deadline = asDate ?? asInstant?.toISOString() ?? null;
    if (deadline === null) {
      issues.push(
        `${path}.deadline must be YYYY-MM-DD or ISO 8601 with an offset, got ${JSON.stringify(rawDeadline)}`,
      );
    }
  }
  return { name, address, deadline };
}

function text(
  obj: JsonRecord,
  key: string,
  prefix: string,
  issues: string[],
  opts: { required: boolean; max: number },
): string | null {
  const value = field(obj, key);
  if (value === undefined || value === null) {
    if (opts.required) issues.push(`${prefix}${key} is missing`);
    return null;
  }
  if (typeof value !== 'string') {
    issues.push(`${prefix}${key} must be a string, got ${describeType(value)}`);
    return null;
  }
  const trimmed = value.trim();
  if (trimmed === '') {
    if (opts.required) issues.push(`${prefix}${key} is empty`);
    return null;
  }
  if (trimmed.length > opts.max) {
    issues.push(`${prefix}${key} is longer than ${opts.max} characters`);
    return null;
  }
  return trimmed;
}

function oneOf<T extends string>(
  obj: JsonRecord,
  key: string,
  prefix: string,
  issues: string[],
  allowed: readonly T[],
  required: boolean,
): T | null {
  const value = field(obj, key);
  if (value === undefined || value === null) {
    if (required) issues.push(`${prefix}${key} is missing`);
    return null;
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    issues.push(`${prefix}${key} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
    return null;
  }
  return value as T;
}

function instant(
  obj: JsonRecord,
  key: string,
  prefix: string,
  issues: string[],
  required: boolean,
): { instant: Date; raw: string } | null {
  const value = field(obj, key);
  if (value === undefined || value === null) {
    if (required) issues.push(`${prefix}${key} is missing`);
    return null;
  }
  if (typeof value !== 'string') {
    issues.push(`${prefix}${key} must be an ISO 8601 string, got ${describeType(value)}`);
    return null;
  }
  const parsed = parseEventTime(value);
  if (!parsed.instant || !hasExplicitOffset(value)) {
    issues.push(
      `${prefix}${key} must be ISO 8601 with an offset or Z (e.g. 2024-05-02T14:05:00+02:00), got ${JSON.stringify(value)}`,
    );
    return null;
  }
  return { instant: parsed.instant, raw: value };
}

/** A batch may mix shipments; each gets its own update, in the order its first event appeared. */
function groupIntoUpdates(events: ValidEvent[], deliveryId: string | null): TrackingUpdate[] {
  const groups = new Map<string, ValidEvent[]>();
  for (const ev of events) {
    const key = JSON.stringify([ev.carrier.toLowerCase(), ev.trackingNumber]);
    groups.set(key, [...(groups.get(key) ?? []), ev]);
  }
  return [...groups.values()].map((group) => {
    // Chronological, stable for ties, so "newest" is the last element and a tie goes to the later-listed event.
    const ordered = [...group].sort((a, b) => a.input.occurredAt!.getTime() - b.input.occurredAt!.getTime());
    const newest = ordered[ordered.length - 1];
    const latestDefined = <T>(pick: (ev: ValidEvent) => T | null | undefined): T | null => {
      for (let i = ordered.length - 1; i >= 0; i--) {
        const value = pick(ordered[i]);
        if (value !== undefined) return value;
      }
      return null;
    };
    const status = newest.input.status;
    return {
      provider: 'generic',
      deliveryId,
      carrier: newest.carrier,
      trackingNumber: newest.trackingNumber,
      status,
      reason: newest.input.reason,
      rawStatus: newest.input.rawStatus,
      rawSubstatus: newest.input.rawSubstatus,
      eta: latestDefined((ev) => ev.eta),
      originalEta: null,
      etaRevised: false,
      pickup: latestDefined((ev) => ev.pickup),
      collectedAtPickup: newest.input.collectedAtPickup === true,
      deliveredAt: status === 'delivered' ? newest.input.occurredAt : null,
      events: group.map((ev) => ev.input),
    } satisfies TrackingUpdate;
  });
}
