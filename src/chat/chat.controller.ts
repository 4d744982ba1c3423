import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Options,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, Roles } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ChatHandoffService } from './chat-handoff.service';
import { ChatMessageDto } from './chat-message.dto';
import { applyChatCors, ChatEdgeGuard } from './chat-edge.guard';
import { ChatTurnSlots } from './chat-rate-limiter';
import { ChatService, ChatTurnResult } from './chat.service';

@ApiTags('chat')
@Controller('v1/chat')
export class ChatController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly chat: ChatService,
    private readonly handoffs: ChatHandoffService,
    private readonly slots: ChatTurnSlots,
  ) {}

  @Post('messages')
  @Public()
  @HttpCode(200)
  @UseGuards(ChatEdgeGuard)
  @ApiOperation({ summary: 'One shopper message in, the bot reply out (public; rate-limited per IP)' })
  async message(
    @Body() body: ChatMessageDto,
    @Req() request: FastifyRequest,
    @Headers('authorization') authorization?: string,
  ): Promise<ChatTurnResult> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    // Bounded per process (CHAT_CONCURRENCY) so a burst of messages cannot take the database pool (issue 14).
    return this.slots.run(() =>
      this.chat.handleTurn({
        channel: 'web',
        sessionId: body.sessionId,
        message: body.message,
        locale: body.locale,
        clientIp: request.ip,
        token,
      }),
    );
  }

  /** CORS preflight from a store page. */
  @Options('messages')
  @Public()
  preflight(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    applyChatCors(this.config, request, reply);
    void reply.status(204).send();
  }

  /**
   * The widget resuming a conversation after a reload: the session id is the credential (the widget keeps it
   * in the browser), and only while the session lives (CHAT_SESSION_IDLE_MINUTES since its last turn).
   */
  @Get('sessions/:id/transcript')
  @Public()
  @UseGuards(ChatEdgeGuard)
  @ApiOperation({
    summary: "A live web session's own transcript, for the widget (public; the id is the credential)",
  })
  async ownTranscript(@Param('id', new ParseUUIDPipe()) id: string) {
    const found = await this.chat.transcript(id);
    const last = found ? (found.session.lastActiveAt ?? found.session.updatedAt) : null;
    if (
      !found ||
      found.session.channel !== 'web' ||
      !last ||
      Date.now() - last.getTime() > this.config.chat.sessionIdleMs
    ) {
      throw AppException.notFound('Chat session');
    }
    return {
      sessionId: found.session.id,
      locale: found.session.locale,
      messages: found.messages.map((m) => ({ role: m.role, text: m.text, at: m.createdAt.toISOString() })),
    };
  }

  @Get('sessions/:id')
  @Roles('support')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A chat session and its transcript' })
  async session(@Param('id', new ParseUUIDPipe()) id: string) {
    const found = await this.chat.transcript(id);
    if (!found) throw AppException.notFound('Chat session');
    const { session, messages } = found;
    return {
      id: session.id,
      channel: session.channel,
      locale: session.locale,
      verified: !!session.verifiedCustomerId,
      customerId: session.verifiedCustomerId,
      orderId: session.orderId,
      verifiedAt: session.verifiedAt?.toISOString() ?? null,
      handedOffAt: session.handedOffAt?.toISOString() ?? null,
      createdAt: session.createdAt.toISOString(),
      messages: messages.map((m) => ({
        id: m.id,
        role: m.role,
        text: m.text,
        intent: m.intent,
        confidence: m.confidence,
        createdAt: m.createdAt.toISOString(),
      })),
    };
  }

  @Get('handoffs')
  @Roles('support')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Conversations handed to a person, newest first' })
  async listHandoffs(@Query('status') status?: string) {
    if (status !== undefined && status !== 'open' && status !== 'closed') {
      throw AppException.validation([{ field: 'status', message: 'status must be open or closed' }]);
    }
    return { items: await this.handoffs.list(status) };
  }
}
