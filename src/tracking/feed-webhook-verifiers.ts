import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { verifyBearerSecret, verifyKarrio, verifyShopifyHmac, verifyTrack17Sign } from './feed-signatures';
import {
  hasShipEngineSignature,
  ShipEngineKeys,
  ShipEngineSignatureHeaders,
  verifyShipEngineRsa,
} from './shipengine-signature';
import { safeEqual } from './webhook-signature';
import { WebhookVerifiers } from './webhook-verifiers.service';

/**
 * Registers the checks of the issue 21 feeds with the pre-parsing webhook verification (webhook-verifiers.service.ts):
 * each runs over the raw bytes before Fastify parses the JSON, and answers 401 `webhook_not_configured` while the
 * provider's secret is unset. The checks themselves are in feed-signatures.ts.
 */
@Injectable()
export class FeedWebhookVerifiers implements OnModuleInit {
  private readonly shipEngineKeys: ShipEngineKeys;

  constructor(
    private readonly verifiers: WebhookVerifiers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.shipEngineKeys = new ShipEngineKeys(config.webhooks.shipengineJwksUrl);
  }

  onModuleInit(): void {
    const hooks = this.config.webhooks;
    this.verifiers.register('17track', (request, raw) => {
      const key = configured(hooks.track17ApiKey, '17TRACK');
      if (!verifyTrack17Sign(raw, header(request, 'sign'), key)) throw invalidSignature('sign header');
    });
    this.verifiers.register('ship24', (request) => {
      const secret = configured(hooks.ship24Secret, 'Ship24');
      if (!verifyBearerSecret(header(request, 'authorization'), secret))
        throw invalidSignature('Authorization header');
    });
    // The token in the registered URL is required; a webhook that also carries ShipStation's RSA signature headers
    // must verify against ShipEngine's published keys too.
    this.verifiers.register('shipengine', async (request, raw) => {
      const secret = configured(hooks.shipengineToken, 'ShipEngine');
      const token = (request.query as Record<string, unknown> | undefined)?.token;
      if (typeof token !== 'string' || !safeEqual(token, secret))
        throw invalidSignature('token query parameter');
      const signed: ShipEngineSignatureHeaders = {
        keyId: header(request, 'x-shipengine-rsa-sha256-key-id'),
        signature: header(request, 'x-shipengine-rsa-sha256-signature'),
        timestamp: header(request, 'x-shipengine-timestamp'),
      };
      if (hasShipEngineSignature(signed)) await this.verifyShipEngineSignature(raw, signed);
    });
    this.verifiers.register('karrio', (request, raw) => {
      const secret = configured(hooks.karrioSecret, 'karrio');
      const headers = {
        eventId: header(request, 'x-event-id'),
        signature: header(request, 'x-karrio-signature'),
      };
      if (!verifyKarrio(raw, headers, secret))
        throw invalidSignature('X-Event-Id or X-Karrio-Signature header');
    });
    this.verifiers.register('shopify', (request, raw) => {
      const secret = configured(hooks.shopifySecret, 'Shopify');
      if (!verifyShopifyHmac(raw, header(request, 'x-shopify-hmac-sha256'), secret))
        throw invalidSignature('X-Shopify-Hmac-Sha256 header');
    });
  }

  private async verifyShipEngineSignature(raw: Buffer, signed: ShipEngineSignatureHeaders): Promise<void> {
    if (!signed.keyId) throw invalidSignature('x-shipengine-rsa-sha256-key-id header');
    const key = await this.shipEngineKeys.key(signed.keyId);
    // ShipEngine retries a delivery that failed on our side: an unreachable key set must not look like a forgery.
    if (key === 'unavailable')
      throw new AppException('unavailable', 'ShipEngine signing keys cannot be read right now; retry later');
    if (!key) throw invalidSignature('x-shipengine-rsa-sha256-key-id (not a published key)');
    const check = verifyShipEngineRsa(raw, signed, key, new Date());
    if (!check.ok)
      throw new AppException('invalid_signature', `ShipEngine signature check failed: ${check.reason}`);
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function configured(value: string | undefined, provider: string): string {
  if (!value)
    throw new AppException(
      'webhook_not_configured',
      `${provider} webhooks are not configured on this server`,
    );
  return value;
}

function invalidSignature(what: string): AppException {
  return new AppException('invalid_signature', `Missing or invalid ${what}`);
}
