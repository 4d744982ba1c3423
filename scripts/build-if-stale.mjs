// `npm start` runs this before `node dist/main.js`: it runs `npm run build` only when what the build reads changed
// since the last build, so a start on a current build takes about a second instead of a full rebuild. Each build
// ends with `--stamp`, which writes a digest of its inputs (paths, sizes, modification times) into dist/.
//
// Plain JavaScript on purpose: going through ts-node would cost about as much as the check saves.
// What the build reads: add a folder or file here when `npm run build` starts reading it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INPUT_DIRS = ['src', 'web'];
const INPUT_FILES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/build-web.ts',
];
const STAMP = join(ROOT, 'dist', '.build-inputs');
/** A stamp with these missing (dist/ emptied by hand or by a failed `nest build`) means no build. */
const OUTPUTS = ['dist/main.js', 'dist/cli.js'];

/** Path, size and modification time of every input: a changed, added or deleted file changes the digest. */
function digestInputs() {
  const hash = createHash('sha256');
  const add = (path) => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name));
    } else {
      hash.update(`${path}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  for (const dir of INPUT_DIRS) add(join(ROOT, dir));
  for (const file of INPUT_FILES) add(join(ROOT, file));
  return hash.digest('hex');
}

const digest = digestInputs();

if (process.argv.includes('--stamp')) {
  // The last step of `npm run build`: a start right after a build (or after `npm test`) does not build again.
  writeFileSync(STAMP, `${digest}\n`);
  process.exit(0);
}

const current =
  OUTPUTS.every((file) => existsSync(join(ROOT, file))) &&
  existsSync(STAMP) &&
  readFileSync(STAMP, 'utf8').trim() === digest;

if (current) {
  process.stdout.write('The build is current (dist/); starting it.\n');
} else {
  process.stdout.write('Building (dist/ is missing or older than the sources)...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // Digest of the inputs as they were when the build started: an edit made during it triggers the next one.
  writeFileSync(STAMP, `${digest}\n`);
}
