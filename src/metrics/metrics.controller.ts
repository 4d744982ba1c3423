import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { ApiKeyService } from '../auth/api-key.service';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { safeEqual } from '../tracking/webhook-signature';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint. Metrics name routes, queues and volumes, which is reconnaissance for an attacker:
 * with `METRICS_TOKEN` set a scraper sends it as a bearer token; without it, production asks for an `admin` API key
 * and development and test stay open.
 */
@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly apiKeys: ApiKeyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (METRICS_TOKEN bearer, or an admin key in production)' })
  async scrape(@Req() request: FastifyRequest): Promise<string> {
    await this.authorise(request);
    return this.metrics.registry.metrics();
  }

  private async authorise(request: FastifyRequest): Promise<void> {
    const token = this.config.surfaces.metricsToken;
    if (!token && this.config.env !== 'production') return;
    const header = request.headers.authorization;
    const presented = typeof header === 'string' ? /^Bearer\s+(\S{1,200})$/i.exec(header)?.[1] : undefined;
    if (presented && token && safeEqual(presented, token)) return;
    if (presented && !token && (await this.apiKeys.authenticate(presented))?.role === 'admin') return;
    throw new AppException(
      'unauthorized',
      token
        ? '/metrics requires Authorization: Bearer <METRICS_TOKEN>'
        : '/metrics requires an admin API key in production (or set METRICS_TOKEN)',
    );
  }
}
