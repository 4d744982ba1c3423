import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ChannelHooks } from './channel-hooks';
import { E164 } from './sms.sender';
import { notificationStatusFor } from './sms-delivery-status';
import { smsKeywordOf } from './sms-keywords';
import { SuppressionService } from './suppression.service';
import { TWIML_EMPTY, twimlMessage } from './twiml';
import { classifyTwilioStatusCallback } from './twilio-errors';

export type TwilioParams = Record<string, string | string[] | undefined>;

export type StatusOutcome = 'updated' | 'stale' | 'unknown_message' | 'ignored_status';

/** Twilio waits 15 s for a TwiML answer; past this the shopper gets the acknowledgement instead. */
const HANDLER_TIMEOUT_MS = 10_000;

/**
 * What Twilio's delivery callbacks and inbound texts do. Signatures are checked before this. Delivery receipts are
 * handed to the owner of the message records (notifications) through ChannelHooks; suppressions are our own.
 */
@Injectable()
export class TwilioWebhookService {
  private readonly logger = new Logger(TwilioWebhookService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly suppressions: SuppressionService,
    private readonly hooks: ChannelHooks,
  ) {}

  async handleStatus(params: TwilioParams): Promise<StatusOutcome> {
    const sid = first(params.MessageSid) ?? first(params.SmsSid);
    const next = notificationStatusFor(first(params.MessageStatus) ?? first(params.SmsStatus));
    if (!sid || !next) return 'ignored_status';
    const errorCode = first(params.ErrorCode)?.trim() || null;
    const failed = next === 'failed';

    const receipts = this.hooks.deliveryReceipts;
    const { notificationId, moved } = receipts
      ? await receipts.apply({
          providerMessageId: sid,
          status: next,
          failure: failed
            ? { reason: `twilio_${first(params.MessageStatus) ?? 'failed'}`.slice(0, 60), errorCode }
            : null,
        })
      : { notificationId: null, moved: false };
    if (!notificationId) {
      this.logger.log({ messageSid: sid }, 'Status callback for an unknown message; ignored');
      return 'unknown_message';
    }
    if (failed) {
      const c = classifyTwilioStatusCallback(errorCode);
      const to = first(params.To);
      if (c.suppressNumber && to && E164.test(to)) {
        await this.suppressions.suppress('sms', to, c.code === '21610' ? 'stop' : 'undeliverable', c.code);
      }
      if (!c.known)
        this.logger.warn(
          { notificationId: notificationId, code: c.code },
          'Unrecognised Twilio delivery error',
        );
    }
    this.logger.log(
      { notificationId: notificationId, messageSid: sid, status: next, errorCode, moved },
      'Twilio status callback',
    );
    return moved ? 'updated' : 'stale';
  }

  /** The TwiML answer to an inbound text. */
  async handleInbound(params: TwilioParams): Promise<string> {
    const from = first(params.From)?.trim();
    const text = first(params.Body) ?? '';
    const sid = first(params.MessageSid);
    if (!from) return TWIML_EMPTY;
    const { name, supportUrl } = this.config.brand;
    switch (smsKeywordOf(text)) {
      case 'stop':
        await this.suppressions.suppress('sms', from, 'stop', 'inbound_sms');
        this.logger.log({ messageSid: sid }, 'Inbound STOP: number suppressed');
        // Twilio itself confirms opt-outs; a second confirmation would be noise.
        return TWIML_EMPTY;
      case 'start':
        await this.suppressions.lift('sms', from);
        this.logger.log({ messageSid: sid }, 'Inbound START: suppression lifted');
        // Twilio confirms re-subscription itself as well.
        return TWIML_EMPTY;
      case 'help':
        return twimlMessage(
          `${name}: shipping updates for your orders. Help: ${supportUrl} Reply STOP to opt out.`,
        );
      default:
        return twimlMessage(await this.chatReply(from, text, sid));
    }
  }

  private async chatReply(from: string, text: string, sid: string | undefined): Promise<string> {
    const { name, supportUrl } = this.config.brand;
    const acknowledgement = `${name}: thanks, we got your message. For help with an order: ${supportUrl}`;
    const handler = this.hooks.inboundSms;
    if (!handler) return acknowledgement;
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await Promise.race([
        handler.reply(from, text),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no reply within ${HANDLER_TIMEOUT_MS} ms`)),
            HANDLER_TIMEOUT_MS,
          );
        }),
      ]);
      return reply?.trim() ? reply : acknowledgement;
    } catch (err) {
      // The shopper still gets an answer; the error is ours to look at.
      this.logger.error(
        { messageSid: sid, err: { name: (err as Error)?.name, message: (err as Error)?.message } },
        'Inbound SMS handler failed',
      );
      return acknowledgement;
    } finally {
      clearTimeout(timer);
    }
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
