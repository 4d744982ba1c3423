import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { SubjectShipment as Shipment } from './notification-subject';
import type { ShipmentDomainEvent } from '../shared/tracking.types';
import type { NotificationConfig } from '../config/notification-config';
import { CLOCK, type Clock } from '../shared/clock';
import { Notification } from './notification.entity';
import {
  NotificationRepository,
  parcelsFromJson,
  type PlannedRow,
  type SkippedRow,
  type SupersededRow,
} from './notification.repository';
import {
  ALREADY_SENT_STATUSES,
  CancelDecision,
  decideArrivingTomorrow,
  decideNotifications,
  decidePickupReminder,
  CreateDecision,
  Decision,
  NotificationHistoryEntry,
  PolicyContext,
} from './notification-policy';
import { NOTIFICATION_CONFIG } from './notification-settings';
import type { Channel, NotificationStatus, NotificationType } from '../shared/notification.types';

export interface PlanContext {
  /** When the change reached us: the start of the receipt-to-provider latency. */
  receivedAt: Date;
  /** When the change happened at the carrier. */
  eventOccurredAt: Date | null;
}

/**
 * Applies the pure policy inside the caller's transaction. The caller (tracking) runs its own statements; the
 * planner reads the policy's context for a set of shipments in one statement ({@link contexts}), decides in
 * memory, and returns parts ({@link parts}: rows to insert, notifications to cancel) that {@link write} hands
 * to NotificationRepository as one statement. Inserts are ON CONFLICT DO NOTHING against the once-per-type index,
 * so concurrent changes can never double-create.
 */
@Injectable()
export class NotificationPlanner {
  private readonly logger = new Logger(NotificationPlanner.name);

  constructor(
    @Inject(NOTIFICATION_CONFIG) private readonly config: NotificationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly notifications: NotificationRepository,
  ) {}

  /** Plans and writes one shipment's changes in two statements (context, then writes). */
  async planWithin(
    manager: EntityManager,
    shipment: Shipment,
    changes: ShipmentDomainEvent[],
    context: PlanContext,
  ): Promise<Notification[]> {
    const base = (await this.contexts(manager, [shipment])).get(shipment.id);
    if (!base) return [];
    const plan = this.decide(base, shipment, changes, context);
    return (await this.write(manager, [{ shipment, plan }])).get(shipment.id) ?? [];
  }

  /** The pickup reminder check for one shipment (scheduled job). */
  async planPickupReminder(manager: EntityManager, shipment: Shipment): Promise<Notification[]> {
    const base = (await this.contexts(manager, [shipment])).get(shipment.id);
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
    const plan = this.collect(base, shipment, decisions, {
      receivedAt: this.clock.now(),
      eventOccurredAt: null,
    });
    return (await this.write(manager, [{ shipment, plan }])).get(shipment.id) ?? [];
  }

  /**
   * The arriving-tomorrow check for one shipment (scheduled job): `expectedOn` is the day the caller expects it, in
   * the customer's zone (the carrier's date, else our most likely date).
   */
  async planArrivingTomorrow(
    manager: EntityManager,
    shipment: Shipment,
    expectedOn: string | null,
  ): Promise<Notification[]> {
    const base = (await this.contexts(manager, [shipment])).get(shipment.id);
    if (!base) return [];
    const decisions = decideArrivingTomorrow({
      ...base.policy,
      shipment: { id: shipment.id, status: shipment.status },
      expectedOn,
    });
    const plan = this.collect(base, shipment, decisions, {
      receivedAt: this.clock.now(),
      eventOccurredAt: null,
    });
    return (await this.write(manager, [{ shipment, plan }])).get(shipment.id) ?? [];
  }

  /** The policy's decisions for a list of changes; each change sees what the ones before it decided to send. */
  decide(base: PlanBase, shipment: Shipment, changes: ShipmentDomainEvent[], context: PlanContext): Plan {
    const plan: Plan = { base, context, creates: [], cancels: [], skips: [] };
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
      const next = this.collect(base, shipment, decisions, context);
      // Changes that land together give one coherent message: a create from an earlier change of this batch that
      // a later one supersedes is dropped here (the cancel statement runs before the insert and cannot see it).
      const superseded = new Set(
        next.cancels.filter((c) => !c.siblingShipmentIds).map((c) => c.notificationType),
      );
      if (superseded.size) {
        plan.creates = plan.creates.filter((c) => !superseded.has(c.type));
        for (const entry of base.policy.history)
          if (superseded.has(entry.type) && entry.status === 'pending' && entry.createdAt === base.policy.now)
            entry.status = 'cancelled';
      }
      plan.creates.push(...next.creates);
      plan.cancels.push(...next.cancels);
      plan.skips.push(...next.skips);
    }
    return plan;
  }

  /** The plans as parts: the rows to insert and the superseded notifications to cancel. */
  parts(plans: { shipment: Shipment; plan: Plan }[]): {
    creates: PlannedRow[];
    cancels: SupersededRow[];
    skips: SkippedRow[];
  } {
    const cancels = plans.flatMap(({ shipment, plan }) =>
      plan.cancels.flatMap((c) =>
        (c.siblingShipmentIds ?? [shipment.id]).map((id) => ({
          shipment_id: id,
          order_id: plan.base.orderId,
          type: c.notificationType,
          reason: c.reason,
        })),
      ),
    );
    const creates = plans.flatMap(({ shipment, plan }) =>
      plan.creates.map((d) => ({
        shipment_id: shipment.id,
        order_id: plan.base.orderId,
        customer_id: plan.base.customerId,
        type: d.type,
        channel: d.channel,
        scheduled_for: d.scheduledFor.toISOString(),
        quiet_hours_delayed: d.quietHoursDelayed,
        event_received_at: plan.context.receivedAt.toISOString(),
        locale: plan.base.locale,
        about_date: d.aboutDate ?? null,
      })),
    );
    const skips = plans.flatMap(({ shipment, plan }) =>
      plan.skips.map((k) => ({ shipment_id: shipment.id, ...k })),
    );
    return { creates, cancels, skips };
  }

  /**
   * Writes the plans (cancel superseded, insert planned) in one statement of NotificationRepository, inside the
   * caller's transaction. Returns the notifications created, by shipment, for the caller to enqueue after commit.
   */
  async write(
    manager: EntityManager,
    plans: { shipment: Shipment; plan: Plan }[],
  ): Promise<Map<string, Notification[]>> {
    const { creates, cancels, skips } = this.parts(plans);
    if (!creates.length && !cancels.length && !skips.length) return new Map();
    const inserted = await this.notifications.insertPlanned(manager, creates, cancels, skips);
    const byShipment = new Map<string, Notification[]>();
    for (const row of inserted) {
      const plan = plans.find((p) => p.shipment.id === row.shipment_id)!.plan;
      const decision = plan.creates.find((d) => d.type === row.type && d.channel === row.channel)!;
      const list = byShipment.get(row.shipment_id) ?? [];
      list.push(
        manager.create(Notification, {
          id: row.id,
          type: row.type,
          channel: row.channel,
          scheduledFor: decision.scheduledFor,
          status: 'pending',
        }),
      );
      byShipment.set(row.shipment_id, list);
    }
    return byShipment;
  }

  /** The policy context from a row of NotificationRepository.planContexts; null when there is no order yet. */
  private contextFromRow(row: Record<string, unknown>): PlanBase | null {
    const r = row as unknown as ContextRow;
    if (!r.ctx_order_id || !r.ctx_customer_id) return null; // kept until its order arrives; nobody to tell yet
    return {
      orderId: r.ctx_order_id,
      customerId: r.ctx_customer_id,
      locale: r.ctx_locale,
      policy: {
        customer: { hasEmail: r.ctx_has_email, hasPhone: r.ctx_has_phone, timeZone: r.ctx_time_zone },
        preferences: {
          optOuts: r.ctx_opt_outs.map((p) => ({
            type: p.type as NotificationType | '*',
            channel: p.channel as Channel | '*',
          })),
        },
        suppressions: { sms: r.ctx_sms_suppressed, email: r.ctx_email_suppressed },
        history: r.ctx_history.map<NotificationHistoryEntry>((n) => ({
          type: n.type,
          channel: n.channel,
          status: n.status,
          createdAt: new Date(n.createdAt),
          scheduledFor: new Date(n.scheduledFor),
          aboutDate: n.aboutDate,
        })),
        config: this.config,
        now: this.clock.now(),
        parcels: parcelsFromJson(r.ctx_parcels),
      },
    };
  }

  /**
   * Everything the policy needs about each shipment (customer, opt-outs, suppressions, what was already sent), in
   * one statement for all of them. Shipments without an order have no entry: nobody to tell yet.
   */
  async contexts(
    manager: EntityManager,
    shipments: Pick<Shipment, 'id' | 'orderId'>[],
  ): Promise<Map<string, PlanBase>> {
    const ids = shipments.filter((s) => s.orderId).map((s) => s.id);
    const out = new Map<string, PlanBase>();
    if (!ids.length) return out;
    for (const row of await this.notifications.planContexts(manager, ids)) {
      const base = this.contextFromRow(row);
      if (base) out.set(row.shipment_id as string, base);
    }
    return out;
  }

  /**
   * Sorts decisions into creates and cancels, logging skips; creates join the history the next change sees. A
   * message an opt-out or a suppression stops (one not sent already) is kept as a skip, for the analytics.
   */
  private collect(base: PlanBase, shipment: Shipment, decisions: Decision[], context: PlanContext): Plan {
    const plan: Plan = { base, context, creates: [], cancels: [], skips: [] };
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
        if (decision.channel && decision.type && STOPPED_BY_CUSTOMER.has(decision.reason)) {
          const { type, channel } = decision;
          const sent = base.policy.history.some(
            (e) => e.type === type && e.channel === channel && ALREADY_SENT_STATUSES.includes(e.status),
          );
          if (!sent) plan.skips.push({ type, channel, reason: decision.reason });
        }
      } else if (decision.action === 'cancel') {
        plan.cancels.push(decision);
      } else {
        plan.creates.push(decision);
        base.policy.history.push({
          type: decision.type,
          channel: decision.channel,
          status: 'pending',
          createdAt: base.policy.now,
          scheduledFor: decision.scheduledFor,
          aboutDate: decision.aboutDate ?? null,
        });
      }
    }
    return plan;
  }
}

interface ContextRow {
  ctx_order_id: string | null;
  ctx_customer_id: string | null;
  ctx_locale: string;
  ctx_time_zone: string;
  ctx_has_email: boolean;
  ctx_has_phone: boolean;
  ctx_sms_suppressed: boolean;
  ctx_email_suppressed: boolean;
  ctx_opt_outs: { type: string; channel: string }[];
  ctx_history: {
    type: NotificationType;
    channel: Channel;
    status: NotificationStatus;
    createdAt: string;
    scheduledFor: string;
    aboutDate: string | null;
  }[];
  ctx_parcels: unknown;
}

export interface PlanBase {
  orderId: string;
  customerId: string;
  locale: string;
  policy: PolicyContext;
}

/** What the policy decided for one shipment: written by {@link NotificationPlanner.write}. */
export interface Plan {
  base: PlanBase;
  context: PlanContext;
  creates: CreateDecision[];
  cancels: CancelDecision[];
  /** Messages an opt-out or a suppression stopped: recorded (notification_skips), never sent. */
  skips: Omit<SkippedRow, 'shipment_id'>[];
}

/** The skip reasons that are the customer's (or their address's) say, counted as opted out by the analytics. */
const STOPPED_BY_CUSTOMER = new Set<string>(['opted_out', 'suppressed_sms', 'suppressed_email']);
