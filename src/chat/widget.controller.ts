import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AssetManifest } from '../pages/asset-manifest';
import { PageRenderer } from '../pages/page-renderer.service';

/**
 * Serves the embeddable widget (web/widget/widget.ts, bundled into dist/public/) at its stable URL, and the demo
 * store page that carries it (views/site/demo.hbs).
 */
@ApiExcludeController()
@Controller()
export class WidgetController {
  private readonly script: Buffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pages: PageRenderer,
    assets: AssetManifest,
  ) {
    this.script = assets.read('widget.js');
  }

  @Get('widget.js')
  @Public()
  async widget(@Res() reply: FastifyReply): Promise<void> {
    await reply
      .header('content-type', 'application/javascript; charset=utf-8')
      // Stores embed this URL on their own pages, so it cannot carry a hash: a short cache keeps updates flowing.
      .header('cache-control', 'public, max-age=300')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('x-content-type-options', 'nosniff')
      .send(this.script);
  }

  @Get('demo')
  @Public()
  async page(@Res() reply: FastifyReply): Promise<void> {
    // A demo store page has no place on a production site unless someone asked for it (DEMO_PAGE).
    if (!this.config.surfaces.demoPage) throw AppException.notFound('Page');
    const brand = this.config.brand.name;
    await this.pages.send(reply, 'site/demo', {
      title: `${brand} · Demo store`,
      styles: ['demo.css'],
      brand,
    });
  }
}
