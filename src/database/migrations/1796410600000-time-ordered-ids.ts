import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose rows arrive in time order and are written on the webhook and send paths. */
export const TIME_ORDERED_ID_TABLES = [
  'customers',
  'orders',
  'shipments',
  'tracking_events',
  'eta_history',
  'notifications',
  'notification_attempts',
  'outbox_messages',
] as const;

/**
 * Issue 19, webhook ingest at scale: new rows of the append-heavy tables get time-ordered ids (UUID version 7,
 * RFC 9562: 48 bits of Unix milliseconds, then 74 random bits) instead of random ones (version 4).
 *
 * A random id puts each new row's index entries on a random page of the index. At 10,000,000 events the three
 * indexes of `tracking_events` that lead with an id (its key, and the shipment's id with the scan time or the
 * content hash) hold 2.3 GB, so every scan written made about five page reads that missed PostgreSQL's buffers
 * and, once per checkpoint and page, a full-page image in the write-ahead log: at 300 webhooks/s, 1,100 such
 * images (7 MB of log) a second against none on an empty database, all flushed at each commit. With ids in time
 * order, a new shipment's rows and every index entry that leads with its id land next to the last ones written,
 * on pages already in memory. Rows stored before keep their ids; both kinds are ordinary UUIDs.
 *
 * Chat sessions, API keys and the like keep random ids: an id that is handed to a browser should not say when it
 * was made. PostgreSQL 18 has `uuidv7()` built in; this function is for the versions before it.
 */
export class TimeOrderedIds1796410600000 implements MigrationInterface {
  name = 'TimeOrderedIds1796410600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // A random version-4 UUID with its first 48 bits replaced by the milliseconds since 1970 and its version
    // nibble turned from 4 (0100) into 7 (0111) by setting bits 4 and 5 of byte 6.
    await queryRunner.query(
      `CREATE FUNCTION "uuid_v7"() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
         SELECT encode(
                  set_bit(set_bit(
                    overlay(uuid_send(gen_random_uuid())
                            PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                            FROM 1 FOR 6),
                    52, 1), 53, 1),
                  'hex')::uuid
       $$`,
    );
    for (const table of TIME_ORDERED_ID_TABLES)
      await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "id" SET DEFAULT uuid_v7()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TIME_ORDERED_ID_TABLES)
      await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "id" SET DEFAULT gen_random_uuid()`);
    await queryRunner.query(`DROP FUNCTION "uuid_v7"()`);
  }
}
