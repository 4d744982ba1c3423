/**
 * Test data, in one place. Two ways to make an order:
 * - `putOrder` places it through the API (`PUT /v1/orders/{externalId}`), as a store does: for specs where the
 *   intake, customer matching or notifications are part of what is tested.
 * - `createOrder` writes customer, order, shipments and scans straight to the database: for specs where the
 *   intake is not under test (chat, pages) and a shipment needs a given state or history.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Customer } from '../../src/tracking/customer.entity';
import { Order } from '../../src/tracking/order.entity';
import { Shipment } from '../../src/tracking/shipment.entity';
import { TrackingEvent } from '../../src/tracking/tracking-event.entity';
import { bearer, TestApp } from './test-app';

/** A tracking number no other test uses: a prefix and 16 random hex digits. */
export function uniqueTrackingNumber(prefix = 'TN'): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;
}

/** A store order id no other test uses, such as `WS-1a2b3c4d`. */
export function uniqueExternalId(prefix = 'WS'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface OrderCustomerSpec {
  name?: string;
  /** Null: no email at all. Unset: `jamie.<externalId>@example.com`. */
  email?: string | null;
  /** Null: no phone at all. Unset: +12025550123. */
  phone?: string | null;
  postcode?: string;
  locale?: string;
  timeZone?: string;
  country?: string;
}

export interface OrderSpec {
  externalId?: string;
  customer?: OrderCustomerSpec;
  /** Unset: one UPS parcel with a fresh tracking number. Empty: an order without shipments. */
  shipments?: Array<{ carrier?: string; trackingNumber?: string }>;
  promisedDate?: string;
}

/** The request body a store sends for an order, with the defaults a US customer gets. */
export function orderRequest(spec: OrderSpec = {}): {
  externalId: string;
  body: Record<string, unknown>;
  trackingNumbers: string[];
} {
  const externalId = spec.externalId ?? uniqueExternalId();
  const c = spec.customer ?? {};
  const email = c.email === undefined ? `jamie.${externalId.toLowerCase()}@example.com` : c.email;
  const phone = c.phone === undefined ? '+12025550123' : c.phone;
  const shipments = (spec.shipments ?? [{}]).map((s) => ({
    carrier: s.carrier ?? 'UPS',
    trackingNumber: s.trackingNumber ?? uniqueTrackingNumber(),
  }));
  const body: Record<string, unknown> = {
    customer: {
      name: c.name ?? 'Jamie Rivera',
      ...(email === null ? {} : { email }),
      ...(phone === null ? {} : { phone }),
      ...(c.postcode ? { postcode: c.postcode } : {}),
      locale: c.locale ?? 'en-US',
      timeZone: c.timeZone ?? 'America/New_York',
      country: c.country ?? 'US',
    },
    ...(spec.promisedDate ? { promisedDate: spec.promisedDate } : {}),
    shipments,
  };
  return { externalId, body, trackingNumbers: shipments.map((s) => s.trackingNumber) };
}

export interface PlacedOrder {
  externalId: string;
  /** The first parcel's tracking number (most specs have one parcel). */
  trackingNumber: string;
  trackingNumbers: string[];
  orderId: string;
  customerId: string;
  email: string | null;
  phone: string | null;
}

/** Places an order through the API with the admin key and fails the test unless it was created (201). */
export async function putOrder(t: TestApp, spec: OrderSpec = {}): Promise<PlacedOrder> {
  const { externalId, body, trackingNumbers } = orderRequest(spec);
  const res = await t.http.put(`/v1/orders/${externalId}`).set(bearer(t.adminKey)).send(body);
  if (res.status !== 201) {
    throw new Error(`PUT /v1/orders/${externalId} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const customer = body.customer as { email?: string; phone?: string };
  return {
    externalId,
    trackingNumber: trackingNumbers[0],
    trackingNumbers,
    orderId: res.body.id as string,
    customerId: res.body.customer.id as string,
    email: customer.email ?? null,
    phone: customer.phone ?? null,
  };
}

/** Tracking data written straight to the database (the intake API is not under test). */
export interface ShipmentSpec extends Partial<Shipment> {
  events?: Array<{
    status?: Shipment['status'];
    description: string;
    location?: string | null;
    occurredAt: Date;
  }>;
}

let counter = 0;
/** Digits unique within a run and short enough for the default order-number shape (4–10 digits). */
const unique = () =>
  `${String(Date.now() % 1e5).padStart(5, '0')}${String(counter++ % 1000).padStart(3, '0')}`;

export async function createOrder(
  db: DataSource,
  spec: { customer?: Partial<Customer>; orderNumber?: string; shipments?: ShipmentSpec[] } = {},
): Promise<{ customer: Customer; order: Order; shipments: Shipment[] }> {
  const customer = await db.getRepository(Customer).save(
    db.getRepository(Customer).create({
      name: 'Jo Tester',
      email: `jo.${unique()}@example.com`,
      phone: null,
      postcode: 'SW1A 1AA',
      locale: 'en-GB',
      timeZone: 'Europe/London',
      country: 'GB',
      ...spec.customer,
    }),
  );
  const order = await db.getRepository(Order).save(
    db.getRepository(Order).create({
      externalId: spec.orderNumber ?? `#WS-${unique()}`,
      customerId: customer.id,
      ...orderContactsOf(customer),
    }),
  );
  const shipments: Shipment[] = [];
  for (const [i, { events, ...fields }] of (spec.shipments ?? []).entries()) {
    const shipment = await db.getRepository(Shipment).save(
      db.getRepository(Shipment).create({
        orderId: order.id,
        carrier: 'ups',
        trackingNumber: `1Z${randomBytes(8).toString('hex').toUpperCase()}`,
        status: 'in_transit',
        createdAt: new Date(Date.now() - 1000 * (10 - i)),
        ...fields,
      }),
    );
    for (const [j, ev] of (events ?? []).entries()) {
      await db.getRepository(TrackingEvent).insert({
        shipmentId: shipment.id,
        status: ev.status ?? shipment.status,
        description: ev.description,
        location: ev.location ?? null,
        occurredAt: ev.occurredAt,
        provider: 'generic',
        contentHash: randomBytes(32).toString('hex'),
        reason: null,
        occurredAtRaw: ev.occurredAt.toISOString(),
        providerEventId: `ev-${j}`,
      });
    }
    shipments.push(shipment);
  }
  return { customer, order, shipments };
}

/** An order placed with the customer's details: orders carry their own contact details (issue 14). */
export function orderContactsOf(customer: Customer): Partial<Order> {
  return {
    contactName: customer.name,
    contactEmail: customer.email,
    contactPhone: customer.phone,
    contactPostcode: customer.postcode,
    contactLocale: customer.locale,
    contactTimeZone: customer.timeZone,
    contactCountry: customer.country,
  };
}

/** The order number as a shopper types it (externalIds are stored with a leading '#'). */
export function orderNumberOf(order: Order): string {
  return order.externalId.replace(/^#/, '');
}
