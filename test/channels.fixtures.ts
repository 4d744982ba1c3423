import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Notification } from '../src/notifications/notification.entity';
import type { Channel, NotificationStatus } from '../src/shared/notification.types';
import { Suppression } from '../src/channels/suppression.entity';
import { Customer } from '../src/tracking/customer.entity';
import { Order } from '../src/tracking/order.entity';
import { Shipment } from '../src/tracking/shipment.entity';
import { orderContactsOf } from './support/factories';
import { uniquePhone } from './support/phones';

/** Rows for the channel e2e tests, inserted directly: the channels read them, they do not create them. */

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

/** A fresh E.164 number, unique across the run (see support/phones). */
export const testPhone = uniquePhone;

export function testEmail(): string {
  return `shopper.${unique()}@example.com`;
}

export async function createCustomer(db: DataSource, values: Partial<Customer> = {}): Promise<Customer> {
  const repo = db.getRepository(Customer);
  return repo.save(repo.create({ name: 'Dana Shopper', email: testEmail(), phone: testPhone(), ...values }));
}

export async function createNotification(
  db: DataSource,
  values: {
    channel?: Channel;
    status?: NotificationStatus;
    providerMessageId?: string | null;
    customer?: Customer;
  } = {},
): Promise<{ notification: Notification; customer: Customer }> {
  const customer = values.customer ?? (await createCustomer(db));
  const order = await db
    .getRepository(Order)
    .save({ externalId: `ORD-${unique()}`, customerId: customer.id, ...orderContactsOf(customer) });
  const shipment = await db
    .getRepository(Shipment)
    .save({ orderId: order.id, carrier: 'usps', trackingNumber: `9400${unique()}`, status: 'in_transit' });
  const repo = db.getRepository(Notification);
  const notification = await repo.save(
    repo.create({
      shipmentId: shipment.id,
      orderId: order.id,
      customerId: customer.id,
      type: 'shipped',
      channel: values.channel ?? 'sms',
      status: values.status ?? 'sent',
      scheduledFor: new Date(),
      provider: 'twilio',
      providerMessageId:
        values.providerMessageId === undefined
          ? `SM${randomBytes(16).toString('hex')}`
          : values.providerMessageId,
    }),
  );
  return { notification, customer };
}

export async function activeSuppressions(
  db: DataSource,
  channel: 'sms' | 'email',
  address: string,
): Promise<Suppression[]> {
  return db
    .getRepository(Suppression)
    .createQueryBuilder('s')
    .where('s.channel = :channel AND s.address = :address AND s.lifted_at IS NULL', { channel, address })
    .getMany();
}

export function newSid(): string {
  return `SM${randomUUID().replace(/-/g, '')}`;
}
