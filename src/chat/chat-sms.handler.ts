import { Injectable } from '@nestjs/common';
import { analyzeSms } from '../shared/sms-segments';
import type { InboundSmsHandler } from '../channels/inbound-sms.handler';
import { ChatService } from './chat.service';

/** Longest reply, in SMS segments: one answer should not cost the shop more than two parts. */
export const MAX_SMS_REPLY_SEGMENTS = 2;

/** Fits a reply into `maxSegments`: drops trailing lines first, then words, and marks a cut with "...". */
export function fitSms(text: string, maxSegments = MAX_SMS_REPLY_SEGMENTS): string {
  const fits = (s: string) => analyzeSms(s).segments <= maxSegments;
  const compact = text.replace(/\n{2,}/g, '\n').trim();
  if (fits(compact)) return compact;
  const lines = compact.split('\n');
  while (lines.length > 1) {
    lines.pop();
    const candidate = lines.join('\n');
    if (fits(candidate)) return candidate;
  }
  const words = lines[0].split(' ');
  while (words.length > 1) {
    words.pop();
    const candidate = `${words.join(' ')}...`;
    if (fits(candidate)) return candidate;
  }
  return Array.from(lines[0]).slice(0, 60).join('');
}

/**
 * Inbound texts go to the same bot as the widget; the session is keyed by the sender's number, and that number
 * verifies the sender for orders whose customer has it.
 */
@Injectable()
export class ChatSmsHandler implements InboundSmsHandler {
  constructor(private readonly chat: ChatService) {}

  async reply(phone: string, text: string): Promise<string> {
    const message = text.trim().slice(0, 1000) || '?';
    const turn = await this.chat.handleTurn({ channel: 'sms', phone, message, clientIp: `sms:${phone}` });
    return fitSms(turn.reply);
  }
}
