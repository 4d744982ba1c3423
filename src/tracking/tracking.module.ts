import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MaintenanceRegistry } from '../queue/maintenance.registry';
import { JobName } from '../queue/queue.constants';
import { Customer } from './customer.entity';
import { EtaHistory } from './eta-history.entity';
import { Order } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { Shipment } from './shipment.entity';
import { TrackingEvent } from './tracking-event.entity';
import { TrackingIngestService } from './tracking-ingest.service';
import { WebhooksController } from './webhooks.controller';

/** Owns orders, customers, shipments and their events: the intake of carrier webhooks and the store's API. */
@Module({
  imports: [TypeOrmModule.forFeature([Customer, Order, Shipment, TrackingEvent, EtaHistory])],
  controllers: [OrdersController, WebhooksController],
  providers: [OrdersService, TrackingIngestService],
  exports: [OrdersService, TrackingIngestService],
})
export class TrackingModule implements OnModuleInit {
  constructor(
    private readonly registry: MaintenanceRegistry,
    private readonly ingest: TrackingIngestService,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      job: JobName.CheckStaleShipments,
      everyMs: 60 * 60_000,
      run: () => this.ingest.flagStaleShipments(),
    });
  }
}
