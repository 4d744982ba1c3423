import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `npm run build:web` (scripts/build-web.ts) writes the bundles of web/ and their manifest. */
export const PUBLIC_DIR = resolve(__dirname, '../../dist/public');
/** The URL prefix the hashed bundles are served under, with a year-long immutable cache. */
export const ASSET_PREFIX = '/assets/';

/**
 * The browser bundles by logical name ("support-orders.js" → "support-orders-7KQ2M4.js"). Read once at start:
 * a page names the bundle it needs and gets the hashed URL, so a new deploy never meets a stale cached script.
 */
export class AssetManifest {
  private constructor(
    private readonly dir: string,
    private readonly files: Readonly<Record<string, string>>,
  ) {}

  static load(dir = PUBLIC_DIR): AssetManifest {
    const path = join(dir, 'manifest.json');
    if (!existsSync(path)) {
      throw new Error(
        `The browser bundles are missing (${path} not found). Build them with \`npm run build\` (or \`npm run build:web\`).`,
      );
    }
    return new AssetManifest(dir, JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>);
  }

  /** "/assets/support-orders-7KQ2M4.js"; an unknown name is a programming error and fails loudly. */
  url(name: string): string {
    return ASSET_PREFIX + this.file(name);
  }

  /** The built file's content (the widget is also served at its stable URL, /widget.js). */
  read(name: string): Buffer {
    return readFileSync(join(this.dir, this.file(name)));
  }

  private file(name: string): string {
    const file = this.files[name];
    if (!file) throw new Error(`No browser bundle named "${name}" in ${this.dir}/manifest.json`);
    return file;
  }
}
