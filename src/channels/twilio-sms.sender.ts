import { Logger } from '@nestjs/common';
import twilio from 'twilio';
import type { AppConfig } from '../config/app-config';
import { ChannelError, SendResult, SmsMessage } from './channel.types';
import { prepareSms, SmsSender } from './sms.sender';
import { SuppressionService } from './suppression.service';
import { classifyTwilioError } from './twilio-errors';
import { RedirectingTwilioClient } from './twilio-http.client';

export const TWILIO_STATUS_CALLBACK_PATH = '/v1/webhooks/twilio/status';

/** Timeout of one API call: well under a job's lock, so a hung request becomes a retry, not a stuck worker. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Sends through Twilio's Messages API with the official SDK. One client for the process (it keeps its
 * connections alive). The SDK's own 429 retry stays off: the queue owns retries and their backoff.
 */
export class TwilioSmsSender extends SmsSender {
  readonly provider = 'twilio' as const;
  private readonly logger = new Logger(TwilioSmsSender.name);
  private readonly client: twilio.Twilio;
  private readonly statusCallback: string;

  constructor(
    private readonly config: AppConfig['sms'],
    publicBaseUrl: string,
    private readonly suppressions: SuppressionService,
  ) {
    super();
    const { accountSid, authToken, apiBaseUrl } = config;
    if (!accountSid || !authToken)
      throw new Error('TwilioSmsSender needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
    const httpOptions = { timeout: REQUEST_TIMEOUT_MS, autoRetry: false };
    this.client = twilio(accountSid, authToken, {
      autoRetry: false,
      httpClient: apiBaseUrl
        ? new RedirectingTwilioClient(apiBaseUrl, httpOptions)
        : new twilio.RequestClient(httpOptions),
    });
    this.statusCallback = `${publicBaseUrl}${TWILIO_STATUS_CALLBACK_PATH}`;
  }

  async send(message: SmsMessage): Promise<SendResult> {
    const analysis = prepareSms(message, this.config.maxSegments);
    try {
      const sent = await this.client.messages.create({
        to: message.to,
        body: message.body,
        statusCallback: this.statusCallback,
        ...(this.config.messagingServiceSid
          ? { messagingServiceSid: this.config.messagingServiceSid }
          : { from: this.config.fromNumber as string }),
      });
      return {
        provider: 'twilio',
        providerMessageId: sent.sid,
        segments: analysis.segments,
        encoding: analysis.encoding,
      };
    } catch (err) {
      throw await this.toChannelError(err, message);
    }
  }

  private async toChannelError(err: unknown, message: SmsMessage): Promise<ChannelError> {
    const e = (err ?? {}) as { status?: number; code?: number | string; message?: string };
    const c = classifyTwilioError({ status: e.status, code: e.code, message: e.message });
    const context = { notificationId: message.notificationId, code: c.code, status: e.status };
    if (!c.known) this.logger.warn(context, 'Unrecognised Twilio error; treated as transient');
    else this.logger.log(context, `Twilio refused the message (${c.kind})`);
    if (c.suppressNumber) {
      await this.suppressions.suppress(
        'sms',
        message.to,
        c.code === '21610' ? 'stop' : 'undeliverable',
        c.code,
      );
    }
    // Twilio's message text is about the request (it can quote the number), so only the code goes out.
    return new ChannelError(
      c.kind,
      c.code,
      `Twilio error ${c.code}${e.status ? ` (HTTP ${e.status})` : ''}`,
      c.suppressNumber,
    );
  }
}
