import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueModule } from '../queue/queue.module';
import { HealthController } from './health.controller';

/** Liveness and readiness for orchestrators (Docker HEALTHCHECK, Kubernetes probes). */
@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' }), QueueModule],
  controllers: [HealthController],
})
export class HealthModule {}
