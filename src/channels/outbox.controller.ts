import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Handlebars from 'handlebars';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Public } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PageRenderer } from '../pages/page-renderer.service';
import { EmailSender } from './email.sender';
import type { OutboxMessage } from './outbox-message.entity';
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
    private readonly pages: PageRenderer,
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
    const captured = [this.sms.provider === 'outbox' && 'SMS', this.email.provider === 'outbox' && 'email']
      .filter(Boolean)
      .join(' and ');
    const tab = (label: string, channel?: 'sms' | 'email') => ({
      label,
      href: `/outbox${channel ? `?channel=${channel}` : ''}`,
      current: query.channel === channel,
    });
    const older = page.nextBefore
      ? `/outbox?${new URLSearchParams({ ...(query.channel ? { channel: query.channel } : {}), before: page.nextBefore })}`
      : null;
    await this.pages.send(
      reply,
      'support/outbox',
      {
        title: 'Outbox · Wismo',
        section: 'outbox',
        scripts: ['support-home.js'],
        note: captured
          ? `No provider is configured for ${captured}: those messages are captured here instead of being sent.`
          : 'Both channels have a provider configured; this shows what was captured before.',
        tabs: [tab('All'), tab('SMS', 'sms'), tab('Email', 'email')],
        items: page.items.map(outboxItemView),
        moreHref: older,
      },
      { layout: 'support' },
    );
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

/** One captured message as the outbox view shows it (views/support/outbox.hbs). */
function outboxItemView(m: OutboxMessage) {
  return {
    channel: m.channel,
    channelLabel: m.channel === 'sms' ? 'SMS' : 'Email',
    to: m.to,
    createdAt: m.createdAt.toISOString(),
    createdAtText: `${m.createdAt.toISOString().replace('T', ' ').slice(0, 19)} UTC`,
    notificationId: m.notificationId,
    text: m.text,
    segments: m.segments ?? 0,
    encoding: m.encoding ?? '?',
    characters: Array.from(m.text).length,
    subject: m.subject ?? '(no subject)',
    headers: Object.entries(m.headers ?? {}).map(([name, value]) => ({ name, value })),
    // Shown in a sandboxed srcdoc frame: Handlebars escapes it into the attribute, the frame parses it.
    // A text-only email becomes a <pre> document: escaped once for that document, once more by the view.
    html: m.html ?? `<pre>${Handlebars.escapeExpression(m.text)}</pre>`,
  };
}
