/**
 * What a Nodemailer / SMTP failure means for the message and the address (DOMAIN.md §5). Nodemailer never
 * retries, so the service decides from here. Works on the error `sendMail` rejects with and on each entry of
 * `info.rejectedErrors` after a partial rejection (both carry `responseCode`, `response`, `command`).
 *
 * Decisions, first match wins:
 * 1. transient: any 4xx reply, whatever the command (454 at AUTH is a temporary authentication failure),
 *    and 503 (bad sequence: the session was in the wrong state, a new connection can succeed; Nodemailer
 *    agrees).
 * 2. configuration (never suppresses; retrying will not help until someone fixes the settings):
 *    `EAUTH` / `ENOAUTH` / `EOAUTH2` / `ECONFIG` or any failure at `AUTH`, and a 5xx at `MAIL FROM` (our
 *    sender is refused).
 * 3. transient: connection problems with no reply: `ECONNECTION`, `ETIMEDOUT`, `ESOCKET`, `ECONNREFUSED`,
 *    `ECONNRESET`, `EDNS`, `ENOTFOUND`, `EAI_AGAIN`, `EPIPE`, `ETLS`, `EPROXY`, `EMAXLIMIT` (also when
 *    Nodemailer keeps the system code in `originalCode`).
 * 4. permanent and suppress the address: a 550 / 551 / 553 / 554 at `RCPT TO`, the address is refused,
 *    unless the enhanced status says the refusal is about us or the mailbox's state rather than the address:
 *    5.7.x (policy, spam, reputation) and 5.2.2 (mailbox full) are permanent without suppression.
 * 5. permanent without suppression: every other 5xx, including any 5xx at `DATA` (the server refused this
 *    message's content or size, not the address: a different message may well get through) and 552.
 * 6. permanent without suppression: envelope / message errors Nodemailer raises before talking to the
 *    server (`EENVELOPE` / `EMESSAGE` with no reply code): the same input fails the same way.
 * 7. anything else: transient (bounded by the retry policy).
 */

export type SmtpErrorKind = 'permanent' | 'transient' | 'configuration';

export interface SmtpErrorClassification {
  kind: SmtpErrorKind;
  /** `SMTP_550_5.1.1`, `SMTP_421`, or the Nodemailer / system code (`EAUTH`, `ETIMEDOUT`), or `UNKNOWN`. */
  code: string;
  suppressAddress: boolean;
}

export interface SmtpErrorLike {
  /** Nodemailer error code (`EENVELOPE`, `EAUTH`, …) or a system error code. */
  code?: string;
  /** The system code Nodemailer replaced with its own (`ECONNREFUSED` under `ESOCKET`). */
  originalCode?: string;
  responseCode?: number;
  /** Raw server reply, e.g. `550 5.1.1 <x@example.com>: Recipient address rejected`. */
  response?: string;
  /** SMTP command in flight: `RCPT TO`, `MAIL FROM`, `DATA`, `AUTH PLAIN`, `CONN`, `API`. */
  command?: string;
}

const CONFIGURATION_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG']);
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'ECONNREFUSED',
  'ECONNRESET',
  'EDNS',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETLS',
  'EPROXY',
  'EMAXLIMIT',
]);
const ADDRESS_REFUSED = new Set([550, 551, 553, 554]);

export function classifySmtpError(err: SmtpErrorLike): SmtpErrorClassification {
  const errCode = (err.code ?? '').toUpperCase();
  const systemCode = (err.originalCode ?? '').toUpperCase();
  const reply = err.responseCode ?? replyCodeOf(err.response);
  const enhanced = enhancedStatusOf(err.response);
  const command = (err.command ?? '').toUpperCase();
  const replyCode = reply ? `SMTP_${reply}${enhanced ? `_${enhanced}` : ''}` : '';

  if (reply && ((reply >= 400 && reply <= 499) || reply === 503)) {
    return { kind: 'transient', code: replyCode, suppressAddress: false };
  }
  if (CONFIGURATION_CODES.has(errCode) || command.startsWith('AUTH')) {
    return { kind: 'configuration', code: errCode || replyCode, suppressAddress: false };
  }
  if (reply && reply >= 500 && reply <= 599 && command === 'MAIL FROM') {
    return { kind: 'configuration', code: replyCode, suppressAddress: false };
  }
  if (!reply && (TRANSIENT_CODES.has(errCode) || TRANSIENT_CODES.has(systemCode))) {
    return {
      kind: 'transient',
      code: TRANSIENT_CODES.has(systemCode) ? systemCode : errCode,
      suppressAddress: false,
    };
  }
  if (reply && reply >= 500 && reply <= 599) {
    const aboutTheAddress =
      command === 'RCPT TO' &&
      ADDRESS_REFUSED.has(reply) &&
      !(enhanced?.startsWith('5.7.') || enhanced === '5.2.2');
    return { kind: 'permanent', code: replyCode, suppressAddress: aboutTheAddress };
  }
  if (!reply && (errCode === 'EENVELOPE' || errCode === 'EMESSAGE')) {
    return { kind: 'permanent', code: errCode, suppressAddress: false };
  }
  return { kind: 'transient', code: replyCode || errCode || 'UNKNOWN', suppressAddress: false };
}

function replyCodeOf(response: string | undefined): number | undefined {
  const match = /^\s*([2-5]\d\d)\b/.exec(response ?? '');
  return match ? Number(match[1]) : undefined;
}

/** RFC 3463 enhanced status code (`5.1.1`) right after the reply code, when the server sends one. */
function enhancedStatusOf(response: string | undefined): string | undefined {
  const match = /^\s*\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response ?? '');
  return match ? match[1] : undefined;
}
