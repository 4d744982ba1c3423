import { Logger, Module } from '@nestjs/common';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuthModule } from '../auth/auth.module';
import { PagesModule } from '../pages/pages.module';
import { Suppression } from './suppression.entity';
import { ChannelHooks } from './channel-hooks';
import { EmailSender } from './email.sender';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxEmailSender } from './outbox-email.sender';
import { OutboxSmsSender } from './outbox-sms.sender';
import { OutboxController } from './outbox.controller';
import { OutboxService } from './outbox.service';
import { SmsSender } from './sms.sender';
import { SmtpEmailSender } from './smtp-email.sender';
import { SuppressionService } from './suppression.service';
import { TwilioSmsSender } from './twilio-sms.sender';
import { TwilioWebhookController } from './twilio-webhook.controller';
import { TwilioWebhookService } from './twilio-webhook.service';
import { UnsubscribeController } from './unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe.service';
import { UnsubscribeTokens } from './unsubscribe-tokens.service';

const logger = new Logger('ChannelsModule');

/**
 * Owns the transports (Twilio SMS, SMTP email, or the outbox when a provider is not configured), the
 * suppression list, unsubscribe links and the provider callbacks (Twilio status and inbound, unsubscribe).
 * Depends on no feature: delivery receipts and inbound texts go to whoever registered with ChannelHooks
 * (notifications, chat), so notifications and chat import this module and never the reverse.
 */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessage, Suppression]), AuthModule, PagesModule],
  controllers: [TwilioWebhookController, UnsubscribeController, OutboxController],
  providers: [
    SuppressionService,
    UnsubscribeTokens,
    UnsubscribeService,
    TwilioWebhookService,
    OutboxService,
    ChannelHooks,
    {
      provide: SmsSender,
      inject: [APP_CONFIG, SuppressionService, getRepositoryToken(OutboxMessage)],
      useFactory: (
        config: AppConfig,
        suppressions: SuppressionService,
        outbox: Repository<OutboxMessage>,
      ): SmsSender => {
        if (config.sms.accountSid && config.sms.authToken) {
          logger.log(`SMS: Twilio${config.sms.apiBaseUrl ? ` via ${config.sms.apiBaseUrl}` : ''}`);
          return new TwilioSmsSender(config.sms, config.http.publicBaseUrl, suppressions);
        }
        logger.warn(
          'SMS: no Twilio credentials (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN); texts go to the outbox (/outbox), not to phones',
        );
        return new OutboxSmsSender(outbox, config.sms.maxSegments);
      },
    },
    {
      provide: EmailSender,
      inject: [APP_CONFIG, SuppressionService, getRepositoryToken(OutboxMessage)],
      useFactory: (
        config: AppConfig,
        suppressions: SuppressionService,
        outbox: Repository<OutboxMessage>,
      ): EmailSender => {
        if (config.email.smtpUrl) {
          logger.log('Email: SMTP (pooled)');
          return new SmtpEmailSender(config.email, suppressions);
        }
        logger.warn('Email: no SMTP_URL; emails go to the outbox (/outbox), not to inboxes');
        return new OutboxEmailSender(outbox, config.email);
      },
    },
  ],
  exports: [SmsSender, EmailSender, UnsubscribeTokens, SuppressionService, ChannelHooks],
})
export class ChannelsModule {}
