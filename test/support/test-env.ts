/**
 * Where the tests find the real servers. Each run gets its own database and Redis key prefix, written by
 * global-setup into this file's environment variables.
 */
export const SERVER_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function runDatabaseUrl(): string {
  const url = process.env.WISMO_TEST_RUN_DATABASE_URL;
  if (!url) throw new Error('The e2e global setup did not run (WISMO_TEST_RUN_DATABASE_URL is unset)');
  return url;
}

export function runPrefix(): string {
  return process.env.WISMO_TEST_RUN_PREFIX ?? 'wismo-test';
}

export const HOW_TO_START_POSTGRES =
  'Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set TEST_DATABASE_URL)';
export const HOW_TO_START_REDIS =
  'Start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no (or set TEST_REDIS_URL)';
