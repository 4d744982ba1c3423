/**
 * Webhook bodies shaped like the real providers' (EasyPost Event envelopes, AfterShip tracking_update, Shippo
 * track_updated, our generic format, 17TRACK TRACKING_UPDATED, Ship24 trackings, ShipEngine API_TRACK, karrio
 * tracker.updated, Shopify fulfillments/update) and signed exactly as those providers sign them. Aggregators send the whole
 * tracker each time (the full scan history so far); the generic format sends one scan.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { signKarrio, signShopify, signTrack17 } from '../../src/tracking/feed-signatures';
import { signAfterShip, signEasyPost, signStandardWebhook } from '../../src/tracking/webhook-signature';

export type Provider =
  | 'easypost'
  | 'aftership'
  | 'shippo'
  | 'generic'
  | '17track'
  | 'ship24'
  | 'shipengine'
  | 'karrio'
  | 'shopify';

/** The demo's Shopify shop (`X-Shopify-Shop-Domain`). */
export const DEMO_SHOP = 'wismo-demo.myshopify.com';
export type Stage =
  | 'pre_transit'
  | 'in_transit'
  | 'out_for_delivery'
  | 'attempt_failed'
  | 'available_for_pickup'
  | 'delivered'
  | 'exception'
  | 'returned';
export type Reason = 'address_issue' | 'recipient_unavailable' | 'lost' | 'delayed' | 'weather' | 'damaged';

export interface Place {
  city: string;
  state?: string;
  country: string;
  zip?: string;
}

export interface Scan {
  stage: Stage;
  reason?: Reason;
  description: string;
  place: Place;
  at: Date;
  /** IANA zone the scan's local time is written in (the place's). */
  zone: string;
  /** A parcel collected at the pickup point it was waiting at. */
  collected?: boolean;
  pickup?: { name: string; address: string; deadline: string };
}

export interface WebhookSecrets {
  easypost: string;
  aftership: string;
  shippo: string;
  generic: string;
  track17: string;
  ship24: string;
  shipengine: string;
  karrio: string;
  shopify: string;
}

export interface Tracker {
  provider: Provider;
  /** The carrier as the provider spells it (EasyPost "UPS", AfterShip slug "ups", Shippo token "usps"). */
  carrier: string;
  trackingNumber: string;
  orderNumber: string;
  /** Scans so far, oldest first. */
  history: Scan[];
  /** The estimated delivery date (YYYY-MM-DD) the carrier currently announces, if any. */
  eta: string | null;
  originalEta: string | null;
}

export interface SignedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

const localIso = (at: Date, zone: string) =>
  DateTime.fromJSDate(at).setZone(zone).toISO({ suppressMilliseconds: true })!;
const utcMidnight = (date: string) => `${date}T00:00:00Z`;
const stableId = (...parts: string[]) =>
  createHash('sha1').update(parts.join('|')).digest('hex').slice(0, 24);

/** Builds the webhook for the tracker as it stands now (its newest scan is the update), signed. */
export function buildWebhook(tracker: Tracker, secrets: WebhookSecrets, nowSeconds: number): SignedRequest {
  const json = (value: unknown) => JSON.stringify(value);
  switch (tracker.provider) {
    case 'easypost': {
      const body = json(easyPostEvent(tracker));
      return {
        path: '/v1/webhooks/easypost',
        headers: { 'x-hmac-signature': signEasyPost(body, secrets.easypost) },
        body,
      };
    }
    case 'aftership': {
      const body = json(afterShipEvent(tracker, nowSeconds));
      return {
        path: '/v1/webhooks/aftership',
        headers: { 'aftership-hmac-sha256': signAfterShip(body, secrets.aftership) },
        body,
      };
    }
    case 'shippo': {
      const body = json(shippoEvent(tracker));
      return {
        path: `/v1/webhooks/shippo?token=${encodeURIComponent(secrets.shippo)}`,
        headers: {},
        body,
      };
    }
    case 'generic': {
      const scan = tracker.history[tracker.history.length - 1];
      return genericWebhook(tracker, scan, secrets.generic, nowSeconds);
    }
    case '17track': {
      const body = json(track17Push(tracker));
      return { path: '/v1/webhooks/17track', headers: { sign: signTrack17(body, secrets.track17) }, body };
    }
    case 'ship24': {
      const body = json(ship24Trackings(tracker));
      return { path: '/v1/webhooks/ship24', headers: { authorization: `Bearer ${secrets.ship24}` }, body };
    }
    case 'shipengine': {
      const body = json(shipEngineTrack(tracker));
      return {
        path: `/v1/webhooks/shipengine?token=${encodeURIComponent(secrets.shipengine)}`,
        headers: {},
        body,
      };
    }
    case 'karrio': {
      const body = json({ event: 'tracker.updated', data: karrioTracker(tracker) });
      return {
        path: '/v1/webhooks/karrio',
        headers: { 'x-karrio-signature': signKarrio(body, secrets.karrio) },
        body,
      };
    }
    case 'shopify':
      return shopifyWebhook('fulfillments/update', shopifyFulfillment(tracker, true), secrets.shopify);
  }
}

/** A Shopify webhook for the demo shop, signed as Shopify signs it. */
export function shopifyWebhook(topic: string, payload: unknown, secret: string): SignedRequest {
  const body = JSON.stringify(payload);
  return {
    path: '/v1/webhooks/shopify',
    headers: {
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': DEMO_SHOP,
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-hmac-sha256': signShopify(body, secret),
    },
    body,
  };
}

/** Shopify ids are integers: stable ones derived from the order number and tracking number. */
export const shopifyId = (...parts: string[]) =>
  1_000_000 + (parseInt(stableId(...parts).slice(0, 10), 16) % 9_000_000_000);

/** One scan in our generic format, signed Standard Webhooks style (used for the late, out-of-order scan too). */
export function genericWebhook(
  tracker: Pick<Tracker, 'carrier' | 'trackingNumber' | 'eta'>,
  scan: Scan,
  secret: string,
  nowSeconds: number,
): SignedRequest {
  const event: Record<string, unknown> = {
    carrier: tracker.carrier,
    trackingNumber: tracker.trackingNumber,
    status: scan.stage,
    description: scan.description,
    location: placeText(scan.place),
    occurredAt: localIso(scan.at, scan.zone),
    eventId: `scan-${stableId(tracker.trackingNumber, scan.stage, scan.at.toISOString())}`,
  };
  if (scan.reason && (scan.stage === 'exception' || scan.stage === 'attempt_failed'))
    event.reason = scan.reason;
  if (scan.collected) event.collectedAtPickup = true;
  if (scan.pickup) event.pickup = scan.pickup;
  if (tracker.eta) event.eta = { date: tracker.eta };
  const body = JSON.stringify(event);
  const id = `msg_${randomUUID()}`;
  return {
    path: '/v1/webhooks/generic',
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(nowSeconds),
      'webhook-signature': signStandardWebhook(id, nowSeconds, body, secret),
    },
    body,
  };
}

function placeText(p: Place): string {
  return [p.city, p.state, p.country].filter(Boolean).join(', ');
}

// ---------------------------------------------------------------- EasyPost

const EASYPOST_STATUS: Record<Stage, string> = {
  pre_transit: 'pre_transit',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  attempt_failed: 'in_transit',
  available_for_pickup: 'available_for_pickup',
  delivered: 'delivered',
  exception: 'failure',
  returned: 'return_to_sender',
};

function easyPostDetail(scan: Scan): string {
  switch (scan.stage) {
    case 'pre_transit':
      return 'label_created';
    case 'in_transit':
      return /depart/i.test(scan.description) ? 'departed_facility' : 'arrived_at_facility';
    case 'out_for_delivery':
      return 'out_for_delivery';
    case 'attempt_failed':
      return 'attempted_delivery';
    case 'available_for_pickup':
      return 'arrived_at_pickup_location';
    case 'delivered':
      return 'arrived_at_destination';
    case 'exception':
      return scan.reason === 'address_issue' ? 'address_correction' : (scan.reason ?? 'unknown');
    case 'returned':
      return 'return';
  }
}

function easyPostEvent(t: Tracker) {
  const newest = t.history[t.history.length - 1];
  const trackerId = `trk_${stableId('easypost', t.trackingNumber)}`;
  return {
    object: 'Event',
    id: `evt_${stableId(trackerId, newest.at.toISOString(), newest.stage)}`,
    mode: 'production',
    description: t.history.length === 1 ? 'tracker.created' : 'tracker.updated',
    created_at: new Date().toISOString(),
    status: 'pending',
    result: {
      object: 'Tracker',
      id: trackerId,
      mode: 'production',
      tracking_code: t.trackingNumber,
      carrier: t.carrier,
      status: EASYPOST_STATUS[newest.stage],
      status_detail: easyPostDetail(newest),
      signed_by: newest.stage === 'delivered' ? 'FRONT DOOR' : null,
      est_delivery_date: t.eta ? utcMidnight(t.eta) : null,
      public_url: `https://track.easypost.com/${trackerId}`,
      tracking_details: t.history.map((scan) => ({
        object: 'TrackingDetail',
        message: scan.description,
        description: '',
        status: EASYPOST_STATUS[scan.stage],
        status_detail: easyPostDetail(scan),
        datetime: localIso(scan.at, scan.zone),
        source: t.carrier,
        tracking_location: {
          object: 'TrackingLocation',
          city: scan.place.city,
          state: scan.place.state ?? null,
          country: scan.place.country,
          zip: scan.place.zip ?? null,
        },
      })),
      carrier_detail: {
        object: 'CarrierDetail',
        service: 'Ground',
        est_delivery_date_local: t.eta,
      },
    },
  };
}

// ---------------------------------------------------------------- AfterShip

const AFTERSHIP_REASON: Record<Reason, string> = {
  address_issue: 'Exception_007',
  recipient_unavailable: 'Exception_008',
  lost: 'Exception_013',
  delayed: 'Exception_016',
  weather: 'Exception_017',
  damaged: 'Exception_012',
};

function afterShipTag(scan: Scan): { tag: string; subtag: string } {
  switch (scan.stage) {
    case 'pre_transit':
      return { tag: 'InfoReceived', subtag: 'InfoReceived_001' };
    case 'in_transit':
      return {
        tag: 'InTransit',
        subtag: /depart/i.test(scan.description) ? 'InTransit_007' : 'InTransit_002',
      };
    case 'out_for_delivery':
      return { tag: 'OutForDelivery', subtag: 'OutForDelivery_001' };
    case 'attempt_failed':
      return { tag: 'AttemptFail', subtag: 'AttemptFail_002' };
    case 'available_for_pickup':
      return { tag: 'AvailableForPickup', subtag: 'AvailableForPickup_001' };
    case 'delivered':
      return { tag: 'Delivered', subtag: scan.collected ? 'Delivered_002' : 'Delivered_001' };
    case 'exception':
      return { tag: 'Exception', subtag: AFTERSHIP_REASON[scan.reason ?? 'damaged'] };
    case 'returned':
      return { tag: 'Exception', subtag: 'Exception_011' };
  }
}

function afterShipEvent(t: Tracker, nowSeconds: number) {
  const newest = t.history[t.history.length - 1];
  const { tag, subtag } = afterShipTag(newest);
  const pickupScan = [...t.history].reverse().find((s) => s.pickup);
  return {
    event: 'tracking_update',
    event_id: randomUUID(),
    is_tracking_first_tag: false,
    ts: nowSeconds,
    msg: {
      id: stableId('aftership', t.trackingNumber),
      tracking_number: t.trackingNumber,
      slug: t.carrier,
      title: t.orderNumber,
      order_id: t.orderNumber,
      tag,
      subtag,
      subtag_message: newest.description,
      shipment_delivery_date: newest.stage === 'delivered' ? localIso(newest.at, newest.zone) : null,
      pickup_location: pickupScan?.pickup?.name ?? null,
      first_estimated_delivery: t.originalEta
        ? { type: 'specific', source: 'Carrier EDD', datetime: t.originalEta }
        : null,
      latest_estimated_delivery: t.eta ? { type: 'specific', source: 'Carrier EDD', datetime: t.eta } : null,
      checkpoints: t.history.map((scan) => ({
        slug: t.carrier,
        checkpoint_time: localIso(scan.at, scan.zone),
        city: scan.place.city,
        state: scan.place.state ?? null,
        zip: scan.place.zip ?? null,
        country_region: scan.place.country,
        location: placeText(scan.place),
        message: scan.description,
        ...afterShipTag(scan),
        subtag_message: scan.description,
      })),
    },
  };
}

// ---------------------------------------------------------------- Shippo

function shippoStatus(scan: Scan): { status: string; code: string; action: boolean } {
  switch (scan.stage) {
    case 'pre_transit':
      return { status: 'PRE_TRANSIT', code: 'information_received', action: false };
    case 'in_transit':
      return {
        status: 'TRANSIT',
        code: /depart/i.test(scan.description) ? 'package_departed' : 'package_arrived',
        action: false,
      };
    case 'out_for_delivery':
      return { status: 'TRANSIT', code: 'out_for_delivery', action: false };
    case 'attempt_failed':
      return { status: 'TRANSIT', code: 'notice_left', action: true };
    case 'available_for_pickup':
      return { status: 'TRANSIT', code: 'pickup_available', action: true };
    case 'delivered':
      return { status: 'DELIVERED', code: 'delivered', action: false };
    case 'exception':
      return scan.reason === 'address_issue'
        ? { status: 'TRANSIT', code: 'address_issue', action: true }
        : {
            status: 'FAILURE',
            code: scan.reason === 'lost' ? 'package_lost' : 'contact_carrier',
            action: true,
          };
    case 'returned':
      return { status: 'RETURNED', code: 'return_to_sender', action: false };
  }
}

function shippoEntry(t: Tracker, scan: Scan) {
  const s = shippoStatus(scan);
  return {
    object_id: stableId('shippo', t.trackingNumber, scan.at.toISOString()),
    status: s.status,
    substatus: { code: s.code, text: scan.description, action_required: s.action },
    status_details: scan.description,
    status_date: localIso(scan.at, scan.zone),
    location: {
      city: scan.place.city,
      state: scan.place.state ?? null,
      zip: scan.place.zip ?? null,
      country: scan.place.country,
    },
  };
}

function shippoEvent(t: Tracker) {
  const newest = t.history[t.history.length - 1];
  return {
    event: 'track_updated',
    test: false,
    data: {
      carrier: t.carrier,
      tracking_number: t.trackingNumber,
      metadata: `Order ${t.orderNumber}`,
      eta: t.eta ? utcMidnight(t.eta) : null,
      original_eta: t.originalEta ? utcMidnight(t.originalEta) : null,
      servicelevel: { token: `${t.carrier}_ground`, name: 'Ground' },
      tracking_status: shippoEntry(t, newest),
      tracking_history: t.history.map((scan) => shippoEntry(t, scan)),
    },
  };
}

// ---------------------------------------------------------------- 17TRACK

const TRACK17: Record<Stage, [string, string, string]> = {
  pre_transit: ['InfoReceived', 'InfoReceived', 'InfoReceived'],
  in_transit: ['InTransit', 'InTransit_Other', 'Arrival'],
  out_for_delivery: ['OutForDelivery', 'OutForDelivery_Other', 'OutForDelivery'],
  attempt_failed: ['DeliveryFailure', 'DeliveryFailure_NoBody', 'OutForDelivery'],
  available_for_pickup: ['AvailableForPickup', 'AvailableForPickup_Other', 'AvailableForPickup'],
  delivered: ['Delivered', 'Delivered_Other', 'Delivered'],
  exception: ['Exception', 'Exception_Other', 'Exception'],
  returned: ['Exception', 'Exception_Returned', 'Returned'],
};
const TRACK17_REASON: Partial<Record<Reason, string>> = {
  address_issue: 'DeliveryFailure_InvalidAddress',
  lost: 'Exception_Lost',
  delayed: 'Exception_Delayed',
  damaged: 'Exception_Damage',
};

function track17Push(t: Tracker) {
  const newest = t.history[t.history.length - 1];
  const [status, sub] = TRACK17[newest.stage];
  const reasonSub = newest.stage === 'exception' && newest.reason ? TRACK17_REASON[newest.reason] : undefined;
  return {
    event: 'TRACKING_UPDATED',
    data: {
      number: t.trackingNumber,
      carrier: 100002,
      param: null,
      tag: t.orderNumber,
      track_info: {
        latest_status: {
          status: reasonSub ? reasonSub.split('_')[0] : status,
          sub_status: reasonSub ?? sub,
          sub_status_descr: null,
        },
        time_metrics: { estimated_delivery_date: { source: 'Official', from: t.eta, to: t.eta } },
        tracking: {
          providers: [
            {
              provider: { key: 100002, name: t.carrier, alias: t.carrier },
              events: [...t.history].reverse().map((scan) => ({
                time_iso: localIso(scan.at, scan.zone),
                time_utc: scan.at.toISOString(),
                description: scan.description,
                location: placeText(scan.place),
                stage: TRACK17[scan.stage][2],
              })),
            },
          ],
        },
      },
    },
  };
}

// ---------------------------------------------------------------- Ship24

const SHIP24: Record<Stage, [string, string | null]> = {
  pre_transit: ['info_received', 'data_order_created'],
  in_transit: ['in_transit', null],
  out_for_delivery: ['out_for_delivery', 'delivery_out_for_delivery'],
  attempt_failed: ['failed_attempt', 'delivery_failed_attempt'],
  available_for_pickup: ['available_for_pickup', 'delivery_ready_for_pickup'],
  delivered: ['delivered', 'delivery_delivered'],
  exception: ['exception', null],
  returned: ['exception', 'exception_return_to_sender'],
};

function ship24Trackings(t: Tracker) {
  const newest = t.history[t.history.length - 1];
  const code = (scan: Scan) =>
    scan.stage === 'exception' && scan.reason ? `exception_${scan.reason}` : SHIP24[scan.stage][1];
  return {
    trackings: [
      {
        metadata: { generatedAt: new Date().toISOString(), messageId: randomUUID() },
        tracker: {
          trackerId: stableId('ship24', t.trackingNumber),
          trackingNumber: t.trackingNumber,
          shipmentReference: t.orderNumber,
          courierCode: [t.carrier],
        },
        shipment: {
          statusMilestone: SHIP24[newest.stage][0],
          statusCode: code(newest),
          delivery: { estimatedDeliveryDate: t.eta ? `${t.eta}T18:00:00` : null },
        },
        // Ship24 pushes only the events found since the last push, newest first.
        events: [newest].map((scan) => ({
          eventId: stableId('ship24', t.trackingNumber, scan.at.toISOString(), scan.stage),
          trackingNumber: t.trackingNumber,
          eventTrackingNumber: t.trackingNumber,
          status: scan.description,
          occurrenceDatetime: localIso(scan.at, scan.zone).slice(0, 19),
          location: placeText(scan.place),
          courierCode: t.carrier,
          statusCode: code(scan),
          statusMilestone: SHIP24[scan.stage][0],
        })),
      },
    ],
  };
}

// ---------------------------------------------------------------- ShipEngine

const SHIPENGINE: Record<Stage, [string, string | null]> = {
  pre_transit: ['AC', null],
  in_transit: ['IT', null],
  out_for_delivery: ['IT', 'OUT_FOR_DELIVERY'],
  attempt_failed: ['AT', 'ATTEMPTED_DELIVERY'],
  available_for_pickup: ['SP', 'AWAITING_COLLECTION_FROM_PICKUP_POINT'],
  delivered: ['DE', null],
  exception: ['EX', null],
  returned: ['EX', 'RETURNED_TO_SENDER'],
};

function shipEngineTrack(t: Tracker) {
  const newest = t.history[t.history.length - 1];
  const [code, detail] = SHIPENGINE[newest.stage];
  return {
    resource_url: `https://api.shipengine.com/v1/tracking?carrier_code=${t.carrier}&tracking_number=${t.trackingNumber}`,
    resource_type: 'API_TRACK',
    data: {
      tracking_number: t.trackingNumber,
      status_code: code,
      status_detail_code: detail,
      status_description: newest.description,
      carrier_status_description: newest.description,
      estimated_delivery_date: t.eta ? `${t.eta}T00:00:00` : null,
      actual_delivery_date: newest.stage === 'delivered' ? newest.at.toISOString() : null,
      exception_description: newest.stage === 'exception' ? newest.description : null,
      events: [...t.history].reverse().map((scan) => ({
        occurred_at: scan.at.toISOString(),
        carrier_occurred_at: localIso(scan.at, scan.zone).slice(0, 19),
        description: scan.description,
        city_locality: scan.place.city,
        state_province: scan.place.state ?? '',
        country_code: scan.place.country,
        status_code: SHIPENGINE[scan.stage][0],
      })),
    },
  };
}

// ---------------------------------------------------------------- karrio

const KARRIO: Record<Stage, string> = {
  pre_transit: 'pending',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  attempt_failed: 'delivery_failed',
  available_for_pickup: 'ready_for_pickup',
  delivered: 'delivered',
  exception: 'on_hold',
  returned: 'return_to_sender',
};

function karrioTracker(t: Tracker) {
  const newest = t.history[t.history.length - 1];
  return {
    id: `trk_${stableId('karrio', t.trackingNumber)}`,
    object_type: 'tracker',
    carrier_name: t.carrier,
    carrier_id: t.carrier,
    tracking_number: t.trackingNumber,
    status:
      newest.stage === 'exception' && newest.reason === 'delayed' ? 'delivery_delayed' : KARRIO[newest.stage],
    delivered: newest.stage === 'delivered',
    estimated_delivery: t.eta,
    test_mode: false,
    events: [...t.history].reverse().map((scan) => {
      const local = localIso(scan.at, scan.zone);
      return {
        date: local.slice(0, 10),
        time: local.slice(11, 16),
        description: scan.description,
        location: placeText(scan.place),
        code: KARRIO[scan.stage],
      };
    }),
    messages: [],
    meta: {},
    metadata: { order: t.orderNumber },
  };
}

// ---------------------------------------------------------------- Shopify

const SHOPIFY: Record<Stage, string> = {
  pre_transit: 'label_purchased',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  attempt_failed: 'attempted_delivery',
  available_for_pickup: 'ready_for_pickup',
  delivered: 'delivered',
  exception: 'failure',
  returned: 'failure',
};

/** The order's fulfillment as Shopify's REST Fulfillment, with the newest scan as its `shipment_status`. */
export function shopifyFulfillment(
  t: Pick<Tracker, 'carrier' | 'trackingNumber' | 'orderNumber' | 'history'>,
  withStatus: boolean,
) {
  const newest = t.history[t.history.length - 1];
  return {
    id: shopifyId('fulfillment', t.trackingNumber),
    order_id: shopifyId('order', t.orderNumber),
    status: 'success',
    tracking_company: t.carrier,
    tracking_number: t.trackingNumber,
    tracking_numbers: [t.trackingNumber],
    tracking_url: null,
    shipment_status: withStatus && newest ? SHOPIFY[newest.stage] : null,
    updated_at: newest ? localIso(newest.at, newest.zone) : new Date().toISOString(),
  };
}
