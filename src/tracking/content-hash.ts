/**
 * Dedupe keys for scans. Providers resend the same scans on every webhook and Shippo even renames them (new
 * `object_id` on each call), so where no stable id exists the scan's content is its identity (DOMAIN.md §1).
 */
import { createHash } from 'node:crypto';
import type { TrackingEventInput } from '../shared/tracking.types';

/**
 * sha256 (hex) over tracking number, canonical status, occurred time and normalised description and location.
 * Case and whitespace are normalised because carriers re-render the same scan ("ORLANDO, FL" vs "Orlando,  FL").
 */
export function eventContentHash(trackingNumber: string, ev: TrackingEventInput): string {
  const occurred =
    ev.occurredAt && !Number.isNaN(ev.occurredAt.getTime())
      ? ev.occurredAt.toISOString()
      : (ev.occurredAtRaw ?? '');
  // A JSON array keeps field boundaries unambiguous ("a|b" + "c" vs "a" + "b|c").
  const material = JSON.stringify([
    normaliseTrackingNumber(trackingNumber),
    ev.status,
    occurred,
    normaliseText(ev.description),
    normaliseText(ev.location),
  ]);
  return createHash('sha256').update(material, 'utf8').digest('hex');
}

/**
 * The key a store deduplicates on: the provider's own event id where it is stable, the content hash otherwise.
 * Prefixed so an id can never collide with a hash.
 */
export function eventDedupeKey(trackingNumber: string, ev: TrackingEventInput): string {
  return ev.providerEventId ? `id:${ev.providerEventId}` : `sha256:${eventContentHash(trackingNumber, ev)}`;
}

export function normaliseTrackingNumber(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

function normaliseText(value: string | null): string {
  return (value ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}
