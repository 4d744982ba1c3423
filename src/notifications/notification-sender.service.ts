import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { ChannelError } from '../channels/channel.types';
import { EmailSender } from '../channels/email.sender';
import { SmsSender } from '../channels/sms.sender';
import { UnsubscribeTokens } from '../channels/unsubscribe-tokens.service';
import { GroupedCall } from '../common/grouped-call';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { NotificationConfig } from '../config/notification-config';
import { quietWindowFor } from '../config/notification-config';
import { retryOnConflict } from '../database/transient-errors';
import { CLOCK, type Clock } from '../shared/clock';
import { nextAllowedSendTime } from '../shared/quiet-hours';
import { NotificationDispatcher } from './notification-dispatcher.service';
import { NotificationOutcomes } from './notification-outcomes.service';
import { NotificationRenderer } from './notification-renderer.service';
import { NOTIFICATION_CONFIG } from './notification-settings';
import type { SubjectCustomer as Customer } from './notification-subject';
import type { Notification } from './notification.entity';
import { NotificationRepository } from './notification.repository';
import { SendTimeCheck } from './send-time-check.service';

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
  'arriving_tomorrow',
  'out_for_delivery',
  'delivery_attempt_failed',
  'available_for_pickup',
  'pickup_reminder',
  'exception',
  'delayed',
  'stalled',
  'returned_to_sender',
]);

export type SendOutcome = 'sent' | 'skipped' | 'cancelled' | 'failed' | 'rescheduled' | 'not_claimed';

/**
 * The worker's half of a notification, step by step: claim it atomically (NotificationRepository: one sender
 * ever), re-check it is still wanted (SendTimeCheck) and inside quiet hours, render it once (NotificationRenderer),
 * hand it to the channel, record the outcome (NotificationOutcomes), and fall back to email after a permanent
 * SMS failure. Transient errors are rethrown for BullMQ's backoff; permanent ones end the notification here.
 */
@Injectable()
export class NotificationSender {
  private readonly logger = new Logger(NotificationSender.name);
  /** Claims are made in groups (see GroupedCall): one statement per batch, not per message. */
  private readonly claims = new GroupedCall(
    (ids: string[]) => retryOnConflict(() => this.notifications.claim(ids, sendingLeaseMs(this.config))),
    { maxBatch: 200, maxInFlight: 1 },
  );
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly check: SendTimeCheck,
    private readonly renderer: NotificationRenderer,
    private readonly outcomes: NotificationOutcomes,
    private readonly sms: SmsSender,
    private readonly email: EmailSender,
    private readonly unsubscribe: UnsubscribeTokens,
    private readonly dispatcher: NotificationDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NOTIFICATION_CONFIG) private readonly policy: NotificationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `isLastAttempt`: BullMQ will not retry again, so a transient failure becomes final. */
  async process(notificationId: string, isLastAttempt: boolean): Promise<SendOutcome> {
    const claimed = await this.claims.call(notificationId);
    if (!claimed) return 'not_claimed';
    const { notification: n, shipment, order, customer, suppressed, parcels } = claimed;

    const unwanted = await this.check.stillWanted(n, shipment, customer.timeZone, this.clock.now());
    if (unwanted) return this.outcomes.finish(n, unwanted.status, unwanted.reason);
    const address = n.channel === 'sms' ? customer.phone : customer.email;
    if (!address) return this.outcomes.finish(n, 'skipped', n.channel === 'sms' ? 'no_phone' : 'no_email');
    if (suppressed) return this.outcomes.finish(n, 'skipped', `suppressed_${n.channel}`);
    if (n.channel === 'sms') {
      // Quiet hours are re-checked at send time: a retry or a late job must not text at 3 a.m.
      const allowed = nextAllowedSendTime(
        this.clock.now(),
        customer.timeZone,
        quietWindowFor(this.policy.quietHours, n.type),
      );
      if (allowed.getTime() > this.clock.now().getTime() + 1000) {
        await this.outcomes.update('requeue', n.id, {
          status: 'queued',
          scheduledFor: allowed,
          quietHoursDelayed: true,
        });
        await this.dispatcher.enqueue([{ id: n.id, channel: n.channel, scheduledFor: allowed }]);
        return 'rescheduled';
      }
    }

    if (!n.renderedText) {
      try {
        await this.renderer.render(n, shipment, order, customer, parcels);
        this.outcomes.rendered(n);
      } catch (err) {
        this.logger.error({ notificationId: n.id, err: (err as Error).message }, 'render failed');
        await this.outcomes.recordAttempt(
          n,
          'render',
          new Date(),
          null,
          'render_error',
          (err as Error).message,
        );
        return this.outcomes.finish(n, 'failed', 'render_error', (err as Error).message.slice(0, 500));
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
      await this.outcomes.recordSuccess(n, result, started);
      return 'sent';
    } catch (err) {
      const error =
        err instanceof ChannelError
          ? err
          : new ChannelError('transient', 'unexpected', (err as Error).message ?? 'unknown error');
      await this.outcomes.recordAttempt(
        n,
        error.kind === 'permanent' ? 'permanent_error' : 'transient_error',
        started,
        null,
        error.code,
        error.message,
      );
      if (error.kind !== 'permanent' && !isLastAttempt) {
        await this.outcomes.update(
          'requeue',
          n.id,
          { status: 'queued', errorCode: error.code, errorMessage: error.message.slice(0, 500) },
          n,
        );
        throw err instanceof Error ? err : error; // BullMQ retries with the notification backoff
      }
      await this.outcomes.finish(n, 'failed', error.code, error.message.slice(0, 500));
      if (n.channel === 'sms' && error.kind === 'permanent') await this.fallBackToEmail(n, customer);
      if (error.kind === 'permanent') throw new UnrecoverableError(`${error.code}: ${error.message}`);
      return 'failed';
    }
  }

  /** A permanent SMS failure falls back to email once, when the customer has one and the type matters enough. */
  private async fallBackToEmail(n: Notification, customer: Customer): Promise<void> {
    if (!customer.email || !SMS_FALLBACK_TYPES.has(n.type)) return;
    const fallback = await this.notifications.insertFallback(n, this.clock.now());
    if (fallback) await this.dispatcher.enqueue([fallback]);
  }
}
