/**
 * The order lookup's grant: after a shopper proved an order (number plus its email or postcode), an HttpOnly
 * cookie names that order for 30 minutes, renewed on use. Its value is `<order id>.<chat session id>.<expiry>.<mac>`:
 * the order it unlocks, the pre-verified chat session the page hands to the widget (also the grant's nonce, so the
 * CSRF token of one sign-in is useless for another), the expiry in Unix seconds, and an HMAC over the three.
 * Pure: the signer is passed in (TrackingLinks.sign, keyed by TRACKING_LINK_SECRET).
 */
import { timingSafeEqual } from 'node:crypto';

export const ORDER_COOKIE = 'wismo_order';
export const GRANT_TTL_SECONDS = 30 * 60;

export type Signer = (purpose: string, data: string) => string;

export interface OrderGrant {
  orderId: string;
  chatSessionId: string;
  /** Unix seconds. */
  expiresAt: number;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const GRANT = new RegExp(`^(${UUID})\\.(${UUID})\\.(\\d{1,12})\\.([A-Za-z0-9_-]{43})$`);

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const signed = (g: OrderGrant) => `${g.orderId}.${g.chatSessionId}.${g.expiresAt}`;

export function encodeGrant(grant: OrderGrant, sign: Signer): string {
  return `${signed(grant)}.${sign('order-grant', signed(grant))}`;
}

/** The grant a genuine, unexpired cookie value carries; null for anything else. Never throws. */
export function decodeGrant(value: unknown, sign: Signer, nowSeconds: number): OrderGrant | null {
  if (typeof value !== 'string') return null;
  const m = GRANT.exec(value);
  if (!m) return null;
  const grant: OrderGrant = { orderId: m[1], chatSessionId: m[2], expiresAt: Number(m[3]) };
  if (!equal(m[4], sign('order-grant', signed(grant)))) return null;
  return grant.expiresAt > nowSeconds ? grant : null;
}

/** The same grant with a fresh expiry: the cookie lives 30 minutes after the shopper's last request. */
export function renewGrant(grant: OrderGrant, nowSeconds: number): OrderGrant {
  return { ...grant, expiresAt: nowSeconds + GRANT_TTL_SECONDS };
}

/** The token every action form carries: an HMAC of the grant's order and nonce (stable across renewals). */
export function csrfTokenFor(grant: OrderGrant, sign: Signer): string {
  return sign('order-csrf', `${grant.orderId}.${grant.chatSessionId}`);
}

export function csrfValid(token: unknown, grant: OrderGrant, sign: Signer): boolean {
  return typeof token === 'string' && equal(token, csrfTokenFor(grant, sign));
}

/** "alexandra.whitfield@example.com" → "a•••@e•••.com": enough to recognise, not to read. */
export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${email[0]}•••@${domain[0] ?? ''}•••${tld}`;
}

/** "+12025550143" → "•••• 0143". */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 4 ? `•••• ${digits.slice(-4)}` : '••••';
}
