import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { MaintenanceProcessor } from './maintenance.processor';
import { DEFAULT_JOB_OPTIONS } from './queue.constants';
import { queueConnection } from './queue-backend';
import { QueueModule } from './queue.module';

/**
 * BullMQ on Redis or PostgreSQL, the same code either way: the connection (BullMQ shares it with every queue)
 * and, in roles that run workers (`all`, `worker`), the maintenance processor. An `api` process only enqueues.
 */
@Module({})
export class QueueRootModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    const workers: Provider[] = config.role === 'api' ? [] : [MaintenanceProcessor];
    return {
      module: QueueRootModule,
      imports: [
        BullModule.forRoot({
          connection: queueConnection(config, databaseUrl) as never,
          prefix: config.queue.prefix,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        }),
        QueueModule,
      ],
      providers: workers,
    };
  }
}
