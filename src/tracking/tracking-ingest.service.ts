import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { GroupedCall } from '../common/grouped-call';
import { retryOnConflict } from '../database/transient-errors';
import { MetricsService } from '../metrics/metrics.service';
import { NotificationDispatcher } from '../notifications/notification-dispatcher.service';
import { NotificationPlanner, Plan } from '../notifications/notification-planner.service';
import type { Notification } from '../notifications/notification.entity';
import { DeliveryEstimates } from '../predictions/delivery-estimates.service';
import { CLOCK, type Clock } from '../shared/clock';
import type { ShipmentDomainEvent, TrackingEventInput, TrackingUpdate } from '../shared/tracking.types';
import { applyToShipment, newestTime, type ShipmentUpdateResult } from './shipment-update';
import { Shipment } from './shipment.entity';
import { type LockedShipment, TrackingRepository, type RoundWrites } from './tracking.repository';

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
 * of one status change"); notification ids are enqueued after commit. This class is the group commit and its
 * rounds; the statements are TrackingRepository's, the state change is shipment-update.ts, and what to tell the
 * customer is the notification planner's (it returns parts and writes them with its own repository).
 */
@Injectable()
export class TrackingIngestService {
  private readonly logger = new Logger(TrackingIngestService.name);
  private readonly eventsCounter;
  private readonly scanLatency;

  constructor(
    private readonly dataSource: DataSource,
    private readonly shipments: TrackingRepository,
    private readonly planner: NotificationPlanner,
    private readonly dispatcher: NotificationDispatcher,
    private readonly estimates: DeliveryEstimates,
    @Inject(CLOCK) private readonly clock: Clock,
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

  async ingest(updates: TrackingUpdate[], receivedAt = this.clock.now()): Promise<IngestResult> {
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
   * round waits for the next, and sees the first one's result). Each round is a few statements whatever its size:
   * tracking's lock-and-read (stored events, first scan) and write (events, new states, ETA history), and, when
   * something changed, the planner's context read and its write (cancellations, new notifications).
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
    const locked = await this.shipments.lockShipments(
      manager,
      items.map((i) => i.update),
    );
    const writes: RoundWrites = { events: [], states: [], etas: [] };
    const applied = items.map(({ update, receivedAt }, k) => {
      const result = applyToShipment(locked[k], update, receivedAt);
      for (const warning of result.warnings)
        this.logger.warn({ shipmentId: locked[k].shipment.id, provider: update.provider }, warning);
      writes.events.push(...result.eventRows);
      writes.states.push({ ...result.stateRow, ...this.estimateColumns(locked[k], result, receivedAt) });
      if (result.etaRow) writes.etas.push(result.etaRow);
      return result;
    });
    await this.shipments.writeRound(manager, writes);

    const changed = locked.filter((_, k) => applied[k].changes.length).map((l) => l.shipment);
    const contexts = await this.planner.contexts(manager, changed);
    const plans: { shipment: Shipment; plan: Plan }[] = [];
    items.forEach(({ receivedAt }, k) => {
      const { shipment } = locked[k];
      const base = applied[k].changes.length ? contexts.get(shipment.id) : undefined;
      if (!base) return;
      const plan = this.planner.decide(base, shipment, applied[k].changes, {
        receivedAt,
        eventOccurredAt: newestTime(applied[k].inserted),
      });
      plans.push({ shipment, plan });
    });
    const created = await this.planner.write(manager, plans);
    return items.map(({ update, receivedAt }, k) => ({
      newEvents: applied[k].inserted.length,
      duplicates: applied[k].duplicates,
      notifications: created.get(locked[k].shipment.id) ?? [],
      inserted: applied[k].inserted,
      provider: update.provider,
      receivedAt,
    }));
  }

  /**
   * Our delivery estimate after this update (issue 20), computed in memory from the cached model and folded into
   * the round's shipment UPDATE: re-predicted at each new scan, the source to show, the scores at delivery.
   */
  private estimateColumns(
    locked: LockedShipment,
    result: ShipmentUpdateResult,
    receivedAt: Date,
  ): Record<string, unknown> {
    const { shipment } = locked;
    const columns =
      result.inserted.length || result.changes.length
        ? this.estimates.forScan(
            {
              carrier: shipment.carrier,
              service: shipment.service,
              status: shipment.status,
              eta: shipment.eta,
              originalEta: shipment.originalEta,
              deliveredAt: shipment.deliveredAt,
              estimate: shipment.estimate,
              firstEstimate: shipment.firstEstimate,
              etaSource: shipment.etaSource,
              estimateError: shipment.estimateError,
              carrierEtaError: shipment.carrierEtaError,
              destination: locked.destination,
              scans: result.inserted,
            },
            receivedAt,
          )
        : {};
    Object.assign(shipment, columns);
    return {
      estimate: shipment.estimate,
      first_estimate: shipment.firstEstimate,
      eta_source: shipment.etaSource,
      estimate_error: shipment.estimateError,
      estimate_hit: shipment.estimateHit,
      carrier_eta_error: shipment.carrierEtaError,
    };
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
