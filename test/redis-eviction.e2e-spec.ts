import { Logger } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { warnOnEvictionPolicy } from '../src/queue/queue-backend';
import { waitFor } from './support/test-app';

/** A private Redis (not the shared one) configured the way that loses BullMQ jobs under memory pressure. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('Redis eviction policy check at start', () => {
  let redis: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    redis = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'allkeys-lru',
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(
      'private redis-server',
      async () => (await warnOnEvictionPolicy(`redis://127.0.0.1:${port}`, new Logger('probe'))) !== null,
      10000,
    );
  });
  afterAll(() => {
    redis.kill('SIGKILL');
  });

  it('warns when keys can be evicted, and stays quiet with noeviction', async () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
    expect(await warnOnEvictionPolicy(`redis://127.0.0.1:${port}`, logger)).toBe('allkeys-lru');
    expect(warnings).toEqual([expect.stringContaining('maxmemory-policy is "allkeys-lru"')]);

    warnings.length = 0;
    expect(await warnOnEvictionPolicy('redis://127.0.0.1:6379', logger)).toBe('noeviction');
    expect(warnings).toEqual([]);
  });
});
