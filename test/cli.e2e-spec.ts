import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { ApiKeyService } from '../src/auth/api-key.service';
import { MIGRATIONS } from '../src/database/migrations';
import { SERVER_DATABASE_URL, runDatabaseUrl } from './support/test-env';
import { bearer, startTestApp, TestApp } from './support/test-app';

/** The operator CLI from the production build (`node dist/cli.js`), against the test run's database. */

const CLI = resolve(__dirname, '..', 'dist/cli.js');
const dataDir = mkdtempSync(join(tmpdir(), 'wismo-cli-'));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], databaseUrl: string | undefined = runDatabaseUrl()): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build first with \`npm run build\` (\`npm test\` does).`);
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('api-key commands', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a key and prints it once, on stdout only', async () => {
    const label = `Helpdesk ${randomBytes(3).toString('hex')}`;
    const created = await cli(['api-key', 'create', '--role', 'support', '--label', label]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^wsm_[A-Za-z0-9_-]{32}\n$/);
    key = created.stdout.trim();
    expect(created.stderr).toContain(`Created support key "${label}"`);
    expect(created.stderr).toContain('shown only once');
    expect(created.stderr).not.toContain(key);

    expect(await t.app.get(ApiKeyService).authenticate(key)).toMatchObject({ role: 'support', label });
    // Over HTTP the key is known (not 401) and held to its role (support may not run the queue check).
    const res = await t.http.post('/v1/system/queue-check').set(bearer(key));
    expect(res.status).toBe(403);

    const listed = await cli(['api-key', 'list']);
    expect(listed.code).toBe(0);
    const row = listed.stdout.split('\n').find((l) => l.endsWith(`\t${label}`));
    expect(row?.split('\t')).toEqual([
      expect.any(String),
      `${key.slice(0, 8)}…`,
      'support',
      'active',
      expect.any(String),
      label,
    ]);
    expect(listed.stdout).not.toContain(key);
  });

  it('revokes a key by its prefix', async () => {
    const prefix = key.slice(0, 8);
    const revoked = await cli(['api-key', 'revoke', prefix]);
    expect(revoked).toMatchObject({ code: 0, stdout: 'Revoked 1 key(s)\n' });

    const listed = await cli(['api-key', 'list']);
    expect(listed.stdout.split('\n').find((l) => l.includes(`\t${prefix}…\t`))).toContain('\trevoked\t');
    // A running service caches lookups for up to 10 s; past that it refuses the key.
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 11_000);
    try {
      expect(await t.app.get(ApiKeyService).authenticate(key)).toBeNull();
    } finally {
      clock.mockRestore();
    }

    const again = await cli(['api-key', 'revoke', prefix]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`No active key with id or prefix ${prefix}`);
  });

  it.each([
    [[]],
    [['frobnicate']],
    [['api-key']],
    [['api-key', 'create', '--role', 'boss', '--label', 'Nope']],
    [['api-key', 'create', '--role', 'support']],
    [['api-key', 'revoke']],
    [['migrate', 'now']],
  ])('exits 2 with the usage for %j, before touching any database', async (args) => {
    // No DATABASE_URL and an empty DATA_DIR: reaching the database would start an embedded cluster.
    const result = await cli(args, undefined);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage:');
    expect(result.stderr).toContain('api-key create --role <admin|support|integration> --label');
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
  });
});

describe('migrate', () => {
  const name = `${process.env.WISMO_TEST_RUN_DATABASE ?? 'wismo_test'}_migrate`;
  const url = new URL(SERVER_DATABASE_URL);
  url.pathname = `/${name}`;
  const admin = new Client({ connectionString: SERVER_DATABASE_URL });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('applies every migration to an empty database once, even when started twice at the same time', async () => {
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    const runs = await Promise.all([cli(['migrate'], url.toString()), cli(['migrate'], url.toString())]);
    for (const run of runs)
      expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Applied \d+ migration\(s\)/) });
    const applied = runs.map((r) => Number(/^Applied (\d+)/.exec(r.stdout)![1])).sort();
    expect(applied).toEqual([0, MIGRATIONS.length]);

    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM migrations');
      expect(Number(rows[0].count)).toBe(MIGRATIONS.length);
      await db.query('SELECT 1 FROM api_keys LIMIT 1');
    } finally {
      await db.end();
    }

    const again = await cli(['migrate'], url.toString());
    expect(again).toMatchObject({ code: 0, stdout: 'Applied 0 migration(s)\n' });
  });

  it('rebuilds and refreshes the analytics of that database, and refuses an unknown subcommand', async () => {
    expect(await cli(['analytics', 'rebuild'], url.toString())).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Rebuilt 0 shipment\(s\) in 0 daily group\(s\) in \d+ ms\n$/),
    });
    expect(await cli(['analytics', 'refresh'], url.toString())).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Refreshed 0 shipment\(s\)/),
    });
    expect(await cli(['analytics', 'nonsense'], url.toString())).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('analytics needs refresh or rebuild'),
    });
  });
});
