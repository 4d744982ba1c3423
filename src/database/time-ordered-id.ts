import { PrimaryColumn } from 'typeorm';

/**
 * The primary key of a table whose rows arrive in time order: a UUID made by PostgreSQL's `uuid_v7()` (migration
 * `TimeOrderedIds1796410600000`), so new rows and the index entries that lead with their id sit together.
 */
export function TimeOrderedPrimaryColumn(): PropertyDecorator {
  return PrimaryColumn({ type: 'uuid', default: () => 'uuid_v7()' });
}
