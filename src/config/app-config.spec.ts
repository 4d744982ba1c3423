import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderEnvExample, renderMarkdownTable } from '../../scripts/gen-env-example';
import { ConfigValidationError, loadConfig } from './app-config';
import { VARIABLES, VariableSpec } from './config.schema';

const ROOT = resolve(__dirname, '../..');
const SPECS: VariableSpec[] = Object.values(VARIABLES);
const NAMES = SPECS.map((s) => s.name);

/** `NAME=value` lines, commented out or not, with dotenv double quotes removed. */
function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2].trim();
    vars.set(m[1], /^".*"$/.test(raw) ? raw.slice(1, -1).replace(/\\(["\\])/g, '$1') : raw);
  }
  return vars;
}

function captureError(fn: () => unknown): ConfigValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigValidationError) return err;
    throw err;
  }
  throw new Error('expected a ConfigValidationError, but the configuration was accepted');
}

describe('the variable list (config.schema.ts)', () => {
  it('keys every variable by its own name', () => {
    for (const [key, spec] of Object.entries(VARIABLES)) expect(spec.name).toBe(key);
  });

  it('has defaults that its own parsers accept, and a description for each', () => {
    for (const spec of SPECS) {
      expect({ [spec.name]: /\w+ \w+/.test(spec.description) }).toEqual({ [spec.name]: true });
      if (spec.default === undefined || spec.default === '') continue;
      expect({ name: spec.name, result: spec.parse(spec.default) }).toMatchObject({ result: { ok: true } });
    }
  });
});

describe('.env.example', () => {
  const path = resolve(ROOT, '.env.example');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';

  it('exists', () => {
    expect(existsSync(path)).toBe(true);
  });

  it('lists every variable with its default, and nothing the service does not read', () => {
    const listed = parseEnvFile(text);
    const missing = NAMES.filter((n) => !listed.has(n));
    expect(missing).toEqual([]);
    expect([...listed.keys()].filter((n) => !NAMES.includes(n))).toEqual([]);
    for (const spec of SPECS)
      expect({ [spec.name]: listed.get(spec.name) }).toEqual({ [spec.name]: spec.default ?? '' });
  });

  it('explains each variable just above it', () => {
    const lines = text.split('\n');
    for (const spec of SPECS) {
      const at = lines.findIndex((l) => l.startsWith(`# ${spec.name}=`));
      const comment: string[] = [];
      for (let i = at - 1; i >= 0 && lines[i].startsWith('# '); i--) comment.unshift(lines[i].slice(2));
      expect(comment.join(' ')).toContain(spec.description.split(' ').slice(0, 4).join(' '));
    }
  });

  it('is what scripts/gen-env-example.ts writes (regenerate it after changing the schema)', () => {
    expect(text).toBe(renderEnvExample());
  });
});

describe('README.md configuration table', () => {
  it('has a row for every variable (paste `scripts/gen-env-example.ts --markdown`)', () => {
    const path = resolve(ROOT, 'README.md');
    expect(existsSync(path)).toBe(true);
    const readme = readFileSync(path, 'utf8');
    const rows = new Set(
      readme
        .split('\n')
        .map((l) => /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/.exec(l)?.[1])
        .filter((n): n is string => Boolean(n)),
    );
    expect(NAMES.filter((n) => !rows.has(n))).toEqual([]);
  });

  it('is generated with one row per variable', () => {
    const table = renderMarkdownTable().trim().split('\n');
    expect(table).toHaveLength(NAMES.length + 2);
    expect(table[2]).toBe(
      '| `NODE_ENV` | `development` | development, production or test. Production logs JSON and requires a key for /outbox. |',
    );
  });
});

describe('loadConfig', () => {
  it('starts from the defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      role: 'all',
      http: { port: 3000, host: '0.0.0.0', publicBaseUrl: 'http://localhost:3000' },
      database: { url: undefined },
      queue: { redisUrl: undefined, prefix: 'wismo' },
      dataDir: '.data',
    });
  });

  it('reports every bad variable at once, in one message', () => {
    const err = captureError(() => loadConfig({ PORT: 'abc', ROLE: 'boss', LOG_LEVEL: 'loud' }));
    expect(err.problems.map((p) => p.variable)).toEqual(['PORT', 'ROLE', 'LOG_LEVEL']);
    expect(err.message).toBe(
      [
        'Invalid configuration: 3 problems',
        '  - PORT="abc": expected an integer between 0 and 65535',
        '  - ROLE="boss": expected one of all, api, worker',
        '  - LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent',
        'See .env.example or the README for every variable.',
      ].join('\n'),
    );
  });

  it('reports value problems and cross-variable problems together', () => {
    const err = captureError(() => loadConfig({ PORT: '70000', TWILIO_ACCOUNT_SID: 'AC0123456789abcdef' }));
    expect(err.problems).toEqual([
      { variable: 'PORT', value: '"70000"', expected: 'an integer between 0 and 65535' },
      {
        variable: 'TWILIO_AUTH_TOKEN',
        value: '(unset)',
        expected: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to be set together',
      },
    ]);
  });

  it('never prints a secret value, even a malformed one', () => {
    const secrets = {
      DATABASE_URL: 'mysql://app:hunter2-db@db.internal/wismo',
      REDIS_URL: 'http://:hunter2-redis@cache.internal',
      SMTP_URL: 'ftp://mailer:hunter2-smtp@mail.internal',
      ADMIN_API_KEY: 'hunter2-admin',
      TWILIO_AUTH_TOKEN: 'hunter2',
    };
    const err = captureError(() => loadConfig({ ...secrets, PORT: 'abc' }));
    expect(err.problems.map((p) => p.variable).sort()).toEqual(
      ['ADMIN_API_KEY', 'DATABASE_URL', 'PORT', 'REDIS_URL', 'SMTP_URL', 'TWILIO_AUTH_TOKEN'].sort(),
    );
    expect(err.message).not.toContain('hunter2');
    for (const name of Object.keys(secrets)) expect(err.message).toContain(`  - ${name}=(hidden): expected `);
    expect(err.message).toContain('  - PORT="abc": expected an integer');
  });

  it('reads the chat help links per kind, and names a bad one', () => {
    const config = loadConfig({
      CHAT_HELP_LINKS: 'returns=https://shop.example/returns; invoices=https://shop.example/invoices',
    });
    expect(config.chat.helpLinks).toEqual({
      refund_return: 'https://shop.example/returns',
      invoice: 'https://shop.example/invoices',
    });
    for (const bad of ['refunds=https://x.example', 'returns=ftp://x.example', 'returns']) {
      const err = captureError(() => loadConfig({ CHAT_HELP_LINKS: bad }));
      expect(err.problems.map((p) => p.variable)).toEqual(['CHAT_HELP_LINKS']);
    }
  });

  it('requires the production-only variables in production', () => {
    const err = captureError(() => loadConfig({ NODE_ENV: 'production' }));
    expect(err.problems.map((p) => p.variable)).toEqual([
      'UNSUBSCRIBE_SECRET',
      'PUBLIC_BASE_URL',
      'TRACKING_LINK_SECRET',
    ]);
  });
});
