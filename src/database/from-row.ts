import type { DataSource } from 'typeorm';

/**
 * Raw SQL on the hot paths, entities everywhere else: these two map between them through TypeORM's column
 * metadata, so a hand-written statement stays in step with the entity. Values are
 * hydrated by TypeORM's driver, exactly as a repository read would.
 */

/** Every column of the entity under `alias`, each named `alias__column` (for a row that joins several). */
export function selectColumns(dataSource: DataSource, entity: new () => object, alias: string): string {
  return dataSource
    .getMetadata(entity)
    .columns.map((col) => `${alias}."${col.databaseName}" AS "${alias}__${col.databaseName}"`)
    .join(', ');
}

/** A raw row (`RETURNING *`, or columns named by selectColumns with `prefix` = `alias__`) as an entity. */
export function fromRow<T extends object>(
  dataSource: DataSource,
  entity: new () => T,
  row: Record<string, unknown>,
  prefix = '',
): T {
  const target = new entity() as Record<string, unknown>;
  // Hydrated as TypeORM would (a `date` column stays 'YYYY-MM-DD', not a Date at local midnight).
  for (const column of dataSource.getMetadata(entity).columns)
    target[column.propertyName] = dataSource.driver.prepareHydratedValue(
      row[prefix + column.databaseName],
      column,
    );
  return target as T;
}
