import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PageRenderer } from '../pages/page-renderer.service';

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10} %`;

/** The analytics dashboard and the page of definitions. Public pages that hold no data: the API needs a key. */
@Controller('admin/analytics')
export class AnalyticsPagesController {
  constructor(
    private readonly pages: PageRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @ApiExcludeEndpoint()
  async dashboard(@Res() reply: FastifyReply): Promise<void> {
    const { onTimeTarget, exceptionAlert, storeTimeZone } = this.config.analytics;
    await this.pages.send(
      reply,
      'support/analytics',
      {
        title: 'Analytics · Wismo support',
        section: 'analytics',
        signIn: true,
        scripts: ['support-analytics.js'],
        styles: ['analytics.css'],
        onTimeTarget,
        exceptionAlert,
        onTimeTargetPercent: percent(onTimeTarget),
        exceptionAlertPercent: percent(exceptionAlert),
        storeTimeZone,
      },
      { layout: 'support' },
    );
  }

  @Get('definitions')
  @Public()
  @ApiExcludeEndpoint()
  async definitions(@Res() reply: FastifyReply): Promise<void> {
    await this.pages.send(
      reply,
      'support/analytics-definitions',
      {
        title: 'Analytics definitions · Wismo support',
        section: 'analytics',
        storeTimeZone: this.config.analytics.storeTimeZone,
        noScanDelayDays: this.config.tracking.noScanDelayDays,
      },
      { layout: 'support' },
    );
  }
}
