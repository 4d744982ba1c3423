import type { AppConfig } from '../config/app-config';
import { UnsubscribeTokens } from './unsubscribe-tokens.service';

const tokensWith = (secret: string | undefined) =>
  new UnsubscribeTokens({
    http: { publicBaseUrl: 'https://shop.example' },
    email: { unsubscribeSecret: secret },
  } as AppConfig);

describe('UnsubscribeTokens', () => {
  const tokens = tokensWith('secret-0123456789abcdef');
  const customerId = '2b0d8b1c-5a0e-4d43-9f0a-2d1f0c7e9a11';

  it('round-trips a customer and category', () => {
    expect(tokens.verify(tokens.sign(customerId, 'shipping_updates'))).toEqual({
      customerId,
      category: 'shipping_updates',
    });
  });

  it('has the documented shape: base64url(payload).base64url(sig)', () => {
    const [payload, sig] = tokens.sign(customerId, 'shipping_updates').split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({
      c: customerId,
      k: 'shipping_updates',
      v: 1,
    });
    expect(Buffer.from(sig, 'base64url')).toHaveLength(32);
  });

  it('rejects tokens signed with another key, altered, truncated or malformed', () => {
    const genuine = tokens.sign(customerId, 'shipping_updates');
    expect(tokensWith('another-secret-0123456789').verify(genuine)).toBeNull();
    const [payload, sig] = genuine.split('.');
    const otherPayload = Buffer.from(
      JSON.stringify({ c: 'someone-else', k: 'shipping_updates', v: 1 }),
    ).toString('base64url');
    for (const bad of [
      `${otherPayload}.${sig}`,
      `${payload}.${sig.slice(0, -2)}`,
      payload,
      '',
      '.',
      'a.b.c',
      `${payload}.${sig}=`,
      null,
      undefined,
    ]) {
      expect(tokens.verify(bad)).toBeNull();
    }
  });

  it('builds the one-click headers around the https link', () => {
    const headers = tokens.listUnsubscribeHeaders(customerId, 'shipping_updates');
    expect(headers['List-Unsubscribe']).toMatch(
      /^<https:\/\/shop\.example\/v1\/unsubscribe\?token=[\w-]+\.[\w-]+>$/,
    );
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });

  it('still signs and verifies without a configured secret (per-process key)', () => {
    const ephemeral = tokensWith(undefined);
    expect(ephemeral.verify(ephemeral.sign(customerId, 'shipping_updates'))).not.toBeNull();
  });
});
