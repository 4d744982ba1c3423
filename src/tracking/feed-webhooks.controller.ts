import { Controller, Head, HttpCode, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import type { TrackingUpdate } from '../shared/tracking.types';
import { parseKarrioWebhook } from './karrio.mapper';
import { parseShip24Webhook } from './ship24.mapper';
import { parseShipEngineWebhook } from './shipengine.mapper';
import { parseTrack17Webhook } from './track17.mapper';
import { IngestResult, TrackingIngestService } from './tracking-ingest.service';
import { mapOrReject } from './tracking-payload.error';
import { assertVerified, VerifiedWebhook } from './webhook-verifiers.service';

/**
 * The tracking aggregators added in issue 21: 17TRACK, Ship24, ShipEngine and karrio. Same contract as the other
 * provider webhooks: each route names its verifier (feed-webhook-verifiers.ts), run over the raw bytes before the
 * JSON is parsed (401 `webhook_not_configured` while the provider's secret is unset); the body is mapped to
 * canonical updates and ingested, with duplicates and reordering handled by the intake.
 */
@ApiTags('webhooks')
@Public()
@Controller('v1/webhooks')
export class FeedWebhooksController {
  constructor(private readonly ingest: TrackingIngestService) {}

  @Post('17track')
  @HttpCode(200)
  @ApiHeader({ name: 'sign', description: 'hex SHA-256 of the raw body followed by "/" and TRACK17_API_KEY' })
  @ApiOperation({ summary: '17TRACK v2 push (TRACKING_UPDATED, TRACKING_STOPPED)' })
  @VerifiedWebhook('17track')
  track17(@Req() req: FastifyRequest): Promise<IngestResult> {
    assertVerified(req, '17track');
    return this.accept(req, parseTrack17Webhook);
  }

  /** Ship24 probes the URL with HEAD and saves it only when the answer is 200. */
  @Head('ship24')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ship24 health check before it saves the webhook URL' })
  ship24Probe(): void {}

  @Post('ship24')
  @HttpCode(200)
  @ApiHeader({ name: 'Authorization', description: 'Bearer <SHIP24_WEBHOOK_SECRET>' })
  @ApiOperation({ summary: 'Ship24 tracking results (one or more trackings per request)' })
  @VerifiedWebhook('ship24')
  ship24(@Req() req: FastifyRequest): Promise<IngestResult> {
    assertVerified(req, 'ship24');
    return this.accept(req, parseShip24Webhook);
  }

  @Post('shipengine')
  @HttpCode(200)
  @ApiQuery({
    name: 'token',
    required: true,
    description: 'SHIPENGINE_WEBHOOK_TOKEN, part of the registered URL',
  })
  @ApiOperation({ summary: 'ShipEngine / ShipStation API track webhook (API_TRACK)' })
  @VerifiedWebhook('shipengine')
  shipengine(@Req() req: FastifyRequest): Promise<IngestResult> {
    assertVerified(req, 'shipengine');
    return this.accept(req, parseShipEngineWebhook);
  }

  @Post('karrio')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Event-Id', required: false, description: 'the webhook secret, as karrio sends it' })
  @ApiHeader({ name: 'X-Karrio-Signature', required: false, description: 'hex HMAC-SHA256 of the raw body' })
  @ApiOperation({ summary: 'karrio tracker.created / tracker.updated' })
  @VerifiedWebhook('karrio')
  karrio(@Req() req: FastifyRequest): Promise<IngestResult> {
    assertVerified(req, 'karrio');
    return this.accept(req, parseKarrioWebhook);
  }

  private accept(req: FastifyRequest, parse: (body: unknown) => TrackingUpdate[]): Promise<IngestResult> {
    return this.ingest.ingest(mapOrReject(req.body, parse));
  }
}
