import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { INBOUND_SMS_HANDLER } from '../channels/inbound-sms.handler';
import { APP_CONFIG, AppConfig, Role } from '../config/app-config';
import { Customer } from '../tracking/customer.entity';
import { Order } from '../tracking/order.entity';
import { Shipment } from '../tracking/shipment.entity';
import { TrackingEvent } from '../tracking/tracking-event.entity';
import { ChatEdgeGuard } from './chat-edge.guard';
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
import { CHAT_CLASSIFIER, CHAT_TEMPLATES, ChatService } from './chat.service';
import { ChatController } from './chat.controller';
import { IntentClassifier } from './nlu/intent-classifier';
import { WidgetController } from './widget.controller';

/**
 * The WISMO chat: the public message endpoint, transcripts and hand-offs for support, the SMS reply handler, the
 * widget and its demo page. Global so the channels feature finds INBOUND_SMS_HANDLER without importing chat.
 * The hand-off webhook worker runs only in roles that run workers.
 */
@Global()
@Module({})
export class ChatModule {
  static forRoot(role: Role): DynamicModule {
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
        { provide: CHAT_TEMPLATES, useFactory: () => ChatTemplates.fromDirectory() },
        ChatService,
        ChatVerificationService,
        ChatHandoffService,
        ChatEdgeGuard,
        ChatSmsHandler,
        { provide: INBOUND_SMS_HANDLER, useExisting: ChatSmsHandler },
        ...workers,
      ],
      exports: [ChatService, ChatHandoffService, INBOUND_SMS_HANDLER],
    };
  }
}
