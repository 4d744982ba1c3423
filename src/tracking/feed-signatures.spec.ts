import {
  signKarrio,
  signShopify,
  signTrack17,
  verifyBearerSecret,
  verifyKarrio,
  verifyShopifyHmac,
  verifyTrack17Sign,
} from './feed-signatures';

// Expected values computed independently (Python hashlib/hmac), not with the code under test.
const TRACK17_BODY = Buffer.from(
  '{"event":"TRACKING_UPDATED","data":{"number":"RR123456789CN","carrier":3011,"tag":null}}',
);
const TRACK17_SIGN = '45acb4a6f4a194a6ac1f0f712182c4e314b1ae9399941ea086987408f3166994';

describe('17TRACK sign: SHA-256 of "<raw body>/<API key>", hex', () => {
  it('matches the value computed outside this code for the concatenation example in the 17TRACK docs', () => {
    expect(signTrack17(TRACK17_BODY, '123456ABCDEF')).toBe(TRACK17_SIGN);
    expect(verifyTrack17Sign(TRACK17_BODY, TRACK17_SIGN, '123456ABCDEF')).toBe(true);
    expect(verifyTrack17Sign(TRACK17_BODY, TRACK17_SIGN.toUpperCase(), '123456ABCDEF')).toBe(true);
  });

  it('fails on another key, a changed byte, re-serialised JSON, a missing header or an empty key', () => {
    expect(verifyTrack17Sign(TRACK17_BODY, TRACK17_SIGN, 'another-key')).toBe(false);
    const changed = Buffer.from(TRACK17_BODY);
    changed[10] ^= 1;
    expect(verifyTrack17Sign(changed, TRACK17_SIGN, '123456ABCDEF')).toBe(false);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(TRACK17_BODY.toString()), null, 2));
    expect(verifyTrack17Sign(reserialised, TRACK17_SIGN, '123456ABCDEF')).toBe(false);
    expect(verifyTrack17Sign(TRACK17_BODY, undefined, '123456ABCDEF')).toBe(false);
    expect(verifyTrack17Sign(TRACK17_BODY, signTrack17(TRACK17_BODY, ''), '')).toBe(false);
  });
});

describe('Ship24: Authorization: Bearer <secret>', () => {
  it('accepts the secret after a case-insensitive Bearer scheme and nothing else', () => {
    expect(verifyBearerSecret('Bearer s3cret-value', 's3cret-value')).toBe(true);
    expect(verifyBearerSecret('bearer  s3cret-value ', 's3cret-value')).toBe(true);
    expect(verifyBearerSecret('s3cret-value', 's3cret-value')).toBe(false);
    expect(verifyBearerSecret('Bearer s3cret-valuE', 's3cret-value')).toBe(false);
    expect(verifyBearerSecret('Basic s3cret-value', 's3cret-value')).toBe(false);
    expect(verifyBearerSecret(undefined, 's3cret-value')).toBe(false);
    expect(verifyBearerSecret('Bearer ', '')).toBe(false);
  });
});

describe('karrio: the secret in X-Event-Id (karrio source) or an X-Karrio-Signature HMAC (karrio docs)', () => {
  const body = Buffer.from('{"event":"tracker.updated"}');
  const hmac = '2d565314e4507ca774ee14279673d7e71310544b133f47813b9a09e9f00cefe6';

  it('accepts X-Event-Id equal to the secret, as karrio sends it', () => {
    expect(verifyKarrio(body, { eventId: 'karrio-secret' }, 'karrio-secret')).toBe(true);
    expect(verifyKarrio(body, { eventId: 'karrio-secreT' }, 'karrio-secret')).toBe(false);
    expect(verifyKarrio(body, {}, 'karrio-secret')).toBe(false);
  });

  it('accepts a hex HMAC-SHA256 signature with or without the sha256= prefix, and a bad one is final', () => {
    expect(signKarrio(body, 'karrio-secret')).toBe(hmac);
    expect(verifyKarrio(body, { signature: hmac }, 'karrio-secret')).toBe(true);
    expect(verifyKarrio(body, { signature: `sha256=${hmac}` }, 'karrio-secret')).toBe(true);
    // A wrong signature is not rescued by a correct X-Event-Id: a present signature must verify.
    expect(verifyKarrio(body, { signature: '00', eventId: 'karrio-secret' }, 'karrio-secret')).toBe(false);
    expect(verifyKarrio(body, { eventId: '' }, '')).toBe(false);
  });
});

describe('Shopify: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body', () => {
  const body = Buffer.from('{"id":820982911946154508}');
  const header = 'jqbalbO3Z8mDmrF2/+wzM3KYvbgqzVBF969vgiIy80I=';

  it('matches the value computed outside this code and refuses anything else', () => {
    expect(signShopify(body, 'shpss_secret')).toBe(header);
    expect(verifyShopifyHmac(body, header, 'shpss_secret')).toBe(true);
    expect(verifyShopifyHmac(body, header, 'other')).toBe(false);
    expect(verifyShopifyHmac(Buffer.from('{"id":820982911946154509}'), header, 'shpss_secret')).toBe(false);
    expect(verifyShopifyHmac(body, undefined, 'shpss_secret')).toBe(false);
    expect(verifyShopifyHmac(body, header, '')).toBe(false);
  });
});
