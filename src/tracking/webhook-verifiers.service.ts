/**
 * Webhook authenticity before parsing (issue 14 item 14). A webhook route declares its verifier by name with
 * `@VerifiedWebhook('easypost')`; app.factory's `preParsing` hook reads the raw bytes of such a request (up to the
 * body limit), runs the named verifier and only then lets Fastify parse the JSON. A request that fails never
 * reaches the JSON parser, validation or the controller. Adding a provider is two lines: register a verifier here
 * (or from another module's onModuleInit through `register`) and put the decorator on its route.
 */
import { Inject, Injectable } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  safeEqual,
  STANDARD_WEBHOOK_TOLERANCE_SECONDS,
  verifyAfterShipSignature,
  verifyEasyPostSignature,
  verifyStandardWebhook,
} from './webhook-signature';

/** Route config key the pre-parsing hook looks for. */
export const WEBHOOK_VERIFIER_CONFIG = 'webhookVerifier';

/** Declares that a route's body is checked by the named verifier before it is parsed. */
export const VerifiedWebhook = (name: string) => RouteConfig({ [WEBHOOK_VERIFIER_CONFIG]: name });

/** What a verifier gets: the request (headers, query) and the exact bytes received. Throws to refuse. */
export type WebhookVerifier = (request: FastifyRequest, rawBody: Buffer) => void | Promise<void>;

/** Set on a request once its verifier passed; handlers assert it so a route cannot silently skip the check. */
export type VerifiedRequest = FastifyRequest & {
  verifiedWebhook?: string;
  webhookClaim?: { provider: string; messageId: string };
};

export function verifierNameOf(request: FastifyRequest): string | undefined {
  const config = request.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  const name = config?.[WEBHOOK_VERIFIER_CONFIG];
  return typeof name === 'string' ? name : undefined;
}

/** Throws unless the pre-parsing hook verified this request (defence in depth for every webhook handler). */
export function assertVerified(request: FastifyRequest, name: string): void {
  if ((request as VerifiedRequest).verifiedWebhook !== name)
    throw new AppException('invalid_signature', 'This webhook was not verified before parsing');
}

@Injectable()
export class WebhookVerifiers {
  private readonly verifiers = new Map<string, WebhookVerifier>();
  private lastPurge = 0;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dataSource: DataSource,
  ) {
    const hooks = config.webhooks;
    this.register('easypost', (request, raw) => {
      const secret = configured(hooks.easypostSecret, 'EasyPost');
      if (!verifyEasyPostSignature(raw, header(request, 'x-hmac-signature'), secret))
        throw invalidSignature('X-Hmac-Signature');
    });
    this.register('aftership', (request, raw) => {
      const secret = configured(hooks.aftershipSecret, 'AfterShip');
      if (!verifyAfterShipSignature(raw, header(request, 'aftership-hmac-sha256'), secret))
        throw invalidSignature('aftership-hmac-sha256');
    });
    this.register('shippo', (request) => {
      const secret = configured(hooks.shippoToken, 'Shippo');
      const token = (request.query as Record<string, unknown> | undefined)?.token;
      if (typeof token !== 'string' || !safeEqual(token, secret))
        throw invalidSignature('token query parameter');
    });
    this.register('generic', (request, raw) =>
      this.verifyStandard(request, raw, 'generic', hooks.genericSecret),
    );
  }

  register(name: string, verifier: WebhookVerifier): void {
    if (this.verifiers.has(name)) throw new Error(`A webhook verifier named "${name}" is already registered`);
    this.verifiers.set(name, verifier);
  }

  async verify(name: string, request: FastifyRequest, rawBody: Buffer): Promise<void> {
    const verifier = this.verifiers.get(name);
    if (!verifier)
      throw new AppException(
        'webhook_not_configured',
        `No verifier named "${name}" is registered on this server`,
      );
    await verifier(request, rawBody);
    (request as VerifiedRequest).verifiedWebhook = name;
  }

  /**
   * Standard Webhooks for any provider that signs that way: the signature (through the `standardwebhooks`
   * package), then the `webhook-id` claimed for the tolerance window, so the same signed request sent again
   * inside the window is refused whichever API process receives it.
   */
  async verifyStandard(
    request: FastifyRequest,
    raw: Buffer,
    provider: string,
    secret: string | undefined,
  ): Promise<void> {
    const id = header(request, 'webhook-id');
    const check = verifyStandardWebhook(
      raw,
      {
        id,
        timestamp: header(request, 'webhook-timestamp'),
        signature: header(request, 'webhook-signature'),
      },
      configured(secret, provider),
      new Date(),
    );
    if (!check.ok) throw new AppException('invalid_signature', `Signature check failed: ${check.reason}`);
    const messageId = id!.slice(0, 255);
    if (!(await this.claim(provider, messageId)))
      throw new AppException(
        'webhook_replayed',
        `webhook-id ${messageId} was already received; a message is accepted once inside the ${STANDARD_WEBHOOK_TOLERANCE_SECONDS / 60}-minute tolerance window`,
      );
    (request as VerifiedRequest).webhookClaim = { provider, messageId };
  }

  /**
   * Gives a claimed id back when handling failed on our side (5xx), so the sender's retry of the same message
   * is accepted: Standard Webhooks senders retry with the same id.
   */
  async releaseOnServerError(request: FastifyRequest, statusCode: number): Promise<void> {
    const claim = (request as VerifiedRequest).webhookClaim;
    if (!claim || statusCode < 500) return;
    await this.dataSource
      .query(`DELETE FROM webhook_message_ids WHERE provider = $1 AND message_id = $2`, [
        claim.provider,
        claim.messageId,
      ])
      .catch(() => undefined);
  }

  /** True when this id was not seen inside the window (an expired row is taken over). */
  private async claim(provider: string, messageId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO webhook_message_ids (provider, message_id, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (provider, message_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE webhook_message_ids.expires_at < now()
       RETURNING 1`,
      // The timestamp may sit up to the tolerance in the future too: remember the id for both halves.
      [provider, messageId, 2 * STANDARD_WEBHOOK_TOLERANCE_SECONDS],
    );
    if (Date.now() - this.lastPurge > 60_000) {
      this.lastPurge = Date.now();
      void this.dataSource
        .query(`DELETE FROM webhook_message_ids WHERE expires_at < now()`)
        .catch(() => undefined);
    }
    return rows.length > 0;
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
