/** Carrier names arrive as "FedEx", "fedex", "USPS", "united-states-postal-service"…: one slug each. */
const ALIASES: Record<string, string> = {
  unitedstatespostalservice: 'usps',
  usps: 'usps',
  ups: 'ups',
  unitedparcelservice: 'ups',
  fedex: 'fedex',
  federalexpress: 'fedex',
  dhl: 'dhl',
  dhlexpress: 'dhl',
  royalmail: 'royal_mail',
  canadapost: 'canada_post',
  dpd: 'dpd',
  gls: 'gls',
  ontrac: 'ontrac',
  lasership: 'lasership',
};

export function normaliseCarrier(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return ALIASES[key] ?? (key.slice(0, 50) || 'unknown');
}

const TRACKING_URLS: Record<string, (n: string) => string> = {
  usps: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
  ups: (n) => `https://www.ups.com/track?tracknum=${n}`,
  fedex: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
  dhl: (n) => `https://www.dhl.com/en/express/tracking.html?AWB=${n}`,
  royal_mail: (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}`,
};

/** The carrier's public tracking page, or null for carriers we do not know a URL for. */
export function carrierTrackingUrl(carrier: string, trackingNumber: string): string | null {
  const build = TRACKING_URLS[carrier];
  return build ? build(encodeURIComponent(trackingNumber)) : null;
}

/**
 * The shipment a tracking number names: the one of that carrier, else the only one. Carrier names differ between
 * a store and an aggregator ("DHL Express" vs "dhl"), but two carriers rarely reuse one number.
 */
export function matchShipment<T extends { carrier: string }>(candidates: T[], carrier: string): T | null {
  return candidates.find((s) => s.carrier === carrier) ?? (candidates.length === 1 ? candidates[0] : null);
}
