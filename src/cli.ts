import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { API_ROLES, ApiKey, ApiRole } from './auth/api-key.entity';
import { generateApiKey } from './auth/api-key.service';
import { type AppConfig, loadConfig } from './config/app-config';
import { createDataSource } from './database/data-source';
import { EmbeddedPostgres } from './database/embedded-postgres';
import { ChatLimiter } from './chat/chat-rate-limiter';
import { AnalyticsRefresher } from './analytics/analytics-refresh.service';

/**
 * Operator commands:
 *   migrate                                                             applies pending migrations, then exits
 *   api-key create --role <admin|support|integration> --label "<text>"   prints the new key once
 *   api-key list
 *   api-key revoke <id or prefix>
 *   chat unlock [--order <number>] [--session <id>] [--ip <address>]      clears chat verification lock-outs
 *   analytics refresh | rebuild                                          folds new events into analytics / starts over
 * Uses DATABASE_URL, or the embedded cluster of DATA_DIR (attaching to a running service's cluster).
 */
const USAGE = `Usage:
  npm run cli -- migrate
  npm run cli -- api-key create --role <${API_ROLES.join('|')}> --label "<text>"
  npm run cli -- api-key list
  npm run cli -- api-key revoke <id|prefix>
  npm run cli -- chat unlock [--order <order or tracking number>] [--session <session id>] [--ip <client address>]
  npm run cli -- analytics refresh|rebuild`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [area, command, ...rest] = argv;
  const migrateOnly = area === 'migrate' && argv.length === 1;
  if (area === 'chat') return chatCommand(command, rest);
  if (area === 'analytics') return analyticsCommand(command);
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
 * `chat unlock`: clears the lock-outs a shopper who was locked out (or support on their behalf) names: an order (or
 * tracking) number, a chat session id, a client address. Works on the shared counters every API process reads
 * (Redis with REDIS_URL, else PostgreSQL), with the same key derivation as the service.
 */
async function chatCommand(command: string | undefined, rest: string[]): Promise<number> {
  const targets = (['order', 'session', 'ip'] as const)
    .map((name) => ({ name, value: flag(rest, name) }))
    .filter((t): t is { name: 'order' | 'session' | 'ip'; value: string } => !!t.value);
  if (command !== 'unlock' || targets.length === 0) {
    process.stderr.write(`chat unlock needs --order, --session or --ip\n${USAGE}\n`);
    return 2;
  }
  return withDatabase(async (config, ds) => {
    const limiter = new ChatLimiter(config, ds);
    try {
      for (const t of targets) {
        const kind = t.name === 'ip' ? 'client' : t.name;
        const cleared = await limiter.unlock(kind, t.value);
        process.stdout.write(`${t.name}: ${cleared ? 'lock-out cleared' : 'no failed attempts counted'}\n`);
      }
      return 0;
    } finally {
      await limiter.onModuleDestroy();
    }
  });
}

/** The database of DATABASE_URL, or the embedded cluster of DATA_DIR (attaching to a running service's), for `fn`. */
async function withDatabase(fn: (config: AppConfig, ds: DataSource) => Promise<number>): Promise<number> {
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
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    return await fn(config, ds);
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

/**
 * `analytics refresh` folds what arrived since the last run into the analytics tables (workers do it every
 * ANALYTICS_REFRESH_SECONDS); `analytics rebuild` starts over from every shipment, message and chat, as needed
 * after STORE_TIME_ZONE changes or after a bulk import.
 */
async function analyticsCommand(command: string | undefined): Promise<number> {
  if (command !== 'refresh' && command !== 'rebuild') {
    process.stderr.write(`analytics needs refresh or rebuild\n${USAGE}\n`);
    return 2;
  }
  return withDatabase(async (config, ds) => {
    await runMigrationsLocked(ds);
    const started = Date.now();
    const refresher = new AnalyticsRefresher(ds, config);
    const result = command === 'rebuild' ? await refresher.rebuild() : await refresher.refresh();
    process.stdout.write(
      `${command === 'rebuild' ? 'Rebuilt' : 'Refreshed'} ${result.shipments} shipment(s) in ${result.groups} daily group(s) in ${Date.now() - started} ms\n`,
    );
    return 0;
  });
}
