import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { ChannelError, SendResult } from '../channels/channel.types';
import { GroupedCall } from '../common/grouped-call';
import { fromRow, selectColumns } from '../database/from-row';
import { retryOnConflict } from '../database/transient-errors';
import { EmailSender } from '../channels/email.sender';
import { SmsSender } from '../channels/sms.sender';
import { normalisedAddressSql } from '../channels/suppression.service';
import { UnsubscribeTokens } from '../channels/unsubscribe-tokens.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { TemplateStore } from '../templates/template-store.service';
import { TemplateVariables, toTemplateEta, toTemplatePickup } from '../templates/template-variables';
import { carrierTrackingUrl } from '../tracking/carrier';
import { Customer } from '../tracking/customer.entity';
import { EtaHistory } from '../tracking/eta-history.entity';
import { Order } from '../tracking/order.entity';
import { Shipment } from '../tracking/shipment.entity';
import { queryPrepared } from '../database/prepared';
import { NotificationAttempt } from './notification-attempt.entity';
import { NotificationDispatcher } from './notification-dispatcher.service';
import { CLOCK, type Clock } from './notification-planner.service';
import { NOTIFICATION_CONFIG } from './notification-settings';
import type { NotificationConfig } from './notification-config';
import { quietWindowFor } from './notification-config';
import { Notification } from './notification.entity';
import { nextAllowedSendTime } from './quiet-hours';
import type { NotificationType } from './notification.types';

/**
 * A claimed notification older than this in `sending` belongs to a worker that died mid-send and may be claimed
 * again (at-least-once for a send in flight at a crash). Production default; NOTIFY_SENDING_LEASE_SECONDS sets it.
 */
export const SENDING_LEASE_MS = 120_000;

/** The lease in effect (NOTIFY_SENDING_LEASE_SECONDS, default 120 s). */
export function sendingLeaseMs(config: AppConfig): number {
  return (config.notifications.sendingLeaseSeconds ?? SENDING_LEASE_MS / 1000) * 1000;
}
export const SMS_FALLBACK_TYPES = new Set([
  'out_for_delivery',
  'delivery_attempt_failed',
  'available_for_pickup',
  'pickup_reminder',
  'exception',
  'delayed',
  'returned_to_sender',
]);

export type SendOutcome = 'sent' | 'skipped' | 'cancelled' | 'failed' | 'rescheduled' | 'not_claimed';

/**
 * The worker's half of a notification: claim it atomically (one sender ever), check it is still wanted,
 * render it once (stored, so a retry sends the same text), hand it to the channel, record the attempt.
 * Transient errors are rethrown for BullMQ's backoff; permanent ones end the notification here.
 */
@Injectable()
export class NotificationSender {
  private readonly logger = new Logger(NotificationSender.name);
  private readonly outcomes;
  /** Notifications rendered in this attempt whose text is not stored yet. */
  private readonly unsaved = new WeakSet<Notification>();
  private readonly latency;
  /** Claims and `sent` outcomes are written in groups (see GroupedCall): two statements per batch, not per message. */
  private readonly claims = new GroupedCall((ids: string[]) => retryOnConflict(() => this.claimBatch(ids)), {
    maxBatch: 200,
    maxInFlight: 1,
  });
  private readonly successes = new GroupedCall(
    (rows: SuccessRow[]) => retryOnConflict(() => this.recordSuccessBatch(rows)),
    {
      maxBatch: 200,
      maxInFlight: 1,
    },
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly templates: TemplateStore,
    private readonly sms: SmsSender,
    private readonly email: EmailSender,
    private readonly unsubscribe: UnsubscribeTokens,
    private readonly dispatcher: NotificationDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NOTIFICATION_CONFIG) private readonly policy: NotificationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter(
      'wismo_notifications_total',
      'Notifications by type, channel and final status',
      ['type', 'channel', 'status'],
    );
    this.latency = metrics.histogram(
      'wismo_notification_latency_seconds',
      'From the shipment change reaching us to the provider accepting the message',
      ['channel'],
      [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300, 3600, 43200],
    );
  }

  /** `isLastAttempt`: BullMQ will not retry again, so a transient failure becomes final. */
  async process(notificationId: string, isLastAttempt: boolean): Promise<SendOutcome> {
    const claimed = await this.claims.call(notificationId);
    if (!claimed) return 'not_claimed';
    const { notification: n, shipment, order, customer, suppressed } = claimed;

    const unwanted = this.stillWanted(n, shipment);
    if (unwanted) return this.finish(n, unwanted.status, unwanted.reason);
    const address = n.channel === 'sms' ? customer.phone : customer.email;
    if (!address) return this.finish(n, 'skipped', n.channel === 'sms' ? 'no_phone' : 'no_email');
    if (suppressed) return this.finish(n, 'skipped', `suppressed_${n.channel}`);
    if (n.channel === 'sms') {
      // Quiet hours are re-checked at send time: a retry or a late job must not text at 3 a.m.
      const allowed = nextAllowedSendTime(
        this.clock.now(),
        customer.timeZone,
        quietWindowFor(this.policy.quietHours, n.type),
      );
      if (allowed.getTime() > this.clock.now().getTime() + 1000) {
        await this.update(n.id, { status: 'queued', scheduledFor: allowed, quietHoursDelayed: true });
        await this.dispatcher.enqueue([{ id: n.id, channel: n.channel, scheduledFor: allowed }]);
        return 'rescheduled';
      }
    }

    if (!n.renderedText) {
      try {
        await this.render(n, shipment, order, customer);
      } catch (err) {
        this.logger.error({ notificationId: n.id, err: (err as Error).message }, 'render failed');
        await this.recordAttempt(n, 'render', new Date(), null, 'render_error', (err as Error).message);
        return this.finish(n, 'failed', 'render_error', (err as Error).message.slice(0, 500));
      }
    }

    const started = new Date();
    try {
      const result =
        n.channel === 'sms'
          ? await this.sms.send({ to: address, body: n.renderedText!, notificationId: n.id })
          : await this.email.send({
              to: address,
              subject: n.renderedSubject ?? '',
              html: n.renderedHtml ?? '',
              text: n.renderedText ?? undefined,
              headers: this.unsubscribe.listUnsubscribeHeaders(customer.id, 'shipping_updates'),
              notificationId: n.id,
            });
      await this.recordSuccess(n, result, started);
      return 'sent';
    } catch (err) {
      const error =
        err instanceof ChannelError
          ? err
          : new ChannelError('transient', 'unexpected', (err as Error).message ?? 'unknown error');
      await this.recordAttempt(
        n,
        error.kind === 'permanent' ? 'permanent_error' : 'transient_error',
        started,
        null,
        error.code,
        error.message,
      );
      if (error.kind !== 'permanent' && !isLastAttempt) {
        await this.update(
          n.id,
          { status: 'queued', errorCode: error.code, errorMessage: error.message.slice(0, 500) },
          n,
        );
        throw err instanceof Error ? err : error; // BullMQ retries with the notification backoff
      }
      await this.finish(n, 'failed', error.code, error.message.slice(0, 500));
      if (n.channel === 'sms' && error.kind === 'permanent') await this.fallBackToEmail(n, customer);
      if (error.kind === 'permanent') throw new UnrecoverableError(`${error.code}: ${error.message}`);
      return 'failed';
    }
  }

  /**
   * The atomic claim, for every job that asked while the previous batch was in flight: one statement moves the
   * rows to `sending` and returns each with its shipment, order, customer and whether the address is suppressed.
   * Only one worker ever moves a row; a redelivered job finds it taken (null). A row stuck in `sending` past the
   * lease belongs to a dead worker and may be claimed again. Rows are locked in id order, so two workers whose
   * batches overlap cannot deadlock.
   */
  private async claimBatch(ids: string[]): Promise<(ClaimedNotification | null)[]> {
    const select = this.claimSelect();
    // The status test is a CASE so that the rows are reached by primary key: written as an OR of status tests it
    // lets the planner walk the status index, which reads every waiting row of the backlog, not just these.
    const rows = await queryPrepared(
      this.dataSource,
      `WITH claimed AS (
         UPDATE notifications SET status = 'sending', attempt_count = attempt_count + 1, updated_at = now()
          WHERE id IN (
            SELECT id FROM notifications
             WHERE id = ANY($1::uuid[])
               AND CASE WHEN status IN ('pending','queued') THEN true
                        WHEN status = 'sending' THEN updated_at < now() - ($2 || ' milliseconds')::interval
                        ELSE false END
             ORDER BY id
               FOR UPDATE)
         RETURNING *
       )
       SELECT ${select},
              EXISTS (SELECT 1 FROM suppressions x
                       WHERE x.lifted_at IS NULL AND x.channel = n.channel
                         AND x.address = CASE WHEN n.channel = 'sms' THEN ${normalisedAddressSql('sms', 'c.phone')}
                                             ELSE ${normalisedAddressSql('email', 'c.email')} END)
                AS suppressed
         FROM claimed n
         JOIN shipments s ON s.id = n.shipment_id
         JOIN orders o ON o.id = n.order_id
         JOIN customers c ON c.id = n.customer_id`,
      [ids, String(sendingLeaseMs(this.config))],
    );
    const byId = new Map<string, ClaimedNotification>();
    for (const row of rows) {
      const shipment = fromRow(this.dataSource, Shipment, row, 's__');
      const order = fromRow(this.dataSource, Order, row, 'o__');
      const customer = fromRow(this.dataSource, Customer, row, 'c__');
      const notification = fromRow(this.dataSource, Notification, row, 'n__');
      byId.set(notification.id, {
        notification,
        shipment,
        order,
        customer,
        suppressed: row.suppressed === true,
      });
    }
    return ids.map((id) => byId.get(id) ?? null);
  }

  private claimSelectList: string | undefined;
  private claimSelect(): string {
    this.claimSelectList ??= [
      selectColumns(this.dataSource, Notification, 'n'),
      selectColumns(this.dataSource, Shipment, 's'),
      selectColumns(this.dataSource, Order, 'o'),
      selectColumns(this.dataSource, Customer, 'c'),
    ].join(', ');
    return this.claimSelectList;
  }

  private stillWanted(
    n: Notification,
    shipment: Shipment,
  ): { status: 'skipped' | 'cancelled'; reason: string } | null {
    if (n.resendOf) return null; // a person asked for it
    if (shipment.status === 'returned' && n.type !== 'returned_to_sender')
      return { status: 'skipped', reason: 'returned_to_sender' };
    if (shipment.status === 'delivered' && !['delivered'].includes(n.type)) {
      return { status: 'cancelled', reason: 'superseded' };
    }
    if (
      n.type === 'pickup_reminder' &&
      (shipment.status !== 'available_for_pickup' || shipment.collectedAtPickup)
    ) {
      return { status: 'skipped', reason: 'not_awaiting_pickup' };
    }
    return null;
  }

  private async render(n: Notification, shipment: Shipment, order: Order, customer: Customer): Promise<void> {
    const template = await this.templates.effective(n.type, n.channel, customer.locale);
    const vars = await this.variables(shipment, order, customer, template.locale, n.channel, n.type);
    if (n.channel === 'sms') {
      const sms = this.templates.engine.renderSms(template.parts.body ?? '', vars);
      Object.assign(n, {
        renderedText: sms.body,
        segments: sms.analysis.segments,
        encoding: sms.analysis.encoding,
      });
    } else {
      const email = this.templates.engine.renderEmail(
        {
          subject: template.parts.subject ?? '',
          html: template.parts.html ?? '',
          text: template.parts.text ?? null,
        },
        vars,
      );
      Object.assign(n, {
        renderedSubject: email.subject,
        renderedHtml: email.html,
        renderedText: email.text,
      });
    }
    Object.assign(n, {
      templateVersionId: template.versionId,
      templateVersion: template.version,
      locale: template.locale,
    });
    // Written together with the outcome of this attempt (one statement fewer per message); a retry finds the
    // text stored and sends exactly it.
    this.unsaved.add(n);
  }

  async variables(
    shipment: Shipment,
    order: Order,
    customer: Customer,
    locale: TemplateVariables['locale'],
    channel: 'sms' | 'email',
    type?: NotificationType,
  ): Promise<TemplateVariables> {
    // Only a delay message compares ETAs; the send path of every other type skips the query.
    const needsPreviousEta = !type || type === 'delayed';
    const history = !needsPreviousEta
      ? null
      : await this.dataSource
          .getRepository(EtaHistory)
          .findOne({ where: { shipmentId: shipment.id }, order: { recordedAt: 'DESC' } });
    const [firstName, ...rest] = customer.name.trim().split(/\s+/);
    return {
      locale,
      timeZone: customer.timeZone,
      now: this.clock.now().toISOString(),
      customer: { firstName: firstName || null, lastName: rest.join(' ') || null },
      order: { number: order.externalId, url: null },
      shipment: {
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        trackingUrl:
          carrierTrackingUrl(shipment.carrier, shipment.trackingNumber) ?? this.config.brand.supportUrl,
        status: shipment.status,
        reason: shipment.exceptionReason,
        eta: toTemplateEta(shipment.eta),
        previousEta: toTemplateEta(history?.previousEta ?? shipment.originalEta),
        pickup: toTemplatePickup(shipment.pickup),
        collectedAtPickup: shipment.collectedAtPickup,
        deliveredAt: shipment.deliveredAt?.toISOString() ?? null,
      },
      brand: {
        name: this.config.brand.name,
        supportUrl: this.config.brand.supportUrl,
        websiteUrl: null,
        logoUrl: null,
      },
      unsubscribeUrl: channel === 'email' ? this.unsubscribe.url(customer.id, 'shipping_updates') : null,
    };
  }

  /**
   * The attempt, the outcome and (when this attempt rendered it) the text, in one statement: atomic, so a crash
   * cannot leave a `sent` attempt on a row still `sending` (it would be reclaimed after the lease and sent again,
   * with two `sent` attempts on record). Outcomes that finish while a write is in flight share the next one.
   */
  private async recordSuccess(n: Notification, result: SendResult, started: Date): Promise<void> {
    const now = new Date();
    const rendered = this.unsaved.has(n);
    this.unsaved.delete(n);
    await this.successes.call({
      id: n.id,
      attempt: n.attemptCount,
      channel: n.channel,
      provider: result.provider,
      provider_message_id: result.providerMessageId,
      started_at: started.toISOString(),
      finished_at: now.toISOString(),
      segments: result.segments ?? n.segments ?? null,
      encoding: result.encoding ?? n.encoding ?? null,
      rendered,
      rendered_subject: rendered ? (n.renderedSubject ?? null) : null,
      rendered_html: rendered ? (n.renderedHtml ?? null) : null,
      rendered_text: rendered ? (n.renderedText ?? null) : null,
      template_version_id: rendered ? (n.templateVersionId ?? null) : null,
      template_version: rendered ? (n.templateVersion ?? null) : null,
      locale: rendered ? (n.locale ?? null) : null,
    });
    this.outcomes.inc({ type: n.type, channel: n.channel, status: 'sent' });
    if (n.eventReceivedAt)
      this.latency.observe({ channel: n.channel }, (now.getTime() - n.eventReceivedAt.getTime()) / 1000);
  }

  /** The id list beside the join reaches the rows by primary key (the planner guesses json_to_recordset at 100). */
  private async recordSuccessBatch(rows: SuccessRow[]): Promise<void[]> {
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
    return rows.map(() => undefined);
  }

  private async recordAttempt(
    n: Notification,
    outcome: string,
    startedAt: Date,
    result: SendResult | null,
    errorCode: string | null,
    errorMessage: string | null,
    provider?: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.getRepository(NotificationAttempt).insert({
      notificationId: n.id,
      attempt: n.attemptCount,
      channel: n.channel,
      provider: provider ?? (n.channel === 'sms' ? this.sms.provider : this.email.provider),
      outcome,
      providerMessageId: result?.providerMessageId ?? null,
      errorCode,
      errorMessage: errorMessage?.slice(0, 1000) ?? null,
      startedAt,
      finishedAt: new Date(),
    });
  }

  private async finish(
    n: Notification,
    status: 'skipped' | 'cancelled' | 'failed',
    reason: string,
    message?: string,
  ): Promise<SendOutcome> {
    await this.update(
      n.id,
      {
        status,
        statusReason: reason,
        ...(status === 'failed' ? { errorCode: reason, errorMessage: message ?? null } : {}),
      },
      n,
    );
    this.outcomes.inc({ type: n.type, channel: n.channel, status });
    this.logger.log(
      { notificationId: n.id, type: n.type, channel: n.channel, status, reason },
      'notification finished',
    );
    return status;
  }

  /** A permanent SMS failure falls back to email once, when the customer has one and the type matters enough. */
  private async fallBackToEmail(n: Notification, customer: Customer): Promise<void> {
    if (!customer.email || !SMS_FALLBACK_TYPES.has(n.type)) return;
    const repo = this.dataSource.getRepository(Notification);
    const existing = await repo.findOne({
      where: { orderId: n.orderId, shipmentId: n.shipmentId, type: n.type, channel: 'email' }, // order's index
    });
    if (existing && existing.status !== 'cancelled' && existing.status !== 'skipped') return;
    const fallback = await repo.save(
      repo.create({
        shipmentId: n.shipmentId,
        orderId: n.orderId,
        customerId: n.customerId,
        type: n.type,
        channel: 'email',
        status: 'pending',
        scheduledFor: this.clock.now(),
        eventReceivedAt: n.eventReceivedAt,
        locale: n.locale,
        fallbackOf: n.id,
      }),
    );
    await this.dispatcher.enqueue([fallback]);
  }

  /** Updates the row, adding the rendered content when this attempt rendered it. */
  private async update(id: string, values: Partial<Notification>, n?: Notification): Promise<void> {
    const rendered =
      n && this.unsaved.has(n)
        ? {
            renderedSubject: n.renderedSubject,
            renderedHtml: n.renderedHtml,
            renderedText: n.renderedText,
            segments: n.segments,
            encoding: n.encoding,
            templateVersionId: n.templateVersionId,
            templateVersion: n.templateVersion,
            locale: n.locale,
          }
        : {};
    if (n) this.unsaved.delete(n);
    await this.dataSource.getRepository(Notification).update(id, { ...rendered, ...values });
  }
}

interface ClaimedNotification {
  notification: Notification;
  shipment: Shipment;
  order: Order;
  customer: Customer;
  /** The address this notification goes to is suppressed on its channel. */
  suppressed: boolean;
}

/** One `sent` outcome, as the batch statement reads it (json_to_recordset). */
interface SuccessRow {
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
