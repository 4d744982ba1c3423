import { Repository } from 'typeorm';
import { SendResult, SmsMessage } from './channel.types';
import { OutboxMessage } from './outbox-message.entity';
import { prepareSms, SmsSender } from './sms.sender';

/** Without Twilio credentials: the message is stored for `/outbox` and counts as sent. Same checks as Twilio. */
export class OutboxSmsSender extends SmsSender {
  readonly provider = 'outbox' as const;

  constructor(
    private readonly outbox: Repository<OutboxMessage>,
    private readonly maxSegments: number,
  ) {
    super();
  }

  async send(message: SmsMessage): Promise<SendResult> {
    const analysis = prepareSms(message, this.maxSegments);
    const row = await this.outbox.save(
      this.outbox.create({
        channel: 'sms',
        notificationId: message.notificationId ?? null,
        to: message.to,
        subject: null,
        text: message.body,
        html: null,
        headers: {},
        segments: analysis.segments,
        encoding: analysis.encoding,
      }),
    );
    return {
      provider: 'outbox',
      providerMessageId: row.id,
      segments: analysis.segments,
      encoding: analysis.encoding,
    };
  }
}
