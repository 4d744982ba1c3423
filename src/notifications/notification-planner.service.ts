import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Customer } from '../tracking/customer.entity';
import { Order } from '../tracking/order.entity';
import { Shipment } from '../tracking/shipment.entity';
import type { ShipmentDomainEvent } from '../tracking/tracking.types';
import { CustomerPreference } from './customer-preference.entity';
import type { NotificationConfig } from './notification-config';
import { Notification } from './notification.entity';
import {
  CANCELLABLE_STATUSES,
  decideNotifications,
  decidePickupReminder,
  Decision,
  NotificationHistoryEntry,
  PolicyContext,
} from './notification-policy';
import { NOTIFICATION_CONFIG } from './notification-settings';
import type { Channel, NotificationType } from './notification.types';
import { Suppression } from './suppression.entity';

export interface PlanContext {
  /** When the change reached us: the start of the receipt-to-provider latency. */
  receivedAt: Date;
  /** When the change happened at the carrier. */
  eventOccurredAt: Date | null;
}

/** An injectable clock, so tests can move time (quiet hours, debounce, reminders). */
export const CLOCK = Symbol('CLOCK');
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/**
 * Applies the pure policy inside the caller's transaction: reads what it needs (customer, preferences,
 * suppressions, history), writes the notifications to create and cancels superseded ones. Inserts are
 * ON CONFLICT DO NOTHING against the once-per-type index, so concurrent changes can never double-create.
 */
@Injectable()
export class NotificationPlanner {
  private readonly logger = new Logger(NotificationPlanner.name);

  constructor(
    @Inject(NOTIFICATION_CONFIG) private readonly config: NotificationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async planWithin(
    manager: EntityManager,
    shipment: Shipment,
    changes: ShipmentDomainEvent[],
    context: PlanContext,
  ): Promise<Notification[]> {
    const base = await this.loadContext(manager, shipment);
    if (!base) return [];
    const created: Notification[] = [];
    for (const change of changes) {
      const decisions = decideNotifications({
        ...base.policy,
        change,
        shipment: {
          id: shipment.id,
          status: shipment.status,
          reason: shipment.exceptionReason,
          collectedAtPickup: shipment.collectedAtPickup,
          lastEventAt: shipment.lastEventAt,
        },
        eventOccurredAt: context.eventOccurredAt,
      });
      created.push(...(await this.apply(manager, shipment, base, decisions, context)));
    }
    return created;
  }

  /** The pickup reminder check for one shipment (scheduled job). */
  async planPickupReminder(manager: EntityManager, shipment: Shipment): Promise<Notification[]> {
    const base = await this.loadContext(manager, shipment);
    if (!base) return [];
    const decisions = decidePickupReminder({
      ...base.policy,
      shipment: {
        id: shipment.id,
        status: shipment.status,
        collectedAtPickup: shipment.collectedAtPickup,
        availableForPickupAt: shipment.pickupAvailableAt,
      },
    });
    return this.apply(manager, shipment, base, decisions, {
      receivedAt: this.clock.now(),
      eventOccurredAt: null,
    });
  }

  private async loadContext(
    manager: EntityManager,
    shipment: Shipment,
  ): Promise<{ order: Order; customer: Customer; policy: PolicyContext } | null> {
    if (!shipment.orderId) return null; // kept until its order arrives; nobody to tell yet
    const order = await manager.findOneBy(Order, { id: shipment.orderId });
    const customer = order ? await manager.findOneBy(Customer, { id: order.customerId }) : null;
    if (!order || !customer) return null;
    const [history, preferences, suppressed] = await Promise.all([
      manager.find(Notification, {
        where: { shipmentId: shipment.id },
        select: {
          id: true,
          type: true,
          channel: true,
          status: true,
          createdAt: true,
          scheduledFor: true,
          resendOf: true,
          fallbackOf: true,
        },
      }),
      manager.find(CustomerPreference, { where: { customerId: customer.id, enabled: false } }),
      suppressionsFor(manager, customer),
    ]);
    return {
      order,
      customer,
      policy: {
        customer: { hasEmail: !!customer.email, hasPhone: !!customer.phone, timeZone: customer.timeZone },
        preferences: {
          optOuts: preferences.map((p) => ({
            type: p.type as NotificationType | '*',
            channel: p.channel as Channel | '*',
          })),
        },
        suppressions: suppressed,
        history: history
          .filter((n) => !n.resendOf && !n.fallbackOf)
          .map<NotificationHistoryEntry>((n) => ({
            type: n.type,
            channel: n.channel,
            status: n.status,
            createdAt: n.createdAt,
            scheduledFor: n.scheduledFor,
          })),
        config: this.config,
        now: this.clock.now(),
      },
    };
  }

  private async apply(
    manager: EntityManager,
    shipment: Shipment,
    base: { order: Order; customer: Customer; policy: PolicyContext },
    decisions: Decision[],
    context: PlanContext,
  ): Promise<Notification[]> {
    const created: Notification[] = [];
    for (const decision of decisions) {
      if (decision.action === 'skip') {
        this.logger.debug(
          {
            shipmentId: shipment.id,
            type: decision.type,
            channel: decision.channel,
            reason: decision.reason,
          },
          'notification skipped',
        );
        continue;
      }
      if (decision.action === 'cancel') {
        await manager
          .createQueryBuilder()
          .update(Notification)
          .set({ status: 'cancelled', statusReason: decision.reason })
          .where('shipment_id = :id AND type = :type AND status IN (:...statuses)', {
            id: shipment.id,
            type: decision.notificationType,
            statuses: CANCELLABLE_STATUSES,
          })
          .execute();
        continue;
      }
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(Notification)
        .values({
          shipmentId: shipment.id,
          orderId: base.order.id,
          customerId: base.customer.id,
          type: decision.type,
          channel: decision.channel,
          status: 'pending',
          scheduledFor: decision.scheduledFor,
          quietHoursDelayed: decision.quietHoursDelayed,
          eventReceivedAt: context.receivedAt,
          locale: base.customer.locale,
        })
        .orIgnore()
        .returning('*')
        .execute();
      const row = (result.raw as Record<string, unknown>[])[0];
      if (!row) continue; // already exists: the once-per-type index held
      const notification = manager.create(Notification, {
        id: row.id as string,
        type: decision.type,
        channel: decision.channel,
        scheduledFor: decision.scheduledFor,
        status: 'pending',
      });
      created.push(notification);
      base.policy.history.push({
        type: decision.type,
        channel: decision.channel,
        status: 'pending',
        createdAt: base.policy.now,
        scheduledFor: decision.scheduledFor,
      });
    }
    return created;
  }
}

async function suppressionsFor(
  manager: EntityManager,
  customer: Customer,
): Promise<{ sms: boolean; email: boolean }> {
  const addresses = [customer.phone, customer.email].filter((a): a is string => !!a);
  if (!addresses.length) return { sms: false, email: false };
  const rows = await manager.find(Suppression, {
    where: { address: In(addresses) },
    select: { channel: true, address: true, liftedAt: true },
  });
  const active = rows.filter((r) => !r.liftedAt);
  return {
    sms: active.some((r) => r.channel === 'sms' && r.address === customer.phone),
    email: active.some((r) => r.channel === 'email' && r.address === customer.email),
  };
}
