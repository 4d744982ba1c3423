import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationDispatcher } from '../notifications/notification-dispatcher.service';
import { NotificationPlanner } from '../notifications/notification-planner.service';
import type { Notification } from '../notifications/notification.entity';
import { ScanGaps } from '../predictions/scan-gaps.service';
import { CLOCK, type Clock } from '../shared/clock';
import type { ShipmentDomainEvent } from '../shared/tracking.types';
import { detectNoScanDelay } from './shipment-state';
import { stateOf } from './shipment-update';
import { Shipment } from './shipment.entity';
import { TrackingRepository } from './tracking.repository';

const MS_PER_DAY = 86_400_000;

/**
 * The scheduled stalled check (issue 20): a moving shipment whose silence passes its lane's usual gap between scans
 * (the 95th percentile of the store's own history, ScanGaps: carrier × destination country, then carrier, then
 * store-wide) is flagged once; with too little history anywhere, NO_SCAN_DELAY_DAYS is the threshold. The flag is a
 * `delayed` change with cause `no_scan`, which the notification policy tells as `stalled` (never also as `delayed`).
 */
@Injectable()
export class NoScanCheck {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shipments: TrackingRepository,
    private readonly planner: NotificationPlanner,
    private readonly dispatcher: NotificationDispatcher,
    private readonly gaps: ScanGaps,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Flags each silent shipment in a transaction of its own, with the notifications it calls for. Returns how many. */
  async run(now = this.clock.now()): Promise<number> {
    const fallbackMs = this.config.tracking.noScanDelayDays * MS_PER_DAY;
    const thresholds = await this.gaps.thresholds();
    const candidates = await this.shipments.silentPastThreshold(
      now,
      {
        lanes: [...thresholds.lanes].map(([key, t]) => {
          const [carrier, country] = key.split('|');
          return { carrier, country, ms: t.ms };
        }),
        carriers: [...thresholds.carriers].map(([carrier, t]) => ({ carrier, ms: t.ms })),
      },
      thresholds.store?.ms ?? fallbackMs,
    );
    const created: Notification[] = [];
    let flagged = 0;
    for (const { id, thresholdMs } of candidates) {
      await this.dataSource.transaction(async (manager) => {
        const shipment = await this.shipments.lockUnflagged(manager, id);
        if (!shipment || !detectNoScanDelay(stateOf(shipment), now, thresholdMs / MS_PER_DAY)) return;
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
