/**
 * Carrier names as the tracking intake stores them: every spelling ("FedEx", "fedex", "USPS",
 * "united-states-postal-service", AfterShip's `dhl-germany`) becomes the carrier registry's canonical id
 * (src/carriers/carrier-registry.ts). Kept as the intake's entry point so feed mappers need not know the registry.
 */
import { CARRIER_SOURCES } from '../carriers/carriers.data';
import {
  carrierIdForProviderCode,
  carrierTrackingUrl as registryTrackingUrl,
  resolveCarrierId,
  sameCarrier,
  type CarrierSource,
  type LinkContext,
} from '../carriers/carrier-registry';

/**
 * The canonical carrier id; `source` (the feed: easypost, aftership, shippo, generic, ship24…) lets a provider's
 * own slug win (AfterShip's `dhl` is DHL Express, a store's "DHL" is the DHL family).
 */
export function normaliseCarrier(name: string, source?: string): string {
  const known = (CARRIER_SOURCES as readonly string[]).includes(source ?? '');
  return resolveCarrierId(name, known ? (source as CarrierSource) : undefined);
}

/**
 * The canonical id for a feed's own carrier code (17TRACK's numeric `7041`, Ship24's `us-post`), or null for a
 * code the registry does not list for that feed (the mapper then keeps the carrier's name as the feed gave it).
 */
export function carrierFromProviderCode(code: string | number, source: '17track' | 'ship24'): string | null {
  return carrierIdForProviderCode(code, source);
}

/** The carrier's public tracking page, or null for carriers we do not know a URL for. */
export function carrierTrackingUrl(
  carrier: string,
  trackingNumber: string,
  context: LinkContext = {},
): string | null {
  return registryTrackingUrl(carrier, trackingNumber, context);
}

/**
 * The shipment a tracking number names: the one of that carrier (or its family: a store's "DHL" and an
 * aggregator's "DHL Paket"), else the only one. Two carriers rarely reuse one number.
 */
export function matchShipment<T extends { carrier: string }>(candidates: T[], carrier: string): T | null {
  return (
    candidates.find((s) => s.carrier === carrier) ??
    candidates.find((s) => sameCarrier(s.carrier, carrier)) ??
    (candidates.length === 1 ? candidates[0] : null)
  );
}
