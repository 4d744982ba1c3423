import { Inject, Injectable, Logger } from '@nestjs/common';
import { JobName, QueueName, SEND_JOB_OPTIONS } from '../queue/queue.constants';
import { QueueService } from '../queue/queue.service';
import { CLOCK, type Clock } from '../shared/clock';
import { Notification } from './notification.entity';
import { NotificationRepository } from './notification.repository';
import type { Channel } from '../shared/notification.types';

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
    private readonly notifications: NotificationRepository,
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
      await this.notifications
        .markQueued(enqueued)
        .catch((err: Error) => this.logger.warn(`Could not mark notifications queued: ${err.message}`));
    }
    return enqueued.length;
  }
}
