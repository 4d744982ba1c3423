import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Shipment } from '../tracking/shipment.entity';
import type { ShipmentDomainEvent } from '../tracking/tracking.types';
import type { NotificationConfig } from './notification-config';
import { Notification } from './notification.entity';
import {
  CANCELLABLE_STATUSES,
  decideNotifications,
  decidePickupReminder,
  CreateDecision,
  Decision,
  NotificationHistoryEntry,
  PolicyContext,
} from './notification-policy';
import { NOTIFICATION_CONFIG } from './notification-settings';
import type { Channel, NotificationStatus, NotificationType } from './notification.types';

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

  /**
   * Everything the policy needs, in one statement: every round trip costs more here than the policy itself
   * (see README, Performance).
   */
  private async loadContext(manager: EntityManager, shipment: Shipment): Promise<PlanBase | null> {
    if (!shipment.orderId) return null; // kept until its order arrives; nobody to tell yet
    const rows: ContextRow[] = await manager.query(
      `SELECT o.id AS order_id, c.id AS customer_id, c.locale, c.time_zone,
              c.email IS NOT NULL AS has_email, c.phone IS NOT NULL AS has_phone,
              EXISTS (SELECT 1 FROM suppressions s
                       WHERE s.channel = 'sms' AND s.address = c.phone AND s.lifted_at IS NULL) AS sms_suppressed,
              EXISTS (SELECT 1 FROM suppressions s
                       WHERE s.channel = 'email' AND s.address = c.email AND s.lifted_at IS NULL) AS email_suppressed,
              COALESCE((SELECT json_agg(json_build_object('type', p.type, 'channel', p.channel))
                          FROM customer_preferences p WHERE p.customer_id = c.id AND p.enabled = false), '[]') AS opt_outs,
              COALESCE((SELECT json_agg(json_build_object('type', n.type, 'channel', n.channel, 'status', n.status,
                                                          'createdAt', n.created_at, 'scheduledFor', n.scheduled_for))
                          FROM notifications n
                         WHERE n.shipment_id = $2 AND n.resend_of IS NULL AND n.fallback_of IS NULL), '[]') AS history
         FROM orders o JOIN customers c ON c.id = o.customer_id
        WHERE o.id = $1`,
      [shipment.orderId, shipment.id],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      orderId: row.order_id,
      customerId: row.customer_id,
      locale: row.locale,
      policy: {
        customer: { hasEmail: row.has_email, hasPhone: row.has_phone, timeZone: row.time_zone },
        preferences: {
          optOuts: row.opt_outs.map((p) => ({
            type: p.type as NotificationType | '*',
            channel: p.channel as Channel | '*',
          })),
        },
        suppressions: { sms: row.sms_suppressed, email: row.email_suppressed },
        history: row.history.map<NotificationHistoryEntry>((n) => ({
          type: n.type,
          channel: n.channel,
          status: n.status,
          createdAt: new Date(n.createdAt),
          scheduledFor: new Date(n.scheduledFor),
        })),
        config: this.config,
        now: this.clock.now(),
      },
    };
  }

  private async apply(
    manager: EntityManager,
    shipment: Shipment,
    base: PlanBase,
    decisions: Decision[],
    context: PlanContext,
  ): Promise<Notification[]> {
    const creates: CreateDecision[] = [];
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
      } else if (decision.action === 'cancel') {
        await manager.query(
          `UPDATE notifications SET status = 'cancelled', status_reason = $3, updated_at = now()
            WHERE shipment_id = $1 AND type = $2 AND status = ANY($4)`,
          [shipment.id, decision.notificationType, decision.reason, CANCELLABLE_STATUSES],
        );
      } else {
        creates.push(decision);
      }
    }
    if (!creates.length) return [];
    // One multi-row insert; ON CONFLICT DO NOTHING against the once-per-type index drops what already exists.
    const params: unknown[] = [shipment.id, base.orderId, base.customerId, context.receivedAt, base.locale];
    const tuples = creates.map((d) => {
      params.push(d.type, d.channel, d.scheduledFor, d.quietHoursDelayed);
      const k = params.length;
      return `($1, $2, $3, $${k - 3}, $${k - 2}, 'pending', $${k - 1}, $${k}, $4, $5)`;
    });
    const inserted: { id: string; type: NotificationType; channel: Channel }[] = await manager.query(
      `INSERT INTO notifications
         (shipment_id, order_id, customer_id, type, channel, status, scheduled_for, quiet_hours_delayed, event_received_at, locale)
       VALUES ${tuples.join(', ')}
       ON CONFLICT DO NOTHING
       RETURNING id, type, channel`,
      params,
    );
    return inserted.map((row) => {
      const decision = creates.find((d) => d.type === row.type && d.channel === row.channel)!;
      base.policy.history.push({
        type: row.type,
        channel: row.channel,
        status: 'pending',
        createdAt: base.policy.now,
        scheduledFor: decision.scheduledFor,
      });
      return manager.create(Notification, {
        id: row.id,
        type: row.type,
        channel: row.channel,
        scheduledFor: decision.scheduledFor,
        status: 'pending',
      });
    });
  }
}

interface ContextRow {
  order_id: string;
  customer_id: string;
  locale: string;
  time_zone: string;
  has_email: boolean;
  has_phone: boolean;
  sms_suppressed: boolean;
  email_suppressed: boolean;
  opt_outs: { type: string; channel: string }[];
  history: {
    type: NotificationType;
    channel: Channel;
    status: NotificationStatus;
    createdAt: string;
    scheduledFor: string;
  }[];
}

interface PlanBase {
  orderId: string;
  customerId: string;
  locale: string;
  policy: PolicyContext;
}
