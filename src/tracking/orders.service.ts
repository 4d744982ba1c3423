import { Inject, Injectable } from '@nestjs/common';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { DataSource, EntityManager, In, IsNull, Not } from 'typeorm';
import { AppException, FieldProblem } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationDispatcher } from '../notifications/notification-dispatcher.service';
import { Notification } from '../notifications/notification.entity';
import { carrierDisplayName } from '../carriers/carrier-registry';
import {
  notificationTimes,
  shipmentTimes,
  type NotificationTimes,
  type ShipmentTimes,
} from '../notifications/message-times';
import { matchShipment, normaliseCarrier } from './carrier';
import { Customer } from './customer.entity';
import { UpsertOrderDto } from './order.dto';
import { Order } from './order.entity';
import { Shipment } from './shipment.entity';
import { TrackingEvent } from './tracking-event.entity';
import { TrackingIngestService } from './tracking-ingest.service';
import type { Eta, EtaSource, StoredEstimate } from '../shared/tracking.types';
import { dayIn } from '../predictions/delivery-estimates.service';
import { shownDelivery, type ShownDelivery } from '../predictions/shipment-estimate';
import { summarise, type NotificationSummary } from '../notifications/notification-summary';

const EXTERNAL_ID = /^[A-Za-z0-9._#:-]{1,100}$/;

export interface ShipmentView {
  id: string;
  /** The registry's canonical id (`royal_mail`); show `carrierName`. */
  carrier: string;
  /** The carrier's name as the customer's messages give it ("Royal Mail"). */
  carrierName: string;
  trackingNumber: string;
  status: string;
  exceptionReason: string | null;
  eta: Eta | null;
  originalEta: Eta | null;
  /** Our current and first estimated windows and the source the shipment shows (issue 20). */
  estimate: StoredEstimate | null;
  firstEstimate: StoredEstimate | null;
  etaSource: EtaSource | null;
  promisedDate: string | null;
  lastEventAt: string | null;
  deliveredAt: string | null;
  collectedAtPickup: boolean;
  pickup: Shipment['pickup'];
  events: {
    status: string;
    reason: string | null;
    occurredAt: string | null;
    description: string;
    location: string | null;
  }[];
}

export interface OrderView {
  id: string;
  externalId: string;
  promisedDate: string | null;
  customer: {
    id: string;
    name: string;
    email: string | null;
    phone: string | null;
    locale: string;
    timeZone: string;
    country: string | null;
  };
  /** Each with its times in the customer's zone (`lastEventAtLocal`, `deliveredAtLocal`, events' `occurredAtLocal`). */
  shipments: (ShipmentView & ShipmentTimes & { shown: ShownDelivery | null })[];
  /** Each with its times in the customer's zone and, while it waits, why (`waitReason`, `waitText`). */
  notifications: (NotificationSummary & NotificationTimes)[];
}

/** Orders with their customer and shipments: the store's side of the data. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ingest: TrackingIngestService,
    private readonly dispatcher: NotificationDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Idempotent: the same body twice leaves the same rows. Shipments already tracked are joined to the order. */
  async upsert(externalId: string, dto: UpsertOrderDto): Promise<{ order: OrderView; created: boolean }> {
    const problems: FieldProblem[] = [];
    if (!EXTERNAL_ID.test(externalId)) {
      problems.push({
        field: 'externalId',
        message: 'must be 1-100 characters: letters, digits and . _ # : -',
      });
    }
    const email = dto.customer.email?.trim().toLowerCase() || null;
    const country = (dto.customer.country?.toUpperCase() ?? null) as CountryCode | null;
    let phone: string | null = null;
    if (dto.customer.phone?.trim()) {
      const parsed = parsePhoneNumberFromString(
        dto.customer.phone,
        country ?? (this.config.tracking.defaultCountry as CountryCode),
      );
      if (parsed?.isValid()) phone = parsed.number;
      else
        problems.push({
          field: 'customer.phone',
          message: `is not a valid phone number for ${country ?? this.config.tracking.defaultCountry}`,
        });
    }
    if (!email && !dto.customer.phone?.trim()) {
      problems.push({ field: 'customer', message: 'needs an email or a phone number (or both)' });
    }
    const seen = new Set<string>();
    dto.shipments.forEach((s, i) => {
      const key = s.trackingNumber.trim().toUpperCase();
      if (seen.has(key))
        problems.push({ field: `shipments.${i}.trackingNumber`, message: 'is listed twice' });
      seen.add(key);
    });
    if (problems.length) throw AppException.validation(problems);

    const joined: Notification[] = [];
    const created = await this.dataSource.transaction(async (manager) => {
      // Serialise concurrent upserts of the same order id.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`order:${externalId}`]);
      let order = await manager.findOneBy(Order, { externalId });
      const isNew = !order;
      const customerValues = {
        name: dto.customer.name.trim(),
        email,
        phone,
        locale: dto.customer.locale ? Intl.getCanonicalLocales(dto.customer.locale)[0] : 'en',
        timeZone: dto.customer.timeZone ?? 'UTC',
        country,
        postcode: dto.customer.postcode?.trim().toUpperCase() ?? null,
      };
      // The contact details are the order's own: messages about it go there and the chat verifies against them.
      // A matched customer row is never overwritten by another order's details (issue 14: a guest checkout with a
      // victim's email must not redirect the victim's texts or unlock their orders); it only groups orders for
      // preferences and storefront tokens.
      let customerId = order?.customerId;
      if (!customerId) {
        const customer =
          (await this.findCustomer(manager, email, phone)) ??
          (await manager.save(Customer, manager.create(Customer, customerValues)));
        customerId = customer.id;
      } else if (!(await manager.exists(Order, { where: { customerId, id: Not(order!.id) } }))) {
        // The customer row belongs to this order alone: keep it in step with the order's corrected details.
        await manager.update(Customer, { id: customerId }, customerValues);
      }
      if (!order) order = manager.create(Order, { externalId });
      order.customerId = customerId;
      order.promisedDate = dto.promisedDate ?? null;
      Object.assign(order, {
        contactName: customerValues.name,
        contactEmail: customerValues.email,
        contactPhone: customerValues.phone,
        contactPostcode: customerValues.postcode,
        contactLocale: customerValues.locale,
        contactTimeZone: customerValues.timeZone,
        contactCountry: customerValues.country,
      });
      order = await manager.save(Order, order);
      const orderId = order.id;

      for (const ref of dto.shipments) {
        const carrier = normaliseCarrier(ref.carrier);
        const trackingNumber = ref.trackingNumber.trim();
        const existing = await manager
          .createQueryBuilder(Shipment, 's')
          .setLock('pessimistic_write')
          .where('s.tracking_number = :trackingNumber', { trackingNumber })
          .getMany();
        const shipment = matchShipment(existing, carrier);
        if (shipment?.orderId && shipment.orderId !== orderId) {
          // Moving it would carry its history and future messages to another order and customer (issue 14).
          throw new AppException(
            'shipment_belongs_to_other_order',
            `Tracking number ${trackingNumber} (${carrier}) belongs to another order`,
            {
              errors: [
                {
                  field: `shipments.${dto.shipments.indexOf(ref)}.trackingNumber`,
                  message: 'belongs to another order',
                },
              ],
            },
          );
        }
        if (shipment) {
          const wasOrphan = !shipment.orderId;
          shipment.orderId = order.id;
          shipment.promisedDate = order.promisedDate;
          await manager.save(Shipment, shipment);
          if (wasOrphan) joined.push(...(await this.ingest.announceJoined(manager, shipment)));
        } else {
          await manager.insert(Shipment, {
            orderId: order.id,
            carrier,
            trackingNumber,
            promisedDate: order.promisedDate,
            status: 'unknown',
          });
        }
      }
      return isNew;
    });
    await this.dispatcher.enqueue(joined);
    return { order: (await this.view(externalId))!, created };
  }

  /** The same shopper across orders: by email when there is one (phones are shared in households), else by phone. */
  private async findCustomer(
    manager: EntityManager,
    email: string | null,
    phone: string | null,
  ): Promise<Customer | null> {
    if (email) return manager.findOne(Customer, { where: { email }, order: { createdAt: 'ASC' } });
    return phone
      ? manager.findOne(Customer, { where: { phone, email: IsNull() }, order: { createdAt: 'ASC' } })
      : null;
  }

  async view(externalId: string): Promise<OrderView | null> {
    const order = await this.dataSource.getRepository(Order).findOneBy({ externalId });
    if (!order) return null;
    const shipments = await this.dataSource
      .getRepository(Shipment)
      .find({ where: { orderId: order.id }, order: { createdAt: 'ASC' } });
    const notifications = await this.dataSource
      .getRepository(Notification)
      .find({ where: { orderId: order.id }, order: { createdAt: 'ASC' } });
    return {
      id: order.id,
      externalId: order.externalId,
      promisedDate: order.promisedDate,
      // The details given with this order (what its messages use), under the id of the customer it is grouped with.
      customer: {
        id: order.customerId,
        name: order.contactName,
        email: order.contactEmail,
        phone: order.contactPhone,
        locale: order.contactLocale,
        timeZone: order.contactTimeZone,
        country: order.contactCountry,
      },
      // Times as the customer saw them (their zone, named), and why a message still waits: support reads these.
      shipments: (await this.shipmentViews(shipments)).map((view, i) => ({
        ...view,
        ...shipmentTimes(shipments[i], order.contactTimeZone, order.contactLocale),
        // The date the customer is shown today, and from where (the carrier's ETA or our estimate).
        shown: shownDelivery(shipments[i], dayIn(new Date(), order.contactTimeZone)),
        events: view.events.map((e) => ({
          ...e,
          occurredAtLocal: shipmentTimes(
            { lastEventAt: e.occurredAt ? new Date(e.occurredAt) : null, deliveredAt: null },
            order.contactTimeZone,
            order.contactLocale,
          ).lastEventAtLocal,
        })),
      })),
      notifications: notifications.map((n) => ({
        ...summarise(n, shipments.find((s) => s.id === n.shipmentId)?.status ?? null),
        ...notificationTimes(n, order.contactTimeZone, order.contactLocale, new Date()),
      })),
    };
  }

  async shipmentViews(shipments: Shipment[]): Promise<ShipmentView[]> {
    if (!shipments.length) return [];
    const events = await this.dataSource.getRepository(TrackingEvent).find({
      where: { shipmentId: In(shipments.map((s) => s.id)) },
      order: { occurredAt: { direction: 'DESC', nulls: 'LAST' }, receivedAt: 'DESC' },
    });
    return shipments.map((s) => ({
      id: s.id,
      carrier: s.carrier,
      carrierName: carrierDisplayName(s.carrier, s.trackingNumber) || s.carrier,
      trackingNumber: s.trackingNumber,
      status: s.status,
      exceptionReason: s.exceptionReason,
      eta: s.eta,
      originalEta: s.originalEta,
      estimate: s.estimate,
      firstEstimate: s.firstEstimate,
      etaSource: s.etaSource,
      promisedDate: s.promisedDate,
      lastEventAt: s.lastEventAt?.toISOString() ?? null,
      deliveredAt: s.deliveredAt?.toISOString() ?? null,
      collectedAtPickup: s.collectedAtPickup,
      pickup: s.pickup,
      events: events
        .filter((e) => e.shipmentId === s.id)
        .map((e) => ({
          status: e.status,
          reason: e.reason,
          occurredAt: e.occurredAt?.toISOString() ?? null,
          description: e.description,
          location: e.location,
        })),
    }));
  }
}
