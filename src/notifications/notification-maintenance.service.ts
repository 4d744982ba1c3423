import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MaintenanceRegistry } from '../queue/maintenance.registry';
import { JobName } from '../queue/queue.constants';
import { QueueService } from '../queue/queue.service';
import { fromRow } from '../database/from-row';
import { NotificationDispatcher, CHANNEL_QUEUE } from './notification-dispatcher.service';
import { CLOCK, type Clock } from '../shared/clock';
import { NotificationPlanner } from './notification-planner.service';
import type { Notification } from './notification.entity';
import { NotificationRepository } from './notification.repository';
import { SHIPMENTS, type SubjectShipment } from './notification-subject';
import { sendingLeaseMs } from './notification-sender.service';

/** Rows younger than this are still being enqueued by the request that created them. */
const SWEEP_GRACE_MS = 15_000;

/**
 * The sweeper (nothing left behind when the queue was unreachable at commit, or lost its data) and the
 * pickup-reminder check, run as scheduled maintenance jobs.
 */
@Injectable()
export class NotificationMaintenance implements OnModuleInit {
  private readonly logger = new Logger(NotificationMaintenance.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly planner: NotificationPlanner,
    private readonly queues: QueueService,
    private readonly registry: MaintenanceRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const every = this.config.notifications.sweeperIntervalSeconds * 1000;
    this.registry.register({ job: JobName.SweepPending, everyMs: every, run: () => this.sweep() });
    this.registry.register({
      job: JobName.CheckPickupReminders,
      everyMs: 15 * 60_000,
      run: () => this.pickupReminders(),
    });
  }

  /** Re-enqueues pending rows, and queued rows whose job vanished (queue data lost). Harmless twice: jobId. */
  async sweep(): Promise<{ requeued: number }> {
    const cutoff = new Date(this.clock.now().getTime() - SWEEP_GRACE_MS);
    // A `sending` row is looked at once its claim lease has run out (plus a margin for clock skew).
    const lease = sendingLeaseMs(this.config);
    const rows = await this.notifications.findStale(
      cutoff,
      new Date(this.clock.now().getTime() - lease - Math.min(30_000, lease)),
    );
    const missing: typeof rows = [];
    for (const row of rows) {
      if (row.status === 'pending') {
        missing.push(row);
        continue;
      }
      const job = await this.queues.queue(CHANNEL_QUEUE[row.channel]).getJob(row.id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'missing' || state === 'completed' || state === 'failed' || state === 'unknown')
        missing.push(row);
    }
    if (!missing.length) return { requeued: 0 };
    // A finished job with a row still open means the worker died between send and record: remove the old job
    // so the same id can be queued again; the claim's lease decides whether it is really free.
    for (const row of missing.filter((r) => r.status !== 'pending')) {
      await (
        await this.queues.queue(CHANNEL_QUEUE[row.channel]).getJob(row.id)
      )
        ?.remove()
        .catch(() => undefined);
    }
    const requeued = await this.dispatcher.enqueue(
      missing.map((r) => ({ ...r, scheduledFor: new Date(r.scheduledFor) })),
    );
    if (requeued) this.logger.warn(`Sweeper re-enqueued ${requeued} notification(s)`);
    return { requeued };
  }

  async pickupReminders(): Promise<{ created: number }> {
    const days = this.config.notifications.pickupReminderDays;
    const due = new Date(this.clock.now().getTime() - days * 86_400_000);
    const ids: { id: string }[] = await this.dataSource.query(
      `SELECT s.id FROM shipments s
        WHERE s.status = 'available_for_pickup' AND s.collected_at_pickup = false
          AND s.pickup_available_at <= $1 AND s.order_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM notifications n  -- by order: its index finds the order's few messages
                           WHERE n.order_id = s.order_id AND n.shipment_id = s.id AND n.type = 'pickup_reminder')
        LIMIT 1000`,
      [due],
    );
    const created: Notification[] = [];
    for (const { id } of ids) {
      await this.dataSource.transaction(async (manager) => {
        const [row] = await manager.query('SELECT * FROM shipments WHERE id = $1 FOR UPDATE', [id]);
        const shipment = row ? fromRow<SubjectShipment>(this.dataSource, SHIPMENTS, row) : null;
        if (shipment) created.push(...(await this.planner.planPickupReminder(manager, shipment)));
      });
    }
    await this.dispatcher.enqueue(created);
    return { created: created.length };
  }
}
