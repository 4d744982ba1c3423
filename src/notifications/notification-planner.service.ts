import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Shipment } from '../tracking/shipment.entity';
import type { ShipmentDomainEvent } from '../tracking/tracking.types';
import type { NotificationConfig } from './notification-config';
import { Notification } from './notification.entity';
import { normalisedAddressSql } from '../channels/suppression.service';
import { SqlParams } from '../database/sql-params';
import { queryPrepared } from '../database/prepared';
import {
  CANCELLABLE_STATUSES,
  CancelDecision,
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
 * Applies the pure policy inside the caller's transaction. The context it needs (customer, preferences,
 * suppressions, what was already sent) is a set of columns any statement on `shipments s` can carry
 * ({@link PLAN_CONTEXT_SELECT}), so webhook intake reads it in the same statement that locks the shipment; the
 * writes (cancellations, then one multi-row insert) are statement parts the caller can send together with its
 * own. Inserts are ON CONFLICT DO NOTHING against the once-per-type index, so concurrent changes can never
 * double-create.
 */
@Injectable()
export class NotificationPlanner {
  private readonly logger = new Logger(NotificationPlanner.name);

  constructor(
    @Inject(NOTIFICATION_CONFIG) private readonly config: NotificationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Plans and writes in two statements (context, then writes): for callers that hold no statement of their own. */
  async planWithin(
    manager: EntityManager,
    shipment: Shipment,
    changes: ShipmentDomainEvent[],
    context: PlanContext,
  ): Promise<Notification[]> {
    const base = await this.loadContext(manager, shipment);
    if (!base) return [];
    const plan = this.decide(base, shipment, changes, context);
    return (await this.writeMany(manager, new SqlParams(), [], [{ shipment, plan }])).get(shipment.id) ?? [];
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
    const plan = this.collect(base, shipment, decisions, {
      receivedAt: this.clock.now(),
      eventOccurredAt: null,
    });
    return (await this.writeMany(manager, new SqlParams(), [], [{ shipment, plan }])).get(shipment.id) ?? [];
  }

  /** The policy's decisions for a list of changes; each change sees what the ones before it decided to send. */
  decide(base: PlanBase, shipment: Shipment, changes: ShipmentDomainEvent[], context: PlanContext): Plan {
    const plan: Plan = { base, context, creates: [], cancels: [] };
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
      plan.creates.push(...next.creates);
      plan.cancels.push(...next.cancels);
    }
    return plan;
  }

  /**
   * Runs the plans' writes as one statement, after `before` (data-modifying statements of the caller, run as CTEs
   * sharing `sql`'s parameters): cancellations, then one insert of every new notification. ON CONFLICT DO NOTHING
   * against the once-per-type index drops what already exists. Returns the notifications created, by shipment.
   */
  async writeMany(
    manager: EntityManager,
    sql: SqlParams,
    before: string[],
    plans: { shipment: Shipment; plan: Plan }[],
  ): Promise<Map<string, Notification[]>> {
    const cancels = plans.flatMap(({ shipment, plan }) =>
      plan.cancels.map((c) => ({
        shipment_id: shipment.id,
        order_id: plan.base.orderId,
        type: c.notificationType,
        reason: c.reason,
      })),
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
      })),
    );
    const ctes = [...before];
    if (cancels.length) {
      ctes.push(
        `UPDATE notifications n SET status = 'cancelled', status_reason = c.reason, updated_at = now()
           FROM json_to_recordset(${sql.add(JSON.stringify(cancels), 'json')})
                AS c(shipment_id uuid, order_id uuid, type text, reason text)
          WHERE n.shipment_id = c.shipment_id AND n.type = c.type
            -- by order: its index finds the order's few messages (no index leads with the shipment)
            AND n.order_id = ANY(${sql.add([...new Set(cancels.map((c) => c.order_id))])}::uuid[])
            AND n.status = ANY(${sql.add(CANCELLABLE_STATUSES)}::text[])`,
      );
    }
    const insert = `INSERT INTO notifications
         (shipment_id, order_id, customer_id, type, channel, status, scheduled_for, quiet_hours_delayed,
          event_received_at, locale)
       SELECT x.shipment_id, x.order_id, x.customer_id, x.type, x.channel, 'pending', x.scheduled_for,
              x.quiet_hours_delayed, x.event_received_at, x.locale
         FROM json_to_recordset(${sql.add(JSON.stringify(creates), 'json')}) AS x(
                shipment_id uuid, order_id uuid, customer_id uuid, type text, channel text,
                scheduled_for timestamptz, quiet_hours_delayed boolean, event_received_at timestamptz, locale text)
       ON CONFLICT DO NOTHING
       RETURNING id, shipment_id, type, channel`;
    const statement = ctes.length
      ? `WITH ${ctes.map((c, i) => `w${i} AS (${c})`).join(',\n')}\n${insert}`
      : insert;
    const inserted: { id: string; shipment_id: string; type: NotificationType; channel: Channel }[] =
      await queryPrepared(manager, statement, sql.values);
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

  /** The policy context from a row that carried {@link PLAN_CONTEXT_SELECT}; null when there is no order yet. */
  contextFromRow(row: Record<string, unknown>): PlanBase | null {
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
        })),
        config: this.config,
        now: this.clock.now(),
      },
    };
  }

  /** Everything the policy needs, in one statement. */
  private async loadContext(manager: EntityManager, shipment: Shipment): Promise<PlanBase | null> {
    if (!shipment.orderId) return null;
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT ${PLAN_CONTEXT_SELECT} FROM shipments s ${PLAN_CONTEXT_JOIN} WHERE s.id = $1`,
      [shipment.id],
    );
    return rows[0] ? this.contextFromRow(rows[0]) : null;
  }

  /** Sorts decisions into creates and cancels, logging skips; creates join the history the next change sees. */
  private collect(base: PlanBase, shipment: Shipment, decisions: Decision[], context: PlanContext): Plan {
    const plan: Plan = { base, context, creates: [], cancels: [] };
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
        plan.cancels.push(decision);
      } else {
        plan.creates.push(decision);
        base.policy.history.push({
          type: decision.type,
          channel: decision.channel,
          status: 'pending',
          createdAt: base.policy.now,
          scheduledFor: decision.scheduledFor,
        });
      }
    }
    return plan;
  }
}

/**
 * The planner's context for the shipment aliased `s`, as columns (with {@link PLAN_CONTEXT_JOIN}): the customer,
 * active suppressions of their addresses (normalised as SuppressionService stores them), opt-outs, and the
 * shipment's notification history.
 */
export const PLAN_CONTEXT_JOIN =
  'LEFT JOIN orders o ON o.id = s.order_id LEFT JOIN customers c ON c.id = o.customer_id';
export const PLAN_CONTEXT_SELECT = `o.id AS ctx_order_id, c.id AS ctx_customer_id, c.locale AS ctx_locale,
  c.time_zone AS ctx_time_zone, c.email IS NOT NULL AS ctx_has_email, c.phone IS NOT NULL AS ctx_has_phone,
  EXISTS (SELECT 1 FROM suppressions x
           WHERE x.channel = 'sms' AND x.address = ${normalisedAddressSql('sms', 'c.phone')} AND x.lifted_at IS NULL) AS ctx_sms_suppressed,
  EXISTS (SELECT 1 FROM suppressions x
           WHERE x.channel = 'email' AND x.address = ${normalisedAddressSql('email', 'c.email')} AND x.lifted_at IS NULL) AS ctx_email_suppressed,
  COALESCE((SELECT json_agg(json_build_object('type', p.type, 'channel', p.channel))
              FROM customer_preferences p WHERE p.customer_id = c.id AND p.enabled = false), '[]') AS ctx_opt_outs,
  COALESCE((SELECT json_agg(json_build_object('type', n.type, 'channel', n.channel, 'status', n.status,
                                              'createdAt', n.created_at, 'scheduledFor', n.scheduled_for))
              FROM notifications n
             WHERE n.shipment_id = s.id AND n.resend_of IS NULL AND n.fallback_of IS NULL), '[]') AS ctx_history`;

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
  }[];
}

export interface PlanBase {
  orderId: string;
  customerId: string;
  locale: string;
  policy: PolicyContext;
}

/** What the policy decided for one shipment: written by {@link NotificationPlanner.writeMany}. */
export interface Plan {
  base: PlanBase;
  context: PlanContext;
  creates: CreateDecision[];
  cancels: CancelDecision[];
}
