import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
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
export class MaintenanceRegistry implements OnApplicationBootstrap, OnModuleDestroy {
  /**
   * Schedules live in the queue backend; a Redis that restarts without persistence forgets them (and with them
   * the sweeper that recovers lost jobs). Re-asserting them is idempotent, so workers do it every minute.
   */
  static readonly REASSERT_MS = 60_000;
  private reassert: NodeJS.Timeout | undefined;
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
    await this.schedule();
    this.reassert = setInterval(() => void this.schedule(), MaintenanceRegistry.REASSERT_MS);
    this.reassert.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reassert);
  }

  async schedule(): Promise<void> {
    const queue = this.queues.queue(QueueName.Maintenance);
    for (const task of this.tasks.values()) {
      await queue
        .upsertJobScheduler(task.job, { every: task.everyMs }, { name: task.job, data: {} })
        .catch((err: Error) => this.logger.warn(`Could not schedule ${task.job}: ${err.message}`));
    }
  }
}
