import { Redis } from 'ioredis';
import { Client } from 'pg';
import { SERVER_DATABASE_URL, TEST_REDIS_URL } from './test-env';

/** Drops this run's database and Redis keys. */
export default async function globalTeardown(): Promise<void> {
  const name = process.env.WISMO_TEST_RUN_DATABASE;
  if (name) {
    const admin = new Client({ connectionString: SERVER_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  const prefix = process.env.WISMO_TEST_RUN_PREFIX;
  if (prefix) {
    const redis = new Redis(TEST_REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}
