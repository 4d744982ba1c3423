import { convert } from 'html-to-text';
import { EmailMessage, SendResult } from './channel.types';

/**
 * How emails leave the service. `SmtpEmailSender` or `OutboxEmailSender`, chosen by configuration in
 * ChannelsModule; inject `EmailSender` and never a concrete class.
 */
export abstract class EmailSender {
  abstract readonly provider: 'smtp' | 'outbox';
  /** Resolves once the server accepted the message; throws ChannelError otherwise. */
  abstract send(message: EmailMessage): Promise<SendResult>;
}

/** The caller's text part, or one derived from the HTML: every HTML email needs a plain-text alternative. */
export function textPartOf(message: EmailMessage): string {
  if (message.text && message.text.trim() !== '') return message.text;
  return convert(message.html, {
    wordwrap: 78,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
}
