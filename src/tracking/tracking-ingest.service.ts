import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { GroupedCall } from '../common/grouped-call';
import { fromRow } from '../database/from-row';
import { SqlParams } from '../database/sql-params';
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
      await this.dataSource.transaction(async (manager) => {
        for (const i of order)
          outcomes[i] = await this.applyOne(manager, items[i].update, items[i].receivedAt);
      });
    } catch (err) {
      if (items.length === 1) return [{ error: err }];
      const results: (ApplyOutcome | { error: unknown })[] = new Array(items.length);
      for (const i of order) {
        try {
          results[i] = await this.dataSource.transaction((manager) =>
            this.applyOne(manager, items[i].update, items[i].receivedAt),
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
   * One update in two statements: the first locks the shipment and reads, in the same breath, which of the
   * update's events are already stored, when its first scan was and the planner's context; the second writes
   * the new events, the new state, the ETA history, cancellations and the new notifications.
   */
  private async applyOne(
    manager: EntityManager,
    update: TrackingUpdate,
    receivedAt: Date,
  ): Promise<ApplyOutcome> {
    const trackingNumber = update.trackingNumber.trim();
    const byHash = new Map<string, TrackingEventInput>();
    for (const ev of update.events) byHash.set(eventContentHash(trackingNumber, ev), ev);
    const { shipment, row } = await this.lockShipment(manager, update, [...byHash.keys()]);

    const seen = row.seen_events as { hash: string; id: string | null }[];
    const seenHashes = new Set(seen.map((e) => e.hash.trim()));
    const seenIds = new Set(seen.map((e) => e.id).filter(Boolean));
    const fresh = [...byHash.entries()].filter(
      ([hash, ev]) => !seenHashes.has(hash) && !(ev.providerEventId && seenIds.has(ev.providerEventId)),
    );
    const inserted = fresh.map(([, ev]) => ev);
    const duplicates = update.events.length - inserted.length;

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

    const sql = new SqlParams();
    const writes: string[] = [];
    if (fresh.length) writes.push(this.insertEventsSql(sql, shipment.id, update, fresh));
    writes.push(
      `UPDATE shipments SET status = ${sql.add(values.status)}, exception_reason = ${sql.add(values.exceptionReason)},
              raw_status = ${sql.add(values.rawStatus)}, raw_substatus = ${sql.add(values.rawSubstatus)},
              eta = ${sql.add(json(values.eta), 'jsonb')}, original_eta = ${sql.add(json(values.originalEta), 'jsonb')},
              last_event_at = ${sql.add(values.lastEventAt, 'timestamptz')},
              delivered_at = ${sql.add(values.deliveredAt, 'timestamptz')},
              collected_at_pickup = ${sql.add(values.collectedAtPickup, 'boolean')},
              pickup = ${sql.add(json(values.pickup), 'jsonb')}, provider = ${sql.add(values.provider)},
              pickup_available_at = ${sql.add(values.pickupAvailableAt, 'timestamptz')}, updated_at = now()
        WHERE id = ${sql.add(shipment.id, 'uuid')}`,
    );
    if (changes.some((c) => c.kind === 'eta_changed')) {
      writes.push(
        `INSERT INTO eta_history (shipment_id, eta, previous_eta, provider)
         VALUES (${sql.add(shipment.id, 'uuid')}, ${sql.add(json(next.eta), 'jsonb')},
                 ${sql.add(json(previousEta), 'jsonb')}, ${sql.add(update.provider)})`,
      );
    }
    const base = changes.length ? this.planner.contextFromRow(row) : null;
    const plan = base
      ? this.planner.decide(base, shipment, changes, { receivedAt, eventOccurredAt: newestTime(inserted) })
      : { base: null, context: null, creates: [], cancels: [] };
    let notifications: Notification[] = [];
    if (plan.base) {
      notifications = await this.planner.write(manager, sql, writes, shipment, plan as Plan);
    } else {
      const [last, ...ctes] = [writes[writes.length - 1], ...writes.slice(0, -1)];
      await manager.query(
        ctes.length ? `WITH ${ctes.map((c, i) => `w${i} AS (${c})`).join(', ')} ${last}` : last,
        sql.values,
      );
    }
    return {
      newEvents: inserted.length,
      duplicates,
      notifications,
      inserted,
      provider: update.provider,
      receivedAt,
    };
  }

  /**
   * Finds the shipment for an update, creating it when the tracking number is new (kept without an order
   * until the order arrives), and locks its row for this transaction. The same statement reads what applyOne
   * needs next. If the row had to be waited for and was changed meanwhile, PostgreSQL hands back the new row
   * but the rest of the statement still reads the snapshot from before the wait, so the statement is read once
   * more, under the lock now held, to see the other writer's events and notifications.
   */
  private async lockShipment(
    manager: EntityManager,
    update: TrackingUpdate,
    hashes: string[],
  ): Promise<{ shipment: Shipment; row: Record<string, unknown> }> {
    const carrier = normaliseCarrier(update.carrier);
    const trackingNumber = update.trackingNumber.trim();
    const stableIds = update.events.map((e) => e.providerEventId).filter((id): id is string => !!id);
    const lockAndRead = async (): Promise<Record<string, unknown>[]> =>
      manager.query(
        `SELECT s.*, s.xmin::text AS row_xmin, pg_current_snapshot()::text AS snapshot,
                s.xmin::text::bigint = pg_current_xact_id_if_assigned()::text::bigint % 4294967296 AS own_row,
                COALESCE((SELECT json_agg(json_build_object('hash', e.content_hash, 'id', e.provider_event_id))
                            FROM tracking_events e
                           WHERE e.shipment_id = s.id
                             AND (e.content_hash = ANY($2::text[])
                                  OR (e.provider = $3 AND e.provider_event_id = ANY($4::text[])))), '[]') AS seen_events,
                (SELECT min(e.occurred_at) FROM tracking_events e WHERE e.shipment_id = s.id) AS first_event_at,
                ${PLAN_CONTEXT_SELECT}
           FROM shipments s ${PLAN_CONTEXT_JOIN}
          WHERE s.tracking_number = $1
            FOR UPDATE OF s`,
        [trackingNumber, hashes, update.provider, stableIds],
      );
    const pick = (rows: Record<string, unknown>[]) => {
      const candidates = rows.map((row) => ({ row, shipment: fromRow(this.dataSource, Shipment, row) }));
      // One parcel per tracking number in practice; the carrier name decides only when two carriers reuse one.
      const match = matchShipment(
        candidates.map((c) => c.shipment),
        carrier,
      );
      return match ? candidates.find((c) => c.shipment === match)! : null;
    };
    let found = pick(await lockAndRead());
    if (!found) {
      await manager.query(
        `INSERT INTO shipments (carrier, tracking_number, status) VALUES ($1, $2, 'unknown') ON CONFLICT DO NOTHING`,
        [carrier, trackingNumber],
      );
      found = pick(await lockAndRead());
      if (!found) throw new Error(`Shipment for ${carrier} could not be created`);
    }
    // A row this transaction wrote itself (an earlier update in the same group) is current by definition.
    const current =
      found.row.own_row === true || visibleInSnapshot(String(found.row.row_xmin), String(found.row.snapshot));
    if (!current) found = pick(await lockAndRead());
    if (!found) throw new Error('Shipment disappeared while locked');
    return found;
  }

  private insertEventsSql(
    sql: SqlParams,
    shipmentId: string,
    update: TrackingUpdate,
    fresh: [string, TrackingEventInput][],
  ): string {
    const rows = fresh.map(([contentHash, ev]) => ({
      status: ev.status,
      reason: ev.reason,
      description: ev.description.slice(0, 2000),
      location: ev.location?.slice(0, 300) ?? null,
      occurred_at: ev.occurredAt?.toISOString() ?? null,
      occurred_at_raw: ev.occurredAtRaw?.slice(0, 64) ?? null,
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
    }));
    // The shipment row lock serialises writers of this shipment, so every fresh row is new; ON CONFLICT is the
    // last guard.
    return `INSERT INTO tracking_events
         (shipment_id, status, reason, description, location, occurred_at, occurred_at_raw, provider,
          provider_event_id, content_hash, raw_status, raw_substatus, raw_payload)
       SELECT ${sql.add(shipmentId, 'uuid')}, x.status, x.reason, x.description, x.location, x.occurred_at,
              x.occurred_at_raw, ${sql.add(update.provider, 'text')}, x.provider_event_id, x.content_hash,
              x.raw_status, x.raw_substatus, x.raw_payload
         FROM json_to_recordset(${sql.add(JSON.stringify(rows), 'json')}) AS x(
                status text, reason text, description text, location text, occurred_at timestamptz,
                occurred_at_raw text, provider_event_id text, content_hash text, raw_status text,
                raw_substatus text, raw_payload jsonb)
       ON CONFLICT DO NOTHING`;
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

/** A jsonb parameter: null stays SQL NULL, anything else is sent as JSON text. */
function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
