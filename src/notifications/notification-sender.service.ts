import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { ChannelError, SendResult } from '../channels/channel.types';
import { EmailSender } from '../channels/email.sender';
import { SmsSender } from '../channels/sms.sender';
import { SuppressionService } from '../channels/suppression.service';
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
import { NotificationAttempt } from './notification-attempt.entity';
import { NotificationDispatcher } from './notification-dispatcher.service';
import { CLOCK, type Clock } from './notification-planner.service';
import { NOTIFICATION_CONFIG } from './notification-settings';
import type { NotificationConfig } from './notification-config';
import { quietWindowFor } from './notification-config';
import { Notification } from './notification.entity';
import { nextAllowedSendTime } from './quiet-hours';

/** A claimed notification older than this in `sending` belongs to a worker that died mid-send. */
const SENDING_LEASE_MS = 120_000;
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
  private readonly latency;

  constructor(
    private readonly dataSource: DataSource,
    private readonly templates: TemplateStore,
    private readonly sms: SmsSender,
    private readonly email: EmailSender,
    private readonly suppressions: SuppressionService,
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
    const n = await this.claim(notificationId);
    if (!n) return 'not_claimed';
    const [shipment, order, customer] = await Promise.all([
      this.dataSource.getRepository(Shipment).findOneByOrFail({ id: n.shipmentId }),
      this.dataSource.getRepository(Order).findOneByOrFail({ id: n.orderId }),
      this.dataSource.getRepository(Customer).findOneByOrFail({ id: n.customerId }),
    ]);

    const unwanted = this.stillWanted(n, shipment);
    if (unwanted) return this.finish(n, unwanted.status, unwanted.reason);
    const address = n.channel === 'sms' ? customer.phone : customer.email;
    if (!address) return this.finish(n, 'skipped', n.channel === 'sms' ? 'no_phone' : 'no_email');
    if (await this.suppressions.isSuppressed(n.channel, address)) {
      return this.finish(n, 'skipped', `suppressed_${n.channel}`);
    }
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
        await this.update(n.id, {
          status: 'queued',
          errorCode: error.code,
          errorMessage: error.message.slice(0, 500),
        });
        throw err instanceof Error ? err : error; // BullMQ retries with the notification backoff
      }
      await this.finish(n, 'failed', error.code, error.message.slice(0, 500));
      if (n.channel === 'sms' && error.kind === 'permanent') await this.fallBackToEmail(n, customer);
      if (error.kind === 'permanent') throw new UnrecoverableError(`${error.code}: ${error.message}`);
      return 'failed';
    }
  }

  /**
   * The atomic claim. Only one worker moves a row to `sending`; a redelivered job finds it taken.
   * A row stuck in `sending` past the lease belongs to a dead worker and may be claimed again.
   */
  private async claim(id: string): Promise<Notification | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `UPDATE notifications SET status = 'sending', attempt_count = attempt_count + 1, updated_at = now()
        WHERE id = $1 AND (status IN ('pending','queued') OR (status = 'sending' AND updated_at < now() - ($2 || ' milliseconds')::interval))
        RETURNING id`,
      [id, String(SENDING_LEASE_MS)],
    );
    if (!rows[0]) return null;
    return this.dataSource.getRepository(Notification).findOneBy({ id });
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
    const vars = await this.variables(shipment, order, customer, template.locale, n.channel);
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
    await this.update(n.id, {
      renderedSubject: n.renderedSubject,
      renderedHtml: n.renderedHtml,
      renderedText: n.renderedText,
      segments: n.segments,
      encoding: n.encoding,
      templateVersionId: n.templateVersionId,
      templateVersion: n.templateVersion,
      locale: n.locale,
    });
  }

  async variables(
    shipment: Shipment,
    order: Order,
    customer: Customer,
    locale: TemplateVariables['locale'],
    channel: 'sms' | 'email',
  ): Promise<TemplateVariables> {
    const history = await this.dataSource
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

  private async recordSuccess(n: Notification, result: SendResult, started: Date): Promise<void> {
    const now = new Date();
    await this.recordAttempt(n, 'sent', started, result, null, null, result.provider);
    await this.update(n.id, {
      status: 'sent',
      statusReason: null,
      provider: result.provider,
      providerMessageId: result.providerMessageId,
      sentAt: now,
      errorCode: null,
      errorMessage: null,
      ...(result.segments ? { segments: result.segments, encoding: result.encoding ?? null } : {}),
    });
    this.outcomes.inc({ type: n.type, channel: n.channel, status: 'sent' });
    if (n.eventReceivedAt)
      this.latency.observe({ channel: n.channel }, (now.getTime() - n.eventReceivedAt.getTime()) / 1000);
  }

  private async recordAttempt(
    n: Notification,
    outcome: string,
    startedAt: Date,
    result: SendResult | null,
    errorCode: string | null,
    errorMessage: string | null,
    provider?: string,
  ): Promise<void> {
    await this.dataSource.getRepository(NotificationAttempt).insert({
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
    await this.update(n.id, {
      status,
      statusReason: reason,
      ...(status === 'failed' ? { errorCode: reason, errorMessage: message ?? null } : {}),
    });
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
      where: { shipmentId: n.shipmentId, type: n.type, channel: 'email' },
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

  private async update(id: string, values: Partial<Notification>): Promise<void> {
    await this.dataSource.getRepository(Notification).update(id, values);
  }
}
