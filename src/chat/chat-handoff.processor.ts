import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, JobPayloads, QueueName } from '../queue/queue.constants';
import { ChatHandoffService } from './chat-handoff.service';

/** Thin worker for the outbound queue: delivers chat hand-off webhooks through ChatHandoffService. */
@Processor(QueueName.Outbound)
export class ChatHandoffProcessor extends WorkerHost {
  private readonly logger = new Logger(ChatHandoffProcessor.name);

  constructor(private readonly handoffs: ChatHandoffService) {
    super();
  }

  async process(job: Job): Promise<void> {
    if (job.name !== JobName.DeliverHandoff) {
      this.logger.warn(`No handler for outbound job ${job.name}`);
      return;
    }
    const { handoffId } = job.data as JobPayloads[JobName.DeliverHandoff];
    try {
      await this.handoffs.deliver(handoffId);
    } catch (err) {
      // The last attempt's failure is final: record it on the hand-off so support sees it was not delivered.
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts && (err as Error).name !== 'UnrecoverableError')
        await this.handoffs.markFailed(handoffId);
      this.logger.warn(
        `Hand-off ${handoffId} delivery attempt ${job.attemptsMade + 1} failed: ${(err as Error).message}`,
      );
      throw err;
    }
  }
}
