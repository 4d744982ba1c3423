/**
 * Bundles the browser code in web/ into dist/public/ with esbuild: every file gets a content-hashed name (served
 * by @fastify/static with a year-long immutable cache), and dist/public/manifest.json maps each logical name
 * ("support-orders.js", "support.css") to its hashed file, which is how the server writes <script>/<link> tags
 * (src/pages/asset-manifest.ts). Part of `npm run build`, after the TypeScript build (which empties dist/ first).
 *
 * The widget is built apart as one classic script (stores paste a plain <script src="/widget.js">); the pages
 * are ES modules that share chunks (the support shell, CodeMirror). esbuild strips types without checking them:
 * `npm run typecheck:web` checks them.
 */
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

export const WEB_DIR = resolve(__dirname, '../web');
export const PUBLIC_DIR = resolve(__dirname, '../dist/public');

/** Entry points: every script in web/pages/ (one per page) and every stylesheet in web/styles/. */
function pageEntries(): string[] {
  const inDir = (dir: string, ext: string) =>
    readdirSync(join(WEB_DIR, dir))
      .filter((name) => name.endsWith(ext))
      .map((name) => join(WEB_DIR, dir, name));
  return [...inDir('pages', '.ts'), ...inDir('styles', '.css')];
}

/** Copied with a hashed name and listed in the manifest. */
const STATIC_FILES = ['favicon.svg'];

const COMMON: BuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outdir: PUBLIC_DIR,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunks/[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
};

export async function buildWeb(): Promise<Record<string, string>> {
  mkdirSync(PUBLIC_DIR, { recursive: true });
  const [pages, widget] = await Promise.all([
    build({
      ...COMMON,
      entryPoints: pageEntries(),
      format: 'esm',
      splitting: true,
    }),
    // No source map: served at /widget.js, a relative map URL would point at a file that is not there.
    build({ ...COMMON, entryPoints: [join(WEB_DIR, 'widget/widget.ts')], format: 'iife', sourcemap: false }),
  ]);
  const manifest: Record<string, string> = {
    ...entriesOf(pages.metafile!),
    ...entriesOf(widget.metafile!),
  };
  for (const file of STATIC_FILES) {
    const source = readFileSync(join(WEB_DIR, file));
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 8);
    const dot = file.lastIndexOf('.');
    const hashed = `${file.slice(0, dot)}-${hash.toUpperCase()}${file.slice(dot)}`;
    writeFileSync(join(PUBLIC_DIR, hashed), source);
    manifest[file] = hashed;
  }
  // Written last and renamed into place: a server reading it never sees half a manifest or a missing file.
  const tmp = join(PUBLIC_DIR, `manifest.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, join(PUBLIC_DIR, 'manifest.json'));
  return manifest;
}

/** "pages/support-orders.ts" → "support-orders.js": the logical name pages ask for. */
function entriesOf(metafile: Metafile): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [output, meta] of Object.entries(metafile.outputs)) {
    if (!meta.entryPoint || output.endsWith('.map')) continue;
    const source = basename(meta.entryPoint);
    const logical = source.replace(/\.ts$/, '.js');
    entries[logical] = relative(PUBLIC_DIR, resolve(output)).split('\\').join('/');
  }
  return entries;
}

if (require.main === module) {
  const started = Date.now();
  buildWeb().then(
    (manifest) => {
      console.log(
        `web: ${Object.keys(manifest).length} assets in ${relative(process.cwd(), PUBLIC_DIR)} (${Date.now() - started} ms)`,
      );
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
