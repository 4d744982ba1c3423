import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { buildWeb } from '../../scripts/build-web';
import { HOW_TO_START_POSTGRES, HOW_TO_START_REDIS, SERVER_DATABASE_URL, TEST_REDIS_URL } from './test-env';

/** Fails the run at once, with how to fix it, when PostgreSQL or Redis is not there; creates this run's database. */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: SERVER_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${SERVER_DATABASE_URL}: ${(err as Error).message}\n${HOW_TO_START_POSTGRES}`,
      {
        cause: err,
      },
    );
  }
  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    await admin.end();
    throw new Error(
      `Redis is not reachable at ${TEST_REDIS_URL}: ${(err as Error).message}\n${HOW_TO_START_REDIS}`,
      { cause: err },
    );
  } finally {
    redis.disconnect();
  }
  // The pages load the browser bundles of web/ (dist/public/): build them from the current sources (about a second),
  // so a browser test never runs yesterday's script.
  await buildWeb();
  const run = randomBytes(4).toString('hex');
  const name = `wismo_test_${run}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_DATABASE_URL);
  url.pathname = `/${name}`;
  process.env.WISMO_TEST_RUN_DATABASE_URL = url.toString();
  process.env.WISMO_TEST_RUN_DATABASE = name;
  process.env.WISMO_TEST_RUN_PREFIX = `wismo-test-${run}`;
}
