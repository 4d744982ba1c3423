import { Controller, Get, HttpCode, Inject, OnModuleInit, Post, Query, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PageRenderer } from '../pages/page-renderer.service';
import { UnsubscribeService } from './unsubscribe.service';
import { UNSUBSCRIBE_PATH, UnsubscribeTokens } from './unsubscribe-tokens.service';

/**
 * The unsubscribe link of non-essential emails. GET shows a confirmation page (mail scanners open links, so
 * opening one must not unsubscribe); POST unsubscribes, both from that page's button and as the RFC 8058
 * one-click POST mail clients send. Answers are HTML pages, including for a bad token (400), never a 500.
 */
@ApiTags('messaging callbacks')
@Public()
@Controller(UNSUBSCRIBE_PATH.replace(/^\//, ''))
export class UnsubscribeController implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: UnsubscribeTokens,
    private readonly service: UnsubscribeService,
    private readonly adapterHost: HttpAdapterHost,
    private readonly pages: PageRenderer,
  ) {}

  /**
   * RFC 8058 allows the one-click POST as multipart/form-data, which Fastify does not parse. The token is in
   * the URL and the body carries nothing we need, so such a body is accepted (and ignored) on this path only;
   * everywhere else multipart stays a 415 as before.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('multipart/form-data')) return;
    fastify.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'buffer', bodyLimit: 64 * 1024 },
      (request, _body, done) => {
        if (request.url.split('?')[0] === UNSUBSCRIBE_PATH) return done(null, {});
        const err = Object.assign(new Error(`Unsupported Media Type: multipart/form-data`), {
          code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
          statusCode: 415,
        });
        done(err, undefined);
      },
    );
  }

  @Get()
  @ApiOperation({ summary: 'Unsubscribe confirmation page for a signed token' })
  async page(@Query('token') token: unknown, @Res() reply: FastifyReply): Promise<void> {
    const claim = this.tokens.verify(typeof token === 'string' ? token : null);
    if (!claim) return this.send(reply, 400, { state: 'invalid' });
    const state = await this.service.state(claim);
    if (state !== 'subscribed') return this.send(reply, 200, { state: 'done', alreadyDone: true });
    const action = `${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token as string)}`;
    return this.send(reply, 200, { state: 'confirm', action });
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Unsubscribe (the page button, or RFC 8058 one-click `List-Unsubscribe=One-Click`)',
  })
  async unsubscribe(@Query('token') token: unknown, @Res() reply: FastifyReply): Promise<void> {
    const claim = this.tokens.verify(typeof token === 'string' ? token : null);
    if (!claim) return this.send(reply, 400, { state: 'invalid' });
    const created = await this.service.unsubscribe(claim);
    return this.send(reply, 200, { state: 'done', alreadyDone: !created });
  }

  private async send(
    reply: FastifyReply,
    status: number,
    view:
      { state: 'confirm'; action: string } | { state: 'done'; alreadyDone: boolean } | { state: 'invalid' },
  ): Promise<void> {
    const titles = {
      confirm: 'Unsubscribe from shipping updates',
      done: 'Unsubscribed',
      invalid: 'Link not valid',
    };
    await this.pages.send(
      reply,
      'site/unsubscribe',
      {
        ...view,
        title: `${titles[view.state]} · ${this.config.brand.name}`,
        styles: ['site.css'],
        bodyClass: 'centered',
        brand: this.config.brand.name,
        supportUrl: this.config.brand.supportUrl,
      },
      { status },
    );
  }
}
