import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Customer } from '../../src/tracking/customer.entity';
import { Order } from '../../src/tracking/order.entity';
import { Shipment } from '../../src/tracking/shipment.entity';
import { TrackingEvent } from '../../src/tracking/tracking-event.entity';

/** Tracking data for chat tests, written straight to the database (the intake API is not under test here). */
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
  const order = await db
    .getRepository(Order)
    .save(
      db
        .getRepository(Order)
        .create({ externalId: spec.orderNumber ?? `#WS-${unique()}`, customerId: customer.id }),
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

/** The order number as a shopper types it (externalIds are stored with a leading '#'). */
export function orderNumberOf(order: Order): string {
  return order.externalId.replace(/^#/, '');
}
