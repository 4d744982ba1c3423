import { Module } from '@nestjs/common';
import { AssetManifest } from './asset-manifest';
import { FaviconController } from './favicon.controller';
import { PageRenderer } from './page-renderer.service';

/**
 * The view layer: page views (views/) rendered by PageRenderer, the browser bundles (web/ → dist/public/) and
 * their manifest. Feature modules that serve pages import this module.
 */
@Module({
  controllers: [FaviconController],
  providers: [
    { provide: AssetManifest, useFactory: () => AssetManifest.load() },
    {
      provide: PageRenderer,
      useFactory: (assets: AssetManifest) => new PageRenderer(assets),
      inject: [AssetManifest],
    },
  ],
  exports: [AssetManifest, PageRenderer],
})
export class PagesModule {}
