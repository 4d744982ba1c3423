import { asTrustProxy } from './config.schema';

describe('TRUST_PROXY (asTrustProxy)', () => {
  it('trusts no proxy by default words, a hop count, or a list of addresses and CIDRs', () => {
    expect(asTrustProxy('none')).toEqual({ ok: true, value: false });
    expect(asTrustProxy('0')).toEqual({ ok: true, value: false });
    expect(asTrustProxy('2')).toEqual({ ok: true, value: 2 });
    expect(asTrustProxy('10.0.0.0/8, loopback,fd00::/8,192.168.1.7')).toEqual({
      ok: true,
      value: ['10.0.0.0/8', 'loopback', 'fd00::/8', '192.168.1.7'],
    });
  });

  it('refuses "true" (any client could choose its address) and malformed entries', () => {
    for (const raw of ['true', 'all', '10.0.0.0/33', 'proxy.internal', '1.2.3.4/8/1', '11']) {
      expect(asTrustProxy(raw).ok).toBe(false);
    }
  });
});
