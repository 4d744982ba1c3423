import { randomUUID } from 'node:crypto';
import { signStandardWebhook } from '../../src/tracking/webhook-signature';
import type { TestApp } from './test-app';

/** Posts one generic-format event, signed Standard Webhooks style, and expects it accepted. */
export async function postGenericEvent(
  t: TestApp,
  secret: string,
  event: Record<string, unknown>,
): Promise<void> {
  const body = JSON.stringify(event);
  const id = `msg_${randomUUID()}`;
  const ts = Math.floor(Date.now() / 1000);
  const res = await t.http
    .post('/v1/webhooks/generic')
    .set('content-type', 'application/json')
    .set('webhook-id', id)
    .set('webhook-timestamp', String(ts))
    .set('webhook-signature', signStandardWebhook(id, ts, body, secret))
    .send(body);
  expect(res.status).toBe(200);
}
