/**
 * Signed tracking-page links, short enough for an SMS: `/t/<22 characters>`.
 *
 * The token is 16 bytes in base64url: the shipment's link number (6 bytes, big-endian) and the first 10 bytes of
 * HMAC-SHA256(key, "wismo-track:v1:" + number). 80 bits of MAC make guessing hopeless (each guess is one request,
 * rate-limited like every public route), and the number carries no customer data. Rotating TRACKING_LINK_SECRET
 * revokes every link at once; expiry is decided by the shipment (90 days after delivery by default), not the token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where a shopper came to the tracking page from (`?s=`): the message's channel, the chat, the lookup, or a bare link. */
export const VIEW_SOURCES = ['sms', 'email', 'chat', 'lookup', 'link'] as const;
export type ViewSource = (typeof VIEW_SOURCES)[number];

const REF_BYTES = 6;
const MAC_BYTES = 10;
export const TOKEN_LENGTH = 22;
const MAX_REF = 2n ** BigInt(REF_BYTES * 8) - 1n;
const TOKEN = /^[A-Za-z0-9_-]{22}$/;

function mac(key: Buffer, ref: bigint): Buffer {
  return createHmac('sha256', key).update(`wismo-track:v1:${ref}`).digest().subarray(0, MAC_BYTES);
}

export function signTrackingToken(ref: bigint | string | number, key: Buffer): string {
  const n = BigInt(ref);
  if (n < 0n || n > MAX_REF) throw new RangeError(`link number ${n} is out of range`);
  const bytes = Buffer.alloc(REF_BYTES + MAC_BYTES);
  bytes.writeUIntBE(Number(n), 0, REF_BYTES);
  mac(key, n).copy(bytes, REF_BYTES);
  return bytes.toString('base64url');
}

/** The link number of a genuine token; null for anything forged, truncated or malformed. Never throws. */
export function verifyTrackingToken(token: unknown, key: Buffer): bigint | null {
  if (typeof token !== 'string' || !TOKEN.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== REF_BYTES + MAC_BYTES) return null;
  const ref = BigInt(bytes.readUIntBE(0, REF_BYTES));
  const expected = mac(key, ref);
  return timingSafeEqual(bytes.subarray(REF_BYTES), expected) ? ref : null;
}
