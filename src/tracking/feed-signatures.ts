/**
 * Authenticity checks for the tracking feeds and order sources added in issue 21 (DOMAIN.md §8), as each provider
 * publishes it. Every check runs over the raw body bytes as received, before anything is parsed, with a constant-time
 * comparison (webhook-signature.ts `safeEqual`), and fails closed on a missing header or an empty secret.
 *
 * - 17TRACK: header `sign` = hex SHA-256 of `<raw body>/<API key>` (not an HMAC).
 * - Ship24: `Authorization: Bearer <webhook secret>`.
 * - ShipEngine: a secret `token` query parameter in the registered URL (checked in the controller).
 * - karrio: its webhook sender puts the endpoint's secret itself in `X-Event-Id` (karrio
 *   `events/task_definitions/base/webhook.py`); karrio's documentation describes an `X-Karrio-Signature` HMAC-SHA256
 *   (hex) of the body, accepted as well so either release verifies.
 * - Shopify: `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 of the raw body with the app's secret.
 */
import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from './webhook-signature';

/** The `sign` header value 17TRACK sends. */
export function signTrack17(body: Buffer | string, apiKey: string): string {
  return createHash('sha256')
    .update(Buffer.concat([toBuffer(body), Buffer.from(`/${apiKey}`, 'utf8')]))
    .digest('hex');
}

export function verifyTrack17Sign(rawBody: Buffer, header: string | undefined, apiKey: string): boolean {
  if (typeof header !== 'string' || apiKey === '') return false;
  return safeEqual(header.trim().toLowerCase(), signTrack17(rawBody, apiKey));
}

/** `Authorization: Bearer <secret>`; the scheme is case-insensitive, the secret is not. */
export function verifyBearerSecret(header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string' || secret === '') return false;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match !== null && safeEqual(match[1].trim(), secret);
}

/** The `X-Karrio-Signature` value karrio's documentation describes: hex HMAC-SHA256 of the body. */
export function signKarrio(body: Buffer | string, secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(toBuffer(body)).digest('hex');
}

export function verifyKarrio(
  rawBody: Buffer,
  headers: { eventId?: string; signature?: string },
  secret: string,
): boolean {
  if (secret === '') return false;
  if (typeof headers.signature === 'string' && headers.signature.trim() !== '') {
    const received = headers.signature
      .trim()
      .replace(/^sha256=/i, '')
      .toLowerCase();
    return safeEqual(received, signKarrio(rawBody, secret));
  }
  return typeof headers.eventId === 'string' && safeEqual(headers.eventId.trim(), secret);
}

/** The `X-Shopify-Hmac-Sha256` header value Shopify sends. */
export function signShopify(body: Buffer | string, secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(toBuffer(body)).digest('base64');
}

export function verifyShopifyHmac(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string' || secret === '') return false;
  return safeEqual(header.trim(), signShopify(rawBody, secret));
}

function toBuffer(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
