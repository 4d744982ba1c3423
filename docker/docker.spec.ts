import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../src/config/app-config';
import { VARIABLES } from '../src/config/config.schema';

/**
 * Docker cannot run in the test environment, so the image and the stack are checked statically: the compose
 * file's services, wiring and health checks, and that the Dockerfile only copies what the repository has.
 */

const ROOT = resolve(__dirname, '..');
const DOCKER_DIR = resolve(ROOT, 'docker');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: Array<{ path: string; required?: boolean }>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = load(readFileSync(resolve(DOCKER_DIR, 'compose.yml'), 'utf8'), {
  // Compose resolves `<<:` merge keys; js-yaml does so only when asked.
  schema: CORE_SCHEMA.withTags(mergeTag),
}) as { services: Record<string, Service> };
const services = compose.services;

/** Compose's variable interpolation: `${X}`, `${X:-default}`, `${X:?error}` from the given shell environment. */
function interpolate(value: string, shell: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (shell[name]) return shell[name];
    if (op === '-') return arg ?? '';
    if (op === '?') throw new Error(`compose would stop: ${name} is required (${arg})`);
    return '';
  });
}

function environmentOf(service: Service, shell: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), shell)]),
  );
}

const SHELL = {
  UNSUBSCRIBE_SECRET: 'compose-test-unsubscribe-secret',
  TRACKING_LINK_SECRET: 'compose-test-tracking-link-secret',
};

describe('docker/compose.yml', () => {
  it('runs PostgreSQL 16, Redis 7, Mailpit, an API and a worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'mailpit', 'postgres', 'redis', 'worker']);
    expect(services.postgres.image).toBe('postgres:16');
    expect(services.redis.image).toBe('redis:7');
    expect(services.mailpit.image).toMatch(/^axllent\/mailpit(:|$)/);
  });

  it('runs Redis without eviction and with the append-only file', () => {
    const command = (services.redis.command ?? []).join(' ');
    expect(command).toMatch(/^redis-server /);
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toContain('--appendonly yes');
  });

  it('publishes Mailpit SMTP on 1025 and its UI on 8025', () => {
    const targets = (services.mailpit.ports ?? []).map((p) => String(p).split(':').pop());
    expect(targets.sort()).toEqual(['1025', '8025']);
  });

  it('gives every service a health check', () => {
    for (const [name, service] of Object.entries(services)) {
      const test = service.healthcheck?.test ?? [];
      expect({ name, form: test[0], hasCommand: test.length > 1 }).toEqual({
        name,
        form: expect.stringMatching(/^CMD(-SHELL)?$/),
        hasCommand: true,
      });
    }
    for (const name of ['api', 'worker'])
      expect(services[name].healthcheck!.test.join(' ')).toContain('/health/ready');
  });

  it.each(['api', 'worker'])(
    'builds %s from the Dockerfile and starts it once its dependencies are healthy',
    (name) => {
      const service = services[name];
      expect(existsSync(resolve(DOCKER_DIR, service.build!.context, service.build!.dockerfile))).toBe(true);
      expect(resolve(DOCKER_DIR, service.build!.context)).toBe(ROOT);
      expect(service.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        mailpit: { condition: 'service_healthy' },
      });
      // The repository's .env is optional: the stack starts without one.
      for (const file of service.env_file ?? []) expect(file.required).toBe(false);
    },
  );

  it.each([
    ['api', 'api'],
    ['worker', 'worker'],
  ])('configures %s with a valid configuration for ROLE=%s, wired to the other services', (name, role) => {
    const env = environmentOf(services[name], SHELL);
    const unknown = Object.keys(env).filter((k) => !(k in VARIABLES));
    expect(unknown).toEqual([]);
    const config = loadConfig(env);
    expect(config.role).toBe(role);
    expect(config.queue.redisUrl).toBe('redis://redis:6379');
    expect(config.email.smtpUrl).toBe('smtp://mailpit:1025');
    expect(config.http.publicBaseUrl).toBe('http://localhost:3000');

    const db = new URL(config.database.url!);
    const pg = environmentOf(services.postgres, SHELL);
    expect(db.hostname).toBe('postgres');
    expect({ user: db.username, password: db.password, database: db.pathname.slice(1) }).toEqual({
      user: pg.POSTGRES_USER,
      password: pg.POSTGRES_PASSWORD,
      database: pg.POSTGRES_DB,
    });
  });

  it('stops with a message instead of starting production without UNSUBSCRIBE_SECRET', () => {
    expect(() => environmentOf(services.api, {})).toThrow(/UNSUBSCRIBE_SECRET is required/);
  });

  it('publishes port 3000 for the API and no port for the worker', () => {
    expect(services.api.ports).toEqual(['3000:3000']);
    expect(services.worker.ports).toBeUndefined();
  });
});

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions per stage, with line continuations joined and comments dropped. */
function parseDockerfile(text: string): Instruction[][] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages: Instruction[][] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const instruction = { keyword: m[1], args: m[2].replace(/\s+/g, ' ').trim() };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages[stages.length - 1].push(instruction);
  }
  return stages;
}

/** Sources of a COPY from the build context (not `--from=` another stage); flags stripped, destination dropped. */
function copySources(instruction: Instruction): string[] | null {
  const parts = instruction.args.split(' ');
  if (parts.some((p) => p.startsWith('--from='))) return null;
  const paths = parts.filter((p) => !p.startsWith('--'));
  return paths.slice(0, -1);
}

/** Docker's rule: the last pattern that matches the path or one of its parents decides; `!` lets it back in. */
function ignored(path: string, patterns: string[]): boolean {
  const segments = path.replace(/\/$/, '').split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const line of patterns.filter((p) => p && !p.startsWith('#'))) {
    const negated = line.startsWith('!');
    const pattern = negated ? line.slice(1) : line;
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    if (candidates.some((c) => regex.test(c))) excluded = !negated;
  }
  return excluded;
}

describe('docker/Dockerfile', () => {
  const stages = parseDockerfile(readFileSync(resolve(DOCKER_DIR, 'Dockerfile'), 'utf8'));
  const [build, runtime] = [stages[0], stages[stages.length - 1]];
  const find = (stage: Instruction[], keyword: string) =>
    stage.filter((i) => i.keyword === keyword).map((i) => i.args);
  const dockerignore = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim());

  it('builds in one stage with all dependencies and runs in a slim one with production dependencies only', () => {
    expect(stages).toHaveLength(2);
    expect(find(build, 'FROM')[0]).toMatch(/^node:20\S* AS build$/);
    expect(find(build, 'RUN').some((r) => /^npm ci\b/.test(r) && !r.includes('--omit=dev'))).toBe(true);
    expect(find(build, 'RUN')).toContain('npm run build');
    expect(find(runtime, 'FROM')[0]).toMatch(/^node:20-bookworm-slim\b/);
    expect(find(runtime, 'RUN').some((r) => /^npm ci --omit=dev\b/.test(r))).toBe(true);
    expect(find(runtime, 'COPY')).toContain('--from=build /app/dist ./dist');
  });

  it('runs as a non-root user, exposes 3000, checks readiness and migrates in the entrypoint', () => {
    const user = find(runtime, 'USER');
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(find(runtime, 'EXPOSE')).toEqual(['3000']);
    const healthcheck = find(runtime, 'HEALTHCHECK').join(' ');
    expect(healthcheck).toContain('/health/ready');
    expect(healthcheck).toContain('fetch(');
    expect(find(runtime, 'ENTRYPOINT')).toEqual(['["docker/entrypoint.sh"]']);
    expect(find(runtime, 'CMD')).toEqual(['["node", "dist/main.js"]']);
  });

  it('copies only paths that exist in the repository and that .dockerignore lets through', () => {
    const copied = stages.flatMap((stage) =>
      stage.filter((i) => i.keyword === 'COPY').flatMap((i) => copySources(i) ?? []),
    );
    expect(copied).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        'src',
        'templates',
        'docker/entrypoint.sh',
      ]),
    );
    expect(copied.filter((p) => !existsSync(resolve(ROOT, p)))).toEqual([]);
    expect(copied.filter((p) => ignored(p, dockerignore))).toEqual([]);
  });

  it('keeps local state, secrets and dependencies out of the build context', () => {
    for (const path of ['node_modules', 'dist', '.data', '.env', '.git'])
      expect({ path, ignored: ignored(path, dockerignore) }).toEqual({ path, ignored: true });
  });

  it('has an executable entrypoint that migrates, then execs the service', () => {
    const path = resolve(DOCKER_DIR, 'entrypoint.sh');
    expect(statSync(path).mode & 0o111).toBe(0o111);
    const script = readFileSync(path, 'utf8');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toMatch(/^set -e/m);
    const migrate = script.indexOf('node dist/cli.js migrate');
    const exec = script.search(/^exec /m);
    expect(migrate).toBeGreaterThan(0);
    expect(exec).toBeGreaterThan(migrate);
  });
});
