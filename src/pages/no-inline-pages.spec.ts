import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '..');
/** The same test as the review hook: an HTML document, a script or a stylesheet written into a TypeScript file. */
const PAGE_MARKUP = /<(!doctype|html|script|style|body)[ >]/i;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('pages live in views/ and web/, not in TypeScript strings', () => {
  it('finds no HTML page, script or style markup in any .ts file under src/', () => {
    const offenders = tsFiles(SRC).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          PAGE_MARKUP.test(line) ? [`${relative(SRC, file)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(offenders).toEqual([]);
  });

  it('would notice one', () => {
    expect(PAGE_MARKUP.test('return `<!doctype html><html lang="en">`;')).toBe(true);
    expect(PAGE_MARKUP.test("const s = '<script>alert(1)</script>';")).toBe(true);
    expect(PAGE_MARKUP.test('a < b && c > d')).toBe(false);
  });
});
