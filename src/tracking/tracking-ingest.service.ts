import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { GroupedCall } from '../common/grouped-call';
import { fromRow } from '../database/from-row';
import { SqlParams } from '../database/sql-params';
import { retryOnConflict } from '../database/transient-errors';
import { visibleInSnapshot } from '../database/snapshot';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { NotificationDispatcher } from '../notifications/notification-dispatcher.service';
import {
  NotificationPlanner,
  Plan,
  PLAN_CONTEXT_JOIN,
  PLAN_CONTEXT_SELECT,
} from '../notifications/notification-planner.service';
import type { Notification } from '../notifications/notification.entity';
import { queryPrepared } from '../database/prepared';
import { matchShipment, normaliseCarrier } from './carrier';
import { eventContentHash } from './content-hash';
import { Shipment } from './shipment.entity';
import { applyUpdate, detectNoScanDelay, ShipmentState } from './shipment-state';
import { ShipmentDomainEvent, TrackingEventInput, TrackingUpdate } from './tracking.types';

interface PendingUpdate {
  update: TrackingUpdate;
  receivedAt: Date;
}

interface ApplyOutcome {
  newEvents: number;
  duplicates: number;
  notifications: Notification[];
  inserted: TrackingEventInput[];
  provider: string;
  receivedAt: Date;
}

export interface IngestResult {
  shipments: number;
  newEvents: number;
  duplicateEvents: number;
  notifications: number;
}

/**
 * Turns provider updates into shipment state. Per update, one transaction holds the shipment row lock, the
 * new events, the new state, the ETA history and the notifications the change calls for (DESIGN.md, "the flow
 * of one status change"); notification ids are enqueued after commit.
 */
@Injectable()
export class TrackingIngestService {
  private readonly logger = new Logger(TrackingIngestService.name);
  private readonly eventsCounter;
  private readonly scanLatency;

  constructor(
    private readonly dataSource: DataSource,
    private readonly planner: NotificationPlanner,
    private readonly dispatcher: NotificationDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.eventsCounter = metrics.counter(
      'wismo_tracking_events_total',
      'Tracking events received, by provider and outcome',
      ['provider', 'outcome'],
    );
    this.scanLatency = metrics.histogram(
      'wismo_scan_latency_seconds',
      'Time from the carrier scan to our receipt',
      ['provider'],
      [60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400],
    );
  }

  async ingest(updates: TrackingUpdate[], receivedAt = new Date()): Promise<IngestResult> {
    const result: IngestResult = { shipments: 0, newEvents: 0, duplicateEvents: 0, notifications: 0 };
    // One request's updates in order; each shares its transaction with whatever other requests are waiting.
    for (const update of updates) {
      const outcome = await this.commits.call({ update, receivedAt });
      if ('error' in outcome) throw outcome.error;
      result.shipments += 1;
      result.newEvents += outcome.newEvents;
      result.duplicateEvents += outcome.duplicates;
      result.notifications += outcome.notifications.length;
    }
    return result;
  }

  /**
   * Group commit: the updates that arrived while the previous transaction was in flight are applied in one
   * transaction (BEGIN, COMMIT and the enqueue are paid once per group, not once per webhook). Updates are taken in
   * tracking-number order, so two groups lock shipments in the same order and cannot deadlock; a stable sort keeps
   * the arrival order of updates to one shipment. If the group fails, each update is retried in a transaction
   * of its own, so one bad update never fails the others. A webhook is answered only after its group committed.
   */
  private readonly commits = new GroupedCall((items: PendingUpdate[]) => this.applyGroup(items), {
    maxBatch: 50,
    maxInFlight: 4,
  });

  private async applyGroup(items: PendingUpdate[]): Promise<(ApplyOutcome | { error: unknown })[]> {
    const order = items
      .map((item, i) => ({ key: item.update.trackingNumber.trim(), i }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
      .map(({ i }) => i);
    const outcomes: ApplyOutcome[] = new Array(items.length);
    try {
      // A deadlock victim's work was rolled back whole; the group simply runs again.
      await retryOnConflict(
        () =>
          this.dataSource.transaction(async (manager) => {
            const applied = await this.applyInRounds(
              manager,
              order.map((i) => items[i]),
            );
            order.forEach((i, k) => (outcomes[i] = applied[k]));
          }),
        2,
      );
    } catch (err) {
      if (items.length === 1) return [{ error: err }];
      const results: (ApplyOutcome | { error: unknown })[] = new Array(items.length);
      for (const i of order) {
        try {
          results[i] = await retryOnConflict(() =>
            this.dataSource.transaction(
              async (manager) => (await this.applyInRounds(manager, [items[i]]))[0],
            ),
          );
        } catch (error) {
          results[i] = { error };
        }
      }
      await this.committed(results.filter((r): r is ApplyOutcome => !('error' in r)));
      return results;
    }
    await this.committed(outcomes);
    return outcomes;
  }

  /** After commit: metrics (counted once, even when a group was retried) and the enqueue. */
  private async committed(outcomes: ApplyOutcome[]): Promise<void> {
    for (const o of outcomes) {
      this.eventsCounter.inc({ provider: o.provider, outcome: 'new' }, o.newEvents);
      if (o.duplicates) this.eventsCounter.inc({ provider: o.provider, outcome: 'duplicate' }, o.duplicates);
      for (const ev of o.inserted) {
        if (ev.occurredAt)
          this.scanLatency.observe(
            { provider: o.provider },
            Math.max(0, (o.receivedAt.getTime() - ev.occurredAt.getTime()) / 1000),
          );
      }
    }
    // The enqueue reports its own failures and leaves the rows pending for the sweeper: the changes are committed.
    await this.dispatcher
      .enqueue(outcomes.flatMap((o) => o.notifications))
      .catch((err: Error) => this.logger.warn(`Enqueue after commit failed: ${err.message}`));
  }

  /**
   * Applies a group's updates in rounds of distinct tracking numbers (an update to a shipment already in this
   * round waits for the next, and sees the first one's result). Each round is two statements whatever its size:
   * one locks the round's shipments and reads what the updates need (stored events, first scan, the planner's
   * context), one writes everything (events, new states, ETA history, cancellations, new notifications).
   */
  private async applyInRounds(manager: EntityManager, items: PendingUpdate[]): Promise<ApplyOutcome[]> {
    const outcomes: ApplyOutcome[] = new Array(items.length);
    const roundOf = new Map<string, number>();
    const rounds: number[][] = [];
    items.forEach((item, i) => {
      const key = item.update.trackingNumber.trim();
      const round = (roundOf.get(key) ?? -1) + 1;
      roundOf.set(key, round);
      (rounds[round] ??= []).push(i);
    });
    for (const round of rounds) {
      const applied = await this.applyRound(
        manager,
        round.map((i) => items[i]),
      );
      round.forEach((i, k) => (outcomes[i] = applied[k]));
    }
    return outcomes;
  }

  private async applyRound(manager: EntityManager, items: PendingUpdate[]): Promise<ApplyOutcome[]> {
    const locked = await this.lockShipments(manager, items);
    const sql = new SqlParams();
    const events: Record<string, unknown>[] = [];
    const states: Record<string, unknown>[] = [];
    const etas: Record<string, unknown>[] = [];
    const plans: { shipment: Shipment; plan: Plan }[] = [];
    const prepared = items.map(({ update, receivedAt }, k) => {
      const { shipment, row, byHash } = locked[k];
      const seen = row.seen_events as { hash: string; id: string | null; provider: string }[];
      const seenHashes = new Set(seen.map((e) => e.hash.trim()));
      const seenIds = new Set(seen.filter((e) => e.provider === update.provider && e.id).map((e) => e.id));
      const fresh = [...byHash.entries()].filter(
        ([hash, ev]) => !seenHashes.has(hash) && !(ev.providerEventId && seenIds.has(ev.providerEventId)),
      );
      const inserted = fresh.map(([, ev]) => ev);

      // "Before shipping" means before the first carrier scan, not before we first heard of the parcel.
      const firstScan = [row.first_event_at as Date | null, ...inserted.map((e) => e.occurredAt)]
        .filter((d): d is Date => d instanceof Date)
        .reduce<Date | null>((min, d) => (!min || d < min ? d : min), null);
      const { next, changes, warnings } = applyUpdate(stateOf(shipment), update, inserted, {
        now: receivedAt,
        shippedAt: firstScan ?? shipment.createdAt,
      });
      for (const warning of warnings)
        this.logger.warn({ shipmentId: shipment.id, provider: update.provider }, warning);

      const previousEta = shipment.eta;
      const values = {
        status: next.status,
        exceptionReason: next.reason,
        rawStatus: next.rawStatus,
        rawSubstatus: next.rawSubstatus,
        eta: next.eta,
        originalEta: next.originalEta,
        lastEventAt: next.lastEventAt,
        deliveredAt: next.deliveredAt,
        collectedAtPickup: next.collectedAtPickup,
        pickup: next.pickup,
        provider: update.provider,
        pickupAvailableAt: changes.some((c) => c.kind === 'status_changed' && c.to === 'available_for_pickup')
          ? (newestTime(inserted) ?? receivedAt)
          : shipment.pickupAvailableAt,
      } satisfies Partial<Shipment>;
      Object.assign(shipment, values);

      for (const [contentHash, ev] of fresh) events.push(eventRow(shipment.id, update, contentHash, ev));
      states.push({
        id: shipment.id,
        status: values.status,
        exception_reason: values.exceptionReason,
        raw_status: values.rawStatus,
        raw_substatus: values.rawSubstatus,
        eta: values.eta,
        original_eta: values.originalEta,
        last_event_at: values.lastEventAt?.toISOString() ?? null,
        delivered_at: values.deliveredAt?.toISOString() ?? null,
        collected_at_pickup: values.collectedAtPickup,
        pickup: values.pickup,
        provider: values.provider,
        pickup_available_at: values.pickupAvailableAt?.toISOString() ?? null,
      });
      if (changes.some((c) => c.kind === 'eta_changed'))
        etas.push({
          shipment_id: shipment.id,
          eta: next.eta,
          previous_eta: previousEta,
          provider: update.provider,
        });
      const base = changes.length ? this.planner.contextFromRow(row) : null;
      if (base) {
        const plan = this.planner.decide(base, shipment, changes, {
          receivedAt,
          eventOccurredAt: newestTime(inserted),
        });
        plans.push({ shipment, plan });
      }
      return { shipment, inserted, duplicates: update.events.length - inserted.length };
    });

    // The shipment row locks serialise writers of these shipments, so every fresh event is new; ON CONFLICT is
    // the last guard. JSON null stays SQL NULL in the jsonb columns. Updates join on an id list as well as on the
    // recordset: PostgreSQL guesses a recordset at 100 rows and, with statistics that lag a growing table, would
    // rather hash the whole table than look the rows up by key.
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
      `UPDATE shipments s
          SET status = v.status, exception_reason = v.exception_reason, raw_status = v.raw_status,
              raw_substatus = v.raw_substatus, eta = nullif(v.eta, 'null'), original_eta = nullif(v.original_eta, 'null'),
              last_event_at = v.last_event_at, delivered_at = v.delivered_at,
              collected_at_pickup = v.collected_at_pickup, pickup = nullif(v.pickup, 'null'), provider = v.provider,
              pickup_available_at = v.pickup_available_at, updated_at = now()
         FROM json_to_recordset(${sql.add(JSON.stringify(states), 'json')}) AS v(
                id uuid, status text, exception_reason text, raw_status text, raw_substatus text, eta jsonb,
                original_eta jsonb, last_event_at timestamptz, delivered_at timestamptz,
                collected_at_pickup boolean, pickup jsonb, provider text, pickup_available_at timestamptz)
        WHERE s.id = v.id AND s.id = ANY(${sql.add(states.map((v) => v.id))}::uuid[])`,
    ];
    if (etas.length) {
      writes.push(
        `INSERT INTO eta_history (shipment_id, eta, previous_eta, provider)
         SELECT x.shipment_id, nullif(x.eta, 'null'), nullif(x.previous_eta, 'null'), x.provider
           FROM json_to_recordset(${sql.add(JSON.stringify(etas), 'json')}) AS x(
                  shipment_id uuid, eta jsonb, previous_eta jsonb, provider text)`,
      );
    }
    const created = await this.planner.writeMany(manager, sql, writes, plans);
    return items.map(({ update, receivedAt }, k) => ({
      newEvents: prepared[k].inserted.length,
      duplicates: prepared[k].duplicates,
      notifications: created.get(prepared[k].shipment.id) ?? [],
      inserted: prepared[k].inserted,
      provider: update.provider,
      receivedAt,
    }));
  }

  /**
   * Finds and locks (in tracking-number order, so concurrent groups cannot deadlock) the shipment of each update,
   * creating those whose tracking number is new (kept without an order until the order arrives), and reads in
   * the same statement what the updates need next. A row that had to be waited for and was changed meanwhile
   * comes back new while the rest of the statement still reads the snapshot from before the wait; such rows are
   * read once more, under the lock now held, to see the other writer's events and notifications.
   */
  private async lockShipments(
    manager: EntityManager,
    items: PendingUpdate[],
  ): Promise<
    { shipment: Shipment; row: Record<string, unknown>; byHash: Map<string, TrackingEventInput> }[]
  > {
    const wanted = items.map(({ update }) => {
      const trackingNumber = update.trackingNumber.trim();
      const byHash = new Map<string, TrackingEventInput>();
      for (const ev of update.events) byHash.set(eventContentHash(trackingNumber, ev), ev);
      return { trackingNumber, carrier: normaliseCarrier(update.carrier), byHash, update };
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
                ${PLAN_CONTEXT_SELECT}
           FROM shipments s ${PLAN_CONTEXT_JOIN}
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
      return { ...f, byHash: w.byHash };
    });
  }

  /**
   * The no-scan check: shipments silent for N days are flagged delayed once, through the same planner.
   * Returns how many were flagged.
   */
  async flagStaleShipments(now = new Date()): Promise<number> {
    const days = this.config.tracking.noScanDelayDays;
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    const candidates: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM shipments
        WHERE no_scan_flagged_at IS NULL AND last_event_at < $1
          AND status IN ('pre_transit','in_transit','out_for_delivery','attempt_failed','unknown')
        LIMIT 500`,
      [cutoff],
    );
    const created: Notification[] = [];
    let flagged = 0;
    for (const { id } of candidates) {
      await this.dataSource.transaction(async (manager) => {
        const shipment = await manager
          .createQueryBuilder(Shipment, 's')
          .setLock('pessimistic_write')
          .where('s.id = :id AND s.no_scan_flagged_at IS NULL', { id })
          .getOne();
        if (!shipment || !detectNoScanDelay(stateOf(shipment), now, days)) return;
        shipment.noScanFlaggedAt = now;
        await manager.save(Shipment, shipment);
        flagged += 1;
        const change: ShipmentDomainEvent = {
          kind: 'delayed',
          previous: shipment.lastEventAt?.toISOString() ?? null,
          current: null,
          cause: 'no_scan',
        };
        created.push(
          ...(await this.planner.planWithin(manager, shipment, [change], {
            receivedAt: now,
            eventOccurredAt: now,
          })),
        );
      });
    }
    await this.dispatcher.enqueue(created);
    return flagged;
  }

  /** When an order arrives for shipments already tracked, they are told their current state once. */
  async announceJoined(manager: EntityManager, shipment: Shipment): Promise<Notification[]> {
    if (shipment.status === 'unknown') return [];
    const change: ShipmentDomainEvent = {
      kind: 'status_changed',
      from: 'unknown',
      to: shipment.status,
      reason: shipment.exceptionReason,
      collectedAtPickup: shipment.collectedAtPickup,
      occurredAt: shipment.lastEventAt,
    };
    return this.planner.planWithin(manager, shipment, [change], {
      receivedAt: new Date(),
      eventOccurredAt: shipment.lastEventAt,
    });
  }
}

export function stateOf(s: Shipment): ShipmentState {
  return {
    status: s.status,
    reason: s.exceptionReason,
    rawStatus: s.rawStatus,
    rawSubstatus: s.rawSubstatus,
    eta: s.eta,
    originalEta: s.originalEta,
    promisedDate: s.promisedDate,
    lastEventAt: s.lastEventAt,
    deliveredAt: s.deliveredAt,
    collectedAtPickup: s.collectedAtPickup,
    pickup: s.pickup,
  };
}

function newestTime(events: TrackingEventInput[]): Date | null {
  let newest: Date | null = null;
  for (const ev of events) if (ev.occurredAt && (!newest || ev.occurredAt > newest)) newest = ev.occurredAt;
  return newest;
}

/** One fresh event as the batch insert reads it (json_to_recordset). */
function eventRow(
  shipmentId: string,
  update: TrackingUpdate,
  contentHash: string,
  ev: TrackingEventInput,
): Record<string, unknown> {
  return {
    shipment_id: shipmentId,
    status: ev.status,
    reason: ev.reason,
    description: ev.description.slice(0, 2000),
    location: ev.location?.slice(0, 300) ?? null,
    occurred_at: ev.occurredAt?.toISOString() ?? null,
    occurred_at_raw: ev.occurredAtRaw?.slice(0, 64) ?? null,
    provider: update.provider,
    provider_event_id: ev.providerEventId?.slice(0, 200) ?? null,
    content_hash: contentHash,
    raw_status: ev.rawStatus?.slice(0, 100) ?? null,
    raw_substatus: ev.rawSubstatus?.slice(0, 100) ?? null,
    raw_payload: {
      status: ev.rawStatus,
      substatus: ev.rawSubstatus,
      description: ev.description,
      location: ev.location,
      time: ev.occurredAtRaw,
      id: ev.providerEventId,
      delivery: update.deliveryId,
    },
  };
}
