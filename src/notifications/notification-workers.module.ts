import { Module } from '@nestjs/common';
import { EmailNotificationProcessor, SmsNotificationProcessor } from './notification.processor';
import { NotificationsModule } from './notifications.module';

/** The SMS and email send workers: imported only by processes that run workers (ROLE=all|worker). */
@Module({
  imports: [NotificationsModule],
  providers: [SmsNotificationProcessor, EmailNotificationProcessor],
})
export class NotificationWorkersModule {}
