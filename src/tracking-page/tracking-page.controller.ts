import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { PAGE_HEADERS } from '../common/page-security';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PageRenderer } from '../pages/page-renderer.service';
import { LOCALES, type SupportedLocale } from '../shared/notification.types';
import { TrackingPageService } from './tracking-page.service';
import { TrackingPageViews } from './tracking-page-views.service';
import { chooseLanguage } from './tracking-page.view';

const LANG_COOKIE = 'wismo_lang';

function cookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return null;
}

/**
 * The tracking page of one parcel, reached by the signed link in every message: `/t/<token>`. Works without
 * JavaScript; with it, the page asks again now and then (`If-None-Match`) and swaps in a newer version.
 */
@Controller()
export class TrackingPageController {
  constructor(
    private readonly tracking: TrackingPageService,
    private readonly views: TrackingPageViews,
    private readonly pages: PageRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('track/theme.css')
  @Public()
  @ApiExcludeEndpoint()
  theme(@Res() reply: FastifyReply): void {
    // The brand colour as a stylesheet, so the page needs no inline style.
    void reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(`:root { --brand: ${this.config.brand.color}; }\n`);
  }

  @Get('t/:token')
  @Public()
  @ApiExcludeEndpoint()
  async parcel(
    @Param('token') token: string,
    @Query('lang') lang: string | undefined,
    @Query('s') source: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Headers('cookie') cookies: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('x-wismo-live') live: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const picked = cookie(cookies, LANG_COOKIE);
    const choose = (customerLocale: string | null): SupportedLocale =>
      chooseLanguage({ query: lang, picked, customerLocale, acceptLanguage, fallback: 'en' });
    const found = await this.tracking.parcel(token, choose);
    const brand = this.brand();
    if (found.kind !== 'found') {
      const language = choose(null);
      const s = this.tracking.strings[language];
      const expired = found.kind === 'expired';
      await this.pages.send(
        reply,
        'track/gone',
        {
          ...brand,
          lang: language,
          title: `${expired ? s.expiredTitle : s.notFoundTitle} · ${brand.storeName}`,
          styles: ['tracking.css'],
          heading: expired ? s.expiredTitle : s.notFoundTitle,
          text: expired ? s.expiredText : s.notFoundText,
          s,
        },
        { status: expired ? 410 : 404 },
      );
      return;
    }
    if (ifNoneMatch && ifNoneMatch === found.etag) {
      await reply.status(304).headers({ etag: found.etag, 'cache-control': 'no-store' }).send();
      return;
    }
    if (!live && !lang) this.views.count(found.shipmentId, source);
    const { page } = found;
    if (lang && LOCALES.includes(lang as SupportedLocale)) {
      void reply.header('set-cookie', `${LANG_COOKIE}=${lang}; Path=/t; Max-Age=31536000; SameSite=Lax`);
    }
    const html = this.pages.render('track/parcel', {
      ...brand,
      ...page,
      etag: found.etag,
      title: `${page.s.title} · ${brand.storeName}`,
      styles: ['tracking.css'],
      scripts: ['tracking.js'],
      languages: LOCALES.map((code) => ({ code, current: code === page.lang, name: LANGUAGE_NAMES[code] })),
    });
    await reply
      .status(200)
      .headers({ ...PAGE_HEADERS, etag: found.etag })
      .send(html);
  }

  private brand() {
    return {
      storeName: this.config.brand.name,
      logoUrl: this.config.brand.logoUrl ?? null,
      supportUrl: this.config.brand.supportUrl,
      bodyClass: 'tracking',
    };
  }
}

const LANGUAGE_NAMES: Record<SupportedLocale, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
};
