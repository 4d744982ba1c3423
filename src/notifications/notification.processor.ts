import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobPayloads, JobName, QueueName } from '../queue/queue.constants';
import { NotificationSender } from './notification-sender.service';
import { notificationBackoffStrategy } from './retry-policy';

type SendJob = Job<JobPayloads[JobName.SendNotification]>;

function isLastAttempt(job: SendJob): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Thin: one queue per channel so each has its own rate limit; the work is NotificationSender's. */
@Processor(QueueName.Sms, { settings: { backoffStrategy: notificationBackoffStrategy } })
export class SmsNotificationProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly sender: NotificationSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Limit and concurrency come from configuration, which a decorator cannot read; BullMQ reads both on every fetch.
    this.worker.opts.limiter = { max: this.config.sms.ratePerSecond, duration: 1000 };
    this.worker.concurrency = this.config.sms.workerConcurrency;
  }

  async process(job: SendJob): Promise<string> {
    return this.sender.process(job.data.notificationId, isLastAttempt(job));
  }
}

@Processor(QueueName.Email, { settings: { backoffStrategy: notificationBackoffStrategy } })
export class EmailNotificationProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly sender: NotificationSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.opts.limiter = { max: this.config.email.ratePerSecond, duration: 1000 };
    this.worker.concurrency = this.config.email.workerConcurrency;
  }

  async process(job: SendJob): Promise<string> {
    return this.sender.process(job.data.notificationId, isLastAttempt(job));
  }
}
