/**
 * The demo store's customers, orders and the carrier journey each shipment takes. Times are written as hours
 * before the customer's "anchor" (the latest moment in the customer's business hours, at least a few minutes ago),
 * so the newest scan of a journey is realistic wherever the customer lives and whenever the demo runs.
 */
import { randomInt } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Place, Provider, Reason, Stage } from './providers';

export interface ZonedPlace extends Place {
  zone: string;
}

export interface ScanStep {
  /** Hours before the anchor. */
  h: number;
  stage: Stage;
  text: string;
  at: ZonedPlace;
  reason?: Reason;
  collected?: boolean;
  pickup?: { name: string; address: string; deadlineInDays: number };
  /** Estimated delivery, in days after the anchor's local date; carried forward until changed. */
  eta?: number;
}

export type Step =
  | ScanStep
  /** The provider sends the previous webhook again, byte for byte. */
  | { duplicate: true }
  /** A scan that happened earlier reaches us only now (through the generic endpoint). */
  | { late: ScanStep };

export interface JourneySpec {
  story: string;
  provider: Provider;
  /** Carrier as the provider spells it. */
  providerCarrier: string;
  /** Carrier as the store's order lists it. */
  orderCarrier: string;
  trackingNumber: () => string;
  steps: Step[];
}

export interface CustomerSpec {
  name: string;
  email: string;
  phone: string;
  locale: string;
  timeZone: string;
  country: string;
  postcode: string;
}

export interface OrderSpec {
  /** Where the order comes from: the store's API (`PUT /v1/orders`, the default) or Shopify's order webhooks. */
  source?: 'api' | 'shopify';
  customer: CustomerSpec;
  /** Promised delivery date, in days after the anchor's local date. */
  promisedInDays: number;
  shipments: JourneySpec[];
}

// ------------------------------------------------------------------ places
const P = (city: string, country: string, zone: string, state?: string): ZonedPlace => ({
  city,
  country,
  zone,
  state,
});
const NY = 'America/New_York';
const CHI = 'America/Chicago';
const LA = 'America/Los_Angeles';
const TOR = 'America/Toronto';
const MAD = 'Europe/Madrid';
const PAR = 'Europe/Paris';
const BER = 'Europe/Berlin';
const VIE = 'Europe/Vienna';
const ZRH = 'Europe/Zurich';
const BRU = 'Europe/Brussels';
const LON = 'Europe/London';
const MEX = 'America/Mexico_City';
const BOG = 'America/Bogota';
const BUE = 'America/Argentina/Buenos_Aires';
const SYD = 'Australia/Sydney';

const place = {
  louisville: P('Louisville', 'US', NY, 'KY'),
  memphis: P('Memphis', 'US', CHI, 'TN'),
  secaucus: P('Secaucus', 'US', NY, 'NJ'),
  brooklyn: P('Brooklyn', 'US', NY, 'NY'),
  ontario: P('Ontario', 'US', LA, 'CA'),
  losAngeles: P('Los Angeles', 'US', LA, 'CA'),
  chicago: P('Chicago', 'US', CHI, 'IL'),
  hodgkins: P('Hodgkins', 'US', CHI, 'IL'),
  miami: P('Miami', 'US', NY, 'FL'),
  madrid: P('Madrid', 'ES', MAD),
  zaragoza: P('Zaragoza', 'ES', MAD),
  sevilla: P('Sevilla', 'ES', MAD),
  paris: P('Paris', 'FR', PAR),
  chilly: P('Chilly-Mazarin', 'FR', PAR),
  lyon: P('Lyon', 'FR', PAR),
  leipzig: P('Leipzig', 'DE', BER),
  berlin: P('Berlin', 'DE', BER),
  hamburg: P('Hamburg', 'DE', BER),
  munich: P('München', 'DE', BER),
  vienna: P('Wien', 'AT', VIE),
  linz: P('Linz', 'AT', VIE),
  zurich: P('Zürich', 'CH', ZRH),
  basel: P('Basel', 'CH', ZRH),
  brussels: P('Bruxelles', 'BE', BRU),
  liege: P('Liège', 'BE', BRU),
  london: P('London', 'GB', LON),
  coventry: P('Coventry', 'GB', LON),
  mississauga: P('Mississauga', 'CA', TOR, 'ON'),
  montreal: P('Montréal', 'CA', TOR, 'QC'),
  toronto: P('Toronto', 'CA', TOR, 'ON'),
  mexico: P('Ciudad de México', 'MX', MEX),
  guadalajara: P('Guadalajara', 'MX', MEX),
  bogota: P('Bogotá', 'CO', BOG),
  medellin: P('Medellín', 'CO', BOG),
  buenosAires: P('Buenos Aires', 'AR', BUE),
  cordoba: P('Córdoba', 'AR', BUE),
  sydney: P('Sydney', 'AU', SYD, 'NSW'),
  melbourne: P('Melbourne', 'AU', 'Australia/Melbourne', 'VIC'),
};

// ------------------------------------------------------------------ tracking numbers
const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const alnum = (n: number) =>
  Array.from({ length: n }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'[randomInt(34)]).join('');
const tn = {
  ups: () => `1Z${alnum(6)}03${digits(8)}`,
  usps: () => `94001${digits(17)}`,
  fedex: () => digits(12),
  dhl: () => digits(10),
  /** DHL Paket (Germany): 20 digits starting 00340434 on the label's barcode. */
  dhlPaket: () => `00340434${digits(12)}`,
  dpd: () => `0${digits(13)}`,
  gls: () => digits(11),
  royalMail: () => `${alnum(2).replace(/\d/g, 'A')}${digits(9)}GB`,
  canadaPost: () => digits(16),
  colissimo: () => `6A${digits(11)}`,
  auspost: () => `33${alnum(3).replace(/\d/g, 'Q')}${digits(8)}`,
  bpost: () => `3232${digits(20)}`,
};

// ------------------------------------------------------------------ journeys
type Route = [origin: ZonedPlace, hub: ZonedPlace, local: ZonedPlace];

function onTime(route: Route, opts: { ofdText?: string; deliveredText?: string } = {}): ScanStep[] {
  const [origin, hub, local] = route;
  return [
    { h: 54, stage: 'pre_transit', text: 'Shipping label created', at: origin, eta: 0 },
    { h: 50, stage: 'in_transit', text: 'Picked up by carrier', at: origin },
    { h: 28, stage: 'in_transit', text: 'Arrived at sort facility', at: hub },
    { h: 9, stage: 'in_transit', text: 'Arrived at local delivery depot', at: local },
    { h: 4.5, stage: 'out_for_delivery', text: opts.ofdText ?? 'Out for delivery', at: local },
    { h: 0, stage: 'delivered', text: opts.deliveredText ?? 'Delivered, left at front door', at: local },
  ];
}

function inTransit(route: Route): ScanStep[] {
  const [origin, hub] = route;
  return [
    { h: 30, stage: 'pre_transit', text: 'Shipping label created', at: origin, eta: 2 },
    { h: 26, stage: 'in_transit', text: 'Picked up by carrier', at: origin },
    { h: 4, stage: 'in_transit', text: 'Departed sort facility', at: hub },
  ];
}

function outForDelivery(route: Route): ScanStep[] {
  const [origin, hub, local] = route;
  return [
    { h: 40, stage: 'pre_transit', text: 'Shipping label created', at: origin, eta: 0 },
    { h: 36, stage: 'in_transit', text: 'Picked up by carrier', at: origin },
    { h: 20, stage: 'in_transit', text: 'Arrived at sort facility', at: hub },
    { h: 5, stage: 'in_transit', text: 'Arrived at local delivery depot', at: local },
    { h: 0, stage: 'out_for_delivery', text: 'Out for delivery', at: local },
  ];
}

const journeys = {
  onTime: (
    provider: Provider,
    providerCarrier: string,
    orderCarrier: string,
    trackingNumber: () => string,
    route: Route,
  ): JourneySpec => ({
    story: 'on-time delivery',
    provider,
    providerCarrier,
    orderCarrier,
    trackingNumber,
    steps: onTime(route),
  }),
  inTransit: (
    provider: Provider,
    providerCarrier: string,
    orderCarrier: string,
    trackingNumber: () => string,
    route: Route,
  ): JourneySpec => ({
    story: 'shipped, on its way',
    provider,
    providerCarrier,
    orderCarrier,
    trackingNumber,
    steps: inTransit(route),
  }),
  outForDelivery: (
    provider: Provider,
    providerCarrier: string,
    orderCarrier: string,
    trackingNumber: () => string,
    route: Route,
  ): JourneySpec => ({
    story: 'out for delivery today',
    provider,
    providerCarrier,
    orderCarrier,
    trackingNumber,
    steps: outForDelivery(route),
  }),
};

/**
 * A zone where it is mid-morning now (09:25–10:24, no daylight saving time), so that the arriving-tomorrow check the
 * demo runs finds its customer inside the 09:00–11:00 window whatever the hour of the run.
 */
const NO_DST_ZONE_BY_OFFSET: Record<number, string> = {
  [-11]: 'Pacific/Pago_Pago',
  [-10]: 'Pacific/Honolulu',
  [-9]: 'Pacific/Gambier',
  [-8]: 'Pacific/Pitcairn',
  [-7]: 'America/Phoenix',
  [-6]: 'America/Guatemala',
  [-5]: 'America/Bogota',
  [-4]: 'America/La_Paz',
  [-3]: 'America/Sao_Paulo',
  [-2]: 'Atlantic/South_Georgia',
  [-1]: 'Atlantic/Cape_Verde',
  0: 'Africa/Abidjan',
  1: 'Africa/Lagos',
  2: 'Africa/Johannesburg',
  3: 'Africa/Nairobi',
  4: 'Asia/Dubai',
  5: 'Asia/Karachi',
  6: 'Asia/Dhaka',
  7: 'Asia/Bangkok',
  8: 'Asia/Singapore',
  9: 'Asia/Tokyo',
  10: 'Australia/Brisbane',
  11: 'Pacific/Noumea',
  12: 'Pacific/Tarawa',
};
export function morningZone(now: Date): string {
  const utc = DateTime.fromJSDate(now, { zone: 'UTC' });
  let offset = (utc.minute >= 25 ? 9 : 10) - utc.hour;
  if (offset < -11) offset += 24;
  return NO_DST_ZONE_BY_OFFSET[offset];
}
const MORNING = morningZone(new Date());

// ------------------------------------------------------------------ the store
export const DEMO_ORDERS: OrderSpec[] = [
  {
    customer: cust('Emma Johnson', 'emma.johnson', '+1 202-555-0143', 'en-US', NY, 'US', '11215'),
    promisedInDays: 0,
    shipments: [
      {
        story: 'on-time delivery; EasyPost sends the out-for-delivery event twice',
        provider: 'easypost',
        providerCarrier: 'UPS',
        orderCarrier: 'UPS',
        trackingNumber: tn.ups,
        steps: (() => {
          const s: Step[] = onTime([place.louisville, place.secaucus, place.brooklyn]);
          s.splice(5, 0, { duplicate: true });
          return s;
        })(),
      },
    ],
  },
  {
    customer: cust('Ana García', 'ana.garcia', '+34 612 345 678', 'es-ES', MAD, 'ES', '28013'),
    promisedInDays: 0,
    shipments: [
      journeys.onTime('aftership', 'dhl', 'DHL', tn.dhl, [place.leipzig, place.zaragoza, place.madrid]),
      journeys.outForDelivery('generic', 'gls', 'GLS', tn.gls, [place.sevilla, place.madrid, place.madrid]),
    ],
  },
  {
    customer: cust('Lucas Martin', 'lucas.martin', '+33 6 12 34 56 78', 'fr-FR', PAR, 'FR', '75011'),
    promisedInDays: 0,
    shipments: [
      {
        story: 'failed delivery attempt, then collected at a pickup point',
        provider: 'aftership',
        providerCarrier: 'dpd',
        orderCarrier: 'DPD',
        trackingNumber: tn.dpd,
        steps: [
          { h: 100, stage: 'pre_transit', text: 'Parcel data received', at: place.lyon, eta: -2 },
          { h: 96, stage: 'in_transit', text: 'Collected from sender', at: place.lyon },
          { h: 74, stage: 'in_transit', text: 'Arrived at DPD hub', at: place.chilly },
          { h: 52, stage: 'out_for_delivery', text: 'Out for delivery', at: place.paris },
          {
            h: 47,
            stage: 'attempt_failed',
            reason: 'recipient_unavailable',
            text: 'Delivery attempted: recipient not at home',
            at: place.paris,
          },
          {
            h: 44,
            stage: 'available_for_pickup',
            text: 'Parcel available at DPD Pickup point',
            at: place.paris,
            pickup: {
              name: 'DPD Pickup – Tabac de la Roquette',
              address: '42 Rue de la Roquette, 75011 Paris',
              deadlineInDays: 5,
            },
          },
          {
            h: 0,
            stage: 'delivered',
            collected: true,
            text: 'Collected by recipient at pickup point',
            at: place.paris,
          },
        ],
      },
    ],
  },
  {
    customer: cust('Jonas Weber', 'jonas.weber', '+49 1512 3456789', 'de-DE', BER, 'DE', '10115'),
    promisedInDays: -3,
    shipments: [
      {
        story: 'failed attempt, waiting at a Packstation for 4 days (pickup reminder)',
        provider: 'generic',
        providerCarrier: 'DHL Paket',
        orderCarrier: 'DHL Paket',
        trackingNumber: tn.dhlPaket,
        steps: [
          { h: 140, stage: 'pre_transit', text: 'Sendungsdaten übermittelt', at: place.leipzig, eta: -3 },
          { h: 136, stage: 'in_transit', text: 'Im Start-Paketzentrum bearbeitet', at: place.leipzig },
          { h: 118, stage: 'in_transit', text: 'Im Ziel-Paketzentrum bearbeitet', at: place.berlin },
          { h: 100, stage: 'out_for_delivery', text: 'In Zustellung', at: place.berlin },
          {
            h: 96,
            stage: 'attempt_failed',
            reason: 'recipient_unavailable',
            text: 'Empfänger nicht angetroffen',
            at: place.berlin,
          },
          {
            h: 90,
            stage: 'available_for_pickup',
            text: 'Zur Abholung in der Packstation bereit',
            at: place.berlin,
            pickup: {
              name: 'DHL Packstation 112',
              address: 'Invalidenstraße 112, 10115 Berlin',
              deadlineInDays: 3,
            },
          },
        ],
      },
    ],
  },
  {
    customer: cust('Olivia Brown', 'olivia.brown', '+44 7911 123456', 'en-GB', LON, 'GB', 'SW1A 1AA'),
    promisedInDays: 1,
    shipments: [
      {
        story: 'delayed: missed connection, new ETA two days later',
        provider: 'easypost',
        providerCarrier: 'RoyalMail',
        orderCarrier: 'Royal Mail',
        trackingNumber: tn.royalMail,
        steps: [
          { h: 60, stage: 'pre_transit', text: 'Label created', at: place.coventry, eta: 1 },
          { h: 56, stage: 'in_transit', text: 'Item received', at: place.coventry },
          { h: 30, stage: 'in_transit', text: 'Arrived at mail centre', at: place.coventry },
          {
            h: 6,
            stage: 'in_transit',
            text: 'Missed connection at mail centre, new delivery date',
            at: place.coventry,
            eta: 3,
          },
        ],
      },
    ],
  },
  {
    customer: cust('Sofía Hernández', 'sofia.hernandez', '+52 55 1234 5678', 'es-MX', MEX, 'MX', '06700'),
    promisedInDays: 0,
    shipments: [
      {
        story: 'address problem: the courier cannot find the address',
        provider: 'shippo',
        providerCarrier: 'fedex',
        orderCarrier: 'FedEx',
        trackingNumber: tn.fedex,
        steps: [
          {
            h: 70,
            stage: 'pre_transit',
            text: 'Shipment information sent to FedEx',
            at: place.guadalajara,
            eta: 0,
          },
          { h: 66, stage: 'in_transit', text: 'Picked up', at: place.guadalajara },
          { h: 40, stage: 'in_transit', text: 'Arrived at FedEx location', at: place.mexico },
          { h: 5, stage: 'out_for_delivery', text: 'On FedEx vehicle for delivery', at: place.mexico },
          {
            h: 2,
            stage: 'exception',
            reason: 'address_issue',
            text: 'Incorrect address – unable to deliver',
            at: place.mexico,
          },
        ],
      },
    ],
  },
  {
    customer: cust('Chloé Dubois', 'chloe.dubois', '+1 514-555-0187', 'fr-CA', TOR, 'CA', 'H2X 1Y4'),
    promisedInDays: -8,
    shipments: [
      {
        story: 'not collected from the post office, returned to sender',
        provider: 'shippo',
        providerCarrier: 'canada_post',
        orderCarrier: 'Canada Post',
        trackingNumber: tn.canadaPost,
        steps: [
          {
            h: 250,
            stage: 'pre_transit',
            text: 'Electronic information submitted by shipper',
            at: place.mississauga,
            eta: -8,
          },
          { h: 246, stage: 'in_transit', text: 'Item processed', at: place.mississauga },
          { h: 220, stage: 'in_transit', text: 'Item processed', at: place.montreal },
          { h: 200, stage: 'out_for_delivery', text: 'Item out for delivery', at: place.montreal },
          {
            h: 196,
            stage: 'attempt_failed',
            reason: 'recipient_unavailable',
            text: 'Notice card left indicating where item can be picked up',
            at: place.montreal,
          },
          {
            h: 190,
            stage: 'available_for_pickup',
            text: 'Item available for pickup at Post Office',
            at: place.montreal,
          },
          { h: 3, stage: 'returned', text: 'Item not claimed, being returned to sender', at: place.montreal },
        ],
      },
    ],
  },
  {
    customer: cust('Lukas Gruber', 'lukas.gruber', '+43 664 1234567', 'de-AT', VIE, 'AT', '1070'),
    promisedInDays: -5,
    shipments: [
      {
        story: 'lost parcel: no scans for a week, then declared lost',
        provider: 'easypost',
        providerCarrier: 'DHLExpress',
        orderCarrier: 'DHL Express',
        trackingNumber: tn.dhl,
        steps: [
          { h: 200, stage: 'pre_transit', text: 'Shipment information received', at: place.leipzig, eta: -5 },
          { h: 196, stage: 'in_transit', text: 'Shipment picked up', at: place.leipzig },
          { h: 170, stage: 'in_transit', text: 'Departed facility', at: place.leipzig },
          {
            h: 5,
            stage: 'exception',
            reason: 'lost',
            text: 'Shipment lost in transit – investigation closed',
            at: place.vienna,
          },
        ],
      },
    ],
  },
  {
    customer: cust('Noah Smith', 'noah.smith', '+1 310-555-0122', 'en-US', LA, 'US', '90026'),
    promisedInDays: 2,
    shipments: [
      journeys.inTransit('shippo', 'usps', 'USPS', tn.usps, [place.chicago, place.ontario, place.losAngeles]),
    ],
  },
  {
    customer: cust('Camille Laurent', 'camille.laurent', '+32 470 12 34 56', 'fr-BE', BRU, 'BE', '1050'),
    promisedInDays: 0,
    shipments: [
      journeys.outForDelivery('aftership', 'bpost', 'bpost', tn.bpost, [
        place.liege,
        place.brussels,
        place.brussels,
      ]),
    ],
  },
  {
    customer: cust('Mateo Rodríguez', 'mateo.rodriguez', '+57 301 2345678', 'es-CO', BOG, 'CO', '110111'),
    promisedInDays: 1,
    shipments: [
      {
        story: 'failed delivery attempt, next attempt tomorrow',
        provider: 'generic',
        providerCarrier: 'fedex',
        orderCarrier: 'FedEx',
        trackingNumber: tn.fedex,
        steps: [
          { h: 50, stage: 'pre_transit', text: 'Label created', at: place.medellin, eta: 1 },
          { h: 46, stage: 'in_transit', text: 'Picked up', at: place.medellin },
          { h: 26, stage: 'in_transit', text: 'At local FedEx facility', at: place.bogota },
          { h: 7, stage: 'out_for_delivery', text: 'On FedEx vehicle for delivery', at: place.bogota },
          {
            h: 3,
            stage: 'attempt_failed',
            reason: 'recipient_unavailable',
            text: 'Customer not available – delivery will be attempted tomorrow',
            at: place.bogota,
          },
        ],
      },
    ],
  },
  {
    customer: cust('Mia Schneider', 'mia.schneider', '+41 79 123 45 67', 'de-CH', ZRH, 'CH', '8004'),
    promisedInDays: 0,
    shipments: [
      journeys.onTime('easypost', 'UPS', 'UPS', tn.ups, [place.leipzig, place.basel, place.zurich]),
      {
        story: 'on-time delivery; a hub scan arrives late, after the delivery',
        provider: 'generic',
        providerCarrier: 'dhl',
        orderCarrier: 'DHL',
        trackingNumber: tn.dhl,
        steps: [
          ...onTime([place.leipzig, place.basel, place.zurich]),
          { late: { h: 20, stage: 'in_transit', text: 'Customs clearance completed', at: place.basel } },
        ],
      },
    ],
  },
  {
    customer: cust('Jack Wilson', 'jack.wilson', '+61 491 570 156', 'en-AU', SYD, 'AU', '2010'),
    promisedInDays: 0,
    shipments: [
      {
        story: 'stuck: no scan for 4 days (the scheduled stalled check tells the customer)',
        provider: 'aftership',
        providerCarrier: 'australia-post',
        orderCarrier: 'Australia Post',
        trackingNumber: tn.auspost,
        steps: [
          { h: 130, stage: 'pre_transit', text: 'Shipping information received', at: place.melbourne },
          { h: 126, stage: 'in_transit', text: 'Received and ready for processing', at: place.melbourne },
          { h: 104, stage: 'in_transit', text: 'In transit to next facility', at: place.melbourne },
        ],
      },
    ],
  },
  {
    customer: cust('Lucía Fernández', 'lucia.fernandez', '+34 622 987 654', 'es-ES', MAD, 'ES', '41004'),
    promisedInDays: 0,
    shipments: [
      journeys.onTime('shippo', 'dhl_express', 'DHL', tn.dhl, [place.leipzig, place.madrid, place.sevilla]),
    ],
  },
  {
    customer: cust('Hugo Bernard', 'hugo.bernard', '+33 6 98 76 54 32', 'fr-FR', PAR, 'FR', '69002'),
    promisedInDays: 2,
    shipments: [
      journeys.onTime('easypost', 'FedEx', 'FedEx', tn.fedex, [place.paris, place.chilly, place.lyon]),
      journeys.inTransit('generic', 'colissimo', 'Colissimo', tn.colissimo, [
        place.paris,
        place.lyon,
        place.lyon,
      ]),
    ],
  },
  {
    customer: cust('Emily Davis', 'emily.davis', '+1 312-555-0175', 'en-US', CHI, 'US', '60614'),
    promisedInDays: 0,
    shipments: [
      journeys.onTime('aftership', 'ups', 'UPS', tn.ups, [place.louisville, place.hodgkins, place.chicago]),
    ],
  },
  {
    customer: cust('Felix Wagner', 'felix.wagner', '+49 160 98765432', 'de-DE', BER, 'DE', '20095'),
    promisedInDays: 1,
    shipments: [
      {
        story: 'delayed at the hub (processing backlog)',
        provider: 'aftership',
        providerCarrier: 'dpd-de',
        orderCarrier: 'DPD DE',
        trackingNumber: tn.dpd,
        steps: [
          { h: 40, stage: 'pre_transit', text: 'Paketdaten übermittelt', at: place.munich, eta: 1 },
          { h: 36, stage: 'in_transit', text: 'Im Paketzentrum eingetroffen', at: place.munich },
          {
            h: 3,
            stage: 'exception',
            reason: 'delayed',
            text: 'Verzögerung im Paketzentrum, Zustellung verschiebt sich',
            at: place.hamburg,
          },
        ],
      },
    ],
  },
  {
    customer: cust('Isabella Moreno', 'isabella.moreno', '+1 305-555-0163', 'es-US', NY, 'US', '33130'),
    promisedInDays: 0,
    shipments: [
      journeys.outForDelivery('easypost', 'USPS', 'USPS', tn.usps, [place.memphis, place.miami, place.miami]),
    ],
  },
  {
    customer: cust('Léa Petit', 'lea.petit', '+33 7 81 23 45 67', 'fr-FR', PAR, 'FR', '75015'),
    promisedInDays: 2,
    shipments: [
      journeys.inTransit('generic', 'colissimo', 'Colissimo', tn.colissimo, [
        place.lyon,
        place.chilly,
        place.paris,
      ]),
    ],
  },
  {
    customer: cust('Maximilian Becker', 'max.becker', '+49 171 2345678', 'de-DE', BER, 'DE', '80331'),
    promisedInDays: 0,
    shipments: [
      journeys.onTime('shippo', 'dhl_express', 'DHL', tn.dhl, [place.leipzig, place.munich, place.munich]),
    ],
  },
  {
    customer: cust('Ava Miller', 'ava.miller', '+1 416-555-0199', 'en-CA', TOR, 'CA', 'M5V 2T6'),
    promisedInDays: 0,
    shipments: [
      journeys.onTime('shippo', 'canada_post', 'Canada Post', tn.canadaPost, [
        place.mississauga,
        place.mississauga,
        place.toronto,
      ]),
    ],
  },
  // The feeds of issue 21: one journey each through 17TRACK, Ship24, ShipEngine and karrio, and a Shopify order whose
  // fulfillment's shipment_status is its only tracking.
  {
    customer: cust('Grace Lee', 'grace.lee', '+1 312-555-0176', 'en-US', CHI, 'US', '60614'),
    promisedInDays: 0,
    shipments: [
      journeys.onTime('17track', 'UPS', 'UPS', tn.ups, [place.louisville, place.hodgkins, place.chicago]),
    ],
  },
  {
    customer: cust('Chloé Girard', 'chloe.girard', '+33 6 23 45 67 89', 'fr-FR', PAR, 'FR', '69002'),
    promisedInDays: 0,
    shipments: [
      journeys.outForDelivery('ship24', 'colissimo', 'Colissimo', tn.colissimo, [
        place.chilly,
        place.lyon,
        place.lyon,
      ]),
    ],
  },
  {
    customer: cust('Ethan Clark', 'ethan.clark', '+1 213-555-0167', 'en-US', LA, 'US', '90012'),
    promisedInDays: 0,
    shipments: [
      journeys.onTime('shipengine', 'usps', 'USPS', tn.usps, [
        place.ontario,
        place.losAngeles,
        place.losAngeles,
      ]),
    ],
  },
  {
    customer: cust('Jonas Wagner', 'jonas.wagner', '+49 160 9876543', 'de-DE', BER, 'DE', '20095'),
    promisedInDays: 1,
    shipments: [
      journeys.inTransit('karrio', 'dhl_parcel_de', 'DHL', tn.dhl, [
        place.leipzig,
        place.hamburg,
        place.hamburg,
      ]),
    ],
  },
  {
    source: 'shopify',
    customer: cust('Léa Tremblay', 'lea.tremblay', '+1 514-555-0131', 'fr-CA', TOR, 'CA', 'H2X 1Y4'),
    promisedInDays: 0,
    shipments: [
      journeys.outForDelivery('shopify', 'Canada Post', 'Canada Post', tn.canadaPost, [
        place.mississauga,
        place.montreal,
        place.montreal,
      ]),
    ],
  },
  {
    customer: cust('Maya Chen', 'maya.chen', '+1 415-555-0182', 'en-US', MORNING, 'US', '94110'),
    promisedInDays: 1,
    shipments: [
      {
        story:
          'due tomorrow by the carrier\'s date (the scheduled check sends "arriving tomorrow" in the morning)',
        provider: 'easypost',
        providerCarrier: 'UPS',
        orderCarrier: 'UPS',
        trackingNumber: tn.ups,
        steps: [
          { h: 30, stage: 'pre_transit', text: 'Shipping label created', at: place.louisville, eta: 1 },
          { h: 26, stage: 'in_transit', text: 'Picked up by carrier', at: place.louisville },
          { h: 3, stage: 'in_transit', text: 'Arrived at sort facility', at: place.ontario },
        ],
      },
    ],
  },
  {
    customer: cust('Sophie Keller', 'sophie.keller', '+49 171 2345678', 'de-DE', BER, 'DE', '80331'),
    promisedInDays: 0,
    shipments: [
      {
        ...journeys.onTime('generic', 'DHL Paket', 'DHL Paket', tn.dhlPaket, [
          place.leipzig,
          place.munich,
          place.munich,
        ]),
        story: 'split order, first parcel delivered in the morning',
        steps: onTime([place.leipzig, place.munich, place.munich]).map((step) => ({
          ...step,
          h: step.h + 3,
        })),
      },
      {
        ...journeys.onTime('aftership', 'dpd', 'DPD', tn.dpd, [place.hamburg, place.munich, place.munich]),
        story: 'split order, last parcel delivered ("all parcels delivered" instead of "delivered")',
      },
    ],
  },
  {
    customer: cust('Pablo Ruiz', 'pablo.ruiz', '+54 9 11 2345-6789', 'es-AR', BUE, 'AR', 'C1043'),
    promisedInDays: 2,
    shipments: [
      journeys.inTransit('aftership', 'fedex', 'FedEx', tn.fedex, [
        place.cordoba,
        place.buenosAires,
        place.buenosAires,
      ]),
    ],
  },
];

function cust(
  name: string,
  mailbox: string,
  phone: string,
  locale: string,
  timeZone: string,
  country: string,
  postcode: string,
): CustomerSpec {
  return { name, email: `${mailbox}@example.com`, phone, locale, timeZone, country, postcode };
}
