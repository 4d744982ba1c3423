import { TrackingLinksModule } from '../links/tracking-links.module';
import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelHooks } from '../channels/channel-hooks';
import { ChannelsModule } from '../channels/channels.module';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MetricsModule } from '../metrics/metrics.module';
import { QueueModule } from '../queue/queue.module';
import { CLOCK, type Clock, systemClock } from '../shared/clock';
import { ShipmentPreviews } from '../templates/shipment-previews';
import { TemplatesModule } from '../templates/templates.module';
import { CustomerPreference } from './customer-preference.entity';
import { NotificationAttempt } from './notification-attempt.entity';
import { NotificationDispatcher } from './notification-dispatcher.service';
import { NotificationMaintenance } from './notification-maintenance.service';
import { NotificationPlanner } from './notification-planner.service';
import { MessageFactsRepository } from './message-facts.repository';
import { NotificationOutcomes } from './notification-outcomes.service';
import { NotificationRenderer } from './notification-renderer.service';
import { NotificationSender } from './notification-sender.service';
import { NOTIFICATION_CONFIG, notificationConfigFrom } from './notification-settings';
import { Notification } from './notification.entity';
import { NotificationRepository } from './notification.repository';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { SendTimeCheck } from './send-time-check.service';

/**
 * Owns the notification rows (NotificationRepository), deciding (planner, called in the tracking transaction),
 * delivering (dispatcher, sender; the processors are in NotificationWorkersModule) and reading notifications.
 * Depends on templates and channels, never the reverse: it registers itself with them at start-up as the
 * receiver of delivery receipts and the source of real-shipment previews.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Notification, NotificationAttempt, CustomerPreference]),
    ChannelsModule,
    TemplatesModule,
    QueueModule,
    MetricsModule,
    TrackingLinksModule,
  ],
  controllers: [NotificationsController],
  providers: [
    { provide: CLOCK, useFactory: (): Clock => ({ now: systemClock.now }) },
    {
      provide: NOTIFICATION_CONFIG,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => notificationConfigFrom(c),
    },
    NotificationRepository,
    NotificationPlanner,
    NotificationDispatcher,
    MessageFactsRepository,
    SendTimeCheck,
    NotificationRenderer,
    NotificationOutcomes,
    NotificationSender,
    NotificationMaintenance,
    NotificationsService,
  ],
  exports: [
    CLOCK,
    NOTIFICATION_CONFIG,
    NotificationRepository,
    NotificationPlanner,
    NotificationDispatcher,
    NotificationSender,
    NotificationsService,
  ],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly channels: ChannelHooks,
    private readonly previews: ShipmentPreviews,
    private readonly repository: NotificationRepository,
    private readonly renderer: NotificationRenderer,
  ) {}

  onModuleInit(): void {
    this.channels.handleDeliveryReceipts(this.repository);
    this.previews.use({ variables: (...args) => this.renderer.previewVariables(...args) });
  }
}
