/**
 * Last-resort reading of scan text, for the cases DOMAIN.md §1 says only the words carry the meaning: EasyPost has
 * no failed-attempt status, and older Shippo API versions say "out for delivery" only in `status_details`.
 * Patterns are narrow on purpose: a wrong "attempt failed" message is worse than a missed one.
 */
import type { CanonicalStatus, ExceptionReason, TrackingEventInput } from '../shared/tracking.types';

const ATTEMPT_FAILED =
  /\b(delivery attempt(ed)?|attempted delivery|attempted\s*-?\s*(not home|no access|business closed)|notice left|no one (was )?(home|available)|nobody (was )?(home|available)|recipient not (home|available)|customer not available|no authori[sz]ed recipient|business closed)\b/i;
const RECIPIENT_ABSENT =
  /\b(no one (was )?(home|available)|nobody (was )?(home|available)|not home|recipient not (home|available)|customer not available|no authori[sz]ed recipient|business closed|notice left)\b/i;
const OUT_FOR_DELIVERY = /\bout for delivery\b|\bon (\w+ )?vehicle for delivery\b/i;
const AVAILABLE_FOR_PICKUP = /\b(available|ready) for (pick ?up|collection)\b/i;

export function textSaysAttemptFailed(text: string | null): boolean {
  return text !== null && ATTEMPT_FAILED.test(text);
}

export function attemptReasonFromText(text: string | null): ExceptionReason | null {
  return text !== null && RECIPIENT_ABSENT.test(text) ? 'recipient_unavailable' : null;
}

export function textSaysOutForDelivery(text: string | null): boolean {
  return text !== null && OUT_FOR_DELIVERY.test(text);
}

export function textSaysAvailableForPickup(text: string | null): boolean {
  return text !== null && AVAILABLE_FOR_PICKUP.test(text);
}

/** Exception reason from free text, for providers whose exception detail is only words. */
export function exceptionReasonFromText(text: string | null): ExceptionReason | null {
  if (text === null) return null;
  if (/\bcustoms?\b|\bclearance\b|\bimport (duty|tax)\b/i.test(text)) return 'customs';
  if (/\bweather\b|\bstorm\b|\bnatural disaster\b/i.test(text)) return 'weather';
  if (/\bdamaged?\b/i.test(text)) return 'damaged';
  if (/\blost\b|\bmissing (package|parcel|item)\b/i.test(text)) return 'lost';
  if (/\brefused\b|\brejected by (the )?recipient\b/i.test(text)) return 'refused';
  if (
    /\b(incorrect|incomplete|insufficient|wrong|bad|invalid) address\b|\baddress (issue|problem|correction)\b|\bmoved\b/i.test(
      text,
    )
  )
    return 'address_issue';
  if (/\bheld\b|\bhold\b/i.test(text)) return 'held';
  if (/\bdelay(ed)?\b/i.test(text)) return 'delayed';
  return null;
}

/** The newest event by time; among events without a time, the last one the provider listed. */
export function newestEvent(events: readonly TrackingEventInput[]): TrackingEventInput | null {
  let newest: TrackingEventInput | null = null;
  for (const ev of events) {
    if (newest === null) {
      newest = ev;
      continue;
    }
    const a = newest.occurredAt?.getTime() ?? null;
    const b = ev.occurredAt?.getTime() ?? null;
    if (b === null && a !== null) continue;
    if (a === null || b === null || b >= a) newest = ev;
  }
  return newest;
}

export function newestEventWithStatus(
  events: readonly TrackingEventInput[],
  status: CanonicalStatus,
): TrackingEventInput | null {
  return newestEvent(events.filter((ev) => ev.status === status));
}
