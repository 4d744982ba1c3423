import { createHmac, randomUUID } from 'node:crypto';
import {
  csrfTokenFor,
  csrfValid,
  decodeGrant,
  encodeGrant,
  GRANT_TTL_SECONDS,
  maskEmail,
  maskPhone,
  renewGrant,
  type Signer,
} from './order-grant';

const signerOf =
  (key: string): Signer =>
  (purpose, data) =>
    createHmac('sha256', key).update(`${purpose}:${data}`).digest('base64url');

describe('the order lookup grant', () => {
  const sign = signerOf('key-one');
  const now = 1_800_000_000;
  const grant = { orderId: randomUUID(), chatSessionId: randomUUID(), expiresAt: now + GRANT_TTL_SECONDS };

  it('round-trips a genuine value until it expires', () => {
    const value = encodeGrant(grant, sign);
    expect(decodeGrant(value, sign, now)).toEqual(grant);
    expect(decodeGrant(value, sign, now + GRANT_TTL_SECONDS)).toBeNull();
  });

  it('refuses another key, another order, a later expiry and junk', () => {
    const value = encodeGrant(grant, sign);
    expect(decodeGrant(value, signerOf('key-two'), now)).toBeNull();
    expect(decodeGrant(value.replace(grant.orderId, randomUUID()), sign, now)).toBeNull();
    expect(
      decodeGrant(value.replace(`.${grant.expiresAt}.`, `.${grant.expiresAt + 9999}.`), sign, now),
    ).toBeNull();
    for (const junk of [undefined, '', 'a.b.c.d', `${value}x`, 42])
      expect(decodeGrant(junk, sign, now)).toBeNull();
  });

  it('renews the expiry and keeps the CSRF token across renewals, but not across sign-ins', () => {
    const renewed = renewGrant(grant, now + 600);
    expect(renewed.expiresAt).toBe(now + 600 + GRANT_TTL_SECONDS);
    expect(csrfValid(csrfTokenFor(grant, sign), renewed, sign)).toBe(true);
    expect(csrfValid(csrfTokenFor(grant, sign), { ...grant, chatSessionId: randomUUID() }, sign)).toBe(false);
    expect(csrfValid(undefined, grant, sign)).toBe(false);
  });

  it('masks email and phone', () => {
    expect(maskEmail('alexandra.whitfield@example.com')).toBe('a•••@e•••.com');
    expect(maskPhone('+12025550143')).toBe('•••• 0143');
    expect(maskEmail(null)).toBeNull();
  });
});
