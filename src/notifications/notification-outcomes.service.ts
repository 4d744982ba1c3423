import { Injectable, Logger } from '@nestjs/common';
import { EmailSender } from '../channels/email.sender';
import type { SendResult } from '../channels/channel.types';
import { SmsSender } from '../channels/sms.sender';
import { GroupedCall } from '../common/grouped-call';
import { retryOnConflict } from '../database/transient-errors';
import { MetricsService } from '../metrics/metrics.service';
import type { SendOutcome } from './notification-sender.service';
import type { Notification } from './notification.entity';
import { NotificationRepository, type SentRow } from './notification.repository';

/**
 * Records what became of a send attempt: the `sent` outcome (grouped: one statement per batch, not per message),
 * other attempts, the final status, or the row given back for later; with the rendered text when this attempt
 * rendered it, and the outcome metrics.
 */
@Injectable()
export class NotificationOutcomes {
  private readonly logger = new Logger(NotificationOutcomes.name);
  private readonly outcomes;
  private readonly latency;
  /** Notifications rendered in this attempt whose text is not stored yet. */
  private readonly unsaved = new WeakSet<Notification>();
  private readonly successes = new GroupedCall(
    (rows: SentRow[]) =>
      retryOnConflict(async () => {
        await this.notifications.recordSent(rows);
        return rows.map(() => undefined);
      }),
    { maxBatch: 200, maxInFlight: 1 },
  );

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly sms: SmsSender,
    private readonly email: EmailSender,
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

  /**
   * This attempt rendered `n`: its text is written together with the outcome (one statement fewer per message),
   * and a retry finds it stored and sends exactly it.
   */
  rendered(n: Notification): void {
    this.unsaved.add(n);
  }

  /**
   * The attempt, the outcome and (when this attempt rendered it) the text, in one statement: atomic, so a crash
   * cannot leave a `sent` attempt on a row still `sending` (it would be reclaimed after the lease and sent again,
   * with two `sent` attempts on record). Outcomes that finish while a write is in flight share the next one.
   */
  async recordSuccess(n: Notification, result: SendResult, started: Date): Promise<void> {
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

  async recordAttempt(
    n: Notification,
    outcome: string,
    startedAt: Date,
    result: SendResult | null,
    errorCode: string | null,
    errorMessage: string | null,
    provider?: string,
  ): Promise<void> {
    await this.notifications.recordAttempt({
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

  async finish(
    n: Notification,
    status: 'skipped' | 'cancelled' | 'failed',
    reason: string,
    message?: string,
  ): Promise<SendOutcome> {
    await this.update(
      'finish',
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

  /** Records the outcome (or gives the row back), adding the rendered content when this attempt rendered it. */
  async update(
    change: 'finish' | 'requeue',
    id: string,
    values: Partial<Notification> & Pick<Notification, 'status'>,
    n?: Notification,
  ): Promise<void> {
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
    await this.notifications.recordOutcome(change, id, { ...rendered, ...values });
  }
}
