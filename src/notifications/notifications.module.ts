import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig, Role } from '../config/app-config';
import { CustomerPreference } from './customer-preference.entity';
import { NotificationAttempt } from './notification-attempt.entity';
import { NotificationDispatcher } from './notification-dispatcher.service';
import { NotificationMaintenance } from './notification-maintenance.service';
import { CLOCK, type Clock, NotificationPlanner, systemClock } from './notification-planner.service';
import { NotificationSender } from './notification-sender.service';
import { NOTIFICATION_CONFIG, notificationConfigFrom } from './notification-settings';
import { Notification } from './notification.entity';
import { EmailNotificationProcessor, SmsNotificationProcessor } from './notification.processor';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { Suppression } from './suppression.entity';

/**
 * Owns deciding (planner, in the tracking transaction), delivering (dispatcher, sender, processors) and
 * reading notifications. Processors exist only in roles that run workers.
 */
@Global()
@Module({})
export class NotificationsModule {
  static forRoot(role: Role): DynamicModule {
    const workers: Provider[] = role === 'api' ? [] : [SmsNotificationProcessor, EmailNotificationProcessor];
    return {
      module: NotificationsModule,
      imports: [
        TypeOrmModule.forFeature([Notification, NotificationAttempt, CustomerPreference, Suppression]),
      ],
      controllers: [NotificationsController],
      providers: [
        { provide: CLOCK, useFactory: (): Clock => ({ now: systemClock.now }) },
        {
          provide: NOTIFICATION_CONFIG,
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => notificationConfigFrom(c),
        },
        NotificationPlanner,
        NotificationDispatcher,
        NotificationSender,
        NotificationMaintenance,
        NotificationsService,
        ...workers,
      ],
      exports: [CLOCK, NOTIFICATION_CONFIG, NotificationPlanner, NotificationDispatcher, NotificationSender],
    };
  }
}
