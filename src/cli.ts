import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { API_ROLES, ApiKey, ApiRole } from './auth/api-key.entity';
import { generateApiKey } from './auth/api-key.service';
import { loadConfig } from './config/app-config';
import { createDataSource } from './database/data-source';
import { EmbeddedPostgres } from './database/embedded-postgres';

/**
 * Operator commands:
 *   migrate                                                             applies pending migrations, then exits
 *   api-key create --role <admin|support|integration> --label "<text>"   prints the new key once
 *   api-key list
 *   api-key revoke <id or prefix>
 * Uses DATABASE_URL, or the embedded cluster of DATA_DIR (attaching to a running service's cluster).
 */
const USAGE = `Usage:
  npm run cli -- migrate
  npm run cli -- api-key create --role <${API_ROLES.join('|')}> --label "<text>"
  npm run cli -- api-key list
  npm run cli -- api-key revoke <id|prefix>`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [area, command, ...rest] = argv;
  const migrateOnly = area === 'migrate' && argv.length === 1;
  if (!migrateOnly && (area !== 'api-key' || !['create', 'list', 'revoke'].includes(command ?? ''))) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const role = flag(rest, 'role') as ApiRole | undefined;
  const label = flag(rest, 'label');
  if (command === 'create' && (!role || !API_ROLES.includes(role) || !label)) {
    process.stderr.write(`api-key create needs --role (${API_ROLES.join(', ')}) and --label\n${USAGE}\n`);
    return 2;
  }
  if (command === 'revoke' && !rest[0]) {
    process.stderr.write(`api-key revoke needs the key's id or prefix\n${USAGE}\n`);
    return 2;
  }

  const config = loadConfig();
  let embedded: EmbeddedPostgres | undefined;
  let url = config.database.url;
  if (!url) {
    embedded = new EmbeddedPostgres(config.dataDir, {
      log: () => undefined,
      warn: (m) => process.stderr.write(`${m}\n`),
    });
    url = await embedded.start({ attach: true });
  }
  const ds: DataSource = createDataSource(url);
  await ds.initialize();
  try {
    const applied = await runMigrationsLocked(ds);
    if (migrateOnly) {
      process.stdout.write(
        `Applied ${applied.length} migration(s)${applied.map((m) => `\n  ${m.name}`).join('')}\n`,
      );
      return 0;
    }
    const keys = ds.getRepository(ApiKey);
    if (command === 'create') {
      const { key, keyHash, prefix } = generateApiKey();
      const record = await keys.save(keys.create({ keyHash, prefix, role, label }));
      process.stdout.write(`${key}\n`);
      process.stderr.write(
        `Created ${record.role} key "${record.label}" (id ${record.id}). It is shown only once.\n`,
      );
    } else if (command === 'list') {
      const rows = await keys.find({ order: { createdAt: 'ASC' } });
      for (const k of rows) {
        process.stdout.write(
          [
            k.id,
            k.prefix + '…',
            k.role,
            k.revokedAt ? 'revoked' : 'active',
            k.createdAt.toISOString(),
            k.label,
          ].join('\t') + '\n',
        );
      }
    } else {
      const target = rest[0];
      const qb = keys
        .createQueryBuilder()
        .update()
        .set({ revokedAt: () => 'now()' })
        .where('revoked_at IS NULL');
      const result = await (
        /^[0-9a-f-]{36}$/i.test(target)
          ? qb.andWhere('id = :v', { v: target })
          : qb.andWhere('prefix = :v', { v: target })
      ).execute();
      if (!result.affected) {
        process.stderr.write(`No active key with id or prefix ${target}\n`);
        return 1;
      }
      process.stdout.write(`Revoked ${result.affected} key(s)\n`);
    }
    return 0;
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

/**
 * TypeORM takes no lock of its own: several containers starting at once (api and worker in one deployment)
 * would apply the same migration twice. A session-level advisory lock queues them; the later ones find
 * nothing pending.
 */
async function runMigrationsLocked(ds: DataSource) {
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', ['wismo:migrations']);
    return await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', ['wismo:migrations']).catch(() => undefined);
    await lock.release();
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
