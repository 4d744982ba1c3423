import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp, RunningApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { runDatabaseUrl, runPrefix, TEST_REDIS_URL } from './test-env';

export type QueueBackend = 'postgres' | 'redis';
export const QUEUE_BACKENDS: QueueBackend[] = ['postgres', 'redis'];

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: TestAgent;
  db: DataSource;
  adminKey: string;
  running: RunningApp;
  close(): Promise<void>;
}

export const TEST_ADMIN_KEY = 'wsm_test_admin_key_0123456789abcdef';

/**
 * Boots the real app (real PostgreSQL, real queues on the chosen backend) with test configuration.
 * Each call gets its own queue prefix so apps in one file never share jobs.
 */
export async function startTestApp(
  options: { queue?: QueueBackend; env?: Record<string, string | undefined> } = {},
): Promise<TestApp> {
  const queue = options.queue ?? 'postgres';
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: runDatabaseUrl(),
    REDIS_URL: queue === 'redis' ? TEST_REDIS_URL : undefined,
    QUEUE_PREFIX: `${runPrefix()}-${randomBytes(3).toString('hex')}`,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    PUBLIC_BASE_URL: 'http://wismo.test',
    ...options.env,
  });
  const running = await createApp(config);
  await running.app.getHttpAdapter().getInstance().ready();
  return {
    app: running.app,
    config,
    http: request(running.app.getHttpServer()),
    db: running.app.get(DataSource),
    adminKey: TEST_ADMIN_KEY,
    running,
    close: () => running.close(),
  };
}

export function bearer(key: string): { Authorization: string } {
  return { Authorization: `Bearer ${key}` };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15000,
  intervalMs = 50,
): Promise<T> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}

/** Listens on a free local port (for browsers and out-of-process clients) and returns the base URL. */
export async function serve(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}
