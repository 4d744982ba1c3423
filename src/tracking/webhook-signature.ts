/**
 * Webhook authenticity for every provider we accept (DOMAIN.md §2). Always over the raw body bytes as received:
 * parsing and re-serialising JSON changes whitespace and key order and breaks the HMAC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const EASYPOST_PREFIX = 'hmac-sha256-hex=';
const STANDARD_WEBHOOK_SECRET_PREFIX = 'whsec_';
const STANDARD_WEBHOOK_VERSION = 'v1';
/** Standard Webhooks' replay window, applied both ways so a fast clock on either side is tolerated equally. */
export const STANDARD_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export type StandardWebhookResult = { ok: true } | { ok: false; reason: string };

export interface StandardWebhookHeaders {
  id?: string;
  timestamp?: string;
  signature?: string;
}

/** Constant-time string comparison; unequal lengths return early because length is not the secret. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

/** The full `X-Hmac-Signature` header value EasyPost would send. */
export function signEasyPost(body: Buffer | string, secret: string): string {
  return EASYPOST_PREFIX + hmac(easyPostKey(secret), toBuffer(body)).toString('hex');
}

export function verifyEasyPostSignature(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
): boolean {
  if (typeof header !== 'string' || secret === '') return false;
  const value = header.trim();
  if (!value.toLowerCase().startsWith(EASYPOST_PREFIX)) return false;
  const received = value.slice(EASYPOST_PREFIX.length).toLowerCase();
  const expected = hmac(easyPostKey(secret), rawBody).toString('hex');
  return safeEqual(received, expected);
}

/** The `aftership-hmac-sha256` header value AfterShip would send. */
export function signAfterShip(body: Buffer | string, secret: string): string {
  return hmac(Buffer.from(secret, 'utf8'), toBuffer(body)).toString('base64');
}

export function verifyAfterShipSignature(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
): boolean {
  if (typeof header !== 'string' || secret === '') return false;
  return safeEqual(header.trim(), signAfterShip(rawBody, secret));
}

/** A `webhook-signature` header value (`v1,<base64>`) for our own generic format. */
export function signStandardWebhook(
  id: string,
  timestamp: number | string,
  body: Buffer | string,
  secret: string,
): string {
  return standardWebhookFor(secret).sign(id, new Date(Number(timestamp) * 1000), toBuffer(body));
}

/**
 * Standard Webhooks verification through the `standardwebhooks` package (its `Webhook.verify`, which compares
 * every `v1,…` entry timing-safely, so a sender can rotate secrets). The header checks and the tolerance are
 * done here first, against the caller's clock, so each refusal keeps its own reason.
 */
export function verifyStandardWebhook(
  rawBody: Buffer,
  headers: StandardWebhookHeaders,
  secret: string,
  now: Date,
): StandardWebhookResult {
  const { id, timestamp, signature } = headers;
  if (!id) return { ok: false, reason: 'webhook-id header is missing' };
  if (!timestamp) return { ok: false, reason: 'webhook-timestamp header is missing' };
  if (!signature) return { ok: false, reason: 'webhook-signature header is missing' };
  if (!/^\d{1,12}$/.test(timestamp.trim()))
    return { ok: false, reason: 'webhook-timestamp is not a Unix time in seconds' };
  if (standardWebhookKey(secret).length === 0) return { ok: false, reason: 'webhook secret is empty' };

  const skew = Math.floor(now.getTime() / 1000) - Number(timestamp.trim());
  if (skew > STANDARD_WEBHOOK_TOLERANCE_SECONDS) return { ok: false, reason: 'webhook-timestamp is too old' };
  if (skew < -STANDARD_WEBHOOK_TOLERANCE_SECONDS)
    return { ok: false, reason: 'webhook-timestamp is in the future' };

  const entries = signature.split(' ').map((entry) => entry.trim());
  if (!entries.some((entry) => entry.startsWith(`${STANDARD_WEBHOOK_VERSION},`)))
    return { ok: false, reason: 'webhook-signature has no v1 signature' };
  try {
    standardWebhookFor(secret).verify(
      rawBody,
      { 'webhook-id': id, 'webhook-timestamp': timestamp.trim(), 'webhook-signature': entries.join(' ') },
      { jsonParse: false },
    );
    return { ok: true };
  } catch (error) {
    if (error instanceof WebhookVerificationError)
      return { ok: false, reason: 'webhook-signature does not match' };
    throw error;
  }
}

const standardWebhooks = new Map<string, Webhook>();

/** One `Webhook` per secret (the key is decoded once), with the package's own clock check turned off: ours ran. */
function standardWebhookFor(secret: string): Webhook {
  let webhook = standardWebhooks.get(secret);
  if (!webhook) {
    webhook = new Webhook(new Uint8Array(standardWebhookKey(secret)), { format: 'raw' });
    // The package checks the timestamp against Date.now(); verifyStandardWebhook already checked it against the
    // caller's clock (tests and replays of recorded traffic pass their own), so here it only converts.
    (webhook as unknown as { verifyTimestamp(header: string): Date }).verifyTimestamp = (header) =>
      new Date(Number(header) * 1000);
    if (standardWebhooks.size > 16) standardWebhooks.clear();
    standardWebhooks.set(secret, webhook);
  }
  return webhook;
}

function easyPostKey(secret: string): Buffer {
  // EasyPost's own client libraries NFKD-normalise the secret, so "é" typed either way signs the same.
  return Buffer.from(secret.normalize('NFKD'), 'utf8');
}

/**
 * `whsec_<base64>` is the Standard Webhooks secret form; anything else is used as its UTF-8 bytes, so an operator
 * can configure a plain passphrase. A plain secret is never base64-decoded, even when it happens to look like base64.
 */
function standardWebhookKey(secret: string): Buffer {
  if (secret.startsWith(STANDARD_WEBHOOK_SECRET_PREFIX)) {
    return Buffer.from(secret.slice(STANDARD_WEBHOOK_SECRET_PREFIX.length), 'base64');
  }
  return Buffer.from(secret, 'utf8');
}

function hmac(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function toBuffer(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
