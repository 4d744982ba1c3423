import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Public } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PAGE_HEADERS } from './html-escape';
import { EmailSender } from './email.sender';
import { outboxPage } from './outbox.page';
import { OutboxQuery } from './outbox.query';
import { OutboxPage, OutboxService } from './outbox.service';
import { SmsSender } from './sms.sender';

const DEFAULT_LIMIT = 50;

/**
 * The captured messages, as JSON and as a page. Open outside production (it is the developer's inbox);
 * in production it shows customers' messages, so it needs a support or admin key.
 */
@ApiTags('support')
@Public()
@Controller()
export class OutboxController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxService,
    private readonly guard: ApiKeyGuard,
    private readonly sms: SmsSender,
    private readonly email: EmailSender,
  ) {}

  @Get('v1/outbox')
  @ApiOperation({ summary: 'Messages captured instead of sent, newest first (`?channel=&limit=&before=`)' })
  async list(@Query() query: OutboxQuery, @Req() request: FastifyRequest): Promise<OutboxPage> {
    await this.authorize(request);
    return this.outbox.list({
      channel: query.channel,
      limit: query.limit ?? DEFAULT_LIMIT,
      before: query.before,
    });
  }

  @Get('outbox')
  @ApiOperation({ summary: 'The outbox as a page: SMS bubbles with segments, emails rendered in a sandbox' })
  async page(
    @Query() query: OutboxQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.authorize(request);
    const page = await this.outbox.list({
      channel: query.channel,
      limit: query.limit ?? DEFAULT_LIMIT,
      before: query.before,
    });
    const html = outboxPage({
      ...page,
      channel: query.channel,
      smsConfigured: this.sms.provider !== 'outbox',
      emailConfigured: this.email.provider !== 'outbox',
    });
    await reply.status(200).headers(PAGE_HEADERS).send(html);
  }

  private async authorize(request: FastifyRequest): Promise<void> {
    if (this.config.env !== 'production') return;
    const key = await this.guard.keyFrom(request);
    if (!key)
      throw new AppException('unauthorized', 'A valid API key is required: Authorization: Bearer <key>');
    if (key.role !== 'admin' && key.role !== 'support') {
      throw new AppException(
        'forbidden',
        `This API key's role (${key.role}) cannot read the outbox; needs support or admin`,
      );
    }
  }
}
