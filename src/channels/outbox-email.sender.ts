import { Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { EmailMessage, SendResult } from './channel.types';
import { EmailSender, textPartOf } from './email.sender';
import { OutboxMessage } from './outbox-message.entity';

/** Without SMTP_URL: the email is stored for `/outbox` and counts as sent, with the headers it would carry. */
export class OutboxEmailSender extends EmailSender {
  readonly provider = 'outbox' as const;

  constructor(
    private readonly outbox: Repository<OutboxMessage>,
    private readonly config: AppConfig['email'],
  ) {
    super();
  }

  async send(message: EmailMessage): Promise<SendResult> {
    const row = await this.outbox.save(
      this.outbox.create({
        channel: 'email',
        notificationId: message.notificationId ?? null,
        to: message.to,
        subject: message.subject,
        text: textPartOf(message),
        html: message.html,
        headers: {
          From: this.config.from,
          ...(this.config.replyTo ? { 'Reply-To': this.config.replyTo } : {}),
          ...(message.headers ?? {}),
        },
      }),
    );
    return { provider: 'outbox', providerMessageId: row.id };
  }
}
