import { TrackingLinksModule } from '../links/tracking-links.module';
import { DynamicModule, Module, OnModuleInit, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelHooks } from '../channels/channel-hooks';
import { ChannelsModule } from '../channels/channels.module';
import { APP_CONFIG, AppConfig, Role } from '../config/app-config';
import { PagesModule } from '../pages/pages.module';
import { QueueModule } from '../queue/queue.module';
import { TemplateStore } from '../templates/template-store.service';
import { TemplatesModule } from '../templates/templates.module';
import { Customer } from '../tracking/customer.entity';
import { Order } from '../tracking/order.entity';
import { Shipment } from '../tracking/shipment.entity';
import { TrackingEvent } from '../tracking/tracking-event.entity';
import { ChatEdgeGuard } from './chat-edge.guard';
import { ChatLimiter, ChatTurnSlots } from './chat-rate-limiter';
import { ChatHandoff } from './chat-handoff.entity';
import { ChatHandoffProcessor } from './chat-handoff.processor';
import { ChatHandoffService } from './chat-handoff.service';
import { ChatMessage } from './chat-message.entity';
import { ChatRequest } from './chat-request.entity';
import { ChatSession } from './chat-session.entity';
import { ChatSmsHandler } from './chat-sms.handler';
import { ChatTemplates } from './chat-templates';
import { VerificationFailure } from './verification-failure.entity';
import { ChatVerificationService } from './chat-verification.service';
import { CHAT_CLASSIFIER, ChatService } from './chat.service';
import { CHAT_TEMPLATES, ChatOrderAnswerService } from './chat-order-answer.service';
import { ChatSessionStore } from './chat-session.store';
import { ChatController } from './chat.controller';
import { IntentClassifier } from './nlu/intent-classifier';
import { WidgetController } from './widget.controller';

/**
 * The WISMO chat: the public message endpoint, transcripts and hand-offs for support, the SMS reply handler, the
 * widget and its demo page. Answers inbound texts by registering ChatSmsHandler with the channels' hooks.
 * The hand-off webhook worker runs only in roles that run workers.
 */
@Module({})
export class ChatModule implements OnModuleInit {
  constructor(
    private readonly hooks: ChannelHooks,
    private readonly sms: ChatSmsHandler,
  ) {}

  onModuleInit(): void {
    this.hooks.answerInboundSms(this.sms);
  }

  /**
   * One module object per role: modules are told apart by reference, so the tracking page (which imports the chat
   * for its verification) and the application module get the same ChatModule rather than a second copy.
   */
  private static readonly built = new Map<Role, DynamicModule>();

  static forRoot(role: Role): DynamicModule {
    const built = ChatModule.built.get(role);
    if (built) return built;
    const module = ChatModule.build(role);
    ChatModule.built.set(role, module);
    return module;
  }

  private static build(role: Role): DynamicModule {
    const workers: Provider[] = role === 'api' ? [] : [ChatHandoffProcessor];
    return {
      module: ChatModule,
      imports: [
        TypeOrmModule.forFeature([
          ChatSession,
          ChatMessage,
          ChatHandoff,
          ChatRequest,
          VerificationFailure,
          Customer,
          Order,
          Shipment,
          TrackingEvent,
        ]),
        PagesModule,
        TrackingLinksModule,
        ChannelsModule,
        QueueModule,
        TemplatesModule,
      ],
      controllers: [ChatController, WidgetController],
      providers: [
        {
          provide: CHAT_CLASSIFIER,
          inject: [APP_CONFIG],
          // Trained once at start-up (about a second); the shop's own order-number shape when configured.
          useFactory: (config: AppConfig) =>
            IntentClassifier.fromTrainingFiles(
              config.chat.orderNumberPattern
                ? { orderNumberPattern: new RegExp(config.chat.orderNumberPattern) }
                : {},
            ),
        },
        {
          provide: CHAT_TEMPLATES,
          inject: [TemplateStore],
          // Replies published in the template editor replace the defaults from templates/chat.
          useFactory: (store: TemplateStore) => ChatTemplates.fromDirectory(undefined, store),
        },
        ChatService,
        ChatSessionStore,
        ChatOrderAnswerService,
        ChatVerificationService,
        ChatLimiter,
        ChatTurnSlots,
        ChatHandoffService,
        ChatEdgeGuard,
        ChatSmsHandler,
        ...workers,
      ],
      exports: [ChatService, ChatHandoffService, ChatSmsHandler, ChatVerificationService],
    };
  }
}
