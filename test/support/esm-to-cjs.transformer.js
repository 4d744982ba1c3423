/**
 * NestJS 12 and several other dependencies ship as ES modules only. Node 20 loads them with require(), but
 * Jest's module system cannot (it needs Node 24.9+ for that), so for the test runtime only this transformer
 * compiles ES-module files (`.mjs`, or `.js` under a `"type": "module"` package) to CommonJS and leaves
 * everything else untouched. `import.meta` has no CommonJS form, so its uses are rewritten first.
 */
const ts = require('typescript');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const typeByDir = new Map();

function packageType(dir) {
  if (typeByDir.has(dir)) return typeByDir.get(dir);
  let type;
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    try {
      type = JSON.parse(readFileSync(manifest, 'utf8')).type ?? 'commonjs';
    } catch {
      type = 'commonjs';
    }
  } else {
    const parent = dirname(dir);
    type = parent === dir ? 'commonjs' : packageType(parent);
  }
  typeByDir.set(dir, type);
  return type;
}

function isEsm(path) {
  return path.endsWith('.mjs') || (path.endsWith('.js') && packageType(dirname(path)) === 'module');
}

function rewriteImportMeta(source) {
  return (
    source
      // `const require = createRequire(import.meta.url)` re-creates what CommonJS already has.
      .replace(/\b(?:const|let|var)\s+require\s*=\s*(?:\(0,\s*)?[\w.]*createRequire\)?\(import\.meta\.url\);?/g, '')
      .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href")
      .replace(/import\.meta\.dirname/g, '__dirname')
      .replace(/import\.meta\.filename/g, '__filename')
      .replace(/import\.meta\.resolve\(/g, 'require.resolve(')
  );
}

module.exports = {
  getCacheKey(source, path) {
    return createHash('sha1').update('esm-to-cjs-v3').update(path).update(source).digest('hex');
  },
  process(source, path) {
    if (!isEsm(path)) return { code: source };
    const out = ts.transpileModule(rewriteImportMeta(source), {
      fileName: path.replace(/\.mjs$/, '.js'),
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        allowJs: true,
        esModuleInterop: true,
        sourceMap: false,
      },
    });
    return { code: out.outputText };
  },
};
