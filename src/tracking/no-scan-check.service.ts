import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationDispatcher } from '../notifications/notification-dispatcher.service';
import { NotificationPlanner } from '../notifications/notification-planner.service';
import type { Notification } from '../notifications/notification.entity';
import type { ShipmentDomainEvent } from '../shared/tracking.types';
import { detectNoScanDelay } from './shipment-state';
import { stateOf } from './shipment-update';
import { Shipment } from './shipment.entity';
import { TrackingRepository } from './tracking.repository';

/** The scheduled no-scan check: shipments silent for NO_SCAN_DELAY_DAYS are flagged delayed once. */
@Injectable()
export class NoScanCheck {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shipments: TrackingRepository,
    private readonly planner: NotificationPlanner,
    private readonly dispatcher: NotificationDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Flags each silent shipment in a transaction of its own, with the notifications it calls for. Returns how many. */
  async run(now = new Date()): Promise<number> {
    const days = this.config.tracking.noScanDelayDays;
    const candidates = await this.shipments.silentSince(new Date(now.getTime() - days * 86_400_000));
    const created: Notification[] = [];
    let flagged = 0;
    for (const id of candidates) {
      await this.dataSource.transaction(async (manager) => {
        const shipment = await this.shipments.lockUnflagged(manager, id);
        if (!shipment || !detectNoScanDelay(stateOf(shipment), now, days)) return;
        shipment.noScanFlaggedAt = now;
        await manager.save(Shipment, shipment);
        flagged += 1;
        const change: ShipmentDomainEvent = {
          kind: 'delayed',
          previous: shipment.lastEventAt?.toISOString() ?? null,
          current: null,
          cause: 'no_scan',
        };
        created.push(
          ...(await this.planner.planWithin(manager, shipment, [change], {
            receivedAt: now,
            eventOccurredAt: now,
          })),
        );
      });
    }
    await this.dispatcher.enqueue(created);
    return flagged;
  }
}
