import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Provider } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { ALL_QUEUES, JobName, JobPayloads, QueueName } from './queue.constants';

/** Every registered queue by name, injected once instead of looked up at run time. */
export const QUEUES = Symbol('QUEUES');

export function queuesByName(): Provider {
  return {
    provide: QUEUES,
    inject: ALL_QUEUES.map((name) => getQueueToken(name)),
    useFactory: (...queues: Queue[]) => new Map(ALL_QUEUES.map((name, i) => [name, queues[i]])),
  };
}

/** Typed, idempotent enqueueing: the same `jobId` is never queued twice. */
@Injectable()
export class QueueService {
  private readonly logger = new Logger(QueueService.name);

  constructor(@Inject(QUEUES) private readonly queues: Map<QueueName, Queue>) {}

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Queue ${name} is not registered`);
    return queue;
  }

  async add<N extends JobName>(
    queue: QueueName,
    name: N,
    payload: JobPayloads[N],
    options: JobsOptions = {},
  ): Promise<void> {
    await this.queue(queue).add(name, payload, options);
  }

  /** Adds many jobs; failures are logged and reported so a caller can leave rows for the sweeper. */
  async addBulk<N extends JobName>(
    queue: QueueName,
    jobs: { name: N; data: JobPayloads[N]; opts?: JobsOptions }[],
  ): Promise<boolean> {
    if (!jobs.length) return true;
    try {
      await this.queue(queue).addBulk(jobs);
      return true;
    } catch (err) {
      this.logger.warn(`Enqueue to ${queue} failed (${(err as Error).message}); the sweeper will retry`);
      return false;
    }
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const name of ALL_QUEUES) {
      out[name] = await this.queue(name).getJobCounts(
        'waiting',
        'active',
        'delayed',
        'completed',
        'failed',
        'prioritized',
      );
    }
    return out;
  }
}
