import { createHmac } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  safeEqual,
  signAfterShip,
  signEasyPost,
  signStandardWebhook,
  verifyAfterShipSignature,
  verifyEasyPostSignature,
  verifyStandardWebhook,
} from './webhook-signature';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/tracking');
// Published by EasyPost alongside the fixture (SOURCES.md): secret "sécret", compact JSON body.
const EASYPOST_VECTOR_HEADER =
  'hmac-sha256-hex=38f3f53c103713df81616a0a186d77141957323ec21d5fe9363db93840f527db';

function easyPostVectorBody(): Buffer {
  const file = fs.readFileSync(
    path.join(FIXTURES, 'easypost/event-tracker-updated-fedex-in-transit.json'),
    'utf8',
  );
  return Buffer.from(JSON.stringify(JSON.parse(file)), 'utf8');
}

describe('safeEqual', () => {
  it('compares strings of any length without throwing', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('é', 'e')).toBe(false);
  });
});

describe('verifyEasyPostSignature', () => {
  it("verifies EasyPost's published test vector", () => {
    expect(verifyEasyPostSignature(easyPostVectorBody(), EASYPOST_VECTOR_HEADER, 'sécret')).toBe(true);
  });

  it('normalises the secret (NFKD) so a precomposed or decomposed é sign the same', () => {
    const decomposed = 'se\u0301cret';
    expect('sécret').not.toBe(decomposed);
    expect(verifyEasyPostSignature(easyPostVectorBody(), EASYPOST_VECTOR_HEADER, decomposed)).toBe(true);
    expect(signEasyPost(easyPostVectorBody(), 'sécret')).toBe(EASYPOST_VECTOR_HEADER);
  });

  it('accepts upper-case hex and surrounding whitespace in the header', () => {
    const header = `  hmac-sha256-hex=${EASYPOST_VECTOR_HEADER.split('=')[1].toUpperCase()} `;
    expect(verifyEasyPostSignature(easyPostVectorBody(), header, 'sécret')).toBe(true);
  });

  it('rejects a tampered body, the file as stored (whitespace differs), a wrong secret and bad headers', () => {
    const body = easyPostVectorBody();
    const tampered = Buffer.from(body.toString('utf8').replace('"in_transit"', '"delivered"'), 'utf8');
    expect(verifyEasyPostSignature(tampered, EASYPOST_VECTOR_HEADER, 'sécret')).toBe(false);
    const asStored = fs.readFileSync(
      path.join(FIXTURES, 'easypost/event-tracker-updated-fedex-in-transit.json'),
    );
    expect(verifyEasyPostSignature(asStored, EASYPOST_VECTOR_HEADER, 'sécret')).toBe(false);
    expect(verifyEasyPostSignature(body, EASYPOST_VECTOR_HEADER, 'secret')).toBe(false);
    expect(verifyEasyPostSignature(body, undefined, 'sécret')).toBe(false);
    expect(
      verifyEasyPostSignature(
        body,
        '38f3f53c103713df81616a0a186d77141957323ec21d5fe9363db93840f527db',
        'sécret',
      ),
    ).toBe(false);
    expect(verifyEasyPostSignature(body, 'hmac-sha256-hex=38f3', 'sécret')).toBe(false);
    expect(verifyEasyPostSignature(body, EASYPOST_VECTOR_HEADER, '')).toBe(false);
  });
});

describe('verifyAfterShipSignature', () => {
  const body = Buffer.from('{"event":"tracking_update","msg":{"tracking_number":"123"}}', 'utf8');

  it('accepts a base64 HMAC-SHA256 of the raw body and rejects anything else', () => {
    const header = signAfterShip(body, 'as-secret');
    expect(header).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(verifyAfterShipSignature(body, header, 'as-secret')).toBe(true);
    expect(verifyAfterShipSignature(body, header, 'other-secret')).toBe(false);
    expect(verifyAfterShipSignature(Buffer.concat([body, Buffer.from(' ')]), header, 'as-secret')).toBe(
      false,
    );
    expect(verifyAfterShipSignature(body, undefined, 'as-secret')).toBe(false);
    expect(verifyAfterShipSignature(body, header.slice(0, -2), 'as-secret')).toBe(false);
  });

  it('matches an independently computed digest', () => {
    const expected = createHmac('sha256', 'as-secret').update(body).digest('base64');
    expect(signAfterShip(body, 'as-secret')).toBe(expected);
  });
});

describe('verifyStandardWebhook', () => {
  const body = Buffer.from('{"carrier":"ups","trackingNumber":"1Z"}', 'utf8');
  const secret = `whsec_${Buffer.from('a 32 byte key for the generic fmt').toString('base64')}`;
  const now = new Date('2024-05-02T12:00:00Z');
  const ts = String(Math.floor(now.getTime() / 1000));
  const id = 'msg_2b7cX';

  it('verifies a signature made with a whsec_ secret', () => {
    const signature = signStandardWebhook(id, ts, body, secret);
    expect(signature).toMatch(/^v1,/);
    expect(verifyStandardWebhook(body, { id, timestamp: ts, signature }, secret, now)).toEqual({ ok: true });
  });

  it('matches the Standard Webhooks reference vector', () => {
    // From the standard-webhooks spec test suite.
    const refSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const refBody = Buffer.from('{"test": 2432232314}', 'utf8');
    expect(signStandardWebhook('msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330', refBody, refSecret)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('uses a plain secret as its UTF-8 bytes', () => {
    const signature = signStandardWebhook(id, ts, body, 'plain passphrase');
    expect(verifyStandardWebhook(body, { id, timestamp: ts, signature }, 'plain passphrase', now)).toEqual({
      ok: true,
    });
    // The same characters behind whsec_ would be base64-decoded into different key bytes.
    expect(
      verifyStandardWebhook(body, { id, timestamp: ts, signature }, 'whsec_plainpassphrase', now).ok,
    ).toBe(false);
  });

  it('accepts any one of several space-separated signatures (secret rotation) and ignores other versions', () => {
    const good = signStandardWebhook(id, ts, body, secret);
    const old = signStandardWebhook(id, ts, body, 'whsec_b2xkIHNlY3JldA==');
    const header = `v1a,ZmFrZQ== ${old} ${good}`;
    expect(verifyStandardWebhook(body, { id, timestamp: ts, signature: header }, secret, now)).toEqual({
      ok: true,
    });
    expect(
      verifyStandardWebhook(body, { id, timestamp: ts, signature: `${old} v1a,xyz` }, secret, now),
    ).toEqual({
      ok: false,
      reason: 'webhook-signature does not match',
    });
    expect(verifyStandardWebhook(body, { id, timestamp: ts, signature: 'v2,abc' }, secret, now)).toEqual({
      ok: false,
      reason: 'webhook-signature has no v1 signature',
    });
  });

  it('enforces the 5-minute tolerance both ways', () => {
    const at = (offsetSeconds: number) => String(Number(ts) + offsetSeconds);
    const check = (t: string) =>
      verifyStandardWebhook(
        body,
        { id, timestamp: t, signature: signStandardWebhook(id, t, body, secret) },
        secret,
        now,
      );
    expect(check(at(-300))).toEqual({ ok: true });
    expect(check(at(300))).toEqual({ ok: true });
    expect(check(at(-301))).toEqual({ ok: false, reason: 'webhook-timestamp is too old' });
    expect(check(at(301))).toEqual({ ok: false, reason: 'webhook-timestamp is in the future' });
  });

  it('binds the id, timestamp and body into the signature', () => {
    const signature = signStandardWebhook(id, ts, body, secret);
    expect(verifyStandardWebhook(body, { id: 'msg_other', timestamp: ts, signature }, secret, now).ok).toBe(
      false,
    );
    const later = String(Number(ts) + 1);
    expect(verifyStandardWebhook(body, { id, timestamp: later, signature }, secret, now).ok).toBe(false);
    expect(
      verifyStandardWebhook(Buffer.from(`${body} `), { id, timestamp: ts, signature }, secret, now).ok,
    ).toBe(false);
  });

  it('explains missing or malformed headers', () => {
    const signature = signStandardWebhook(id, ts, body, secret);
    expect(verifyStandardWebhook(body, { timestamp: ts, signature }, secret, now)).toEqual({
      ok: false,
      reason: 'webhook-id header is missing',
    });
    expect(verifyStandardWebhook(body, { id, signature }, secret, now)).toEqual({
      ok: false,
      reason: 'webhook-timestamp header is missing',
    });
    expect(verifyStandardWebhook(body, { id, timestamp: ts }, secret, now)).toEqual({
      ok: false,
      reason: 'webhook-signature header is missing',
    });
    expect(
      verifyStandardWebhook(body, { id, timestamp: '2024-05-02T12:00:00Z', signature }, secret, now),
    ).toEqual({
      ok: false,
      reason: 'webhook-timestamp is not a Unix time in seconds',
    });
    expect(verifyStandardWebhook(body, { id, timestamp: ts, signature }, '', now)).toEqual({
      ok: false,
      reason: 'webhook secret is empty',
    });
  });
});
