import { DataSource, QueryFailedError } from 'typeorm';
import { createDataSource } from '../src/database/data-source';
import { Customer } from '../src/tracking/customer.entity';
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

/** New rows of the append-heavy tables get time-ordered ids (migration TimeOrderedIds1796410600000). */
describe('time-ordered ids', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await createDataSource(runDatabaseUrl()).initialize();
    await ds.runMigrations({ transaction: 'each' }); // as the app does at start; nothing when it already has
  });
  afterAll(async () => {
    await ds.destroy();
  });

  /** The id's version, its RFC 9562 variant bits and the milliseconds in its first 48 bits. */
  const parts = (id: string) => {
    const hex = id.replace(/-/g, '');
    return {
      version: hex[12],
      variant: (parseInt(hex[16], 16) >> 2).toString(2),
      ms: parseInt(hex.slice(0, 12), 16),
    };
  };

  it('are UUID version 7 with the time they were made, in order', async () => {
    const before = Date.now();
    const [{ first }] = await ds.query<{ first: string }[]>('SELECT uuid_v7()::text AS first');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [{ second }] = await ds.query<{ second: string }[]>('SELECT uuid_v7()::text AS second');
    const after = Date.now();
    for (const id of [first, second]) {
      expect(parts(id)).toEqual({ version: '7', variant: '10', ms: expect.any(Number) });
      expect(parts(id).ms).toBeGreaterThanOrEqual(before - 1000); // the database's clock, not ours
      expect(parts(id).ms).toBeLessThanOrEqual(after + 1000);
    }
    expect(second > first).toBe(true);
    const many = await ds.query<{ id: string }[]>(
      'SELECT uuid_v7()::text AS id FROM generate_series(1, 1000)',
    );
    expect(new Set(many.map((r) => r.id)).size).toBe(1000);
  });

  it('are what a shipment written by intake and a customer saved through TypeORM get', async () => {
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    try {
      const [shipment] = await runner.query(
        `INSERT INTO shipments (carrier, tracking_number, status) VALUES ('ups', $1, 'unknown') RETURNING id::text`,
        [`1ZV7${Date.now()}`],
      );
      const customer = await runner.manager.save(Customer, { name: 'Ada Time' });
      expect(parts(shipment.id).version).toBe('7');
      expect(parts(customer.id).version).toBe('7');
      const [stored] = await runner.query('SELECT id::text FROM customers WHERE id = $1', [customer.id]);
      expect(stored.id).toBe(customer.id);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
