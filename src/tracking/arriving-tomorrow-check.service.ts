import { Inject, Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationDispatcher } from '../notifications/notification-dispatcher.service';
import { NotificationPlanner } from '../notifications/notification-planner.service';
import type { Notification } from '../notifications/notification.entity';
import { ARRIVING_TOMORROW_WINDOW } from '../notifications/notification-policy';
import { shownDelivery } from '../predictions/shipment-estimate';
import { CLOCK, type Clock } from '../shared/clock';
import { resolveTimeZone } from '../shared/quiet-hours';
import type { CanonicalStatus, Eta, EtaSource, StoredEstimate } from '../shared/tracking.types';
import { Shipment } from './shipment.entity';

interface Candidate {
  id: string;
  status: CanonicalStatus;
  eta: Eta | null;
  estimate: StoredEstimate | null;
  etaSource: EtaSource | null;
  timeZone: string | null;
}

/** Parcels silent for longer than this are left to the stalled check, not announced. */
const RECENT_SCAN_DAYS = 30;

/**
 * The scheduled arriving-tomorrow check (issue 20): for each parcel still on its way, the day the customer is shown
 * everywhere else (`shownDelivery`: the carrier's ETA or our most likely date, whichever this carrier's recent
 * accuracy prefers, as stored at the last scan) and, when that day is tomorrow in the customer's zone, the policy's
 * `arriving_tomorrow` decision, planned for the customer's morning window. Runs every 15 minutes; each customer's
 * morning comes round once a day.
 */
@Injectable()
export class ArrivingTomorrowCheck {
  private readonly logger = new Logger(ArrivingTomorrowCheck.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly planner: NotificationPlanner,
    private readonly dispatcher: NotificationDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run(now = this.clock.now()): Promise<{ created: number }> {
    // A customer's tomorrow is between today and the day after tomorrow in UTC, whatever their zone: only parcels
    // shown a date in that range are read (the stored ETA or most likely date), however many are in transit.
    const utc = DateTime.fromJSDate(now, { zone: 'UTC' });
    const rows: Candidate[] = await this.dataSource.query(
      `SELECT s.id, s.status, s.eta, s.estimate, s.eta_source AS "etaSource", o.contact_time_zone AS "timeZone"
         FROM shipments s JOIN orders o ON o.id = s.order_id
        WHERE s.status IN ('pre_transit', 'in_transit', 'unknown')
          AND s.last_event_at > $1::timestamptz - make_interval(days => $4::int)
          AND (s.eta->>'date' BETWEEN $2 AND $3 OR s.estimate->>'likely' BETWEEN $2 AND $3)`,
      [now, utc.toISODate(), utc.plus({ days: 2 }).toISODate(), RECENT_SCAN_DAYS],
    );
    const created: Notification[] = [];
    for (const row of rows) {
      const expectedOn = this.expectedTomorrow(row, now);
      if (!expectedOn) continue;
      await this.dataSource.transaction(async (manager) => {
        const shipment = await manager
          .createQueryBuilder(Shipment, 's')
          .setLock('pessimistic_write')
          .where('s.id = :id', { id: row.id })
          .getOne();
        if (shipment)
          created.push(...(await this.planner.planArrivingTomorrow(manager, shipment, expectedOn)));
      });
    }
    await this.dispatcher.enqueue(created);
    if (created.length) this.logger.log(`Planned ${created.length} arriving-tomorrow message(s)`);
    return { created: created.length };
  }

  /** The day shown to the customer when it is tomorrow and their morning window has not passed; else null. */
  private expectedTomorrow(row: Candidate, now: Date): string | null {
    const local = DateTime.fromJSDate(now, { zone: resolveTimeZone(row.timeZone) });
    const { hour, minute } = ARRIVING_TOMORROW_WINDOW.end;
    if (local.hour * 60 + local.minute >= hour * 60 + minute) return null;
    const tomorrow = local.plus({ days: 1 }).toISODate()!;
    const shown = shownDelivery(row, local.toISODate()!);
    const day = shown?.source === 'carrier' ? shown.eta.date : shown?.likely;
    return day === tomorrow ? tomorrow : null;
  }
}
