import { randomBytes } from 'node:crypto';
import { signTrackingToken, TOKEN_LENGTH, verifyTrackingToken } from './tracking-link';

describe('tracking links', () => {
  const key = randomBytes(32);

  it('round-trips a link number through a 22-character URL-safe token', () => {
    for (const ref of [1n, 42n, 123_456_789n, 2n ** 48n - 1n]) {
      const token = signTrackingToken(ref, key);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(token).toHaveLength(TOKEN_LENGTH);
      expect(verifyTrackingToken(token, key)).toBe(ref);
    }
  });

  it('refuses a token signed with another key (a rotated secret revokes every link)', () => {
    expect(verifyTrackingToken(signTrackingToken(7n, randomBytes(32)), key)).toBeNull();
  });

  it('refuses every one-character change, and malformed input', () => {
    const token = signTrackingToken(99n, key);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < token.length; i++) {
      const other = alphabet[(alphabet.indexOf(token[i]) + 1) % alphabet.length];
      const tampered = token.slice(0, i) + other + token.slice(i + 1);
      // The last character carries only 4 bits of the 16 bytes; a change there may not change the bytes.
      if (Buffer.from(tampered, 'base64url').equals(Buffer.from(token, 'base64url'))) continue;
      expect(verifyTrackingToken(tampered, key)).toBeNull();
    }
    for (const bad of [undefined, null, 42, '', token.slice(1), `${token}A`, '!'.repeat(22), { token }]) {
      expect(verifyTrackingToken(bad, key)).toBeNull();
    }
  });

  it('finds nothing in 1,000 guessed tokens', () => {
    let found = 0;
    for (let i = 0; i < 1000; i++)
      if (verifyTrackingToken(randomBytes(16).toString('base64url'), key)) found++;
    expect(found).toBe(0);
  });

  it('refuses numbers it cannot encode', () => {
    expect(() => signTrackingToken(-1n, key)).toThrow(RangeError);
    expect(() => signTrackingToken(2n ** 48n, key)).toThrow(RangeError);
  });
});
