import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Histogram } from './histogram';

/**
 * One row per shipment that has had a carrier scan: what the delivery figures need, derived from its events,
 * ETA history and order, and kept current by AnalyticsRefresher as events arrive. Analytics reads these and the
 * daily rollups below, never the event table.
 */
@Entity('shipment_facts')
@Index('ix_shipment_facts_cohort', ['cohortDate', 'carrier', 'service', 'destinationCountry'])
// The stuck count answers from this index alone: open shipments only, with their last scan and carrier.
@Index('ix_shipment_facts_stuck', ['cohortDate', 'lastEventAt', 'carrier'], {
  where: `status IN ('in_transit', 'out_for_delivery')`,
})
// The late shipments behind the on-time rate, newest first, without reading every fact of the range.
@Index('ix_shipment_facts_late', ['cohortDate', 'shipmentId'], { where: 'NOT on_time' })
export class ShipmentFacts {
  @PrimaryColumn({ name: 'shipment_id', type: 'uuid' })
  shipmentId: string;

  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ type: 'varchar', length: 50 })
  carrier: string;

  /** '' when unknown, so that it can be part of a key. */
  @Column({ type: 'varchar', length: 60, default: '' })
  service: string;

  @Column({ name: 'destination_country', type: 'varchar', length: 2, default: '' })
  destinationCountry: string;

  /** The first carrier scan's date in the store's time zone. */
  @Column({ name: 'cohort_date', type: 'date' })
  cohortDate: string;

  @Column({ name: 'first_scan_at', type: 'timestamptz' })
  firstScanAt: Date;

  @Column({ name: 'first_attempt_at', type: 'timestamptz', nullable: true })
  firstAttemptAt: Date | null;

  @Column({ name: 'first_attempt_status', type: 'varchar', length: 30, nullable: true })
  firstAttemptStatus: string | null;

  @Column({ name: 'promise_date', type: 'date', nullable: true })
  promiseDate: string | null;

  @Column({ name: 'on_time', type: 'boolean', nullable: true })
  onTime: boolean | null;

  @Column({ name: 'transit_days', type: 'integer', nullable: true })
  transitDays: number | null;

  @Column({ name: 'first_scan_hours', type: 'integer', nullable: true })
  firstScanHours: number | null;

  @Column({ name: 'exception_reasons', type: 'jsonb', default: [] })
  exceptionReasons: string[];

  @Column({ name: 'has_exception', type: 'boolean', default: false })
  hasException: boolean;

  @Column({ type: 'varchar', length: 30 })
  status: string;

  @Column({ name: 'last_event_at', type: 'timestamptz', nullable: true })
  lastEventAt: Date | null;

  @Column({ name: 'latency_minutes', type: 'jsonb', default: {} })
  latencyMinutes: Histogram;
}

/** The delivery measures of a rollup row, summed from ShipmentFacts: the same columns in the daily and weekly tables. */
abstract class DeliveryMeasures {
  @Column({ type: 'integer' }) shipments: number;
  @Column({ name: 'with_attempt', type: 'integer' }) withAttempt: number;
  @Column({ name: 'delivered_first', type: 'integer' }) deliveredFirst: number;
  @Column({ name: 'with_promise', type: 'integer' }) withPromise: number;
  @Column({ name: 'on_time', type: 'integer' }) onTime: number;
  @Column({ name: 'with_exception', type: 'integer' }) withException: number;
  @Column({ type: 'integer' }) lost: number;
  @Column({ type: 'integer' }) returned: number;
  @Column({ name: 'exception_reasons', type: 'jsonb' }) exceptionReasons: Record<string, number>;
  @Column({ name: 'transit_days', type: 'jsonb' }) transitDays: Histogram;
  @Column({ name: 'first_scan_hours', type: 'jsonb' }) firstScanHours: Histogram;
  @Column({ name: 'latency_minutes', type: 'jsonb' }) latencyMinutes: Histogram;
}

/** Delivery figures per first-scan day, carrier, service and destination country, summed from ShipmentFacts. */
@Entity('analytics_delivery_daily')
export class DeliveryDaily extends DeliveryMeasures {
  @PrimaryColumn({ name: 'cohort_date', type: 'date' })
  cohortDate: string;

  @PrimaryColumn({ type: 'varchar', length: 50 })
  carrier: string;

  @PrimaryColumn({ type: 'varchar', length: 60 })
  service: string;

  @PrimaryColumn({ name: 'destination_country', type: 'varchar', length: 2 })
  destinationCountry: string;
}

/**
 * The daily rows summed per ISO week (the Monday of cohort_date), carrier, service and destination country: a long
 * range reads whole weeks here and only its partial weeks from the daily rows. Kept with the daily rows.
 */
@Entity('analytics_delivery_weekly')
export class DeliveryWeekly extends DeliveryMeasures {
  @PrimaryColumn({ type: 'date' }) week: string;
  @PrimaryColumn({ type: 'varchar', length: 50 }) carrier: string;
  @PrimaryColumn({ type: 'varchar', length: 60 }) service: string;
  @PrimaryColumn({ name: 'destination_country', type: 'varchar', length: 2 }) destinationCountry: string;
}

/** Message outcomes per day (store zone, by creation), channel and type. */
@Entity('analytics_message_daily')
export class MessageDaily {
  @PrimaryColumn({ type: 'date' }) day: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) channel: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) type: string;
  @Column({ type: 'integer' }) planned: number;
  @Column({ type: 'integer' }) sent: number;
  @Column({ type: 'integer' }) delivered: number;
  @Column({ type: 'integer' }) failed: number;
  @Column({ name: 'opted_out', type: 'integer' }) optedOut: number;
  @Column({ type: 'integer' }) segments: number;
}

/** Chat conversations per day (store zone, by start) and channel. */
@Entity('analytics_chat_daily')
export class ChatDaily {
  @PrimaryColumn({ type: 'date' }) day: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) channel: string;
  @Column({ type: 'integer' }) conversations: number;
  @Column({ type: 'integer' }) verified: number;
  @Column({ name: 'handed_off', type: 'integer' }) handedOff: number;
}

/** Tracking-page views per day (UTC, as counted) and source. */
@Entity('analytics_page_views_daily')
export class PageViewsDaily {
  @PrimaryColumn({ type: 'date' }) day: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) source: string;
  @Column({ type: 'integer' }) views: number;
}

/** Shipments by the day (store zone) their first message was sent: the denominator of views per notified shipment. */
@Entity('analytics_notified_daily')
export class NotifiedDaily {
  @PrimaryColumn({ type: 'date' }) day: string;
  @Column({ type: 'integer' }) shipments: number;
}

/** Where the incremental refresh got to. One row. */
@Entity('analytics_state')
export class AnalyticsState {
  @PrimaryColumn({ type: 'integer', default: 1 }) id: number;
  @Column({ name: 'events_watermark', type: 'timestamptz', nullable: true }) eventsWatermark: Date | null;
  /** The oldest transaction id (mod 2³²) still running when the last refresh looked for new events. */
  @Column({ name: 'events_xmin', type: 'bigint', nullable: true }) eventsXmin: string | null;
  @Column({ name: 'store_time_zone', type: 'varchar', length: 64, nullable: true }) storeTimeZone:
    string | null;
}

export const ANALYTICS_ENTITIES = [
  ShipmentFacts,
  DeliveryDaily,
  DeliveryWeekly,
  MessageDaily,
  ChatDaily,
  PageViewsDaily,
  NotifiedDaily,
  AnalyticsState,
];
