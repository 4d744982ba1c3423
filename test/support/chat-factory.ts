import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Customer } from '../../src/tracking/customer.entity';
import { Order } from '../../src/tracking/order.entity';
import { Shipment } from '../../src/tracking/shipment.entity';
import { TrackingEvent } from '../../src/tracking/tracking-event.entity';

/** Tracking data for chat tests, written straight to the database (the intake API is not under test here). */
export interface ShipmentSpec extends Partial<Shipment> {
  events?: Array<{ status?: Shipment['status']; description: string; location?: string | null; occurredAt: Date }>;
}

let counter = 0;
const unique = () => `${Date.now() % 1e7}${(counter++).toString().padStart(3, '0')}${randomBytes(1).readUInt8() % 10}`;

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
    .save(db.getRepository(Order).create({ externalId: spec.orderNumber ?? `#${unique()}`, customerId: customer.id }));
  const shipments: Shipment[] = [];
  for (const [i, { events, ...fields }] of (spec.shipments ?? []).entries()) {
    const shipment = await db.getRepository(Shipment).save(
      db.getRepository(Shipment).create({
        orderId: order.id,
        carrier: 'ups',
        trackingNumber: `1Z${unique().padStart(16, '0').slice(-16)}`,
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
