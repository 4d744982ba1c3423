import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { AssetManifest } from './asset-manifest';

/** Browsers ask for /favicon.ico whatever the page links: answer with the same icon the layouts link. */
@ApiExcludeController()
@Controller()
export class FaviconController {
  private readonly icon: Buffer;

  constructor(assets: AssetManifest) {
    this.icon = assets.read('favicon.svg');
  }

  @Get('favicon.ico')
  @Public()
  async favicon(@Res() reply: FastifyReply): Promise<void> {
    await reply
      .header('content-type', 'image/svg+xml')
      .header('cache-control', 'public, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .send(this.icon);
  }
}
