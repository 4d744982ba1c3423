import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { Public, Roles } from '../auth/auth.decorators';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Inject } from '@nestjs/common';
import { SmsSender } from '../channels/sms.sender';
import { EmailSender } from '../channels/email.sender';
import { OrderSearchResult, OrderSearchService } from './order-search.service';
import { PageRenderer } from '../pages/page-renderer.service';

/** Support tools: order search, the support page that uses it, and the index of support pages. */
@ApiTags('support')
@ApiBearerAuth()
@Controller()
export class AdminController {
  constructor(
    private readonly search: OrderSearchService,
    private readonly pages: PageRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sms: SmsSender,
    private readonly email: EmailSender,
  ) {}

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
  async front(@Res() reply: FastifyReply): Promise<void> {
    await this.pages.send(reply, 'site/front', {
      title: 'Wismo',
      styles: ['site.css'],
      brand: this.config.brand.name,
      smsProvider: this.sms.provider === 'twilio' ? 'Twilio' : null,
      emailProvider: this.email.provider === 'smtp' ? 'SMTP' : null,
      queue: this.config.queue.redisUrl ? 'Redis' : 'PostgreSQL',
    });
  }

  @Get('admin')
  @Public()
  @ApiExcludeEndpoint()
  async index(@Res() reply: FastifyReply): Promise<void> {
    await this.pages.send(
      reply,
      'support/home',
      { title: 'Support · Wismo', section: 'home', scripts: ['support-home.js'] },
      { layout: 'support' },
    );
  }

  @Get('admin/orders')
  @Public()
  @ApiExcludeEndpoint()
  async orders(@Res() reply: FastifyReply): Promise<void> {
    // Public: the page holds no data; it asks for a key and every API call it makes is authenticated.
    await this.pages.send(
      reply,
      'support/orders',
      { title: 'Orders · Wismo support', section: 'orders', signIn: true, scripts: ['support-orders.js'] },
      { layout: 'support' },
    );
  }
}
