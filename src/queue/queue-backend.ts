import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { createPostgresBackend, setDefaultBackendFactory } from 'bullmq';
import type { AppConfig } from '../config/app-config';

export const BULLMQ_PG_SCHEMA = 'bullmq';

export type QueueBackendKind = 'redis' | 'postgres';

export function queueBackendKind(config: AppConfig): QueueBackendKind {
  return config.queue.redisUrl ? 'redis' : 'postgres';
}

/**
 * BullMQ picks its datastore process-wide. Without REDIS_URL the queues live in PostgreSQL (schema `bullmq`
 * of the app's database); this must run before Nest builds the queue module.
 */
export function configureQueueBackend(config: AppConfig): void {
  if (queueBackendKind(config) === 'postgres') setDefaultBackendFactory(createPostgresBackend as never);
  else setDefaultBackendFactory();
}

/** The `connection` option for BullModule.forRoot on either backend. */
export function queueConnection(config: AppConfig, databaseUrl: string): Record<string, unknown> {
  if (config.queue.redisUrl) {
    const url = new URL(config.queue.redisUrl);
    return {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      // BullMQ workers need blocking commands to wait forever; queues fail fast instead of hanging requests.
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
    };
  }
  return { connectionString: databaseUrl, schema: BULLMQ_PG_SCHEMA, migrate: true, max: 10 };
}

/** BullMQ on Redis silently loses jobs when Redis evicts keys: say so loudly at start. */
export async function warnOnEvictionPolicy(redisUrl: string, logger: Logger): Promise<string | null> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  try {
    await client.connect();
    const result = (await client.config('GET', 'maxmemory-policy')) as string[];
    const policy = result?.[1] ?? null;
    if (policy && policy !== 'noeviction') {
      logger.warn(
        `Redis maxmemory-policy is "${policy}": BullMQ needs "noeviction" or queued jobs can be evicted and lost`,
      );
    }
    return policy;
  } catch (err) {
    logger.warn(`Could not read Redis maxmemory-policy: ${(err as Error).message}`);
    return null;
  } finally {
    client.disconnect();
  }
}
