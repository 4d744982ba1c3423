import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';

/** Distinct statement texts given names; beyond this, statements run unnamed (a guard against a text per call). */
const MAX_NAMED = 256;
const names = new Map<string, string>();

/** The prepared-statement name of a text: the same text gets the same name in every process and connection. */
export function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `wismo_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs one of the hot path's statements (webhook intake, the send claim and its outcome) as a named prepared
 * statement on its connection. PostgreSQL then parses and analyses it once per connection rather than on every
 * call: for these long set-based statements that was a fifth of PostgreSQL's CPU time under load. The connections
 * still plan each call with its own values (`plan_cache_mode`, set in data-source.ts). The text must take its
 * values as parameters (a statement composed of parts gets one name per shape, see SqlParams).
 *
 * Inside a transaction, pass its EntityManager: the statement runs on the transaction's connection. Errors come
 * back as TypeORM's QueryFailedError, as from `query()`.
 */
export async function queryPrepared<T = Record<string, unknown>>(
  on: DataSource | EntityManager,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const manager = on instanceof DataSource ? on.manager : on;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    manager.connection.logger.logQuery(text, values, runner);
    const result = await client.query<T & object>({ name: statementName(text), text, values });
    return result.rows;
  } catch (err) {
    if (err instanceof QueryFailedError) throw err;
    manager.connection.logger.logQueryError(err as Error, text, values, runner);
    throw new QueryFailedError(text, values, err as Error);
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
