import { Body, Controller, Get, Headers, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Public } from '../auth/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PageRenderer } from '../pages/page-renderer.service';
import { LOCALES, type SupportedLocale } from '../shared/notification.types';
import {
  csrfTokenFor,
  csrfValid,
  decodeGrant,
  encodeGrant,
  GRANT_TTL_SECONDS,
  ORDER_COOKIE,
  type OrderGrant,
  renewGrant,
} from './order-grant';
import { SupportCasesService } from './support-cases.service';
import {
  MAX_CONTACT_LENGTH,
  MAX_ORDER_LENGTH,
  MAX_TEXT_LENGTH,
  TrackingLookupService,
} from './tracking-lookup.service';
import { CASE_KINDS, type CaseKind } from './tracking-page.entities';
import { TrackingPageService } from './tracking-page.service';
import { chooseLanguage, fill, type PageStrings } from './tracking-page.view';

/** The lookup's own random session id: keys the per-session verification count (a uuid, like the chat's). */
const LOOKUP_COOKIE = 'wismo_lookup';
const LANG_COOKIE = 'wismo_lang';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROBLEMS: CaseKind[] = CASE_KINDS.filter((k) => k !== 'delivery_instructions');
const DONE = ['instructions', 'problem', 'preferences'] as const;

type Form = Record<string, unknown> | undefined;

function cookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}

const field = (form: Form, name: string): string => {
  const value = form?.[name];
  return typeof value === 'string' ? value : '';
};

const minutes = (seconds: number, s: PageStrings) => {
  const n = Math.max(1, Math.ceil(seconds / 60));
  return n === 1 ? s.oneMinute : fill(s.manyMinutes, { n });
};

/**
 * The second access tier of the tracking page: `/track`, a form taking an order number and the order's email or
 * postcode, and `/track/order`, the whole order for a shopper who proved it. Plain forms, 303 redirects and
 * server-rendered messages: complete without JavaScript. The grant is a signed HttpOnly SameSite=Strict cookie
 * (order-grant.ts), and every action form carries a CSRF token derived from it.
 */
@Controller()
export class TrackingLookupController {
  constructor(
    private readonly lookups: TrackingLookupService,
    private readonly cases: SupportCasesService,
    private readonly tracking: TrackingPageService,
    private readonly pages: PageRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('track')
  @Public()
  @ApiExcludeEndpoint()
  async form(
    @Query('lang') lang: string | undefined,
    @Query('signed_out') signedOut: string | undefined,
    @Query('expired') expired: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const language = this.language(request, lang, acceptLanguage, null, reply);
    const s = this.tracking.strings[language];
    const notice = signedOut ? s.signedOut : expired ? s.sessionEnded : null;
    await this.sendForm(reply, language, { notice }, 200);
  }

  @Post('track')
  @Public()
  @ApiExcludeEndpoint()
  async lookup(
    @Body() body: Form,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const language = this.language(request, field(body, 'lang') || undefined, acceptLanguage, null, reply);
    const s = this.tracking.strings[language];
    let sessionId = cookie(request.headers.cookie, LOOKUP_COOKIE);
    if (!sessionId || !UUID.test(sessionId)) {
      sessionId = randomUUID();
      this.setCookie(request, reply, LOOKUP_COOKIE, sessionId, 24 * 3600);
    }
    const order = field(body, 'order');
    const result = await this.lookups.lookup(sessionId, request.ip, order, field(body, 'contact'));
    if (result.kind === 'verified') {
      const chatSessionId = await this.lookups.openChatSession(result.orderId, result.customerId, language);
      const grant: OrderGrant = {
        orderId: result.orderId,
        chatSessionId,
        expiresAt: Math.floor(Date.now() / 1000) + GRANT_TTL_SECONDS,
      };
      this.setGrant(request, reply, grant);
      await reply.status(303).header('location', '/track/order').header('cache-control', 'no-store').send();
      return;
    }
    // Nothing typed is echoed back after a check: a wrong contact and a missing order give byte-identical pages.
    if (result.kind === 'invalid') {
      await this.sendForm(
        reply,
        language,
        { order: order.slice(0, MAX_ORDER_LENGTH), error: s.lookupMissing },
        400,
      );
    } else if (result.kind === 'failed') {
      await this.sendForm(reply, language, { error: s.lookupFailed }, 422);
    } else {
      void reply.header('retry-after', String(result.retryAfterSeconds));
      await this.sendForm(
        reply,
        language,
        { error: fill(s.lockedOut, { time: minutes(result.retryAfterSeconds, s) }), locked: true },
        429,
      );
    }
  }

  @Get('track/order')
  @Public()
  @ApiExcludeEndpoint()
  async order(
    @Query('lang') lang: string | undefined,
    @Query('done') done: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const grant = await this.grant(request, reply);
    if (!grant) return;
    const shown = (DONE as readonly string[]).includes(done ?? '') ? (done as (typeof DONE)[number]) : null;
    await this.sendOrder(request, reply, grant, { lang, acceptLanguage, done: shown });
  }

  @Post('track/order/instructions')
  @Public()
  @ApiExcludeEndpoint()
  async instructions(@Body() body: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const grant = await this.grant(request, reply, body);
    if (!grant) return;
    const text = field(body, 'instructions').trim();
    if (!text || text.length > MAX_TEXT_LENGTH) {
      await this.sendOrder(request, reply, grant, {
        status: 400,
        error: { form: 'instructions', key: text ? 'tooLong' : 'instructionsMissing' },
        values: { instructions: text },
      });
      return;
    }
    await this.cases.create({
      orderId: grant.orderId,
      shipmentId: null,
      kind: 'delivery_instructions',
      details: text,
    });
    this.done(reply, 'instructions');
  }

  @Post('track/order/problem')
  @Public()
  @ApiExcludeEndpoint()
  async problem(@Body() body: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const grant = await this.grant(request, reply, body);
    if (!grant) return;
    const kind = field(body, 'kind') as CaseKind;
    const details = field(body, 'details').trim();
    if (!PROBLEMS.includes(kind) || details.length > MAX_TEXT_LENGTH) {
      await this.sendOrder(request, reply, grant, {
        status: 400,
        error: { form: 'problem', key: PROBLEMS.includes(kind) ? 'tooLong' : 'problemMissing' },
        values: { details, kind },
      });
      return;
    }
    const shipmentId = await this.lookups.shipmentOf(grant.orderId, field(body, 'shipment'));
    await this.cases.create({ orderId: grant.orderId, shipmentId, kind, details: details || null });
    this.done(reply, 'problem');
  }

  @Post('track/order/preferences')
  @Public()
  @ApiExcludeEndpoint()
  async preferences(@Body() body: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const grant = await this.grant(request, reply, body);
    if (!grant) return;
    const order = await this.lookups.order(grant.orderId);
    if (!order) return this.signOut(request, reply);
    // Checkboxes: an unticked box is simply absent from the form.
    await this.lookups.setMessagePreferences(order.customerId, {
      sms: field(body, 'sms') === 'on',
      email: field(body, 'email') === 'on',
    });
    this.done(reply, 'preferences');
  }

  @Get('track/sign-out')
  @Public()
  @ApiExcludeEndpoint()
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const grant = decodeGrant(
      cookie(request.headers.cookie, ORDER_COOKIE),
      this.lookups.sign,
      Math.floor(Date.now() / 1000),
    );
    if (grant) await this.lookups.closeChatSession(grant);
    this.setCookie(request, reply, ORDER_COOKIE, '', 0);
    void reply
      .status(303)
      .header('location', '/track?signed_out=1')
      .header('cache-control', 'no-store')
      .send();
  }

  /**
   * The grant in the cookie, renewed; or, without a valid one, a redirect to the form. With a form body, its
   * CSRF token must match the grant (403 otherwise).
   */
  private async grant(request: FastifyRequest, reply: FastifyReply, body?: Form): Promise<OrderGrant | null> {
    const now = Math.floor(Date.now() / 1000);
    const found = decodeGrant(cookie(request.headers.cookie, ORDER_COOKIE), this.lookups.sign, now);
    const grant = found && (await this.lookups.touchChatSession(found)) ? found : null;
    if (!grant) {
      await reply
        .status(303)
        .header('location', '/track?expired=1')
        .header('cache-control', 'no-store')
        .send();
      return null;
    }
    if (body !== undefined && !csrfValid(body?.csrf, grant, this.lookups.sign)) {
      await this.sendOrder(request, reply, grant, {
        status: 403,
        error: { form: 'page', key: 'csrfFailed' },
      });
      return null;
    }
    const renewed = renewGrant(grant, now);
    this.setGrant(request, reply, renewed);
    return renewed;
  }

  private done(reply: FastifyReply, what: (typeof DONE)[number]): void {
    void reply
      .status(303)
      .header('location', `/track/order?done=${what}`)
      .header('cache-control', 'no-store')
      .send();
  }

  private async sendOrder(
    request: FastifyRequest,
    reply: FastifyReply,
    grant: OrderGrant,
    options: {
      status?: number;
      lang?: string;
      acceptLanguage?: string;
      done?: (typeof DONE)[number] | null;
      error?: { form: 'page' | 'instructions' | 'problem'; key: string };
      values?: Record<string, string>;
    },
  ): Promise<void> {
    const order = await this.lookups.order(grant.orderId);
    if (!order) {
      await this.signOut(request, reply);
      return;
    }
    const language = this.language(
      request,
      options.lang,
      options.acceptLanguage ?? request.headers['accept-language'],
      order.locale,
      reply,
    );
    const s = this.tracking.strings[language];
    const page = await this.lookups.page(order, language, s);
    const error = options.error ? s[options.error.key] : null;
    const doneText = options.done
      ? { instructions: s.instructionsDone, problem: s.problemDone, preferences: s.prefsDone }[options.done]
      : null;
    const kind = options.values?.kind ?? '';
    await this.pages.send(
      reply,
      'track/order',
      {
        ...this.brand(),
        lang: language,
        title: `${fill(s.orderTitle, { order: page.number })} · ${this.config.brand.name}`,
        styles: ['tracking.css'],
        scripts: ['tracking-order.js'],
        s,
        page,
        csrf: csrfTokenFor(grant, this.lookups.sign),
        chatSessionId: grant.chatSessionId,
        heading: fill(s.orderTitle, { order: page.number }),
        done: doneText,
        pageError: options.error?.form === 'page' ? error : null,
        instructionsError: options.error?.form === 'instructions' ? error : null,
        problemError: options.error?.form === 'problem' ? error : null,
        values: options.values ?? {},
        maxText: MAX_TEXT_LENGTH,
        problems: PROBLEMS.map((k) => ({ value: k, label: s[`problem_${k}`], checked: k === kind })),
        languages: this.languages(language, '/track/order'),
      },
      { status: options.status ?? 200 },
    );
  }

  private async sendForm(
    reply: FastifyReply,
    language: SupportedLocale,
    extra: { notice?: string | null; error?: string; order?: string; locked?: boolean },
    status: number,
  ): Promise<void> {
    const s = this.tracking.strings[language];
    await this.pages.send(
      reply,
      'track/lookup',
      {
        ...this.brand(),
        lang: language,
        title: `${s.lookupTitle} · ${this.config.brand.name}`,
        styles: ['tracking.css'],
        s,
        maxOrder: MAX_ORDER_LENGTH,
        maxContact: MAX_CONTACT_LENGTH,
        languages: this.languages(language, '/track'),
        ...extra,
      },
      { status },
    );
  }

  /** `?lang=` (remembered in a cookie for /track), the cookie, the order's locale, Accept-Language, English. */
  private language(
    request: FastifyRequest,
    query: string | undefined,
    acceptLanguage: string | undefined,
    customerLocale: string | null,
    reply: FastifyReply,
  ): SupportedLocale {
    const picked = cookie(request.headers.cookie, LANG_COOKIE);
    if (query && (LOCALES as readonly string[]).includes(query)) {
      void reply.header('set-cookie', `${LANG_COOKIE}=${query}; Path=/track; Max-Age=31536000; SameSite=Lax`);
    }
    return chooseLanguage({ query, picked, customerLocale, acceptLanguage, fallback: 'en' });
  }

  private languages(current: SupportedLocale, path: string) {
    return LOCALES.map((code) => ({
      code,
      href: `${path}?lang=${code}`,
      current: code === current,
      name: NAMES[code],
    }));
  }

  private setGrant(request: FastifyRequest, reply: FastifyReply, grant: OrderGrant): void {
    this.setCookie(request, reply, ORDER_COOKIE, encodeGrant(grant, this.lookups.sign), GRANT_TTL_SECONDS);
  }

  /** HttpOnly, SameSite=Strict, only below /track, Secure when the request came over HTTPS (TRUST_PROXY-aware). */
  private setCookie(
    request: FastifyRequest,
    reply: FastifyReply,
    name: string,
    value: string,
    maxAge: number,
  ): void {
    const secure = request.protocol === 'https' ? '; Secure' : '';
    const line = `${name}=${value}; Path=/track; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`;
    // Fastify appends set-cookie headers; a renewed cookie replaces the one set earlier in the same reply.
    const existing = reply.getHeader('set-cookie');
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    reply.removeHeader('set-cookie');
    for (const c of [...list.filter((c) => !c.startsWith(`${name}=`)), line])
      void reply.header('set-cookie', c);
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

const NAMES: Record<SupportedLocale, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
};
