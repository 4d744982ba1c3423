import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { Roles } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { MaintenanceRegistry } from './maintenance.registry';
import { JobName, QueueName } from './queue.constants';
import { QueueService } from './queue.service';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/system')
export class QueueCheckController {
  constructor(
    private readonly queues: QueueService,
    private readonly maintenance: MaintenanceRegistry,
  ) {}

  @Post('queue-check')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Round-trip a job through the queue backend and a worker; answers who processed it',
  })
  async check(): Promise<{ ok: true; latencyMs: number; result: unknown }> {
    const id = randomUUID();
    const started = Date.now();
    const queue = this.queues.queue(QueueName.Maintenance);
    await queue.add(JobName.Ping, { id }, { jobId: `ping-${id}`, removeOnComplete: { age: 600 } });
    while (Date.now() - started < 10_000) {
      const job = await queue.getJob(`ping-${id}`);
      // Judge by the snapshot that carries the return value: isCompleted() reads the live state, which can
      // already be "completed" while this snapshot (taken a moment earlier) still has no return value.
      if (job?.finishedOn && !job.failedReason)
        return { ok: true, latencyMs: Date.now() - started, result: job.returnvalue };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new AppException(
      'unavailable',
      'No worker processed the check job within 10 s: is a worker process running?',
    );
  }

  /**
   * Runs one registered maintenance task now, in this process, instead of waiting for its schedule (the pickup
   * reminder check runs every 15 minutes). For operators and `npm run demo`; the task is the same idempotent
   * code the scheduler runs, so running it early or twice is harmless.
   */
  @Post('maintenance/:job')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Run a maintenance task now (check-pickup-reminders, check-stale-shipments, check-arriving-tomorrow, sweep-pending); answers its result',
  })
  async runMaintenance(@Param('job') job: string): Promise<{ job: string; result: unknown; tookMs: number }> {
    const task = this.maintenance.get(job as JobName);
    if (!task) throw AppException.notFound(`Maintenance task ${JSON.stringify(job)}`);
    const started = Date.now();
    const result = await task.run();
    return { job, result, tookMs: Date.now() - started };
  }
}
