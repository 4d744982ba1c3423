import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobName, QueueName } from './queue.constants';
import { QueueService } from './queue.service';

/** A periodic task a feature owns (sweeper, stale checks, reminders), run by the maintenance worker. */
export interface MaintenanceTask {
  job: JobName;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * Features register their periodic tasks here; worker processes schedule them with BullMQ job schedulers,
 * so with many workers each tick runs once, not once per process.
 */
@Injectable()
export class MaintenanceRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceRegistry.name);
  private readonly tasks = new Map<JobName, MaintenanceTask>();

  constructor(
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  register(task: MaintenanceTask): void {
    this.tasks.set(task.job, task);
  }

  get(job: JobName): MaintenanceTask | undefined {
    return this.tasks.get(job);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'api') return;
    const queue = this.queues.queue(QueueName.Maintenance);
    for (const task of this.tasks.values()) {
      await queue
        .upsertJobScheduler(task.job, { every: task.everyMs }, { name: task.job, data: {} })
        .catch((err: Error) => this.logger.warn(`Could not schedule ${task.job}: ${err.message}`));
    }
  }
}
