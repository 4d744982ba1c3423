/**
 * The render context every notification template receives, and per notification type the variables an
 * editor may insert (name, description, sample). The notification pipeline builds a `TemplateVariables`
 * object; `validateTemplate` checks template paths against `templateVariablesFor`.
 *
 * Every key is always present (null when unknown) because templates compile in strict mode: a missing key
 * is an error, a null one renders empty and is falsy in `{{#if}}`.
 */
import type { AppConfig } from '../config/app-config';
import type { Channel, NotificationType, SupportedLocale } from '../shared/notification.types';
import type { CanonicalStatus, Eta, ExceptionReason, PickupPoint } from '../shared/tracking.types';

/** An ETA as templates see it: a calendar date (YYYY-MM-DD) and an optional window as UTC instants. */
export interface TemplateEta {
  date: string;
  windowStart: string | null;
  windowEnd: string | null;
}

/** Our estimated window (issue 20): calendar dates (YYYY-MM-DD); `{{etaText shipment.estimate}}` gives "7–9 December". */
export interface TemplateEstimate {
  earliest: string;
  likely: string;
  latest: string;
}

export interface TemplatePickup {
  name: string | null;
  address: string | null;
  /** Last day (YYYY-MM-DD) or instant (ISO 8601) the parcel can be collected. */
  deadline: string | null;
}

export interface TemplateVariables {
  locale: SupportedLocale;
  /** IANA zone of the customer; every instant is shown in it. */
  timeZone: string;
  /** ISO instant the message is rendered for; `relativeDay` counts "today" from it. */
  now: string;
  customer: {
    firstName: string | null;
    lastName: string | null;
  };
  order: {
    number: string;
    /** The order's page in the shop, when there is one. */
    url: string | null;
    /** True when this message's parcel is the last of the order to arrive: the whole order is delivered. */
    complete: boolean;
  };
  shipment: {
    /** The carrier's name as shoppers know it ("Royal Mail", "DHL Paket"), never an internal code. */
    carrier: string;
    trackingNumber: string;
    /**
     * Where the customer can follow this parcel; null when there is no such page (an unknown carrier): templates
     * then promise no tracking. Built in one place (notifications/message-variables.ts `messageTrackingUrl`).
     */
    trackingUrl: string | null;
    /** Which parcel of the order this is: number 1…count, count 1 for a single-parcel order. */
    parcel: { number: number; count: number };
    status: CanonicalStatus;
    reason: ExceptionReason | null;
    /** The carrier's ETA, when that is the date shown (`etaSource` is `carrier`); null otherwise. */
    eta: TemplateEta | null;
    /**
     * Where the date shown comes from: `carrier` (its ETA, in `eta`), `estimate` (our window from the store's
     * own deliveries, in `estimate`, to be worded as an estimate), or null when there is no date to show.
     */
    etaSource: 'carrier' | 'estimate' | null;
    /** Our estimated window, when that is the date shown (`etaSource` is `estimate`); null otherwise. */
    estimate: TemplateEstimate | null;
    /** The ETA before the latest change (delayed messages compare the two). */
    previousEta: TemplateEta | null;
    pickup: TemplatePickup | null;
    /** True when `delivered` means the customer collected the parcel at a pickup point. */
    collectedAtPickup: boolean;
    /** ISO instant of delivery, when delivered. */
    deliveredAt: string | null;
    /** ISO instant of the carrier's latest scan; null when it has none (the `stalled` message says since when). */
    lastScanAt: string | null;
  };
  brand: {
    name: string;
    supportUrl: string;
    websiteUrl: string | null;
    logoUrl: string | null;
    /** The store's returns page (`returns=` of CHAT_HELP_LINKS); null when none is configured. */
    returnsUrl: string | null;
  };
  /** One-click unsubscribe page for non-essential updates; email only, null for SMS. */
  unsubscribeUrl: string | null;
}

export type TemplateVariableKind =
  | 'text'
  | 'url'
  | 'date'
  | 'instant'
  | 'date_or_instant'
  | 'eta'
  | 'pickup'
  | 'boolean'
  | 'number'
  | 'status'
  | 'reason'
  | 'locale'
  | 'time_zone'
  | 'object';

export interface TemplateVariableDefinition {
  /** Dotted path as written in a template, e.g. `shipment.eta.windowStart`. */
  name: string;
  description: string;
  kind: TemplateVariableKind;
  /** True when the value can be null; use it inside `{{#if}}`. */
  nullable: boolean;
  /** Only offered for these channels; absent = every channel. */
  channels?: readonly Channel[];
}

const v = (
  name: string,
  kind: TemplateVariableKind,
  description: string,
  extra: Partial<Pick<TemplateVariableDefinition, 'nullable' | 'channels'>> = {},
): TemplateVariableDefinition => ({ name, kind, description, nullable: extra.nullable ?? false, ...extra });

const COMMON: readonly TemplateVariableDefinition[] = [
  v('locale', 'locale', 'Language of the message: en, es, fr or de.'),
  v('timeZone', 'time_zone', "Customer's time zone (IANA), used for every time shown."),
  v('now', 'instant', 'When the message is rendered; `relativeDay` counts today from it.'),
  v('customer', 'object', 'The customer.'),
  v('customer.firstName', 'text', "Customer's first name.", { nullable: true }),
  v('customer.lastName', 'text', "Customer's last name.", { nullable: true }),
  v('order', 'object', 'The order.'),
  v('order.number', 'text', 'Order number as the shop shows it, e.g. #WS-1048213.'),
  v('order.url', 'url', "Link to the order in the shop's account area.", { nullable: true }),
  v('order.complete', 'boolean', 'True when this parcel is the last of the order to be delivered.'),
  v('shipment', 'object', 'The shipment this message is about.'),
  v('shipment.carrier', 'text', 'Carrier name as shoppers know it, e.g. DHL Paket or Royal Mail.'),
  v('shipment.trackingNumber', 'text', "Carrier's tracking number."),
  v(
    'shipment.trackingUrl',
    'url',
    'Tracking page link; `{{trackingLink}}` renders it. Null when there is none.',
    {
      nullable: true,
    },
  ),
  v('shipment.parcel', 'object', 'Which parcel of the order this is.'),
  v('shipment.parcel.number', 'number', "This parcel's number in the order, from 1."),
  v('shipment.parcel.count', 'number', 'How many parcels the order ships in (1 for most orders).'),
  v('shipment.status', 'status', 'Canonical status; `{{statusLabel shipment.status}}` gives the words.'),
  v('shipment.eta', 'eta', 'Estimated delivery; `{{etaText shipment.eta}}` gives day and window.', {
    nullable: true,
  }),
  v('shipment.eta.date', 'date', 'Estimated delivery day (YYYY-MM-DD).'),
  v('shipment.eta.windowStart', 'instant', 'Start of the delivery window.', { nullable: true }),
  v('shipment.eta.windowEnd', 'instant', 'End of the delivery window.', { nullable: true }),
  v(
    'shipment.etaSource',
    'text',
    "Where the date shown comes from: carrier (the carrier's ETA, in shipment.eta) or estimate (ours, in shipment.estimate).",
    { nullable: true },
  ),
  v(
    'shipment.estimate',
    'object',
    'Our estimated window from past deliveries; `{{etaText shipment.estimate}}` gives e.g. 7–9 December. Word it as an estimate.',
    { nullable: true },
  ),
  v('shipment.estimate.earliest', 'date', 'Earliest estimated day (YYYY-MM-DD).'),
  v('shipment.estimate.likely', 'date', 'Most likely day (YYYY-MM-DD).'),
  v('shipment.estimate.latest', 'date', 'Latest estimated day (YYYY-MM-DD).'),
  v('brand', 'object', 'The shop sending the message.'),
  v('brand.name', 'text', 'Shop name.'),
  v('brand.supportUrl', 'url', 'Help or contact page.'),
  v('brand.websiteUrl', 'url', 'Shop home page.', { nullable: true }),
  v('brand.logoUrl', 'url', 'Logo image for email headers.', { nullable: true, channels: ['email'] }),
  v('brand.returnsUrl', 'url', "The store's returns page.", { nullable: true }),
  v('unsubscribeUrl', 'url', 'Unsubscribe from shipping updates (required in email).', {
    channels: ['email'],
  }),
];

const REASON = v(
  'shipment.reason',
  'reason',
  'Exception reason; `{{reasonText shipment.reason}}` gives plain words and the next step.',
  { nullable: true },
);
const PICKUP: readonly TemplateVariableDefinition[] = [
  v('shipment.pickup', 'pickup', 'Pickup point holding the parcel.', { nullable: true }),
  v('shipment.pickup.name', 'text', 'Pickup point name.', { nullable: true }),
  v('shipment.pickup.address', 'text', 'Pickup point address.', { nullable: true }),
  v('shipment.pickup.deadline', 'date_or_instant', 'Last day to collect.', { nullable: true }),
];
const PREVIOUS_ETA: readonly TemplateVariableDefinition[] = [
  v('shipment.previousEta', 'eta', 'The ETA before this change.', { nullable: true }),
  v('shipment.previousEta.date', 'date', 'Previous estimated day.'),
  v('shipment.previousEta.windowStart', 'instant', 'Previous window start.', { nullable: true }),
  v('shipment.previousEta.windowEnd', 'instant', 'Previous window end.', { nullable: true }),
];
const DELIVERED: readonly TemplateVariableDefinition[] = [
  v(
    'shipment.collectedAtPickup',
    'boolean',
    'True when the customer collected the parcel at a pickup point.',
  ),
  v('shipment.deliveredAt', 'instant', 'When it was delivered.', { nullable: true }),
];

export const TEMPLATE_VARIABLES: Readonly<Record<NotificationType, readonly TemplateVariableDefinition[]>> = {
  shipped: [...COMMON],
  out_for_delivery: [...COMMON],
  delivery_attempt_failed: [...COMMON, REASON, ...PICKUP],
  available_for_pickup: [...COMMON, ...PICKUP],
  pickup_reminder: [...COMMON, ...PICKUP],
  delivered: [...COMMON, ...PICKUP, ...DELIVERED],
  delayed: [...COMMON, REASON, ...PREVIOUS_ETA],
  exception: [...COMMON, REASON],
  returned_to_sender: [...COMMON, REASON],
  // The announced day is `shipment.eta` (the carrier's date, or our own estimate when the carrier gives none).
  arriving_tomorrow: [...COMMON],
  stalled: [
    ...COMMON,
    v('shipment.lastScanAt', 'instant', "The carrier's latest scan; `{{formatDate shipment.lastScanAt}}`.", {
      nullable: true,
    }),
  ],
  order_complete: [...COMMON, ...PICKUP, ...DELIVERED],
};

/** The variables an editor may insert for this type and channel. */
export function templateVariablesFor(
  type: NotificationType,
  channel?: Channel,
): TemplateVariableDefinition[] {
  return TEMPLATE_VARIABLES[type].filter((d) => !channel || !d.channels || d.channels.includes(channel));
}

/**
 * The shop as its messages show it, from configuration (BRAND_NAME, BRAND_LOGO_URL, SUPPORT_URL and the `returns=`
 * page of CHAT_HELP_LINKS): the same for a send and for the editor's preview. BRAND_COLOR reaches the email
 * layout through the template engine (`accentColor`).
 */
export function brandVariables(config: Pick<AppConfig, 'brand' | 'chat'>): TemplateVariables['brand'] {
  return {
    name: config.brand.name,
    supportUrl: config.brand.supportUrl,
    websiteUrl: null,
    logoUrl: config.brand.logoUrl ?? null,
    returnsUrl: config.chat.helpLinks.refund_return ?? null,
  };
}

/** Normalises a tracking ETA into the always-keyed template shape. */
export function toTemplateEta(eta: Eta | null | undefined): TemplateEta | null {
  if (!eta) return null;
  return { date: eta.date, windowStart: eta.windowStart ?? null, windowEnd: eta.windowEnd ?? null };
}

export function toTemplatePickup(pickup: PickupPoint | null | undefined): TemplatePickup | null {
  if (!pickup) return null;
  return { name: pickup.name, address: pickup.address, deadline: pickup.deadline };
}

export interface SampleOptions {
  locale?: SupportedLocale;
  channel?: Channel;
  timeZone?: string;
}

/**
 * Realistic data for previews, editor hints and tests. Deliberately long-ish (a hyphenated first name, a
 * 49-character tracking link) so a template that fits with it fits with real data.
 * "Now" is Monday 11 May 2026, 09:30 in Berlin; the parcel is due Tuesday 12 May, 10:00–14:00 Berlin time.
 */
export function sampleVariables(type: NotificationType, options: SampleOptions = {}): TemplateVariables {
  const channel = options.channel ?? 'email';
  const base: TemplateVariables = {
    locale: options.locale ?? 'en',
    timeZone: options.timeZone ?? 'Europe/Berlin',
    now: '2026-05-11T07:30:00.000Z',
    customer: { firstName: 'Alexandra-Marie', lastName: 'Hoffmann' },
    order: {
      number: '#WS-1048213',
      url: 'https://northwind-outfitters.com/account/orders/1048213',
      complete: false,
    },
    shipment: {
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      trackingUrl: 'https://track.wismo-shop.com/t/1Z999AA10123456784',
      parcel: { number: 1, count: 1 },
      status: 'in_transit',
      reason: null,
      eta: {
        date: '2026-05-12',
        windowStart: '2026-05-12T08:00:00.000Z',
        windowEnd: '2026-05-12T12:00:00.000Z',
      },
      etaSource: 'carrier',
      estimate: null,
      previousEta: null,
      pickup: null,
      collectedAtPickup: false,
      deliveredAt: null,
      lastScanAt: '2026-05-11T05:40:00.000Z',
    },
    brand: {
      name: 'Northwind Outfitters',
      supportUrl: 'https://northwind-outfitters.com/help',
      websiteUrl: 'https://northwind-outfitters.com',
      logoUrl: 'https://northwind-outfitters.com/static/logo.png',
      returnsUrl: 'https://northwind-outfitters.com/returns',
    },
    unsubscribeUrl:
      channel === 'email' ? 'https://northwind-outfitters.com/u/3f9a2c7e1b/shipping-updates' : null,
  };
  const pickup: TemplatePickup = {
    name: 'Kiosk am Hauptbahnhof',
    address: 'Friedrichstraße 123, 10117 Berlin',
    deadline: '2026-05-19',
  };
  const s = base.shipment;
  switch (type) {
    case 'shipped':
      s.status = 'in_transit';
      s.eta = { date: '2026-05-13', windowStart: null, windowEnd: null };
      break;
    case 'out_for_delivery':
      s.status = 'out_for_delivery';
      s.eta = {
        date: '2026-05-11',
        windowStart: '2026-05-11T08:00:00.000Z',
        windowEnd: '2026-05-11T12:00:00.000Z',
      };
      break;
    case 'delivery_attempt_failed':
      s.status = 'attempt_failed';
      s.reason = 'recipient_unavailable';
      break;
    case 'available_for_pickup':
      s.status = 'available_for_pickup';
      s.eta = null;
      s.pickup = pickup;
      break;
    case 'pickup_reminder':
      s.status = 'available_for_pickup';
      s.eta = null;
      s.pickup = { ...pickup, deadline: '2026-05-13' };
      break;
    case 'delivered':
      s.status = 'delivered';
      s.eta = null;
      s.deliveredAt = '2026-05-11T07:12:00.000Z';
      break;
    case 'delayed':
      s.status = 'in_transit';
      s.reason = 'weather';
      s.previousEta = { date: '2026-05-11', windowStart: null, windowEnd: null };
      s.eta = { date: '2026-05-14', windowStart: null, windowEnd: null };
      break;
    case 'exception':
      s.status = 'exception';
      s.reason = 'address_issue';
      s.eta = null;
      break;
    case 'arriving_tomorrow':
      s.status = 'in_transit';
      break;
    case 'stalled':
      s.status = 'in_transit';
      s.eta = null;
      s.lastScanAt = '2026-05-07T16:20:00.000Z';
      break;
    case 'order_complete':
      s.status = 'delivered';
      s.eta = null;
      s.deliveredAt = '2026-05-11T07:12:00.000Z';
      s.parcel = { number: 2, count: 2 };
      base.order.complete = true;
      break;
    case 'returned_to_sender':
      s.status = 'returned';
      s.reason = 'refused';
      s.eta = null;
      break;
  }
  return base;
}
