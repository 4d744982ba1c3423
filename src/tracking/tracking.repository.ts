import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { fromRow } from '../database/from-row';
import { queryPrepared } from '../database/prepared';
import { visibleInSnapshot } from '../database/snapshot';
import { SqlParams } from '../database/sql-params';
import type { TrackingEventInput, TrackingUpdate } from '../shared/tracking.types';
import { matchShipment, normaliseCarrier } from './carrier';
import { eventContentHash } from './content-hash';
import { Shipment } from './shipment.entity';

/** A shipment locked for a round of webhook intake, with what the update needs to be applied to it. */
export interface LockedShipment {
  shipment: Shipment;
  /** Stored events among the update's (by content hash, or by the provider's stable id). */
  seenEvents: { hash: string; id: string | null; provider: string }[];
  /** The first carrier scan already stored, if any. */
  firstEventAt: Date | null;
  /** The update's events by content hash. */
  byHash: Map<string, TrackingEventInput>;
  /** The order's destination and the customer's zone, for the delivery estimate; null without an order. */
  destination: { country: string | null; postcode: string | null; timeZone: string | null } | null;
}

/** One round's writes, as the batch statement reads them (json_to_recordset). */
export interface RoundWrites {
  events: Record<string, unknown>[];
  states: Record<string, unknown>[];
  etas: Record<string, unknown>[];
}

/**
 * The statements of webhook intake on tracking's own tables (shipments, tracking_events, eta_history), set-based
 * and prepared: lock a round's shipments and read what their updates need, then write the round in one statement.
 */
@Injectable()
export class TrackingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Finds and locks (in tracking-number order, so concurrent groups cannot deadlock) the shipment of each update,
   * creating those whose tracking number is new (kept without an order until the order arrives), and reads in
   * the same statement what the updates need next. A row that had to be waited for and was changed meanwhile
   * comes back new while the rest of the statement still reads the snapshot from before the wait; such rows are
   * read once more, under the lock now held, to see the other writer's events.
   */
  async lockShipments(manager: EntityManager, updates: TrackingUpdate[]): Promise<LockedShipment[]> {
    const wanted = updates.map((update) => {
      const trackingNumber = update.trackingNumber.trim();
      const byHash = new Map<string, TrackingEventInput>();
      for (const ev of update.events) byHash.set(eventContentHash(trackingNumber, ev), ev);
      return { trackingNumber, carrier: normaliseCarrier(update.carrier, update.provider), byHash, update };
    });
    const hashes = wanted.flatMap((w) => [...w.byHash.keys()]);
    const stableIds = wanted.flatMap((w) =>
      w.update.events.map((e) => e.providerEventId).filter((id): id is string => !!id),
    );
    const lockAndRead = async (trackingNumbers: string[]) => {
      const rows = await queryPrepared(
        manager,
        `SELECT s.*, s.xmin::text AS row_xmin, pg_current_snapshot()::text AS snapshot,
                s.xmin::text::bigint = pg_current_xact_id_if_assigned()::text::bigint % 4294967296 AS own_row,
                COALESCE((SELECT json_agg(json_build_object('hash', e.content_hash, 'id', e.provider_event_id,
                                                            'provider', e.provider))
                            FROM tracking_events e
                           WHERE e.shipment_id = s.id
                             AND (e.content_hash = ANY($2::text[]) OR e.provider_event_id = ANY($3::text[]))),
                         '[]') AS seen_events,
                (SELECT min(e.occurred_at) FROM tracking_events e WHERE e.shipment_id = s.id) AS first_event_at,
                (SELECT json_build_object('country', o.contact_country, 'postcode', o.contact_postcode,
                                          'timeZone', o.contact_time_zone)
                   FROM orders o WHERE o.id = s.order_id) AS destination
           FROM shipments s
          WHERE s.tracking_number = ANY($1::text[])
          ORDER BY s.tracking_number, s.id
            FOR UPDATE OF s`,
        [[...new Set(trackingNumbers)], hashes, stableIds],
      );
      return rows.map((row) => ({ row, shipment: fromRow(this.dataSource, Shipment, row) }));
    };
    // One parcel per tracking number in practice; the carrier name decides only when two carriers reuse one.
    const pick = (
      candidates: { row: Record<string, unknown>; shipment: Shipment }[],
      w: (typeof wanted)[0],
    ) => {
      const own = candidates.filter((c) => c.shipment.trackingNumber === w.trackingNumber);
      const match = matchShipment(
        own.map((c) => c.shipment),
        w.carrier,
      );
      return match ? own.find((c) => c.shipment === match)! : null;
    };
    const stale = (f: ReturnType<typeof pick>) =>
      !!f &&
      f.row.own_row !== true && // a row this transaction wrote itself is current by definition
      !visibleInSnapshot(String(f.row.row_xmin), String(f.row.snapshot));
    let found: ReturnType<typeof pick>[] = [];
    let created = false;
    // Read until every parcel exists and was read under its lock with a snapshot that sees its last writer: at
    // most one creation and, under contention, a read or two more.
    for (let read = 0; ; read++) {
      const candidates = await lockAndRead(wanted.map((w) => w.trackingNumber));
      found = wanted.map((w) => pick(candidates, w));
      const missing = wanted.filter((_, k) => !found[k]);
      if (missing.length && !created) {
        created = true;
        await manager.query(
          `INSERT INTO shipments (carrier, tracking_number, status)
           SELECT c, t, 'unknown' FROM unnest($1::text[], $2::text[]) AS x(c, t)
           ON CONFLICT DO NOTHING`,
          [missing.map((w) => w.carrier), missing.map((w) => w.trackingNumber)],
        );
        continue;
      }
      if (!found.some(stale) || read >= 5) break;
    }
    return wanted.map((w, k) => {
      const f = found[k];
      if (!f) throw new Error(`Shipment for ${w.carrier} could not be created`);
      return {
        shipment: f.shipment,
        seenEvents: f.row.seen_events as LockedShipment['seenEvents'],
        firstEventAt: (f.row.first_event_at as Date | null) ?? null,
        byHash: w.byHash,
        destination: (f.row.destination as LockedShipment['destination']) ?? null,
      };
    });
  }

  /**
   * A round's writes in one statement: new events, new states (with our delivery estimate), ETA history. The shipment row locks serialise
   * writers of these shipments, so every fresh event is new; ON CONFLICT is the last guard. JSON null stays SQL
   * NULL in the jsonb columns. Updates join on an id list as well as on the recordset: PostgreSQL guesses a
   * recordset at 100 rows and, with statistics that lag a growing table, would rather hash the whole table than
   * look the rows up by key.
   */
  async writeRound(manager: EntityManager, { events, states, etas }: RoundWrites): Promise<void> {
    const sql = new SqlParams();
    const writes = [
      `INSERT INTO tracking_events
         (shipment_id, status, reason, description, location, occurred_at, occurred_at_raw, provider,
          provider_event_id, content_hash, raw_status, raw_substatus, raw_payload)
       SELECT x.shipment_id, x.status, x.reason, x.description, x.location, x.occurred_at, x.occurred_at_raw,
              x.provider, x.provider_event_id, x.content_hash, x.raw_status, x.raw_substatus, x.raw_payload
         FROM json_to_recordset(${sql.add(JSON.stringify(events), 'json')}) AS x(
                shipment_id uuid, status text, reason text, description text, location text,
                occurred_at timestamptz, occurred_at_raw text, provider text, provider_event_id text,
                content_hash text, raw_status text, raw_substatus text, raw_payload jsonb)
       ON CONFLICT DO NOTHING`,
    ];
    if (etas.length) {
      writes.push(
        `INSERT INTO eta_history (shipment_id, eta, previous_eta, provider)
         SELECT x.shipment_id, nullif(x.eta, 'null'), nullif(x.previous_eta, 'null'), x.provider
           FROM json_to_recordset(${sql.add(JSON.stringify(etas), 'json')}) AS x(
                  shipment_id uuid, eta jsonb, previous_eta jsonb, provider text)`,
      );
    }
    const update = `UPDATE shipments s
          SET status = v.status, exception_reason = v.exception_reason, raw_status = v.raw_status,
              raw_substatus = v.raw_substatus, eta = nullif(v.eta, 'null'), original_eta = nullif(v.original_eta, 'null'),
              last_event_at = v.last_event_at, delivered_at = v.delivered_at,
              collected_at_pickup = v.collected_at_pickup, pickup = nullif(v.pickup, 'null'), provider = v.provider,
              pickup_available_at = v.pickup_available_at, estimate = nullif(v.estimate, 'null'),
              first_estimate = nullif(v.first_estimate, 'null'), eta_source = v.eta_source,
              estimate_error = v.estimate_error, estimate_hit = v.estimate_hit,
              carrier_eta_error = v.carrier_eta_error, updated_at = now()
         FROM json_to_recordset(${sql.add(JSON.stringify(states), 'json')}) AS v(
                id uuid, status text, exception_reason text, raw_status text, raw_substatus text, eta jsonb,
                original_eta jsonb, last_event_at timestamptz, delivered_at timestamptz,
                collected_at_pickup boolean, pickup jsonb, provider text, pickup_available_at timestamptz,
                estimate jsonb, first_estimate jsonb, eta_source text, estimate_error smallint,
                estimate_hit boolean, carrier_eta_error smallint)
        WHERE s.id = v.id AND s.id = ANY(${sql.add(states.map((v) => v.id))}::uuid[])`;
    await queryPrepared(
      manager,
      `WITH ${writes.map((w, i) => `w${i} AS (${w})`).join(',\n')}\n${update}`,
      sql.values,
    );
  }

  /**
   * Moving shipments not flagged yet whose silence (time since the last scan) passes their lane's threshold (the
   * stalled check): the carrier × destination-country threshold, else the carrier's, else `otherwiseMs`. Each with
   * the threshold that applied.
   */
  async silentPastThreshold(
    now: Date,
    thresholds: {
      lanes: { carrier: string; country: string; ms: number }[];
      carriers: { carrier: string; ms: number }[];
    },
    otherwiseMs: number,
  ): Promise<{ id: string; thresholdMs: number }[]> {
    const shortest = Math.min(
      otherwiseMs,
      ...thresholds.lanes.map((l) => l.ms),
      ...thresholds.carriers.map((c) => c.ms),
    );
    const rows: { id: string; threshold_ms: number }[] = await this.dataSource.query(
      `WITH lane AS (SELECT * FROM json_to_recordset($2::json) AS l(carrier text, country text, ms float8)),
            car AS (SELECT * FROM json_to_recordset($3::json) AS c(carrier text, ms float8))
       SELECT id, threshold_ms FROM (
         SELECT s.id, s.last_event_at,
                COALESCE((SELECT l.ms FROM lane l
                           WHERE l.carrier = s.carrier AND l.country = coalesce(o.contact_country::text, '')),
                         (SELECT c.ms FROM car c WHERE c.carrier = s.carrier),
                         $4::float8) AS threshold_ms
           FROM shipments s LEFT JOIN orders o ON o.id = s.order_id
          WHERE s.no_scan_flagged_at IS NULL AND s.last_event_at < $1::timestamptz - make_interval(secs => $5::float8 / 1000)
            AND s.status IN ('pre_transit','in_transit','out_for_delivery','attempt_failed','unknown')
       ) t
       WHERE t.last_event_at < $1::timestamptz - make_interval(secs => t.threshold_ms / 1000)
       LIMIT 500`,
      [now, JSON.stringify(thresholds.lanes), JSON.stringify(thresholds.carriers), otherwiseMs, shortest],
    );
    return rows.map((r) => ({ id: r.id, thresholdMs: Number(r.threshold_ms) }));
  }

  /** Locks one shipment not yet flagged for no scan; null when it is gone or was flagged meanwhile. */
  async lockUnflagged(manager: EntityManager, id: string): Promise<Shipment | null> {
    return manager
      .createQueryBuilder(Shipment, 's')
      .setLock('pessimistic_write')
      .where('s.id = :id AND s.no_scan_flagged_at IS NULL', { id })
      .getOne();
  }
}
