import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobName, QueueName, SEND_JOB_OPTIONS } from '../queue/queue.constants';
import { QueueService } from '../queue/queue.service';
import { queryPrepared } from '../database/prepared';
import { CLOCK, type Clock } from './notification-planner.service';
import { Notification } from './notification.entity';
import type { Channel } from './notification.types';

export const CHANNEL_QUEUE: Record<Channel, QueueName> = { sms: QueueName.Sms, email: QueueName.Email };

/**
 * Enqueues notification ids after their transaction committed. `jobId` = notification id, so enqueueing the
 * same notification twice (sweeper, retries) is harmless. A failure leaves the row `pending` for the sweeper.
 */
@Injectable()
export class NotificationDispatcher {
  private readonly logger = new Logger(NotificationDispatcher.name);

  constructor(
    private readonly queues: QueueService,
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async enqueue(notifications: Pick<Notification, 'id' | 'channel' | 'scheduledFor'>[]): Promise<number> {
    if (!notifications.length) return 0;
    const now = this.clock.now().getTime();
    const enqueued: string[] = [];
    for (const channel of ['sms', 'email'] as Channel[]) {
      const batch = notifications.filter((n) => n.channel === channel);
      if (!batch.length) continue;
      const ok = await this.queues.addBulk(
        CHANNEL_QUEUE[channel],
        batch.map((n) => ({
          name: JobName.SendNotification,
          data: { notificationId: n.id },
          opts: {
            ...SEND_JOB_OPTIONS,
            jobId: n.id,
            delay: Math.max(0, n.scheduledFor.getTime() - now),
          },
        })),
      );
      if (ok) enqueued.push(...batch.map((n) => n.id));
    }
    if (enqueued.length) {
      await queryPrepared(
        this.dataSource,
        // Rows locked in id order, as the workers' claim locks them: the two race for the same rows all the time.
        // The status tests are CASEs so that rows are reached by id, never through the status index (a prepared
        // statement's generic plan may otherwise read every pending row of a backlog).
        `UPDATE notifications SET status = 'queued', updated_at = now()
          WHERE id IN (SELECT id FROM notifications
                        WHERE id = ANY($1) AND CASE WHEN status = 'pending' THEN true ELSE false END
                        ORDER BY id FOR UPDATE)
            AND CASE WHEN status = 'pending' THEN true ELSE false END`,
        [enqueued],
      ).catch((err: Error) => this.logger.warn(`Could not mark notifications queued: ${err.message}`));
    }
    return enqueued.length;
  }
}
