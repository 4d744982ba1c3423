import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Keeps the feature map true (README "Architecture"): computed from the import statements of src/, not from
 * what the module files claim. Features depend one way (tracking → notifications → templates, channels); shared
 * vocabulary sits below everything; only config is a global module; nothing finds a provider through moduleRef.get.
 */
const SRC = __dirname;

/** Folders below every feature: they may not import one (composition roots excepted, see ROOTS). */
const FOUNDATION = [
  'shared',
  'config',
  'common',
  'database',
  'queue',
  'metrics',
  'auth',
  'pages',
  'carriers',
  'links',
];

/** Files that wire the whole application together and so import every feature. */
const ROOTS = new Set([
  'app.module.ts',
  'app.factory.ts',
  'main.ts',
  'cli.ts',
  'database/entities.ts',
  'database/migrations.ts',
]);

/** Who may not import whom: the one-way rule of issue 15. */
const FORBIDDEN: [from: string, to: string][] = [
  ['notifications', 'tracking'],
  ['templates', 'tracking'],
  ['templates', 'notifications'],
  ['channels', 'tracking'],
  ['channels', 'notifications'],
  ['channels', 'chat'],
  ['templates', 'channels'],
];

interface SourceFile {
  path: string; // relative to src, with '/'
  folder: string;
  text: string;
}

function sourceFiles(): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        const path = relative(SRC, full).split(sep).join('/');
        out.push({
          path,
          folder: path.includes('/') ? path.split('/')[0] : '',
          text: readFileSync(full, 'utf8'),
        });
      }
    }
  };
  walk(SRC);
  return out;
}

/** Relative import specifiers of a file: import/export … from, side-effect imports, dynamic import(). */
export function importsOf(text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) found.push(m[1]);
  return found;
}

/** Folder-level edges, each with the file imports that make it. */
function folderEdges(files: SourceFile[]): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of files) {
    if (!file.folder || ROOTS.has(file.path)) continue;
    for (const spec of importsOf(file.text)) {
      const target = relative(SRC, resolve(SRC, dirname(file.path), spec))
        .split(sep)
        .join('/');
      const folder = target.includes('/') ? target.split('/')[0] : '';
      if (!folder || folder === file.folder || folder.startsWith('..')) continue;
      const from = edges.get(file.folder) ?? new Map<string, string[]>();
      from.set(folder, [...(from.get(folder) ?? []), `${file.path} → ${spec}`]);
      edges.set(file.folder, from);
    }
  }
  return edges;
}

/** Every cycle among `nodes` (as folder paths), found by depth-first search. */
export function cyclesAmong(edges: Map<string, Map<string, string[]>>, nodes: Set<string>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (node: string, path: string[]): void => {
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!nodes.has(next)) continue;
      const at = path.indexOf(next);
      if (at >= 0) {
        const cycle = [...path.slice(at), next];
        const key = [...cycle.slice(0, -1)].sort().join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else visit(next, [...path, next]);
    }
  };
  for (const node of nodes) visit(node, [node]);
  return cycles;
}

describe('module graph of src/', () => {
  const files = sourceFiles();
  const edges = folderEdges(files);
  const folders = new Set(files.map((f) => f.folder).filter(Boolean));
  const features = new Set([...folders].filter((f) => !FOUNDATION.includes(f)));

  it('parses every kind of relative import', () => {
    expect(
      importsOf(
        `import { a } from './a';\nimport type { B } from "../b/b";\nexport { c } from './c';\nimport './d';\nconst e = await import('../e/e');`,
      ),
    ).toEqual(['./a', '../b/b', './c', './d', '../e/e']);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', new Map([['b', ['x']]])],
      ['b', new Map([['c', ['y']]])],
      ['c', new Map([['a', ['z']]])],
    ]);
    expect(cyclesAmong(graph, new Set(['a', 'b', 'c']))).toEqual([['a', 'b', 'c', 'a']]);
    expect(cyclesAmong(graph, new Set(['a', 'b']))).toEqual([]);
  });

  it('has no cycle between feature folders', () => {
    const cycles = cyclesAmong(edges, features).map((cycle) =>
      cycle
        .slice(0, -1)
        .map((from, i) => `${from} → ${cycle[i + 1]} (${edges.get(from)!.get(cycle[i + 1])![0]})`)
        .join(', '),
    );
    expect(cycles).toEqual([]);
  });

  it('runs dependencies one way: tracking → notifications → templates and channels', () => {
    const violations = FORBIDDEN.flatMap(([from, to]) => edges.get(from)?.get(to) ?? []);
    expect(violations).toEqual([]);
  });

  it('keeps the shared vocabulary and config below every feature', () => {
    const below = (folder: string, allowed: string[]) =>
      [...(edges.get(folder)?.entries() ?? [])]
        .filter(([to]) => !allowed.includes(to))
        .flatMap(([, via]) => via);
    expect(below('shared', [])).toEqual([]);
    expect(below('config', ['shared'])).toEqual([]);
    const foundationOnFeatures = FOUNDATION.filter((f) => f !== 'metrics').flatMap((folder) =>
      [...(edges.get(folder)?.entries() ?? [])].filter(([to]) => features.has(to)).flatMap(([, via]) => via),
    );
    expect(foundationOnFeatures).toEqual([]);
  });

  it('declares a global module only for configuration, so every module imports what it uses', () => {
    const global = files
      .filter((f) => /@Global\(\)/.test(f.text) && f.folder !== 'config')
      .map((f) => f.path);
    expect(global).toEqual([]);
  });

  it('writes notification rows only through NotificationRepository (one owner per table)', () => {
    const writers = files
      .filter((f) => f.path !== 'notifications/notification.repository.ts')
      .filter((f) => /\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+notifications\b/i.test(f.text))
      .map((f) => f.path);
    expect(writers).toEqual([]);
  });

  it('finds no provider at run time through moduleRef.get', () => {
    const lookups = files
      .filter((f) => /moduleRef\s*\.\s*(get|resolve)\s*[<(]/i.test(f.text))
      .map((f) => f.path);
    expect(lookups).toEqual([]);
  });
});
