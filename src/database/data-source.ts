import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * The one data source definition, used by the app, the migration scripts and the tests.
 * The schema changes only through migrations: `synchronize` is off everywhere.
 */
export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    // gen_random_uuid() is built into PostgreSQL 13+; no extension to install.
    uuidExtension: 'pgcrypto',
    extra: {
      max: 20,
      connectionTimeoutMillis: 10000,
      application_name: 'wismo',
      // The hot path's statements are prepared once per connection (see queryPrepared) but planned on every
      // call, with the call's values: a generic plan cached while a table was small would keep reading it whole.
      options: '-c plan_cache_mode=force_custom_plan',
    },
    ...extra,
  } as DataSourceOptions;
}

export function createDataSource(url: string): DataSource {
  return new DataSource(dataSourceOptions(url));
}
