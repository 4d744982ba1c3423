/**
 * What a Twilio failure means for the message and the number (DOMAIN.md §4), for both the send call and
 * delivery-status callbacks. Pure: no SDK import, so it classifies the SDK's `RestException`, a raw
 * network error or a callback's `ErrorCode` alike.
 *
 * - permanent: retrying cannot help; the job throws UnrecoverableError and may fall back to email.
 *   21211 invalid `To`, 21408 region not enabled, 21610 recipient replied STOP, 21614 not a mobile number,
 *   30005 unknown number, 30006 landline / unreachable carrier, 30007 filtered as spam (do not retry
 *   blindly: resending the same text gets filtered again).
 * - suppressNumber: the number itself cannot take texts from us: 21610 (until START), 30005, 30006.
 *   Everything else is about this message or our account, never a reason to stop texting the customer.
 * - transient: HTTP 429 / 20429, any 5xx, network errors, 30003 unreachable (phone off), 30008 unknown.
 * - anything else, including codes Twilio adds later: transient with `known: false`, so it is retried a
 *   bounded number of times (retry-policy.ts) and shows up in logs and metrics as unrecognised.
 */

export interface TwilioErrorClassification {
  kind: 'permanent' | 'transient';
  /** Twilio error code (`21610`), network code (`ECONNRESET`), `HTTP_503`, `SOCKET_HANG_UP` or `UNKNOWN`. */
  code: string;
  suppressNumber: boolean;
  /** False when the error matched no rule below and took the default branch. */
  known: boolean;
}

export interface TwilioErrorLike {
  /** HTTP status of the API response, when there was one. */
  status?: number;
  /** Twilio error code (number, or a numeric string), or a Node.js network error code. */
  code?: number | string;
  message?: string;
}

interface Rule {
  kind: 'permanent' | 'transient';
  suppressNumber: boolean;
}

const TWILIO_CODES: Readonly<Record<string, Rule>> = {
  '21211': { kind: 'permanent', suppressNumber: false },
  '21408': { kind: 'permanent', suppressNumber: false },
  '21610': { kind: 'permanent', suppressNumber: true },
  '21614': { kind: 'permanent', suppressNumber: false },
  '30005': { kind: 'permanent', suppressNumber: true },
  '30006': { kind: 'permanent', suppressNumber: true },
  '30007': { kind: 'permanent', suppressNumber: false },
  '20429': { kind: 'transient', suppressNumber: false },
  '30003': { kind: 'transient', suppressNumber: false },
  '30008': { kind: 'transient', suppressNumber: false },
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
]);

export function classifyTwilioError(err: TwilioErrorLike): TwilioErrorClassification {
  const code = err.code === undefined || err.code === null ? '' : String(err.code).trim();

  const rule = TWILIO_CODES[code];
  if (rule) return { ...rule, code, known: true };

  if (err.status === 429) return transient('20429');
  if (NETWORK_CODES.has(code.toUpperCase())) return transient(code.toUpperCase());
  if (/socket hang up/i.test(err.message ?? '')) return transient('SOCKET_HANG_UP');
  if (err.status !== undefined && err.status >= 500 && err.status <= 599) {
    return transient(code || `HTTP_${err.status}`);
  }
  return {
    kind: 'transient',
    code: code || (err.status ? `HTTP_${err.status}` : 'UNKNOWN'),
    suppressNumber: false,
    known: false,
  };
}

/**
 * The `ErrorCode` of an `undelivered` / `failed` status callback. The message is already final at Twilio;
 * `kind` says whether sending it again could work, `suppressNumber` whether to stop texting the number.
 * A failure without a code is transient and unknown.
 */
export function classifyTwilioStatusCallback(
  errorCode: number | string | null | undefined,
): TwilioErrorClassification {
  if (errorCode === null || errorCode === undefined || String(errorCode).trim() === '') {
    return { kind: 'transient', code: 'UNKNOWN', suppressNumber: false, known: false };
  }
  return classifyTwilioError({ code: errorCode });
}

function transient(code: string): TwilioErrorClassification {
  return { kind: 'transient', code, suppressNumber: false, known: true };
}
