import type { DataSource } from 'typeorm';

/**
 * Raw SQL on the hot paths, entities everywhere else: these two map between them through TypeORM's column
 * metadata, so a hand-written statement stays in step with the entity. Values are
 * hydrated by TypeORM's driver, exactly as a repository read would.
 */

/** Every column of the entity under `alias`, each named `alias__column` (for a row that joins several). */
export function selectColumns(dataSource: DataSource, entity: EntityRef<object>, alias: string): string {
  return dataSource
    .getMetadata(entity)
    .columns.map((col) => `${alias}."${col.databaseName}" AS "${alias}__${col.databaseName}"`)
    .join(', ');
}

/**
 * An entity class, or the name of another feature's table: a feature that reads rows it does not own names the
 * table and its own interface for them, instead of importing the owner's entity class.
 */
export type EntityRef<T extends object> = (new () => T) | string;

/** A raw row (`RETURNING *`, or columns named by selectColumns with `prefix` = `alias__`) as an entity. */
export function fromRow<T extends object>(
  dataSource: DataSource,
  entity: EntityRef<T>,
  row: Record<string, unknown>,
  prefix = '',
): T {
  const target = (typeof entity === 'string' ? {} : new entity()) as Record<string, unknown>;
  // Hydrated as TypeORM would (a `date` column stays 'YYYY-MM-DD', not a Date at local midnight).
  for (const column of dataSource.getMetadata(entity).columns)
    target[column.propertyName] = dataSource.driver.prepareHydratedValue(
      row[prefix + column.databaseName],
      column,
    );
  return target as T;
}
