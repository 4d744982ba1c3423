import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { distinctCarrierNames } from '../carriers/carrier-registry';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { parseCalendarDate } from '../tracking/eta';
import {
  type DailyRow,
  type DeliveryFigures,
  type DeliveryGroup,
  figuresOf,
  groupKey,
  rate,
  weekOf,
  wholeWeeks,
} from './delivery-rollup';

/** The longest range one request may ask for: two years of daily rows is still a small read. */
const MAX_RANGE_DAYS = 731;
const DEFAULT_RANGE_DAYS = 28;

export interface DateRange {
  from: string;
  to: string;
}

export interface DeliveryReport extends DeliveryFigures, DateRange {
  stuck: number;
  groups: ({ key: string; name?: string } & DeliveryFigures)[];
}

interface MessageCounts {
  planned: number;
  sent: number;
  delivered: number;
  failed: number;
  optedOut: number;
  smsSegments: number;
  deliveryRate: number | null;
  failureRate: number | null;
}

export interface MessageReport extends MessageCounts, DateRange {
  byChannel: Record<string, MessageCounts>;
  /** Tracking-page views in the range (by source) against the shipments first notified in it. */
  trackingPage: {
    views: number;
    bySource: Record<string, number>;
    notifiedShipments: number;
    viewsPerNotifiedShipment: number | null;
  };
  groups: ({ key: string } & MessageCounts)[];
}

interface ChatCounts {
  conversations: number;
  verified: number;
  handedOff: number;
  contained: number;
  handOffRate: number | null;
  containmentRate: number | null;
  verificationRate: number | null;
}

export interface ChatReport extends ChatCounts, DateRange {
  groups: ({ key: string } & ChatCounts)[];
}

interface MessageRow {
  day: string;
  channel: string;
  type: string;
  planned: number;
  sent: number;
  delivered: number;
  failed: number;
  optedOut: number;
  segments: number;
}

export const MESSAGE_GROUPS = ['channel', 'type', 'week'] as const;
export const CHAT_GROUPS = ['channel', 'week'] as const;
export const SHIPMENT_FILTERS = [
  'all',
  'attempted',
  'delivered_first',
  'failed_first',
  'with_promise',
  'on_time',
  'late',
  'exception',
  'lost',
  'returned',
  'stuck',
] as const;
export type ShipmentFilter = (typeof SHIPMENT_FILTERS)[number];

const FILTER_SQL: Record<ShipmentFilter, string> = {
  all: 'TRUE',
  attempted: 'f.first_attempt_status IS NOT NULL',
  delivered_first: `f.first_attempt_status = 'delivered'`,
  failed_first: `f.first_attempt_status IN ('attempt_failed', 'available_for_pickup')`,
  with_promise: 'f.on_time IS NOT NULL',
  on_time: 'f.on_time',
  late: 'NOT f.on_time',
  exception: 'f.has_exception',
  lost: `f.exception_reasons @> '["lost"]'`,
  returned: `f.status = 'returned'`,
  stuck: `f.status IN ('in_transit', 'out_for_delivery') AND f.last_event_at < now() - make_interval(days => $STUCK)`,
};

export interface ShipmentSlice {
  carrier?: string;
  service?: string;
  destinationCountry?: string;
  week?: string;
  reason?: string;
}

/** Answers the analytics API from the rollups (never the event table), in the store's time zone. */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Checks `from`/`to` (`YYYY-MM-DD`, `[from, to)`); without them, the last 28 days up to today. */
  range(from?: string, to?: string): DateRange {
    const problems: { field: string; message: string }[] = [];
    const read = (field: string, value: string | undefined) => {
      if (value === undefined) return undefined;
      const date = parseCalendarDate(value);
      if (!date) problems.push({ field, message: `${field} must be a date as YYYY-MM-DD, got "${value}"` });
      return date ?? undefined;
    };
    let start = read('from', from);
    let end = read('to', to);
    if (problems.length)
      throw new AppException('validation_failed', problems[0].message, { errors: problems });
    const today = DateTime.now().setZone(this.config.analytics.storeTimeZone).toISODate()!;
    end ??= addDays(today, 1);
    start ??= addDays(end, -DEFAULT_RANGE_DAYS);
    if (start > end) {
      throw new AppException('validation_failed', `from (${start}) is after to (${end})`, {
        errors: [{ field: 'from', message: 'must not be after to' }],
      });
    }
    if (daysBetween(start, end) > MAX_RANGE_DAYS) {
      throw new AppException('validation_failed', `The range is longer than ${MAX_RANGE_DAYS} days`, {
        errors: [{ field: 'to', message: `at most ${MAX_RANGE_DAYS} days after from` }],
      });
    }
    return { from: start, to: end };
  }

  /**
   * The range's whole ISO weeks come from the weekly rollups and only its partial weeks at either end from the
   * daily ones (a week's row is the sum of its days' rows, so the figures are the same either way): a year is
   * about 53 rows per carrier × service × country instead of 365. The stuck count reads its partial index only.
   */
  async delivery(range: DateRange, groupBy?: DeliveryGroup, carrier?: string): Promise<DeliveryReport> {
    const { weeksFrom, weeksTo } = wholeWeeks(range);
    const [rows, [{ stuck }]]: [DailyRow[], { stuck: number }[]] = await Promise.all([
      this.db.query(
        `SELECT to_char(week, 'YYYY-MM-DD') AS cohort_date, ${ROLLUP_COLUMNS}
           FROM analytics_delivery_weekly
          WHERE week >= $3 AND week < $4 AND ($5::text IS NULL OR carrier = $5)
         UNION ALL
         SELECT to_char(cohort_date, 'YYYY-MM-DD'), ${ROLLUP_COLUMNS}
           FROM analytics_delivery_daily
          WHERE cohort_date >= $1 AND cohort_date < $2 AND (cohort_date < $3 OR cohort_date >= $4)
            AND ($5::text IS NULL OR carrier = $5)`,
        [range.from, range.to, weeksFrom, weeksTo, carrier ?? null],
      ),
      this.db.query(
        `SELECT count(*)::int AS stuck FROM shipment_facts f
          WHERE f.cohort_date >= $1 AND f.cohort_date < $2 AND ($3::text IS NULL OR f.carrier = $3)
            AND f.status IN ('in_transit', 'out_for_delivery') AND f.last_event_at < now() - make_interval(days => $4)`,
        [range.from, range.to, carrier ?? null, this.config.tracking.noScanDelayDays],
      ),
    ]);
    const groups = groupBy ? this.grouped(rows, (r) => groupKey(r, groupBy)) : [];
    const names = groupBy === 'carrier' ? distinctCarrierNames(groups.map(([key]) => key)) : null;
    return {
      ...range,
      ...figuresOf(rows),
      stuck,
      // A carrier group also carries the name shoppers and agents know it by; `key` stays the canonical id.
      groups: groups.map(([key, members]) => ({
        key,
        ...(names ? { name: names.get(key) } : {}),
        ...figuresOf(members),
      })),
    };
  }

  async messages(range: DateRange, groupBy?: (typeof MESSAGE_GROUPS)[number]): Promise<MessageReport> {
    const typed: MessageRow[] = await this.db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, channel, type, planned, sent, delivered, failed,
              opted_out AS "optedOut", segments
         FROM analytics_message_daily WHERE day >= $1 AND day < $2`,
      [range.from, range.to],
    );
    type Row = MessageRow;
    const counts = (members: Row[]): MessageCounts => {
      const total = (k: keyof Row) => members.reduce((sum, r) => sum + Number(r[k]), 0);
      const sent = total('sent');
      return {
        planned: total('planned'),
        sent,
        delivered: total('delivered'),
        failed: total('failed'),
        optedOut: total('optedOut'),
        smsSegments: members
          .filter((r) => r.channel === 'sms')
          .reduce((sum, r) => sum + Number(r.segments), 0),
        deliveryRate: rate(total('delivered'), sent),
        failureRate: rate(total('failed'), total('failed') + sent),
      };
    };
    const keyOf = (r: Row) => (groupBy === 'week' ? weekOf(r.day) : groupBy === 'type' ? r.type : r.channel);
    const views: { source: string; views: number }[] = await this.db.query(
      `SELECT source, sum(views)::int AS views FROM analytics_page_views_daily
        WHERE day >= $1 AND day < $2 GROUP BY source ORDER BY source`,
      [range.from, range.to],
    );
    const [{ notified }] = await this.db.query(
      `SELECT coalesce(sum(shipments), 0)::int AS notified FROM analytics_notified_daily WHERE day >= $1 AND day < $2`,
      [range.from, range.to],
    );
    const totalViews = views.reduce((sum, v) => sum + v.views, 0);
    return {
      ...range,
      ...counts(typed),
      trackingPage: {
        views: totalViews,
        bySource: Object.fromEntries(views.map((v) => [v.source, v.views])),
        notifiedShipments: notified,
        viewsPerNotifiedShipment: rate(totalViews, notified),
      },
      byChannel: Object.fromEntries(this.grouped(typed, (r) => r.channel).map(([k, m]) => [k, counts(m)])),
      groups: groupBy ? this.grouped(typed, keyOf).map(([key, m]) => ({ key, ...counts(m) })) : [],
    };
  }

  async chat(range: DateRange, groupBy?: (typeof CHAT_GROUPS)[number]): Promise<ChatReport> {
    type Row = { day: string; channel: string; conversations: number; verified: number; handedOff: number };
    const rows: Row[] = await this.db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, channel, conversations, verified, handed_off AS "handedOff"
         FROM analytics_chat_daily WHERE day >= $1 AND day < $2`,
      [range.from, range.to],
    );
    const counts = (members: Row[]): ChatCounts => {
      const total = (k: 'conversations' | 'verified' | 'handedOff') =>
        members.reduce((sum, r) => sum + Number(r[k]), 0);
      const conversations = total('conversations');
      const handedOff = total('handedOff');
      return {
        conversations,
        verified: total('verified'),
        handedOff,
        contained: conversations - handedOff,
        handOffRate: rate(handedOff, conversations),
        containmentRate: rate(conversations - handedOff, conversations),
        verificationRate: rate(total('verified'), conversations),
      };
    };
    const keyOf = (r: Row) => (groupBy === 'week' ? weekOf(r.day) : r.channel);
    return {
      ...range,
      ...counts(rows),
      groups: groupBy ? this.grouped(rows, keyOf).map(([key, m]) => ({ key, ...counts(m) })) : [],
    };
  }

  /** The shipments behind a figure: the dashboard's drill-down, newest cohort first. */
  async shipments(
    range: DateRange,
    filter: ShipmentFilter,
    slice: ShipmentSlice,
    limit: number,
    offset: number,
  ) {
    const params: unknown[] = [range.from, range.to];
    const where = [`f.cohort_date >= $1`, `f.cohort_date < $2`];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (slice.carrier !== undefined) add('f.carrier = ?', slice.carrier);
    if (slice.service !== undefined) add('f.service = ?', slice.service);
    if (slice.destinationCountry !== undefined) add('f.destination_country = ?', slice.destinationCountry);
    if (slice.week !== undefined) {
      const monday = parseCalendarDate(slice.week);
      if (!monday) throw new AppException('validation_failed', `week must be a date as YYYY-MM-DD`);
      add(`f.cohort_date >= ?::date`, weekOf(monday));
      add(`f.cohort_date < ?::date + 7`, weekOf(monday));
    }
    if (slice.reason !== undefined) add('f.exception_reasons @> jsonb_build_array(?::text)', slice.reason);
    if (filter === 'stuck') params.push(this.config.tracking.noScanDelayDays);
    const filterSql = FILTER_SQL[filter].replace('$STUCK', `$${params.length}`);
    params.push(limit, offset);
    const rows = await this.db.query(
      `SELECT f.shipment_id AS "shipmentId", o.external_id AS "orderId", f.carrier, s.tracking_number AS "trackingNumber",
              f.status, to_char(f.cohort_date, 'YYYY-MM-DD') AS "cohortDate", f.first_attempt_at AS "firstAttemptAt",
              f.first_attempt_status AS "firstAttemptStatus", to_char(f.promise_date, 'YYYY-MM-DD') AS "promiseDate",
              f.on_time AS "onTime", f.transit_days AS "transitDays", f.exception_reasons AS "exceptionReasons"
         FROM shipment_facts f
         JOIN shipments s ON s.id = f.shipment_id
         LEFT JOIN orders o ON o.id = f.order_id
        WHERE ${where.join(' AND ')} AND ${filterSql}
        ORDER BY f.cohort_date DESC, f.shipment_id
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { ...range, filter, ...slice, shipments: rows };
  }

  private grouped<T>(rows: T[], keyOf: (row: T) => string): [string, T[]][] {
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const members = groups.get(key);
      if (members) members.push(row);
      else groups.set(key, [row]);
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  }
}

const ROLLUP_COLUMNS = `carrier, service, destination_country, shipments, with_attempt, delivered_first,
       with_promise, on_time, with_exception, lost, returned, exception_reasons, transit_days, first_scan_hours,
       latency_minutes`;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
