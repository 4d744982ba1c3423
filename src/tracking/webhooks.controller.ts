import { Controller, Headers, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { parseAfterShipWebhook } from './aftership.mapper';
import { parseEasyPostWebhook } from './easypost.mapper';
import { GENERIC_BODY_SCHEMA, parseGenericWebhook } from './generic.mapper';
import { parseShippoWebhook } from './shippo.mapper';
import { IngestResult, TrackingIngestService } from './tracking-ingest.service';
import { TrackingPayloadError } from './tracking-payload.error';
import type { TrackingUpdate } from './tracking.types';
import {
  safeEqual,
  verifyAfterShipSignature,
  verifyEasyPostSignature,
  verifyStandardWebhook,
} from './webhook-signature';

type RawRequest = FastifyRequest & { rawBody?: Buffer };

/**
 * Carrier and aggregator webhooks. Each is authenticated over the raw bytes before anything is parsed
 * into our model; a provider whose secret is unset refuses everything.
 */
@ApiTags('webhooks')
@Public()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly ingest: TrackingIngestService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('easypost')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Hmac-Signature', description: 'hmac-sha256-hex=<hex> of the raw body' })
  @ApiOperation({ summary: 'EasyPost Event (tracker.created, tracker.updated) or bare Tracker' })
  easypost(@Req() req: RawRequest, @Headers('x-hmac-signature') signature?: string): Promise<IngestResult> {
    const secret = this.secret(this.config.webhooks.easypostSecret, 'EasyPost');
    if (!verifyEasyPostSignature(rawBody(req), signature, secret)) throw invalidSignature('X-Hmac-Signature');
    return this.accept(req, parseEasyPostWebhook);
  }

  @Post('aftership')
  @HttpCode(200)
  @ApiHeader({ name: 'aftership-hmac-sha256', description: 'base64 HMAC-SHA256 of the raw body' })
  @ApiOperation({ summary: 'AfterShip tracking_update and edd_revise' })
  aftership(
    @Req() req: RawRequest,
    @Headers('aftership-hmac-sha256') signature?: string,
  ): Promise<IngestResult> {
    const secret = this.secret(this.config.webhooks.aftershipSecret, 'AfterShip');
    if (!verifyAfterShipSignature(rawBody(req), signature, secret))
      throw invalidSignature('aftership-hmac-sha256');
    return this.accept(req, parseAfterShipWebhook);
  }

  @Post('shippo')
  @HttpCode(200)
  @ApiOperation({ summary: 'Shippo track_updated; the registered URL carries ?token=SHIPPO_WEBHOOK_TOKEN' })
  shippo(@Req() req: RawRequest, @Query('token') token?: unknown): Promise<IngestResult> {
    const secret = this.secret(this.config.webhooks.shippoToken, 'Shippo');
    if (typeof token !== 'string' || !safeEqual(token, secret))
      throw invalidSignature('token query parameter');
    return this.accept(req, parseShippoWebhook);
  }

  @Post('generic')
  @HttpCode(200)
  @ApiHeader({ name: 'webhook-id', required: true })
  @ApiHeader({ name: 'webhook-timestamp', required: true, description: 'Unix seconds; 5-minute tolerance' })
  @ApiHeader({
    name: 'webhook-signature',
    required: true,
    description: 'v1,<base64 HMAC-SHA256 of id.timestamp.body>',
  })
  @ApiBody({ schema: GENERIC_BODY_SCHEMA as never })
  @ApiOperation({
    summary: 'Our canonical event format, one event or a batch, signed Standard Webhooks style',
  })
  generic(
    @Req() req: RawRequest,
    @Headers('webhook-id') id?: string,
    @Headers('webhook-timestamp') timestamp?: string,
    @Headers('webhook-signature') signature?: string,
  ): Promise<IngestResult> {
    const secret = this.secret(this.config.webhooks.genericSecret, 'generic');
    const check = verifyStandardWebhook(rawBody(req), { id, timestamp, signature }, secret, new Date());
    if (!check.ok) throw new AppException('invalid_signature', `Signature check failed: ${check.reason}`);
    return this.accept(req, (body) => parseGenericWebhook(body, id ?? null));
  }

  private secret(value: string | undefined, provider: string): string {
    if (!value) {
      throw new AppException(
        'webhook_not_configured',
        `${provider} webhooks are not configured on this server`,
      );
    }
    return value;
  }

  private async accept(req: RawRequest, parse: (body: unknown) => TrackingUpdate[]): Promise<IngestResult> {
    let updates: TrackingUpdate[];
    try {
      updates = parse(req.body);
    } catch (err) {
      if (err instanceof TrackingPayloadError) {
        throw new AppException(
          err.code === 'unsupported_event' ? 'unprocessable' : 'malformed_payload',
          err.message,
          {
            errors: [...err.issues],
          },
        );
      }
      throw err;
    }
    return this.ingest.ingest(updates);
  }
}

function rawBody(req: RawRequest): Buffer {
  if (!req.rawBody) throw new AppException('malformed_payload', 'A JSON body is required');
  return req.rawBody;
}

function invalidSignature(what: string): AppException {
  return new AppException('invalid_signature', `Missing or invalid ${what}`);
}
