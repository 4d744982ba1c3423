import { DynamicModule, Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import type { Role } from '../config/app-config';
import { NotificationsModule } from '../notifications/notifications.module';
import { PagesModule } from '../pages/pages.module';
import { PredictionsModule } from '../predictions/predictions.module';
import { QueueModule } from '../queue/queue.module';
import { SupportCasesController } from './support-cases.controller';
import { SupportCasesService } from './support-cases.service';
import { TrackingLinksModule } from '../links/tracking-links.module';
import { TrackingLookupController } from './tracking-lookup.controller';
import { TrackingLookupService } from './tracking-lookup.service';
import { TrackingPageController } from './tracking-page.controller';
import { TrackingPageService } from './tracking-page.service';
import { TrackingPageViews } from './tracking-page-views.service';

/**
 * Owns the shoppers' tracking page: signed links (used by the messages and the chat), the page of one parcel,
 * and the counts of its views; the order lookup at /track (verified through the chat's verification, so it
 * imports the chat, never the reverse) with its support cases and their webhook. Reads shipments, events and
 * orders; writes only its own tables, plus the customer's message preferences through the notifications feature
 * and a verified chat session for the widget.
 */
@Module({})
export class TrackingPageModule {
  static forRoot(role: Role): DynamicModule {
    return {
      module: TrackingPageModule,
      imports: [
        PagesModule,
        TrackingLinksModule,
        ChatModule.forRoot(role),
        NotificationsModule,
        QueueModule,
        PredictionsModule,
      ],
      controllers: [TrackingPageController, TrackingLookupController, SupportCasesController],
      providers: [TrackingPageService, TrackingPageViews, TrackingLookupService, SupportCasesService],
      exports: [TrackingPageService, TrackingLinksModule],
    };
  }
}
