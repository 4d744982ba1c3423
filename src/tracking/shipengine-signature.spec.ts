import { createSign, generateKeyPairSync } from 'node:crypto';
import { ShipEngineKeys, shipEngineTimestampMs, verifyShipEngineRsa } from './shipengine-signature';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const body = Buffer.from('{"resource_type":"API_TRACK","data":{"tracking_number":"9400"}}');
const sign = (timestamp: string, raw: Buffer, key = privateKey) =>
  createSign('RSA-SHA256')
    .update(Buffer.concat([Buffer.from(`${timestamp}.`), raw]))
    .sign(key, 'base64');

describe('verifyShipEngineRsa: RSA-SHA256 over "<timestamp>.<raw body>"', () => {
  const now = new Date('2026-12-04T12:00:00Z');
  const timestamp = '2026-12-04T11:59:00Z';

  it('accepts a signature made with the published key inside the 5-minute window', () => {
    expect(
      verifyShipEngineRsa(body, { signature: sign(timestamp, body), timestamp }, publicKey, now),
    ).toEqual({ ok: true });
  });

  it('refuses another key, a changed body, a changed timestamp and an old or future timestamp', () => {
    const sig = sign(timestamp, body);
    expect(verifyShipEngineRsa(body, { signature: sig, timestamp }, other.publicKey, now).ok).toBe(false);
    expect(
      verifyShipEngineRsa(Buffer.from(`${body} `), { signature: sig, timestamp }, publicKey, now).ok,
    ).toBe(false);
    expect(
      verifyShipEngineRsa(body, { signature: sig, timestamp: '2026-12-04T11:59:01Z' }, publicKey, now).ok,
    ).toBe(false);
    const old = '2026-12-04T11:54:00Z';
    expect(verifyShipEngineRsa(body, { signature: sign(old, body), timestamp: old }, publicKey, now)).toEqual(
      {
        ok: false,
        reason: 'x-shipengine-timestamp is outside the 5-minute tolerance',
      },
    );
    expect(verifyShipEngineRsa(body, { signature: 'not base64 at all', timestamp }, publicKey, now).ok).toBe(
      false,
    );
  });

  it('reads ISO times and Unix seconds or milliseconds', () => {
    expect(shipEngineTimestampMs('2026-12-04T11:59:00Z')).toBe(Date.parse('2026-12-04T11:59:00Z'));
    expect(shipEngineTimestampMs('1796407140')).toBe(1796407140000);
    expect(shipEngineTimestampMs('1796407140000')).toBe(1796407140000);
    expect(Number.isNaN(shipEngineTimestampMs('yesterday'))).toBe(true);
  });
});

describe('ShipEngineKeys', () => {
  const jwks = {
    keys: [
      { ...publicKey.export({ format: 'jwk' }), kid: 'k1' },
      { kty: 'oct', kid: 'weird' },
    ],
  };

  it('fetches the key set once, finds keys by id and reports unknown ids and an unreachable key set', async () => {
    let calls = 0;
    const keys = new ShipEngineKeys('http://jwks.test/jwks', (async () => {
      calls += 1;
      return new Response(JSON.stringify(jwks), { status: 200 });
    }) as typeof fetch);
    expect(await keys.key('k1')).not.toBeNull();
    expect(await keys.key('k1')).not.toBeNull();
    expect(calls).toBe(1);
    expect(await keys.key('unknown')).toBeNull();
    const down = new ShipEngineKeys(
      'http://jwks.test/jwks',
      (async () => new Response('', { status: 503 })) as typeof fetch,
    );
    expect(await down.key('k1')).toBe('unavailable');
  });
});
