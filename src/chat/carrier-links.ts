/**
 * Carrier names and public tracking pages for the chat's shipment cards, from the one carrier registry
 * (src/carriers/carrier-registry.ts) that the messages use too, so a shopper sees the same name and the same link
 * in the chat as in their texts and emails. The carrier's page is the one place a shopper can also redirect,
 * reschedule or hold a parcel.
 */
import {
  carrierDisplayName as registryDisplayName,
  carrierTrackingUrl as registryTrackingUrl,
  type LinkContext,
} from '../carriers/carrier-registry';

/** The carrier's public tracking page for this parcel, or null for a carrier we have no pattern for. */
export function carrierTrackingUrl(
  carrier: string,
  trackingNumber: string,
  context: LinkContext = {},
): string | null {
  return registryTrackingUrl(carrier, trackingNumber, context);
}

/** A carrier's name as shoppers know it ("FedEx", "Royal Mail"); unknown names are shown as given, nicely cased. */
export function carrierDisplayName(carrier: string, trackingNumber?: string): string {
  return registryDisplayName(carrier, trackingNumber) || carrier;
}
