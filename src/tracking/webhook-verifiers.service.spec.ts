import type { FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { AppException } from '../common/app.exception';
import type { AppConfig } from '../config/app-config';
import { signEasyPost } from './webhook-signature';
import { assertVerified, WebhookVerifiers } from './webhook-verifiers.service';

const config = {
  webhooks: {
    easypostSecret: 'ep-secret',
    aftershipSecret: undefined,
    shippoToken: 'tok',
    genericSecret: undefined,
  },
} as unknown as AppConfig;

function request(headers: Record<string, string> = {}, query: Record<string, string> = {}): FastifyRequest {
  return { headers, query } as unknown as FastifyRequest;
}

describe('WebhookVerifiers', () => {
  const verifiers = new WebhookVerifiers(config, {} as DataSource);
  const body = Buffer.from('{"id":"evt_1"}');

  it('runs the named verifier over the raw bytes and marks the request verified', async () => {
    const req = request({ 'x-hmac-signature': signEasyPost(body, 'ep-secret') });
    await verifiers.verify('easypost', req, body);
    expect(() => assertVerified(req, 'easypost')).not.toThrow();
    expect(() => assertVerified(req, 'generic')).toThrow(AppException);
  });

  it('refuses a wrong signature, an unconfigured provider and an unknown verifier with their codes', async () => {
    const forged = request({ 'x-hmac-signature': signEasyPost(body, 'other') });
    await expect(verifiers.verify('easypost', forged, body)).rejects.toMatchObject({
      code: 'invalid_signature',
    });
    expect(() => assertVerified(forged, 'easypost')).toThrow(/not verified/);
    await expect(verifiers.verify('aftership', request(), body)).rejects.toMatchObject({
      code: 'webhook_not_configured',
    });
    await expect(verifiers.verify('nobody', request(), body)).rejects.toMatchObject({
      code: 'webhook_not_configured',
    });
    await expect(verifiers.verify('shippo', request({}, { token: 'tok' }), body)).resolves.toBeUndefined();
    await expect(verifiers.verify('shippo', request({}, { token: 'tok2' }), body)).rejects.toMatchObject({
      code: 'invalid_signature',
    });
  });

  it('lets another provider plug in once, by name', async () => {
    verifiers.register('acme', (req) => {
      if (req.headers['x-acme'] !== 'yes')
        throw new AppException('invalid_signature', 'Missing or invalid x-acme');
    });
    await expect(verifiers.verify('acme', request({ 'x-acme': 'yes' }), body)).resolves.toBeUndefined();
    expect(() => verifiers.register('acme', () => undefined)).toThrow(/already registered/);
  });
});
