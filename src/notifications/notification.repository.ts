import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type {
  DeliveryReceipt,
  DeliveryReceiptHandler,
  DeliveryReceiptOutcome,
} from '../channels/channel-hooks';
import { normalisedAddressSql } from '../channels/suppression.service';
import { fromRow, selectColumns } from '../database/from-row';
import { queryPrepared } from '../database/prepared';
import { SqlParams } from '../database/sql-params';
import type { Channel, NotificationStatus, NotificationType } from '../shared/notification.types';
import { NotificationAttempt } from './notification-attempt.entity';
import { INITIAL_STATUS, statusesFrom, type StatusChange } from './notification-status';
import {
  CUSTOMERS,
  ORDERS,
  SHIPMENTS,
  type SubjectCustomer,
  type SubjectOrder,
  type SubjectShipment,
} from './notification-subject';
import { Notification } from './notification.entity';
import type { SiblingParcel } from './message-variables';

/** A claimed notification with what its send reads: shipment, order, customer, and whether the address is suppressed. */
export interface ClaimedNotification {
  notification: Notification;
  shipment: SubjectShipment;
  order: SubjectOrder;
  customer: SubjectCustomer;
  /** The address this notification goes to is suppressed on its channel. */
  suppressed: boolean;
  /** Every parcel of the order, read in the claim (a message names "parcel 1 of 2" and "order complete"). */
  parcels: SiblingParcel[];
}

/** One `sent` outcome, as the batch statement reads it (json_to_recordset). */
export interface SentRow {
  id: string;
  attempt: number;
  channel: string;
  provider: string;
  provider_message_id: string;
  started_at: string;
  finished_at: string;
  segments: number | null;
  encoding: string | null;
  rendered: boolean;
  rendered_subject: string | null;
  rendered_html: string | null;
  rendered_text: string | null;
  template_version_id: string | null;
  template_version: number | null;
  locale: string | null;
}

/** A new notification decided by the policy, as the insert statement reads it. */
export interface PlannedRow {
  shipment_id: string;
  order_id: string;
  customer_id: string;
  type: NotificationType;
  channel: Channel;
  scheduled_for: string;
  quiet_hours_delayed: boolean;
  event_received_at: string;
  locale: string;
  /** The day a dated message is about (arriving_tomorrow); null for every other type. */
  about_date: string | null;
}

/** A message an opt-out or a suppression stopped when it would have been planned (see NotificationSkip). */
export interface SkippedRow {
  shipment_id: string;
  type: NotificationType;
  channel: Channel;
  reason: string;
}

/** Notifications of a type to cancel for a shipment because a newer change superseded them. */
export interface SupersededRow {
  shipment_id: string;
  order_id: string;
  type: NotificationType;
  reason: string;
}

export type StaleRow = Pick<Notification, 'id' | 'channel' | 'scheduledFor' | 'status'>;

/**
 * The one owner of the `notifications` and `notification_attempts` rows: every statement that writes them is a
 * named method here, and every status change takes its allowed `from` statuses from notification-status.ts.
 * The hot statements (claim, record sent, mark queued, insert planned) are set-based and prepared.
 */
@Injectable()
export class NotificationRepository implements DeliveryReceiptHandler {
  private claimSelectList: string | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * The planner's context of each shipment (by id, with an order): one row per shipment with the columns of
   * {@link PLAN_CONTEXT_SELECT}. Read inside the caller's transaction, after it locked the shipments.
   */
  async planContexts(manager: EntityManager, shipmentIds: string[]): Promise<Record<string, unknown>[]> {
    return queryPrepared(
      manager,
      `SELECT s.id AS shipment_id, ${PLAN_CONTEXT_SELECT}
         FROM shipments s ${PLAN_CONTEXT_JOIN}
        WHERE s.id = ANY($1::uuid[])`,
      [shipmentIds],
    );
  }

  /**
   * Insert planned, cancel superseded, record what an opt-out stopped (notification_skips, once per shipment,
   * type and channel): one statement inside the caller's transaction. ON CONFLICT DO NOTHING against the
   * once-per-type index drops what already exists. Returns the rows inserted.
   */
  async insertPlanned(
    manager: EntityManager,
    creates: PlannedRow[],
    cancels: SupersededRow[],
    skips: SkippedRow[] = [],
  ): Promise<{ id: string; shipment_id: string; type: NotificationType; channel: Channel }[]> {
    const sql = new SqlParams();
    const ctes: string[] = [];
    if (skips.length) {
      ctes.push(
        `INSERT INTO notification_skips (shipment_id, type, channel, reason)
         SELECT k.shipment_id, k.type, k.channel, k.reason
           FROM json_to_recordset(${sql.add(JSON.stringify(skips), 'json')})
                AS k(shipment_id uuid, type text, channel text, reason text)
         ON CONFLICT DO NOTHING`,
      );
    }
    if (cancels.length) {
      ctes.push(
        `UPDATE notifications n SET status = 'cancelled', status_reason = c.reason, updated_at = now()
           FROM json_to_recordset(${sql.add(JSON.stringify(cancels), 'json')})
                AS c(shipment_id uuid, order_id uuid, type text, reason text)
          WHERE n.shipment_id = c.shipment_id AND n.type = c.type
            -- by order: its index finds the order's few messages (no index leads with the shipment)
            AND n.order_id = ANY(${sql.add([...new Set(cancels.map((c) => c.order_id))])}::uuid[])
            AND n.status = ANY(${sql.add(statusesFrom('cancel', 'cancelled'))}::text[])`,
      );
    }
    const insert = `INSERT INTO notifications
         (shipment_id, order_id, customer_id, type, channel, status, scheduled_for, quiet_hours_delayed,
          event_received_at, locale, about_date)
       SELECT x.shipment_id, x.order_id, x.customer_id, x.type, x.channel, ${sql.add(INITIAL_STATUS)}, x.scheduled_for,
              x.quiet_hours_delayed, x.event_received_at, x.locale, x.about_date
         FROM json_to_recordset(${sql.add(JSON.stringify(creates), 'json')}) AS x(
                shipment_id uuid, order_id uuid, customer_id uuid, type text, channel text,
                scheduled_for timestamptz, quiet_hours_delayed boolean, event_received_at timestamptz, locale text,
                about_date date)
       ON CONFLICT DO NOTHING
       RETURNING id, shipment_id, type, channel`;
    const statement = ctes.length
      ? `WITH ${ctes.map((c, i) => `w${i} AS (${c})`).join(',\n')}\n${insert}`
      : insert;
    return queryPrepared(manager, statement, sql.values);
  }

  /**
   * Cancel every notification of an order that no worker holds yet (the store cancelled the order). Returns how
   * many were cancelled.
   */
  async cancelWaitingForOrder(orderExternalId: string, reason: string): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE notifications n SET status = 'cancelled', status_reason = $3, updated_at = now()
         FROM orders o
        WHERE o.external_id = $1 AND n.order_id = o.id AND n.status = ANY($2::text[])
        RETURNING n.id`,
      [orderExternalId, statusesFrom('cancel', 'cancelled'), reason],
    );
    return rows.length;
  }

  /** Mark queued: the jobs are on the queue. Rows a worker already took are left alone. */
  async markQueued(ids: string[]): Promise<void> {
    const from = sqlList(statusesFrom('enqueue', 'queued'));
    await queryPrepared(
      this.dataSource,
      // Rows locked in id order, as the workers' claim locks them: the two race for the same rows all the time.
      // The status tests are CASEs so that rows are reached by id, never through the status index (a prepared
      // statement's generic plan may otherwise read every pending row of a backlog).
      `UPDATE notifications SET status = 'queued', updated_at = now()
        WHERE id IN (SELECT id FROM notifications
                      WHERE id = ANY($1) AND CASE WHEN status IN (${from}) THEN true ELSE false END
                      ORDER BY id FOR UPDATE)
          AND CASE WHEN status IN (${from}) THEN true ELSE false END`,
      [ids],
    );
  }

  /**
   * The atomic claim of a batch: one statement moves the rows to `sending` and returns each with its shipment,
   * order, customer and whether the address is suppressed. Only one worker ever moves a row; a redelivered job
   * finds it taken (null). A row stuck in `sending` past the lease belongs to a dead worker and may be claimed
   * again. Rows are locked in id order, so two workers whose batches overlap cannot deadlock.
   */
  async claim(ids: string[], leaseMs: number): Promise<(ClaimedNotification | null)[]> {
    const waiting = sqlList(statusesFrom('claim', 'sending').filter((s) => s !== 'sending'));
    // The status test is a CASE so that the rows are reached by primary key: written as an OR of status tests it
    // lets the planner walk the status index, which reads every waiting row of the backlog, not just these.
    const rows: Record<string, unknown>[] = await queryPrepared(
      this.dataSource,
      `WITH claimed AS (
         UPDATE notifications SET status = 'sending', attempt_count = attempt_count + 1, updated_at = now()
          WHERE id IN (
            SELECT id FROM notifications
             WHERE id = ANY($1::uuid[])
               AND CASE WHEN status IN (${waiting}) THEN true
                        WHEN status = 'sending' THEN updated_at < now() - ($2 || ' milliseconds')::interval
                        ELSE false END
             ORDER BY id
               FOR UPDATE)
         RETURNING *
       )
       SELECT ${this.claimSelect()},
              EXISTS (SELECT 1 FROM suppressions x
                       WHERE x.lifted_at IS NULL AND x.channel = n.channel
                         AND x.address = CASE WHEN n.channel = 'sms' THEN ${normalisedAddressSql('sms', 'o.contact_phone')}
                                             ELSE ${normalisedAddressSql('email', 'o.contact_email')} END)
                AS suppressed,
              (SELECT coalesce(json_agg(json_build_object('id', p.id, 'status', p.status,
                        'deliveredAt', p.delivered_at, 'createdAt', p.created_at,
                        'trackingNumber', p.tracking_number)), '[]'::json)
                 FROM shipments p WHERE p.order_id = n.order_id) AS parcels
         FROM claimed n
         JOIN shipments s ON s.id = n.shipment_id
         JOIN orders o ON o.id = n.order_id
         JOIN customers c ON c.id = n.customer_id`,
      [ids, String(leaseMs)],
    );
    const byId = new Map<string, ClaimedNotification>();
    for (const row of rows) {
      const order = fromRow<SubjectOrder>(this.dataSource, ORDERS, row, 'o__');
      const notification = fromRow(this.dataSource, Notification, row, 'n__');
      byId.set(notification.id, {
        notification,
        shipment: fromRow<SubjectShipment>(this.dataSource, SHIPMENTS, row, 's__'),
        order,
        // H1 (issue 14): a message goes to the contact details of ITS order, never to whatever the customer row
        // (shared by every order matched by email) says now. The row still supplies the id for preferences and
        // unsubscribe.
        customer: withOrderContacts(fromRow<SubjectCustomer>(this.dataSource, CUSTOMERS, row, 'c__'), order),
        suppressed: row.suppressed === true,
        parcels: parcelsFromJson(row.parcels),
      });
    }
    return ids.map((id) => byId.get(id) ?? null);
  }

  private claimSelect(): string {
    this.claimSelectList ??= [
      selectColumns(this.dataSource, Notification, 'n'),
      selectColumns(this.dataSource, SHIPMENTS, 's'),
      selectColumns(this.dataSource, ORDERS, 'o'),
      selectColumns(this.dataSource, CUSTOMERS, 'c'),
    ].join(', ');
    return this.claimSelectList;
  }

  /**
   * Record outcome `sent`, for a batch: the attempt, the outcome and (when this attempt rendered it) the text, in
   * one statement: atomic, so a crash cannot leave a `sent` attempt on a row still `sending`. The id list beside
   * the join reaches the rows by primary key (the planner guesses json_to_recordset at 100 rows).
   */
  async recordSent(rows: SentRow[]): Promise<void> {
    await queryPrepared(
      this.dataSource,
      `WITH input AS (
         SELECT * FROM json_to_recordset($1::json) AS x(
           id uuid, attempt int, channel text, provider text, provider_message_id text,
           started_at timestamptz, finished_at timestamptz, segments int, encoding text, rendered boolean,
           rendered_subject text, rendered_html text, rendered_text text, template_version_id uuid,
           template_version int, locale text)
       ), attempt AS (
         INSERT INTO notification_attempts
           (notification_id, attempt, channel, provider, outcome, provider_message_id, started_at, finished_at)
         SELECT id, attempt, channel, provider, 'sent', provider_message_id, started_at, finished_at FROM input
       )
       UPDATE notifications n
          SET status = 'sent', status_reason = NULL, provider = i.provider,
              provider_message_id = i.provider_message_id, sent_at = i.finished_at,
              error_code = NULL, error_message = NULL,
              segments = COALESCE(i.segments, n.segments), encoding = COALESCE(i.encoding, n.encoding),
              rendered_subject = CASE WHEN i.rendered THEN i.rendered_subject ELSE n.rendered_subject END,
              rendered_html = CASE WHEN i.rendered THEN i.rendered_html ELSE n.rendered_html END,
              rendered_text = CASE WHEN i.rendered THEN i.rendered_text ELSE n.rendered_text END,
              template_version_id = CASE WHEN i.rendered THEN i.template_version_id ELSE n.template_version_id END,
              template_version = CASE WHEN i.rendered THEN i.template_version ELSE n.template_version END,
              locale = CASE WHEN i.rendered THEN i.locale ELSE n.locale END,
              updated_at = now()
         FROM input i
        WHERE n.id = i.id AND n.id = ANY($2::uuid[])`,
      [JSON.stringify(rows), rows.map((r) => r.id)],
    );
  }

  /**
   * Record any other outcome of the worker holding the row (`finish`: skipped, cancelled, failed) or give the row
   * back (`requeue`: quiet hours, a transient error). Returns false when the row was not in a status `change`
   * may move (another worker reclaimed it after the lease, or it was already finished).
   */
  async recordOutcome(
    change: Extract<StatusChange, 'finish' | 'requeue'>,
    id: string,
    values: Partial<Notification> & { status: NotificationStatus },
  ): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Notification)
      .set(values)
      .where('id = :id AND status IN (:...from)', { id, from: statusesFrom(change, values.status) })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** One attempt that did not end in `sent` (render error, provider error). */
  async recordAttempt(
    attempt: Omit<NotificationAttempt, 'id' | 'notification' | 'createdAt'>,
  ): Promise<void> {
    await this.dataSource.getRepository(NotificationAttempt).insert(attempt);
  }

  /**
   * Apply a provider status (a delivery receipt handed over by channels): one conditional UPDATE, so concurrent
   * and out-of-order receipts can only ever move the row forward.
   */
  async apply(receipt: DeliveryReceipt): Promise<DeliveryReceiptOutcome> {
    const [rows] = (await this.dataSource.query(
      `UPDATE notifications
          SET status = $2::varchar,
              delivered_at = CASE WHEN $2::varchar = 'delivered' THEN now() ELSE delivered_at END,
              status_reason = CASE WHEN $3::varchar IS NOT NULL THEN $3::varchar ELSE status_reason END,
              error_code = CASE WHEN $3::varchar IS NOT NULL THEN $4::varchar ELSE error_code END,
              updated_at = now()
        WHERE provider_message_id = $1 AND status = ANY($5::varchar[])
        RETURNING id`,
      [
        receipt.providerMessageId,
        receipt.status,
        receipt.failure?.reason ?? null,
        receipt.failure?.errorCode ?? null,
        statusesFrom('provider', receipt.status),
      ],
    )) as [Array<{ id: string }>, number];
    if (rows.length) return { notificationId: rows[0].id, moved: true };
    const known = await this.dataSource
      .getRepository(Notification)
      .findOne({ where: { providerMessageId: receipt.providerMessageId }, select: { id: true } });
    return { notificationId: known?.id ?? null, moved: false };
  }

  /** Find stale: rows left pending, queued past their time, or sending past the lease (for the sweeper). */
  async findStale(pendingBefore: Date, sendingBefore: Date): Promise<StaleRow[]> {
    return this.dataSource.query(
      `SELECT id, channel, scheduled_for AS "scheduledFor", status FROM notifications
        WHERE (status = 'pending' AND created_at < $1)
           OR (status = 'queued' AND scheduled_for < $1)
           OR (status = 'sending' AND updated_at < $2)
        ORDER BY scheduled_for LIMIT 2000`,
      [pendingBefore, sendingBefore],
    );
  }

  /**
   * Insert the email fallback of a permanently failed SMS, unless the email of that type exists and was not
   * cancelled or skipped. Returns the new row, or null.
   */
  async insertFallback(n: Notification, scheduledFor: Date): Promise<Notification | null> {
    const repo = this.dataSource.getRepository(Notification);
    const existing = await repo.findOne({
      where: { orderId: n.orderId, shipmentId: n.shipmentId, type: n.type, channel: 'email' }, // order's index
    });
    if (existing && existing.status !== 'cancelled' && existing.status !== 'skipped') return null;
    return repo.save(
      repo.create({
        shipmentId: n.shipmentId,
        orderId: n.orderId,
        customerId: n.customerId,
        type: n.type,
        channel: 'email',
        status: INITIAL_STATUS,
        scheduledFor,
        eventReceivedAt: n.eventReceivedAt,
        locale: n.locale,
        fallbackOf: n.id,
      }),
    );
  }
}

/**
 * The planner's context for the shipment aliased `s`, as columns (with {@link PLAN_CONTEXT_JOIN}): the customer,
 * active suppressions of their addresses (normalised as SuppressionService stores them), opt-outs, and the
 * shipment's notification history.
 */
const PLAN_CONTEXT_JOIN =
  'LEFT JOIN orders o ON o.id = s.order_id LEFT JOIN customers c ON c.id = o.customer_id';
// H1 (issue 14): locale, time zone and addresses are the order's own (o.contact_*), not the shared customer row's.
const PLAN_CONTEXT_SELECT = `o.id AS ctx_order_id, c.id AS ctx_customer_id, o.contact_locale AS ctx_locale,
  o.contact_time_zone AS ctx_time_zone, o.contact_email IS NOT NULL AS ctx_has_email, o.contact_phone IS NOT NULL AS ctx_has_phone,
  EXISTS (SELECT 1 FROM suppressions x
           WHERE x.channel = 'sms' AND x.address = ${normalisedAddressSql('sms', 'o.contact_phone')} AND x.lifted_at IS NULL) AS ctx_sms_suppressed,
  EXISTS (SELECT 1 FROM suppressions x
           WHERE x.channel = 'email' AND x.address = ${normalisedAddressSql('email', 'o.contact_email')} AND x.lifted_at IS NULL) AS ctx_email_suppressed,
  COALESCE((SELECT json_agg(json_build_object('type', p.type, 'channel', p.channel))
              FROM customer_preferences p WHERE p.customer_id = c.id AND p.enabled = false), '[]') AS ctx_opt_outs,
  COALESCE((SELECT json_agg(json_build_object('type', n.type, 'channel', n.channel, 'status', n.status,
                                              'createdAt', n.created_at, 'scheduledFor', n.scheduled_for,
                                              'aboutDate', n.about_date))
              FROM notifications n
             WHERE n.shipment_id = s.id AND n.resend_of IS NULL AND n.fallback_of IS NULL), '[]') AS ctx_history,
  COALESCE((SELECT json_agg(json_build_object('id', p.id, 'status', p.status, 'deliveredAt', p.delivered_at,
                                              'createdAt', p.created_at, 'trackingNumber', p.tracking_number))
              FROM shipments p WHERE p.order_id = s.order_id), '[]') AS ctx_parcels`;

/** Statuses as SQL literals: constant text from the transition table, so each statement keeps one prepared form. */
function sqlList(statuses: readonly NotificationStatus[]): string {
  return statuses.map((s) => `'${s}'`).join(',');
}

/** The customer as this order's messages see it: the order's own contact details (H1, issue 14). */
function withOrderContacts(customer: SubjectCustomer, order: SubjectOrder): SubjectCustomer {
  return Object.assign(customer, {
    name: order.contactName,
    email: order.contactEmail,
    phone: order.contactPhone,
    locale: order.contactLocale,
    timeZone: order.contactTimeZone,
    country: order.contactCountry,
    postcode: order.contactPostcode,
  });
}

interface ParcelJson {
  id: string;
  status: SiblingParcel['status'];
  deliveredAt: string | null;
  createdAt: string;
  trackingNumber: string;
}

export function parcelsFromJson(value: unknown): SiblingParcel[] {
  return ((value as ParcelJson[] | null) ?? []).map((p) => ({
    id: p.id,
    status: p.status,
    deliveredAt: p.deliveredAt ? new Date(p.deliveredAt) : null,
    createdAt: new Date(p.createdAt),
    trackingNumber: p.trackingNumber,
  }));
}
