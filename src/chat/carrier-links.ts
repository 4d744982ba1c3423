/**
 * Public tracking pages of the carriers we can link to. The chat shows this link on a shipment card instead of a
 * page of our own: the carrier's page is the one place a shopper can also redirect, reschedule or hold a parcel.
 */

const TRACKING_URLS: Record<string, (trackingNumber: string) => string> = {
  usps: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
  ups: (n) => `https://www.ups.com/track?tracknum=${n}`,
  fedex: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
  dhl: (n) => `https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=${n}`,
  royal_mail: (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}`,
};

/** Carrier slugs as providers spell them, folded onto the keys above. */
const ALIASES: Record<string, string> = {
  'royal-mail': 'royal_mail',
  royalmail: 'royal_mail',
  'dhl-express': 'dhl',
  dhl_express: 'dhl',
  dhlexpress: 'dhl',
};

const CARRIER_NAMES: Record<string, string> = {
  usps: 'USPS',
  ups: 'UPS',
  fedex: 'FedEx',
  dhl: 'DHL',
  royal_mail: 'Royal Mail',
};

function normalizeCarrier(carrier: string): string {
  const slug = carrier.trim().toLowerCase();
  return ALIASES[slug] ?? slug;
}

/** The carrier's public tracking page for this parcel, or null for a carrier we have no pattern for. */
export function carrierTrackingUrl(carrier: string, trackingNumber: string): string | null {
  const build = TRACKING_URLS[normalizeCarrier(carrier)];
  const number = trackingNumber.replace(/\s+/g, '');
  if (!build || !number) return null;
  return build(encodeURIComponent(number));
}

/** A carrier's name as shoppers know it ("FedEx", "Royal Mail"); unknown slugs are shown as given. */
export function carrierDisplayName(carrier: string): string {
  return CARRIER_NAMES[normalizeCarrier(carrier)] ?? carrier.toUpperCase();
}
