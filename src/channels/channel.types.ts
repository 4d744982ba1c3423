/**
 * The contract between whoever decides and renders a message (the notification worker, the chat) and the
 * transports. Senders receive finished content and an address: they never read the database or pick a template.
 */

export interface SmsMessage {
  /** E.164, e.g. `+15005550006`. */
  to: string;
  body: string;
  /** For logs and the outbox only; never sent to the provider. */
  notificationId?: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  /** Plain-text alternative; derived from `html` when missing, because every HTML email needs one. */
  text?: string;
  /** Extra headers, e.g. `UnsubscribeTokens.listUnsubscribeHeaders(...)` for non-essential updates. */
  headers?: Record<string, string>;
  notificationId?: string;
}

export interface SendResult {
  provider: 'twilio' | 'smtp' | 'outbox';
  /** Twilio Message SID, the email's Message-ID header, or the outbox row id. */
  providerMessageId: string;
  segments?: number;
  encoding?: string;
}

export type ChannelErrorKind = 'permanent' | 'transient' | 'configuration';

/**
 * The one error type senders throw. The caller decides what to do from `kind` alone:
 * - permanent: sending the same message again cannot work (discard the job, maybe fall back to the other channel);
 * - transient: retry with backoff;
 * - configuration: our settings are wrong (bad SMTP credentials, refused sender). Retry like a transient error so
 *   that nothing is lost once someone fixes the settings; it has already been logged loudly.
 * `suppress` says the address itself cannot take messages from us; the sender has already added it to the
 * suppression list (SuppressionService.suppress is idempotent, so doing it again is harmless).
 */
export class ChannelError extends Error {
  constructor(
    readonly kind: ChannelErrorKind,
    /** Provider code (`21610`, `SMTP_550_5.1.1`, `ETIMEDOUT`) or ours (`sms_too_long`, `invalid_phone_number`). */
    readonly code: string,
    message: string,
    readonly suppress = false,
  ) {
    super(message);
    this.name = 'ChannelError';
  }

  /** Whether a later attempt may succeed (transient, or configuration once fixed). */
  get retryable(): boolean {
    return this.kind !== 'permanent';
  }
}
