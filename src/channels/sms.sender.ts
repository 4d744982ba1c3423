import { ChannelError, SendResult, SmsMessage } from './channel.types';
import { analyzeSms, SmsAnalysis } from '../shared/sms-segments';

/**
 * How SMS leave the service. `TwilioSmsSender` or `OutboxSmsSender`, chosen by configuration in
 * ChannelsModule; inject `SmsSender` and never a concrete class.
 */
export abstract class SmsSender {
  abstract readonly provider: 'twilio' | 'outbox';
  /** Resolves once the provider accepted the message; throws ChannelError otherwise. */
  abstract send(message: SmsMessage): Promise<SendResult>;
}

/** E.164: a plus, a non-zero country code digit and at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The checks every SMS transport makes before sending, so the outbox fails exactly where Twilio would:
 * a malformed number, an empty text, or a text longer than the configured number of segments (it fails
 * rather than being cut, because a cut message can lose the very line that matters).
 */
export function prepareSms(message: SmsMessage, maxSegments: number): SmsAnalysis {
  if (!E164.test(message.to)) {
    throw new ChannelError(
      'permanent',
      'invalid_phone_number',
      'The number is not in E.164 format (+ and 7-15 digits)',
    );
  }
  const analysis = analyzeSms(message.body);
  if (analysis.segments === 0 || message.body.trim() === '') {
    throw new ChannelError('permanent', 'sms_empty', 'The SMS text is empty');
  }
  if (analysis.segments > maxSegments) {
    throw new ChannelError(
      'permanent',
      'sms_too_long',
      `The SMS needs ${analysis.segments} ${analysis.encoding} segments; the limit is ${maxSegments} (SMS_MAX_SEGMENTS)` +
        (analysis.nonGsmCharacters.length
          ? `; characters outside GSM-7 force UCS-2: ${analysis.nonGsmCharacters.length}`
          : ''),
    );
  }
  return analysis;
}
