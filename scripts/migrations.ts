/**
 * Migration tooling over the app's one data source.
 *   generate <Name>  diff entities against a scratch database with every migration applied; write the migration
 *   run              apply pending migrations to DATABASE_URL (or the embedded cluster)
 *   check            fail when entities and migrations disagree (CI)
 * The scratch database lives on TEST_DATABASE_URL's server (default: the local PostgreSQL) and is dropped after.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../src/config/app-config';
import { createDataSource } from '../src/database/data-source';
import { EmbeddedPostgres } from '../src/database/embedded-postgres';

const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withScratchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `wismo_migrations_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect().catch((err: Error) => {
    throw new Error(
      `Cannot reach PostgreSQL at ${serverUrl} (${err.message}). Start it or set TEST_DATABASE_URL.`,
    );
  });
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function pendingSchemaChanges(url: string): Promise<{ up: string[]; down: string[] }> {
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    const sql = await ds.driver.createSchemaBuilder().log();
    return {
      up: sql.upQueries.map((q) => q.query),
      down: sql.downQueries.map((q) => q.query).reverse(),
    };
  } finally {
    await ds.destroy();
  }
}

function quote(query: string): string {
  return '`' + query.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

async function generate(name: string): Promise<void> {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('Usage: migration:generate -- <PascalCaseName>');
  const changes = await withScratchDatabase(pendingSchemaChanges);
  if (!changes.up.length) {
    process.stdout.write('No changes: entities and migrations agree.\n');
    return;
  }
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const file = `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
  const body = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${changes.up.map((q) => `    await queryRunner.query(${quote(q)});`).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${changes.down.map((q) => `    await queryRunner.query(${quote(q)});`).join('\n')}
  }
}
`;
  writeFileSync(resolve(__dirname, '../src/database/migrations', `${file}.ts`), body);
  const listPath = resolve(__dirname, '../src/database/migrations.ts');
  let list = readFileSync(listPath, 'utf8');
  list = `import { ${className} } from './migrations/${file}';\n` + list;
  list = list.replace(/export const MIGRATIONS: Function\[\] = \[([^\]]*)\];/, (_m, items: string) => {
    const entries = items
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    entries.push(className);
    return `export const MIGRATIONS: Function[] = [${entries.join(', ')}];`;
  });
  writeFileSync(listPath, list);
  process.stdout.write(`Wrote src/database/migrations/${file}.ts (${changes.up.length} statements)\n`);
}

async function check(): Promise<void> {
  const changes = await withScratchDatabase(pendingSchemaChanges);
  if (changes.up.length) {
    process.stderr.write(
      `Entities and migrations disagree; run \`npm run migration:generate -- <Name>\`. Missing:\n${changes.up
        .map((q) => `  ${q}`)
        .join('\n')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write('migration:check: entities and migrations agree.\n');
}

async function runPending(): Promise<void> {
  const config = loadConfig();
  let embedded: EmbeddedPostgres | undefined;
  let url = config.database.url;
  if (!url) {
    embedded = new EmbeddedPostgres(config.dataDir, {
      log: (m) => process.stdout.write(`${m}\n`),
      warn: (m) => process.stderr.write(`${m}\n`),
    });
    url = await embedded.start();
  }
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    process.stdout.write(`Applied ${applied.length} migration(s).\n`);
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

const [command, arg] = process.argv.slice(2);
const task =
  command === 'generate'
    ? generate(arg ?? '')
    : command === 'check'
      ? check()
      : command === 'run'
        ? runPending()
        : null;
if (!task) {
  process.stderr.write('Usage: migrations.ts generate <Name> | run | check\n');
  process.exit(2);
}
task.catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
