import { Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import type { AppConfig } from '../config/app-config';
import { ChannelError, EmailMessage, SendResult } from './channel.types';
import { EmailSender, textPartOf } from './email.sender';
import { classifySmtpError, SmtpErrorClassification, SmtpErrorLike } from './smtp-errors';
import { SuppressionService } from './suppression.service';

/** Connection limits: a dead server turns into a retry within seconds instead of a worker stuck for minutes. */
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 60_000;

/** Distinguishes this process's Message-IDs made in the same millisecond. */
let messageSeq = 0;

/**
 * Sends over SMTP with a pooled Nodemailer transport (connections are reused across messages). Nodemailer
 * never retries: each failure is classified (smtp-errors.ts) and the queue decides.
 */
export class SmtpEmailSender extends EmailSender implements OnModuleDestroy {
  readonly provider = 'smtp' as const;
  private readonly logger = new Logger(SmtpEmailSender.name);
  private readonly transport;
  /** The right-hand side of our Message-IDs: the sender's domain, as Nodemailer would take it. */
  private readonly idDomain: string;

  constructor(
    private readonly config: AppConfig['email'],
    private readonly suppressions: SuppressionService,
  ) {
    super();
    if (!config.smtpUrl) throw new Error('SmtpEmailSender needs SMTP_URL');
    this.transport = createTransport({
      pool: true,
      maxConnections: config.smtpPoolSize,
      url: config.smtpUrl,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: GREETING_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    });
    this.idDomain = /@([^>\s]+)>?\s*$/.exec(config.from)?.[1] ?? 'wismo.localhost';
  }

  /**
   * A Message-ID of our own, unique per attempt and naming the notification (a bounce or a complaint quoting it
   * leads back to the row). Nodemailer's own costs four calls for random bytes per email, the largest single cost
   * it added in a profile of 10,000 sends.
   */
  private messageIdFor(message: EmailMessage): string {
    const local = message.notificationId ?? 'message';
    return `<${local}.${Date.now().toString(36)}.${(messageSeq++ % 1_679_616).toString(36)}@${this.idDomain}>`;
  }

  async send(message: EmailMessage): Promise<SendResult> {
    let info;
    try {
      info = await this.transport.sendMail({
        from: this.config.from,
        ...(this.config.replyTo ? { replyTo: this.config.replyTo } : {}),
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: textPartOf(message),
        headers: message.headers ?? {},
        messageId: this.messageIdFor(message),
      });
    } catch (err) {
      throw await this.toChannelError(classifySmtpError(err as SmtpErrorLike), message, 'failed');
    }
    if (info.rejected?.length) {
      // The server took the message but refused the recipient: for our one recipient that is a refusal.
      const rejection = (info as { rejectedErrors?: SmtpErrorLike[] }).rejectedErrors?.[0] ?? {};
      const c = classifySmtpError(rejection);
      throw await this.toChannelError({ ...c, kind: 'permanent' }, message, 'partially rejected');
    }
    return { provider: 'smtp', providerMessageId: info.messageId };
  }

  async onModuleDestroy(): Promise<void> {
    this.transport.close();
  }

  private async toChannelError(
    c: SmtpErrorClassification,
    message: EmailMessage,
    what: string,
  ): Promise<ChannelError> {
    const context = { notificationId: message.notificationId, code: c.code, kind: c.kind };
    if (c.kind === 'configuration') {
      this.logger.error(
        context,
        'SMTP configuration error: the server refused our credentials or sender. Check SMTP_URL and EMAIL_FROM; ' +
          'emails are retried and will go out once it is fixed',
      );
    } else {
      this.logger.log(context, `SMTP send ${what} (${c.kind})`);
    }
    if (c.suppressAddress) await this.suppressions.suppress('email', message.to, 'hard_bounce', c.code);
    return new ChannelError(c.kind, c.code, `SMTP ${what}: ${c.code}`, c.suppressAddress);
  }
}
