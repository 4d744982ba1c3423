/**
 * Shopify webhook bodies to what Wismo needs of them. The body of `orders/*` is the REST Order, of `fulfillments/*` the
 * REST Fulfillment, of `fulfillment_events/create` the REST FulfillmentEvent; the REST response envelopes
 * (`{ "order": … }`) are accepted too. Only what messages, verification and analytics need is read: the order's name,
 * contact (email, phone, customer's name), locale, delivery postcode, country and region (for the time zone), and
 * each fulfillment's tracking numbers, company and `shipment_status`. Street addresses, line items and payment
 * details are never read.
 *
 * A fulfillment's `shipment_status` becomes a scan (`provider: 'shopify'`) that the service applies only to shipments
 * no aggregator reports on.
 */
import { parseEventTime } from './event-time';
import {
  field,
  isRecord,
  joinLocation,
  JsonRecord,
  optionalArray,
  optionalRecord,
  optionalString,
  requireRecord,
} from './payload-reader';
import { malformed, unsupported } from './tracking-payload.error';
import type { CanonicalStatus, ExceptionReason, TrackingUpdate } from '../shared/tracking.types';

export const SHOPIFY_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'fulfillments/create',
  'fulfillments/update',
  'fulfillment_events/create',
] as const;
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

export interface ShopifyFulfillment {
  id: string;
  orderId: string | null;
  company: string | null;
  trackingNumbers: string[];
  shipmentStatus: string | null;
  updatedAt: string | null;
}

export interface ShopifyOrder {
  id: string;
  /** `name` without its leading `#` ("#1001" → "1001"): what the shop and its customers call the order. */
  number: string;
  cancelled: boolean;
  customerName: string;
  email: string | null;
  phone: string | null;
  locale: string | null;
  postcode: string | null;
  countryCode: string | null;
  provinceCode: string | null;
  fulfillments: ShopifyFulfillment[];
}

export interface ShopifyFulfillmentEvent {
  id: string;
  fulfillmentId: string;
  orderId: string | null;
  status: string;
  happenedAt: string | null;
  location: string | null;
  message: string | null;
}

export interface ShopifyMessage {
  topic: ShopifyTopic;
  order: ShopifyOrder | null;
  fulfillments: ShopifyFulfillment[];
  event: ShopifyFulfillmentEvent | null;
  /** One update per tracking number whose fulfillment has a `shipment_status`. */
  scans: TrackingUpdate[];
}

/** Fulfillment `shipment_status` and fulfillment event `status` values (Shopify REST Fulfillment/FulfillmentEvent). */
const SHIPMENT_STATUS = new Map<
  string,
  { status: CanonicalStatus; reason: ExceptionReason | null; collected?: boolean }
>([
  ['label_printed', { status: 'pre_transit', reason: null }],
  ['label_purchased', { status: 'pre_transit', reason: null }],
  ['confirmed', { status: 'pre_transit', reason: null }],
  ['carrier_picked_up', { status: 'in_transit', reason: null }],
  ['in_transit', { status: 'in_transit', reason: null }],
  ['out_for_delivery', { status: 'out_for_delivery', reason: null }],
  ['attempted_delivery', { status: 'attempt_failed', reason: null }],
  ['ready_for_pickup', { status: 'available_for_pickup', reason: null }],
  ['picked_up', { status: 'delivered', reason: null, collected: true }],
  ['delivered', { status: 'delivered', reason: null }],
  ['delayed', { status: 'exception', reason: 'delayed' }],
  ['failure', { status: 'exception', reason: 'other' }],
]);

const ENVELOPE_KEY: Record<string, string> = {
  orders: 'order',
  fulfillments: 'fulfillment',
  fulfillment_events: 'fulfillment_event',
};

export function isShopifyTopic(value: unknown): value is ShopifyTopic {
  return typeof value === 'string' && (SHOPIFY_TOPICS as readonly string[]).includes(value);
}

export function parseShopifyTopic(
  topic: string,
  body: unknown,
  deliveryId: string | null = null,
): ShopifyMessage {
  if (!isShopifyTopic(topic)) throw unsupported(`Shopify topic "${topic}" is not one Wismo subscribes to`);
  const resource = unwrap(requireRecord(body, 'body'), ENVELOPE_KEY[topic.split('/')[0]]);
  if (topic.startsWith('orders/')) {
    const order = mapOrder(resource, 'body', topic === 'orders/cancelled');
    return {
      topic,
      order,
      fulfillments: order.fulfillments,
      event: null,
      scans: scansOf(order.fulfillments, deliveryId),
    };
  }
  if (topic.startsWith('fulfillments/')) {
    const fulfillment = mapFulfillment(resource, 'body');
    return {
      topic,
      order: null,
      fulfillments: [fulfillment],
      event: null,
      scans: scansOf([fulfillment], deliveryId),
    };
  }
  return { topic, order: null, fulfillments: [], event: mapEvent(resource, 'body'), scans: [] };
}

function unwrap(root: JsonRecord, key: string): JsonRecord {
  const inner = field(root, key);
  return isRecord(inner) ? inner : root;
}

function mapOrder(o: JsonRecord, path: string, cancelledTopic: boolean): ShopifyOrder {
  const id = requireId(o, 'id', path);
  const name =
    optionalString(o, 'name') ?? optionalString(o, 'order_number') ?? idString(field(o, 'order_number'));
  if (!name) throw malformed(`${path}.name is missing`);
  const shipping = optionalRecord(o, 'shipping_address', path);
  const billing = optionalRecord(o, 'billing_address', path);
  const customer = optionalRecord(o, 'customer', path);
  const fullName = (r: JsonRecord | null) =>
    r
      ? (optionalString(r, 'name') ??
        joinName(optionalString(r, 'first_name'), optionalString(r, 'last_name')))
      : null;
  return {
    id,
    number: name.replace(/^#+/, '').trim() || name,
    cancelled: cancelledTopic || optionalString(o, 'cancelled_at') !== null,
    customerName: fullName(shipping) ?? fullName(customer) ?? fullName(billing) ?? 'Customer',
    email:
      optionalString(o, 'email') ??
      optionalString(o, 'contact_email') ??
      (customer ? optionalString(customer, 'email') : null),
    phone:
      (shipping ? optionalString(shipping, 'phone') : null) ??
      optionalString(o, 'phone') ??
      (customer ? optionalString(customer, 'phone') : null),
    locale: optionalString(o, 'customer_locale'),
    postcode: shipping ? optionalString(shipping, 'zip') : null,
    countryCode: shipping ? optionalString(shipping, 'country_code') : null,
    provinceCode: shipping ? optionalString(shipping, 'province_code') : null,
    fulfillments: optionalArray(o, 'fulfillments', path).map((f, i) =>
      mapFulfillment(requireRecord(f, `${path}.fulfillments[${i}]`), `${path}.fulfillments[${i}]`),
    ),
  };
}

function mapFulfillment(f: JsonRecord, path: string): ShopifyFulfillment {
  const numbers = optionalArray(f, 'tracking_numbers', path).filter(
    (n): n is string => typeof n === 'string',
  );
  const single = optionalString(f, 'tracking_number');
  const trackingNumbers = [
    ...new Set([...numbers, ...(single ? [single] : [])].map((n) => n.trim()).filter(Boolean)),
  ];
  return {
    id: requireId(f, 'id', path),
    orderId: idString(field(f, 'order_id')),
    company: optionalString(f, 'tracking_company'),
    trackingNumbers,
    shipmentStatus: optionalString(f, 'shipment_status'),
    updatedAt: optionalString(f, 'updated_at') ?? optionalString(f, 'created_at'),
  };
}

function mapEvent(e: JsonRecord, path: string): ShopifyFulfillmentEvent {
  const status = optionalString(e, 'status');
  if (!status) throw malformed(`${path}.status is missing`);
  return {
    id: requireId(e, 'id', path),
    fulfillmentId: requireId(e, 'fulfillment_id', path),
    orderId: idString(field(e, 'order_id')),
    status,
    happenedAt: optionalString(e, 'happened_at') ?? optionalString(e, 'created_at'),
    location: joinLocation([field(e, 'city'), field(e, 'province'), field(e, 'country')]),
    message: optionalString(e, 'message'),
  };
}

/** A scan for each tracking number of a fulfillment whose shipment status Wismo understands. */
function scansOf(fulfillments: ShopifyFulfillment[], deliveryId: string | null): TrackingUpdate[] {
  return fulfillments.flatMap((f) =>
    f.shipmentStatus
      ? f.trackingNumbers.flatMap((tn) => {
          const scan = shopifyScan(
            tn,
            f.company,
            f.shipmentStatus!,
            f.updatedAt,
            `${f.id}:${f.shipmentStatus}`,
            null,
            null,
            deliveryId,
          );
          return scan ? [scan] : [];
        })
      : [],
  );
}

/** One Shopify status as a TrackingUpdate; null for a status Wismo does not know (it is then not a scan). */
export function shopifyScan(
  trackingNumber: string,
  company: string | null,
  shipmentStatus: string,
  at: string | null,
  eventId: string,
  location: string | null,
  message: string | null,
  deliveryId: string | null,
): TrackingUpdate | null {
  const mapped = SHIPMENT_STATUS.get(shipmentStatus);
  if (!mapped) return null;
  const time = parseEventTime(at);
  return {
    provider: 'shopify',
    deliveryId,
    carrier: company ?? 'unknown',
    trackingNumber,
    status: mapped.status,
    reason: mapped.reason,
    rawStatus: shipmentStatus,
    rawSubstatus: null,
    eta: null,
    originalEta: null,
    etaRevised: false,
    pickup:
      mapped.status === 'available_for_pickup' ? { name: null, address: location, deadline: null } : null,
    collectedAtPickup: mapped.collected === true,
    deliveredAt: mapped.status === 'delivered' ? time.instant : null,
    events: [
      {
        status: mapped.status,
        reason: mapped.reason,
        description: message ?? `Shopify: ${shipmentStatus.replace(/_/g, ' ')}`,
        location,
        occurredAt: time.instant,
        occurredAtRaw: time.raw,
        // Shopify names the fulfillment (and the event) by id, so (fulfillment, status) is a stable identity.
        providerEventId: eventId,
        rawStatus: shipmentStatus,
        rawSubstatus: null,
        collectedAtPickup: mapped.collected === true,
      },
    ],
  };
}

function requireId(obj: JsonRecord, key: string, path: string): string {
  const id = idString(field(obj, key));
  if (!id) throw malformed(`${path}.${key} is missing`);
  return id;
}

/** Shopify ids are integers in JSON (beyond 2^53 in newer shops, so they may arrive rounded) or strings. */
function idString(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value) && Number.isInteger(value) && value >= 0) {
    return BigInt(value).toString();
  }
  if (typeof value === 'string' && /^\d{1,30}$/.test(value.trim())) return value.trim();
  return null;
}

function joinName(first: string | null, last: string | null): string | null {
  const name = [first, last]
    .filter((p): p is string => p !== null)
    .join(' ')
    .trim();
  return name === '' ? null : name;
}
