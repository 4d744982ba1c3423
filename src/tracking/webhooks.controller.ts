import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { parseAfterShipWebhook } from './aftership.mapper';
import { parseEasyPostWebhook } from './easypost.mapper';
import { GENERIC_BODY_SCHEMA, parseGenericWebhook } from './generic.mapper';
import { parseShippoWebhook } from './shippo.mapper';
import { IngestResult, TrackingIngestService } from './tracking-ingest.service';
import { mapOrReject } from './tracking-payload.error';
import type { TrackingUpdate } from '../shared/tracking.types';
import { assertVerified, VerifiedWebhook } from './webhook-verifiers.service';

type RawRequest = FastifyRequest & { rawBody?: Buffer };

/**
 * Carrier and aggregator webhooks. Each route names its verifier (`@VerifiedWebhook`), which app.factory's
 * pre-parsing hook runs over the raw bytes before the JSON parser sees them (webhook-verifiers.service.ts); a
 * provider whose secret is unset refuses everything. Handlers assert the check ran.
 */
@ApiTags('webhooks')
@Public()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly ingest: TrackingIngestService) {}

  @Post('easypost')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Hmac-Signature', description: 'hmac-sha256-hex=<hex> of the raw body' })
  @ApiOperation({ summary: 'EasyPost Event (tracker.created, tracker.updated) or bare Tracker' })
  @VerifiedWebhook('easypost')
  easypost(@Req() req: RawRequest): Promise<IngestResult> {
    assertVerified(req, 'easypost');
    return this.accept(req, parseEasyPostWebhook);
  }

  @Post('aftership')
  @HttpCode(200)
  @ApiHeader({ name: 'aftership-hmac-sha256', description: 'base64 HMAC-SHA256 of the raw body' })
  @ApiOperation({ summary: 'AfterShip tracking_update and edd_revise' })
  @VerifiedWebhook('aftership')
  aftership(@Req() req: RawRequest): Promise<IngestResult> {
    assertVerified(req, 'aftership');
    return this.accept(req, parseAfterShipWebhook);
  }

  @Post('shippo')
  @HttpCode(200)
  @ApiOperation({ summary: 'Shippo track_updated; the registered URL carries ?token=SHIPPO_WEBHOOK_TOKEN' })
  @ApiQuery({ name: 'token', required: true, description: 'SHIPPO_WEBHOOK_TOKEN' })
  @VerifiedWebhook('shippo')
  shippo(@Req() req: RawRequest): Promise<IngestResult> {
    assertVerified(req, 'shippo');
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
  @VerifiedWebhook('generic')
  generic(@Req() req: RawRequest, @Headers('webhook-id') id?: string): Promise<IngestResult> {
    assertVerified(req, 'generic');
    return this.accept(req, (body) => parseGenericWebhook(body, id ?? null));
  }

  private accept(req: RawRequest, parse: (body: unknown) => TrackingUpdate[]): Promise<IngestResult> {
    return this.ingest.ingest(mapOrReject(req.body, parse));
  }
}
