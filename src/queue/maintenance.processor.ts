import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { hostname } from 'node:os';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MaintenanceRegistry } from './maintenance.registry';
import { JobName, QueueName } from './queue.constants';

/** Runs housekeeping jobs by delegating to the feature that registered each; answers queue self-checks. */
@Processor(QueueName.Maintenance, { concurrency: 2 })
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: MaintenanceRegistry,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === JobName.Ping) {
      return {
        processedBy: `${hostname()}:${process.pid}`,
        role: this.config.role,
        at: new Date().toISOString(),
      };
    }
    const task = this.registry.get(job.name as JobName);
    if (!task) {
      this.logger.warn(`No task registered for maintenance job ${job.name}`);
      return null;
    }
    return task.run();
  }
}
