/**
 * Keywords carriers and Twilio treat specially in an inbound SMS (DOMAIN.md §4). Twilio honours them itself;
 * we keep our own suppression list too, so a number that said STOP is never even attempted.
 */
export type SmsKeyword = 'stop' | 'start' | 'help';

const KEYWORDS: Readonly<Record<string, SmsKeyword>> = {
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  REVOKE: 'stop',
  OPTOUT: 'stop',
  START: 'start',
  UNSTOP: 'start',
  YES: 'start',
  HELP: 'help',
};

/** The keyword when the whole message is one (any case, surrounding spaces or a final full stop), else null. */
export function smsKeywordOf(text: string | undefined | null): SmsKeyword | null {
  const word = (text ?? '')
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
  return KEYWORDS[word] ?? null;
}
