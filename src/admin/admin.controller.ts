import { Controller, Get, Header, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { Public, Roles } from '../auth/auth.decorators';
import { adminIndexPage } from './admin-index.page';
import { frontPage } from './front.page';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Inject } from '@nestjs/common';
import { SmsSender } from '../channels/sms.sender';
import { EmailSender } from '../channels/email.sender';
import { OrderSearchResult, OrderSearchService } from './order-search.service';
import { SUPPORT_PAGE_CSP } from '../common/page-security';
import { supportPage } from './support.page';

/** Script-free pages (the index) can forbid scripts entirely. */
const STATIC_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Support tools: order search, the support page that uses it, and the index of support pages. */
@ApiTags('support')
@ApiBearerAuth()
@Controller()
export class AdminController {
  // Built once: the pages hold no data, so they never change while the process runs.
  private readonly indexPage = adminIndexPage();
  private readonly frontPageHtml: string;
  private readonly ordersPage = supportPage();

  constructor(
    private readonly search: OrderSearchService,
    @Inject(APP_CONFIG) config: AppConfig,
    sms: SmsSender,
    email: EmailSender,
  ) {
    this.frontPageHtml = frontPage({
      brand: config.brand.name,
      sms: sms.provider,
      email: email.provider,
      queue: config.queue.redisUrl ? 'Redis' : 'PostgreSQL',
    });
  }

  @Get('v1/admin/search')
  @Roles('support')
  @ApiQuery({
    name: 'q',
    required: true,
    description: 'Order number (exact or prefix), tracking number, email or phone',
  })
  @ApiOperation({
    summary:
      'Find orders by store order id, tracking number, customer email or phone (at most 20, newest first)',
  })
  find(@Query('q') q: unknown): Promise<{ results: OrderSearchResult[] }> {
    return this.search.search(q);
  }

  @Get('v1/admin/session')
  @Roles('support')
  @ApiOperation({ summary: "The calling key's role: lets the support pages check a key before keeping it" })
  session(@Req() request: AuthenticatedRequest): { role: string } {
    return { role: request.apiKey!.role };
  }

  @Get()
  @Public()
  @ApiExcludeEndpoint()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', STATIC_PAGE_CSP)
  @Header('x-frame-options', 'DENY')
  front(): string {
    return this.frontPageHtml;
  }

  @Get('admin')
  @Public()
  @ApiExcludeEndpoint()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', STATIC_PAGE_CSP)
  @Header('cache-control', 'no-store')
  @Header('x-frame-options', 'DENY')
  @Header('referrer-policy', 'no-referrer')
  index(): string {
    return this.indexPage;
  }

  @Get('admin/orders')
  @Public()
  @ApiExcludeEndpoint()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', SUPPORT_PAGE_CSP)
  @Header('cache-control', 'no-store')
  @Header('x-frame-options', 'DENY')
  @Header('referrer-policy', 'no-referrer')
  orders(): string {
    // Public: the page holds no data; it asks for a key and every API call it makes is authenticated.
    return this.ordersPage;
  }
}
