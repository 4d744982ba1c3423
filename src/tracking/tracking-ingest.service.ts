import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { NotificationDispatcher } from '../notifications/notification-dispatcher.service';
import { NotificationPlanner } from '../notifications/notification-planner.service';
import type { Notification } from '../notifications/notification.entity';
import { matchShipment, normaliseCarrier } from './carrier';
import { eventContentHash } from './content-hash';
import { EtaHistory } from './eta-history.entity';
import { Shipment } from './shipment.entity';
import { applyUpdate, detectNoScanDelay, ShipmentState } from './shipment-state';
import { TrackingEvent } from './tracking-event.entity';
import { ShipmentDomainEvent, TrackingEventInput, TrackingUpdate } from './tracking.types';

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
    const created: Notification[] = [];
    for (const update of updates) {
      const outcome = await this.dataSource.transaction((manager) =>
        this.applyOne(manager, update, receivedAt),
      );
      result.shipments += 1;
      result.newEvents += outcome.newEvents;
      result.duplicateEvents += outcome.duplicates;
      created.push(...outcome.notifications);
    }
    result.notifications = created.length;
    await this.dispatcher.enqueue(created);
    return result;
  }

  private async applyOne(
    manager: EntityManager,
    update: TrackingUpdate,
    receivedAt: Date,
  ): Promise<{ newEvents: number; duplicates: number; notifications: Notification[] }> {
    const shipment = await this.lockShipment(manager, update);
    const inserted = await this.insertEvents(manager, shipment, update);
    const duplicates = update.events.length - inserted.length;
    this.eventsCounter.inc({ provider: update.provider, outcome: 'new' }, inserted.length);
    if (duplicates) this.eventsCounter.inc({ provider: update.provider, outcome: 'duplicate' }, duplicates);
    for (const ev of inserted) {
      if (ev.occurredAt)
        this.scanLatency.observe(
          { provider: update.provider },
          Math.max(0, (receivedAt.getTime() - ev.occurredAt.getTime()) / 1000),
        );
    }

    // "Before shipping" means before the first carrier scan, not before we first heard of the parcel; only an
    // ETA needs it, so updates without one skip the query.
    let shippedAt: Date = shipment.createdAt;
    if (update.eta || update.originalEta) {
      const [{ first }] = (await manager.query(
        'SELECT min(occurred_at) AS first FROM tracking_events WHERE shipment_id = $1',
        [shipment.id],
      )) as { first: Date | null }[];
      shippedAt = first ?? shipment.createdAt;
    }
    const { next, changes, warnings } = applyUpdate(stateOf(shipment), update, inserted, {
      now: receivedAt,
      shippedAt,
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
    // One UPDATE: save() would read the row again first, and this transaction already holds its lock.
    await manager.update(Shipment, shipment.id, values);
    if (changes.some((c) => c.kind === 'eta_changed')) {
      await manager.insert(EtaHistory, {
        shipmentId: shipment.id,
        eta: next.eta,
        previousEta,
        provider: update.provider,
      });
    }

    const notifications = changes.length
      ? await this.planner.planWithin(manager, shipment, changes, {
          receivedAt,
          eventOccurredAt: newestTime(inserted),
        })
      : [];
    return { newEvents: inserted.length, duplicates, notifications };
  }

  /**
   * Finds the shipment for an update, creating it when the tracking number is new (kept without an order
   * until the order arrives), and locks its row for this transaction.
   */
  private async lockShipment(manager: EntityManager, update: TrackingUpdate): Promise<Shipment> {
    const carrier = normaliseCarrier(update.carrier);
    const trackingNumber = update.trackingNumber.trim();
    const candidates: Shipment[] = await manager
      .createQueryBuilder(Shipment, 's')
      .setLock('pessimistic_write')
      .where('s.tracking_number = :trackingNumber', { trackingNumber })
      .getMany();
    // One parcel per tracking number in practice; the carrier name decides only when two carriers reuse one.
    const match = matchShipment(candidates, carrier);
    if (match) return match;
    await manager
      .createQueryBuilder()
      .insert()
      .into(Shipment)
      .values({ carrier, trackingNumber, status: 'unknown' })
      .orIgnore()
      .execute();
    return manager
      .createQueryBuilder(Shipment, 's')
      .setLock('pessimistic_write')
      .where('s.tracking_number = :trackingNumber AND s.carrier = :carrier', { trackingNumber, carrier })
      .getOneOrFail();
  }

  /** Inserts the events not seen before and returns them; the content hash makes redelivery a no-op. */
  private async insertEvents(
    manager: EntityManager,
    shipment: Shipment,
    update: TrackingUpdate,
  ): Promise<TrackingEventInput[]> {
    if (!update.events.length) return [];
    const byHash = new Map<string, TrackingEventInput>();
    for (const ev of update.events) byHash.set(eventContentHash(shipment.trackingNumber, ev), ev);
    const hashes = [...byHash.keys()];
    const stableIds = update.events.map((e) => e.providerEventId).filter((id): id is string => !!id);
    const existing: { content_hash: string; provider_event_id: string | null }[] = await manager.query(
      `SELECT content_hash, provider_event_id FROM tracking_events
        WHERE shipment_id = $1 AND (content_hash = ANY($2) OR (provider = $3 AND provider_event_id = ANY($4)))`,
      [shipment.id, hashes, update.provider, stableIds],
    );
    const seenHashes = new Set(existing.map((r) => r.content_hash));
    const seenIds = new Set(existing.map((r) => r.provider_event_id).filter(Boolean));
    const fresh = [...byHash.entries()].filter(
      ([hash, ev]) => !seenHashes.has(hash) && !(ev.providerEventId && seenIds.has(ev.providerEventId)),
    );
    if (!fresh.length) return [];
    const rows = fresh.map(([contentHash, ev]) => ({
      shipmentId: shipment.id,
      status: ev.status,
      reason: ev.reason,
      description: ev.description.slice(0, 2000),
      location: ev.location?.slice(0, 300) ?? null,
      occurredAt: ev.occurredAt,
      occurredAtRaw: ev.occurredAtRaw?.slice(0, 64) ?? null,
      provider: update.provider,
      providerEventId: ev.providerEventId?.slice(0, 200) ?? null,
      contentHash,
      rawStatus: ev.rawStatus?.slice(0, 100) ?? null,
      rawSubstatus: ev.rawSubstatus?.slice(0, 100) ?? null,
      rawPayload: {
        status: ev.rawStatus,
        substatus: ev.rawSubstatus,
        description: ev.description,
        location: ev.location,
        time: ev.occurredAtRaw,
        id: ev.providerEventId,
        delivery: update.deliveryId,
      },
    }));
    // The shipment row lock serialises writers of this shipment, so every fresh row is inserted;
    // ON CONFLICT DO NOTHING stays as the last guard.
    await manager.createQueryBuilder().insert().into(TrackingEvent).values(rows).orIgnore().execute();
    return fresh.map(([, ev]) => ev);
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
