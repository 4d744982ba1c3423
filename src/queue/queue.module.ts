import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { MaintenanceProcessor } from './maintenance.processor';
import { QueueCheckController } from './queue-check.controller';
import { ALL_QUEUES, DEFAULT_JOB_OPTIONS } from './queue.constants';
import { queueConnection } from './queue-backend';
import { QueueService } from './queue.service';
import { MaintenanceRegistry } from './maintenance.registry';

/**
 * BullMQ on Redis or PostgreSQL, the same code either way. Processors are registered only in roles that
 * run workers (`all`, `worker`); an `api` process only enqueues.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    const workers: Provider[] = config.role === 'api' ? [] : [MaintenanceProcessor];
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          connection: queueConnection(config, databaseUrl) as never,
          prefix: config.queue.prefix,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      controllers: [QueueCheckController],
      providers: [QueueService, MaintenanceRegistry, ...workers],
      exports: [BullModule, QueueService, MaintenanceRegistry],
    };
  }
}
