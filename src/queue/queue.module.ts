import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueCheckController } from './queue-check.controller';
import { ALL_QUEUES } from './queue.constants';
import { QUEUES, queuesByName, QueueService } from './queue.service';
import { MaintenanceRegistry } from './maintenance.registry';

/**
 * The typed queues and the maintenance registry, for every feature that enqueues or schedules. Imported by each
 * such feature; the connection comes from QueueRootModule, which only the application module imports.
 */
@Module({
  imports: [BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name })))],
  controllers: [QueueCheckController],
  providers: [QueueService, MaintenanceRegistry, queuesByName()],
  exports: [BullModule, QueueService, MaintenanceRegistry, QUEUES],
})
export class QueueModule {}
