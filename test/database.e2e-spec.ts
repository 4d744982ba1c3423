import { DataSource, QueryFailedError } from 'typeorm';
import { createDataSource } from '../src/database/data-source';
import { queryPrepared, statementName } from '../src/database/prepared';
import { runDatabaseUrl } from './support/test-env';

/** The hot path's prepared statements, on a real PostgreSQL connection as the app configures it. */
describe('queryPrepared', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await createDataSource(runDatabaseUrl()).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
  });

  it('prepares a statement once per connection under its name, and runs it with new values', async () => {
    const text = 'SELECT $1::int * 2 AS doubled';
    await ds.transaction(async (manager) => {
      expect(await queryPrepared(manager, text, [21])).toEqual([{ doubled: 42 }]);
      expect(await queryPrepared(manager, text, [5])).toEqual([{ doubled: 10 }]);
      const prepared: { name: string }[] = await manager.query(
        'SELECT name FROM pg_prepared_statements WHERE statement = $1',
        [text],
      );
      expect(prepared.map((p) => p.name)).toEqual([statementName(text)]);
    });
  });

  it("runs inside the caller's transaction, on its connection", async () => {
    await ds.transaction(async (manager) => {
      await manager.query("SELECT set_config('wismo.probe', 'inside', true)");
      const rows = await queryPrepared<{ v: string }>(
        manager,
        "SELECT current_setting('wismo.probe', true) AS v",
        [],
      );
      expect(rows[0].v).toBe('inside');
    });
  });

  it('plans every call with its own values: a generic plan made while a table was small would stay', async () => {
    const [{ plan_cache_mode }] = await queryPrepared<{ plan_cache_mode: string }>(
      ds,
      'SHOW plan_cache_mode',
      [],
    );
    expect(plan_cache_mode).toBe('force_custom_plan');
  });

  it("fails as TypeORM's QueryFailedError, with PostgreSQL's code", async () => {
    const err = await queryPrepared(ds, 'SELECT 1 / $1::int AS n', [0]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect((err as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('22012');
    // The connection went back to the pool in working order.
    expect(await queryPrepared(ds, 'SELECT 1 / $1::int AS n', [1])).toEqual([{ n: 1 }]);
  });
});
