import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '../metrics/metrics.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PredictionsModule } from '../predictions/predictions.module';
import { MaintenanceRegistry } from '../queue/maintenance.registry';
import { QueueModule } from '../queue/queue.module';
import { JobName } from '../queue/queue.constants';
import { Customer } from './customer.entity';
import { ArrivingTomorrowCheck } from './arriving-tomorrow-check.service';
import { NoScanCheck } from './no-scan-check.service';
import { EtaHistory } from './eta-history.entity';
import { FeedWebhookVerifiers } from './feed-webhook-verifiers';
import { FeedWebhooksController } from './feed-webhooks.controller';
import { Order } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { Shipment } from './shipment.entity';
import { ShopifyOrdersService } from './shopify-orders.service';
import { ShopifyWebhooksController } from './shopify-webhooks.controller';
import { TrackingEvent } from './tracking-event.entity';
import { TrackingIngestService } from './tracking-ingest.service';
import { TrackingRepository } from './tracking.repository';
import { WebhooksController } from './webhooks.controller';
import { WebhookVerifiers } from './webhook-verifiers.service';

/** Owns orders, customers, shipments and their events: the intake of carrier webhooks and the store's API. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Customer, Order, Shipment, TrackingEvent, EtaHistory]),
    NotificationsModule,
    PredictionsModule,
    QueueModule,
    MetricsModule,
  ],
  controllers: [OrdersController, WebhooksController, FeedWebhooksController, ShopifyWebhooksController],
  providers: [
    OrdersService,
    TrackingIngestService,
    TrackingRepository,
    NoScanCheck,
    ArrivingTomorrowCheck,
    WebhookVerifiers,
    FeedWebhookVerifiers,
    ShopifyOrdersService,
  ],
  exports: [OrdersService, TrackingIngestService, WebhookVerifiers],
})
export class TrackingModule implements OnModuleInit {
  constructor(
    private readonly registry: MaintenanceRegistry,
    private readonly noScan: NoScanCheck,
    private readonly arrivingTomorrow: ArrivingTomorrowCheck,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      job: JobName.CheckStaleShipments,
      everyMs: 60 * 60_000,
      run: () => this.noScan.run(),
    });
    // Every 15 minutes: a customer's morning window (09:00–11:00 local) starts at a quarter hour in every zone.
    this.registry.register({
      job: JobName.CheckArrivingTomorrow,
      everyMs: 15 * 60_000,
      run: () => this.arrivingTomorrow.run(),
    });
  }
}
